// Reads WebRTC stats through the page's debug hook (window.__confab, see web/README.md).
import { timeouts } from './timeouts.mjs'
import { budget, waitFor } from './wait.mjs'

/**
 * Per remote peer: decoded video frames and received audio packets, summed over its streams
 * (its RTP receivers: on its own peer connection in a mesh, on the shared one in an SFU room).
 */
export function inboundStats(page) {
  return page.evaluate(async () => {
    const out = {}
    for (const [id, receivers] of Object.entries(window.__confab?.receiversByPeer() ?? {})) {
      const s = { framesDecoded: 0, audioPackets: 0 }
      for (const receiver of receivers) {
        const report = await receiver.getStats()
        report.forEach((r) => {
          if (r.type !== 'inbound-rtp') return
          if (r.kind === 'video') s.framesDecoded += r.framesDecoded ?? 0
          if (r.kind === 'audio') s.audioPackets += r.packetsReceived ?? 0
        })
      }
      out[id] = s
    }
    return out
  })
}

/**
 * Waits until the page receives video and audio from exactly `peerIds`, then checks that both
 * counters keep rising over a further interval (media flows, not a single burst). Both steps
 * share one budget (default: media).
 */
export async function expectMediaFrom(page, peerIds, { timeoutMs = timeouts.media, label = 'page' } = {}) {
  const b = budget(timeoutMs)
  const ok = (s) => peerIds.every((id) => s[id] && s[id].framesDecoded > 0 && s[id].audioPackets > 0)
  const first = await waitFor(async () => {
    const s = await inboundStats(page)
    return ok(s) ? s : null
  }, { timeoutMs: b.left(), what: `${label}: video and audio from ${peerIds.join(', ')}` })
  await waitFor(async () => {
    const s = await inboundStats(page)
    return peerIds.every(
      (id) => s[id].framesDecoded > first[id].framesDecoded + 10 && s[id].audioPackets > first[id].audioPackets + 10,
    )
  }, { timeoutMs: b.left(), what: `${label}: rising frames and packets from ${peerIds.join(', ')}` })
}

export async function remoteVideoCount(page) {
  return page.locator('[data-testid=remote-video]').count()
}

/** Per remote peer: the height of the video frames it decodes now (its camera's inbound-rtp). */
export function videoFrameHeights(page) {
  return page.evaluate(async () => {
    const out = {}
    for (const [id, receivers] of Object.entries(window.__confab?.receiversByPeer() ?? {})) {
      for (const receiver of receivers) {
        if (receiver.track?.kind !== 'video') continue
        const report = await receiver.getStats()
        report.forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video' && r.frameHeight) {
            out[id] = Math.max(out[id] ?? 0, r.frameHeight)
          }
        })
      }
    }
    return out
  })
}
