/**
 * Records the meeting as the user sees it: every visible tile drawn onto a canvas where it sits
 * on screen, plus a WebAudio mix of all audio, encoded by MediaRecorder to WebM.
 */
export interface TileFrame {
  video: HTMLVideoElement | null
  /** Position on the stage, each value 0..1 of the stage's width/height. */
  x: number
  y: number
  w: number
  h: number
  label: string
}

export interface RecorderSources {
  tiles(): TileFrame[]
  audioTracks(): MediaStreamTrack[]
}

export function recorderSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement.prototype.captureStream === 'function'
}

export function pickMimeType(isSupported: (t: string) => boolean): string {
  const candidates = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm']
  return candidates.find((t) => isSupported(t)) ?? ''
}

export class MeetingRecorder {
  private readonly canvas: HTMLCanvasElement
  private readonly ctx2d: CanvasRenderingContext2D
  private readonly audio: AudioContext
  private readonly mixDest: MediaStreamAudioDestinationNode
  private readonly audioNodes = new Map<string, MediaStreamAudioSourceNode>()
  private recorder: MediaRecorder | null = null
  private chunks: Blob[] = []
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly sources: RecorderSources
  startedAt = 0

  constructor(sources: RecorderSources, audio: AudioContext, width = 1280, height = 720) {
    this.sources = sources
    this.audio = audio
    this.canvas = document.createElement('canvas')
    this.canvas.width = width
    this.canvas.height = height
    const ctx = this.canvas.getContext('2d')
    if (!ctx) throw new Error('canvas 2d unavailable')
    this.ctx2d = ctx
    this.mixDest = audio.createMediaStreamDestination()
  }

  start(fps = 15): void {
    this.draw()
    this.syncAudio()
    const stream = new MediaStream([
      ...this.canvas.captureStream(fps).getVideoTracks(),
      ...this.mixDest.stream.getAudioTracks(),
    ])
    const mimeType = pickMimeType((t) => MediaRecorder.isTypeSupported(t))
    this.recorder = new MediaRecorder(stream, mimeType ? { mimeType, videoBitsPerSecond: 2_500_000 } : {})
    this.chunks = []
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data)
    }
    this.recorder.start(1000)
    this.startedAt = Date.now()
    // A timer, not requestAnimationFrame: rAF stops while the tab is hidden.
    this.timer = setInterval(() => {
      this.draw()
      this.syncAudio()
    }, 1000 / fps)
  }

  /** Resolves with the whole recording once the encoder has flushed. */
  stop(): Promise<Blob> {
    const rec = this.recorder
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const done = new Promise<Blob>((resolve) => {
      if (!rec || rec.state === 'inactive') {
        resolve(new Blob(this.chunks, { type: 'video/webm' }))
        return
      }
      rec.onstop = () => resolve(new Blob(this.chunks, { type: rec.mimeType || 'video/webm' }))
      rec.stop()
    })
    return done.finally(() => {
      rec?.stream.getTracks().forEach((t) => t.stop())
      for (const n of this.audioNodes.values()) n.disconnect()
      this.audioNodes.clear()
      this.recorder = null
    })
  }

  private syncAudio(): void {
    const live = new Map(this.sources.audioTracks().filter((t) => t.readyState === 'live').map((t) => [t.id, t]))
    for (const [id, node] of this.audioNodes) {
      if (!live.has(id)) {
        node.disconnect()
        this.audioNodes.delete(id)
      }
    }
    for (const [id, track] of live) {
      if (this.audioNodes.has(id)) continue
      const node = this.audio.createMediaStreamSource(new MediaStream([track]))
      node.connect(this.mixDest)
      this.audioNodes.set(id, node)
    }
  }

  private draw(): void {
    const { canvas, ctx2d: g } = this
    g.fillStyle = '#111318'
    g.fillRect(0, 0, canvas.width, canvas.height)
    for (const t of this.sources.tiles()) {
      const x = t.x * canvas.width
      const y = t.y * canvas.height
      const w = t.w * canvas.width
      const h = t.h * canvas.height
      g.fillStyle = '#23262e'
      g.fillRect(x, y, w, h)
      const v = t.video
      if (v && v.readyState >= 2 && v.videoWidth > 0) {
        // Same "contain" fit as the tile on screen.
        const s = Math.min(w / v.videoWidth, h / v.videoHeight)
        const dw = v.videoWidth * s
        const dh = v.videoHeight * s
        g.drawImage(v, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh)
      }
      g.font = `${Math.max(12, Math.round(h / 14))}px sans-serif`
      g.fillStyle = 'rgba(0,0,0,0.55)'
      const tw = g.measureText(t.label).width + 12
      g.fillRect(x + 6, y + h - 30, tw, 24)
      g.fillStyle = '#fff'
      g.fillText(t.label, x + 12, y + h - 12)
    }
  }
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
