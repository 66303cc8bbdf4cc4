import { describe, expect, it } from 'vitest'
import { ActiveSpeakerDetector } from '../../src/rtc/speaker'
import { qualityBetween, sampleFromReport } from '../../src/rtc/stats'
import { isValidRoomId, parseRoomInput, randomRoomId } from '../../src/rtc/roomId'
import { cameraLimits, encodingFor } from '../../src/rtc/bitrate'
import { classifyMediaError, environmentProblem } from '../../src/rtc/media'
import { pickMimeType } from '../../src/rtc/recorder'

describe('ActiveSpeakerDetector', () => {
  it('takes the first speaker at once and switches only after the hold time', () => {
    const d = new ActiveSpeakerDetector({ holdMs: 1000, alpha: 1 })
    expect(d.update(new Map([['a', 0.3], ['b', 0]]), 0)).toBe('a')
    expect(d.update(new Map([['a', 0.05], ['b', 0.5]]), 100)).toBe('a')
    expect(d.update(new Map([['a', 0.05], ['b', 0.5]]), 900)).toBe('a')
    expect(d.update(new Map([['a', 0.05], ['b', 0.5]]), 1150)).toBe('b')
  })
  it('ignores silence and forgets a speaker who left', () => {
    const d = new ActiveSpeakerDetector({ alpha: 1 })
    expect(d.update(new Map([['a', 0.001]]), 0)).toBeNull()
    d.update(new Map([['a', 0.4]]), 10)
    expect(d.update(new Map([['b', 0]]), 20)).toBeNull()
  })
})

describe('stats', () => {
  const report = (o: Record<string, unknown>[]) => new Map(o.map((r, i) => [String(i), r])) as unknown as RTCStatsReport
  it('computes loss, bitrate and rtt between two samples', () => {
    const a = sampleFromReport(report([{ type: 'inbound-rtp', packetsReceived: 100, packetsLost: 0, bytesReceived: 0 }]), 0)
    const b = sampleFromReport(
      report([
        { type: 'inbound-rtp', packetsReceived: 190, packetsLost: 10, bytesReceived: 250_000 },
        { type: 'outbound-rtp', bytesSent: 125_000 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.042 },
      ]),
      2000,
    )
    const q = qualityBetween(a, b)
    expect(q).toEqual({ level: 'poor', rttMs: 42, lossPct: 10, inKbps: 1000, outKbps: 500 })
  })
  it('rates a clean, fast link good and a slow one fair', () => {
    const a = { at: 0, rttMs: 20, packetsReceived: 0, packetsLost: 0, bytesReceived: 0, bytesSent: 0 }
    expect(qualityBetween(a, { ...a, at: 1000, packetsReceived: 100, bytesReceived: 1000 }).level).toBe('good')
    expect(qualityBetween(a, { ...a, at: 1000, rttMs: 300, packetsReceived: 100, bytesReceived: 1000 }).level).toBe('fair')
    expect(qualityBetween(null, a).level).toBe('unknown')
  })
})

describe('room ids', () => {
  it('generates readable, valid ids', () => {
    const id = randomRoomId()
    expect(id).toMatch(/^[a-z2-9]{3}-[a-z2-9]{4}-[a-z2-9]{3}$/)
    expect(isValidRoomId(id)).toBe(true)
    expect(id).not.toMatch(/[01ilo]/)
  })
  it('accepts an id or a link, rejects the rest', () => {
    expect(parseRoomInput(' abc-123 ')).toBe('abc-123')
    expect(parseRoomInput('https://meet.example:8443/r/team_1?name=x')).toBe('team_1')
    expect(parseRoomInput('http://h/r/xyz')).toBe('xyz')
    expect(parseRoomInput('no spaces allowed')).toBeNull()
    expect(parseRoomInput('a'.repeat(65))).toBeNull()
  })
})

describe('bitrate policy', () => {
  it('shrinks the per-peer budget as the mesh grows', () => {
    const rates = [2, 3, 4, 6, 8].map((n) => cameraLimits(n).maxBitrate)
    expect([...rates].sort((a, b) => b - a)).toEqual(rates)
    expect(cameraLimits(6).maxBitrate * 5).toBeLessThanOrEqual(2_000_000)
  })
  it('never scales up a small track', () => {
    expect(encodingFor(cameraLimits(6), 180).scaleResolutionDownBy).toBe(1)
    expect(encodingFor(cameraLimits(4), 720).scaleResolutionDownBy).toBe(2)
  })
})

describe('media problems', () => {
  it('maps getUserMedia errors to readable problems', () => {
    expect(classifyMediaError({ name: 'NotAllowedError' })).toBe('permission-denied')
    expect(classifyMediaError({ name: 'NotFoundError' })).toBe('not-found')
    expect(classifyMediaError({ name: 'NotReadableError' })).toBe('busy')
    expect(classifyMediaError(new Error('x'))).toBe('unknown')
  })
  it('reports an insecure context before missing APIs', () => {
    expect(environmentProblem({ isSecureContext: false, hasGetUserMedia: false, hasPeerConnection: true })).toBe('insecure-context')
    expect(environmentProblem({ isSecureContext: true, hasGetUserMedia: true, hasPeerConnection: false })).toBe('no-webrtc')
    expect(environmentProblem({ isSecureContext: true, hasGetUserMedia: true, hasPeerConnection: true })).toBeNull()
  })
  it('picks the first WebM type the recorder supports', () => {
    expect(pickMimeType((t) => t === 'video/webm')).toBe('video/webm')
    expect(pickMimeType((t) => t.includes('vp8'))).toBe('video/webm;codecs=vp8,opus')
    expect(pickMimeType(() => false)).toBe('')
  })
})
