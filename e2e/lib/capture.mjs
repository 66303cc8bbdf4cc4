// Init scripts for pages of SFU tests: a small capture size (many pages share two cores) and a
// count of the peer connections the page made.

/** getUserMedia asks for `width`x`height` at `fps`, whatever the app requested. */
export function smallCamera({ width = 320, height = 240, fps = 10 } = {}) {
  return `(() => {
    const md = navigator.mediaDevices
    const get = md.getUserMedia.bind(md)
    md.getUserMedia = (c = {}) => {
      if (c.video) {
        const base = typeof c.video === 'object' ? c.video : {}
        c = { ...c, video: { ...base, width: { ideal: ${width} }, height: { ideal: ${height} }, frameRate: { ideal: ${fps}, max: ${fps} } } }
      }
      return get(c)
    }
  })()`
}

/** window.__pcCount(): peer connections created by the page so far; __pcOpen(): not closed yet. */
export function countPeerConnections() {
  return `(() => {
    const Base = window.RTCPeerConnection
    const all = []
    window.RTCPeerConnection = class extends Base {
      constructor(...args) {
        super(...args)
        all.push(this)
      }
    }
    window.__pcCount = () => all.length
    window.__pcOpen = () => all.filter((pc) => pc.connectionState !== 'closed').length
  })()`
}

export const sfuPageInit = `${smallCamera()};${countPeerConnections()}`
