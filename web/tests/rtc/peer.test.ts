import { afterEach, describe, expect, it, vi } from 'vitest'
import { PeerLink, type OutgoingSignal } from '../../src/rtc/peer'
import { FakeStream, FakeTrack, asStream, asTrack } from '../fakes/media'
import { FakePeerConnection } from '../fakes/peerConnection'

function makeLink(opts: { polite?: boolean } = {}) {
  const pc = new FakePeerConnection()
  const sent: OutgoingSignal[] = []
  const errors: unknown[] = []
  const states: string[] = []
  const link = new PeerLink({
    peerId: 'remote',
    polite: opts.polite ?? true,
    pc: pc as unknown as RTCPeerConnection,
    send: (s) => sent.push(s),
    localStreams: () => ({}),
    onRemoteTrack: () => {},
    onConnectionState: (s) => states.push(s),
    onError: (e) => errors.push(e),
    disconnectGraceMs: 3000,
  })
  return { pc, link, sent, errors, states }
}

const remoteOffer = (ufrag = 'x') => ({
  type: 'offer' as const,
  sdp: JSON.stringify({ from: 'remote', ufrag, media: [{ mid: '0', kind: 'audio', direction: 'sendrecv', streamId: 's1' }] }),
})

const waitFor = async (cond: () => boolean, ms = 1000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 2))
  }
}

describe('PeerLink', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('queues candidates that arrive before the remote description, then adds them in order', async () => {
    const { pc, link, errors } = makeLink()
    const c1 = { candidate: 'candidate:1', sdpMid: '0' }
    const c2 = { candidate: 'candidate:2', sdpMid: '0' }
    await link.handleCandidate(c1)
    await link.handleCandidate(c2)
    expect(pc.addedCandidates).toEqual([])
    await link.handleDescription(remoteOffer(), { s1: 'camera' })
    expect(pc.addedCandidates).toEqual([c1, c2])
    const c3 = { candidate: 'candidate:3', sdpMid: '0' }
    await link.handleCandidate(c3)
    expect(pc.addedCandidates).toEqual([c1, c2, c3])
    expect(errors).toEqual([])
  })

  it('answers a remote offer and reports the remote track as what the sender said it is', async () => {
    const pc = new FakePeerConnection()
    const got: string[] = []
    const sent: OutgoingSignal[] = []
    const link = new PeerLink({
      peerId: 'remote',
      polite: true,
      pc: pc as unknown as RTCPeerConnection,
      send: (s) => sent.push(s),
      localStreams: () => ({}),
      onRemoteTrack: (kind, _s, track) => got.push(`${kind}/${track.kind}`),
    })
    await link.handleDescription(remoteOffer(), { s1: 'screen' })
    expect(got).toEqual(['screen/audio'])
    expect(sent[0]).toMatchObject({ kind: 'description', description: { type: 'answer' } })
  })

  it('the impolite side ignores a colliding offer; the polite side rolls back and answers', async () => {
    const impolite = makeLink({ polite: false })
    impolite.pc.addTrack(new FakeTrack('audio'), new FakeStream())
    await waitFor(() => impolite.pc.signalingState === 'have-local-offer')
    await impolite.link.handleDescription(remoteOffer(), {})
    expect(impolite.pc.signalingState).toBe('have-local-offer')
    expect(impolite.sent.filter((s) => s.kind === 'description')).toHaveLength(1)

    const polite = makeLink({ polite: true })
    polite.pc.addTrack(new FakeTrack('audio'), new FakeStream())
    await waitFor(() => polite.pc.signalingState === 'have-local-offer')
    await polite.link.handleDescription(remoteOffer(), {})
    const descs = polite.sent.filter((s) => s.kind === 'description')
    expect(descs.map((d) => (d.kind === 'description' ? d.description.type : ''))).toEqual(['offer', 'answer'])
  })

  it('restarts ICE when the connection fails', async () => {
    const { pc, link, sent } = makeLink()
    link.start({ audio: { track: asTrack(new FakeTrack('audio')), stream: asStream(new FakeStream()) } }, true)
    await waitFor(() => pc.signalingState === 'have-local-offer')
    await link.handleDescription({ type: 'answer', sdp: JSON.stringify({ from: 'r', ufrag: 'r', media: [] }) }, {})
    const before = sent.filter((s) => s.kind === 'description').length
    pc.setConnectionState('failed')
    expect(pc.restarts).toBe(1)
    await waitFor(() => sent.filter((s) => s.kind === 'description').length === before + 1)
    const last = sent.filter((s) => s.kind === 'description').at(-1)!
    expect(last.kind === 'description' && JSON.parse(last.description.sdp!).ufrag).toBe('u1')
  })

  it('restarts ICE only when "disconnected" lasts past the grace period', () => {
    vi.useFakeTimers()
    const { pc } = makeLink()
    pc.setConnectionState('disconnected')
    vi.advanceTimersByTime(2000)
    pc.setConnectionState('connected')
    vi.advanceTimersByTime(5000)
    expect(pc.restarts).toBe(0)
    pc.setConnectionState('disconnected')
    vi.advanceTimersByTime(3001)
    expect(pc.restarts).toBe(1)
  })

  it('close releases the connection, listeners, pending timer and remote tracks', async () => {
    vi.useFakeTimers()
    const { pc, link } = makeLink()
    expect(pc.liveListeners).toBeGreaterThan(0)
    pc.setConnectionState('disconnected')
    link.close()
    expect(pc.signalingState).toBe('closed')
    expect(pc.liveListeners).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
    await link.handleDescription(remoteOffer(), {})
    expect(pc.remoteDescription).toBeNull()
    expect(pc.restarts).toBe(0)
  })

  it('close stops the remote tracks but not our own', () => {
    const { pc, link } = makeLink()
    const mine = new FakeTrack('video')
    link.start({ camera: { track: asTrack(mine), stream: asStream(new FakeStream()) } }, true)
    link.close()
    expect(pc.getReceivers().length).toBeGreaterThan(0)
    expect(pc.getReceivers().every((r) => r.track.readyState === 'ended')).toBe(true)
    expect(mine.readyState).toBe('live')
  })
})
