/** Connection quality of one peer from two getStats() samples. */
export interface StatsSample {
  at: number
  rttMs: number | null
  packetsReceived: number
  packetsLost: number
  bytesReceived: number
  bytesSent: number
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown'

export interface Quality {
  level: QualityLevel
  rttMs: number | null
  lossPct: number
  inKbps: number
  outKbps: number
}

interface StatLike {
  type: string
  [k: string]: unknown
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

export function sampleFromReport(report: Iterable<StatLike> | RTCStatsReport, at: number): StatsSample {
  const s: StatsSample = { at, rttMs: null, packetsReceived: 0, packetsLost: 0, bytesReceived: 0, bytesSent: 0 }
  const entries: StatLike[] = []
  ;(report as { forEach(cb: (v: StatLike) => void): void }).forEach((v) => entries.push(v))
  for (const r of entries) {
    if (r.type === 'inbound-rtp') {
      s.packetsReceived += num(r.packetsReceived)
      s.packetsLost += num(r.packetsLost)
      s.bytesReceived += num(r.bytesReceived)
    } else if (r.type === 'outbound-rtp') {
      s.bytesSent += num(r.bytesSent)
    } else if (r.type === 'candidate-pair' && (r.nominated || r.selected) && r.state === 'succeeded') {
      if (typeof r.currentRoundTripTime === 'number') s.rttMs = Math.round(r.currentRoundTripTime * 1000)
    }
  }
  return s
}

export function qualityBetween(prev: StatsSample | null, cur: StatsSample): Quality {
  if (!prev || cur.at <= prev.at) {
    return { level: 'unknown', rttMs: cur.rttMs, lossPct: 0, inKbps: 0, outKbps: 0 }
  }
  const secs = (cur.at - prev.at) / 1000
  const received = Math.max(0, cur.packetsReceived - prev.packetsReceived)
  const lost = Math.max(0, cur.packetsLost - prev.packetsLost)
  const lossPct = received + lost > 0 ? (lost / (received + lost)) * 100 : 0
  const inKbps = Math.round(((cur.bytesReceived - prev.bytesReceived) * 8) / secs / 1000)
  const outKbps = Math.round(((cur.bytesSent - prev.bytesSent) * 8) / secs / 1000)
  const rtt = cur.rttMs ?? 0
  let level: QualityLevel = 'good'
  if (lossPct > 8 || rtt > 600) level = 'poor'
  else if (lossPct > 2 || rtt > 250) level = 'fair'
  if (received === 0 && inKbps === 0 && outKbps === 0) level = 'poor'
  return { level, rttMs: cur.rttMs, lossPct: Math.round(lossPct * 10) / 10, inKbps, outKbps }
}
