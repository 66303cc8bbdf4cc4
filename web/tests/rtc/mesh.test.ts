import { beforeEach, describe, expect, it } from 'vitest'
import { hasTurnServer } from '../../src/rtc/mesh'
import { Bus } from '../fakes/bus'
import { FakeTrack, asTrack } from '../fakes/media'

async function withMedia(bus: Bus, id: string, opts: { audio?: boolean; camera?: boolean } = {}) {
  const mesh = bus.add(id)
  if (opts.audio !== false) await mesh.setTrack('audio', asTrack(new FakeTrack('audio')))
  if (opts.camera !== false) await mesh.setTrack('camera', asTrack(new FakeTrack('video')))
  return mesh
}

const kinds = (bus: Bus, id: string, from: string) =>
  bus.received
    .get(id)!
    .filter((r) => r.from === from)
    .map((r) => `${r.kind}/${r.trackKind}`)
    .sort()

describe('PeerMesh negotiation', () => {
  let bus: Bus
  beforeEach(() => {
    bus = new Bus()
  })

  it('newcomer offers, the other side answers lazily, and media flows both ways on two m-lines', async () => {
    const a = await withMedia(bus, 'a')
    const b = await withMedia(bus, 'b')
    b.connect('a')
    await bus.settle()
    expect(a.has('b')).toBe(true)
    expect(bus.pc('a', 'b').signalingState).toBe('stable')
    expect(bus.pc('b', 'a').remoteDescription?.type).toBe('answer')
    expect(kinds(bus, 'a', 'b')).toEqual(['camera/audio', 'camera/video'])
    expect(kinds(bus, 'b', 'a')).toEqual(['camera/audio', 'camera/video'])
    // The answerer's addTrack transceivers were reused: no extra m-lines.
    expect(bus.pc('a', 'b').getTransceivers()).toHaveLength(2)
    expect(bus.errors).toEqual([])
  })

  it('survives glare: both sides offer at once and still converge', async () => {
    const a = await withMedia(bus, 'a')
    const b = await withMedia(bus, 'b')
    a.connect('b')
    b.connect('a')
    await bus.settle()
    const pa = bus.pc('a', 'b')
    const pb = bus.pc('b', 'a')
    expect(pa.offersMade).toBeGreaterThanOrEqual(1)
    expect(pb.offersMade).toBeGreaterThanOrEqual(1)
    expect([pa.signalingState, pb.signalingState]).toEqual(['stable', 'stable'])
    expect(pa.remoteDescription).not.toBeNull()
    expect(pb.remoteDescription).not.toBeNull()
    expect(kinds(bus, 'a', 'b')).toContain('camera/video')
    expect(kinds(bus, 'b', 'a')).toContain('camera/video')
  })

  it('survives glare on renegotiation: both start screen sharing at the same moment', async () => {
    const a = await withMedia(bus, 'a')
    const b = await withMedia(bus, 'b')
    b.connect('a')
    await bus.settle()
    await Promise.all([
      a.setTrack('screenVideo', asTrack(new FakeTrack('video', 1080))),
      b.setTrack('screenVideo', asTrack(new FakeTrack('video', 1080))),
    ])
    await bus.settle()
    expect(kinds(bus, 'a', 'b')).toContain('screen/video')
    expect(kinds(bus, 'b', 'a')).toContain('screen/video')
    expect(bus.pc('a', 'b').signalingState).toBe('stable')
  })

  it('a receive-only newcomer gets media, then publishes its camera on the same transceiver', async () => {
    await withMedia(bus, 'a')
    const b = bus.add('b')
    b.connect('a')
    await bus.settle()
    expect(kinds(bus, 'b', 'a')).toEqual(['camera/audio', 'camera/video'])
    expect(kinds(bus, 'a', 'b')).toEqual([])
    await b.setTrack('camera', asTrack(new FakeTrack('video')))
    await bus.settle()
    expect(kinds(bus, 'a', 'b')).toEqual(['camera/video'])
    expect(bus.pc('b', 'a').getTransceivers()).toHaveLength(2)
  })

  it('a joiner who has its camera off turns it on after the other side adopted the m-line', async () => {
    const a = await withMedia(bus, 'a', { camera: false })
    await withMedia(bus, 'b')
    bus.meshes.get('b')!.connect('a')
    await bus.settle()
    await a.setTrack('camera', asTrack(new FakeTrack('video')))
    await bus.settle()
    expect(kinds(bus, 'b', 'a')).toEqual(['camera/audio', 'camera/video'])
    expect(bus.pc('a', 'b').getTransceivers()).toHaveLength(2)
  })

  it('caps camera bitrate and resolution by room size', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    for (const id of ids) await withMedia(bus, id)
    for (let i = 1; i < ids.length; i++) for (let j = 0; j < i; j++) bus.meshes.get(ids[i]!)!.connect(ids[j]!)
    await bus.settle(5000)
    await bus.meshes.get('a')!.applyPolicy()
    const enc = bus.pc('a', 'b').getTransceivers()[1]!.sender.params.encodings[0]!
    expect(enc.maxBitrate).toBe(300_000)
    expect(enc.scaleResolutionDownBy).toBe(3)
    // Once the room shrinks to two, the cap is lifted.
    for (const id of ['c', 'd', 'e', 'f']) bus.meshes.get('a')!.removePeer(id)
    await bus.meshes.get('a')!.applyPolicy()
    const enc2 = bus.pc('a', 'b').getTransceivers()[1]!.sender.params.encodings[0]!
    expect(enc2.maxBitrate).toBe(1_500_000)
    expect(enc2.scaleResolutionDownBy).toBe(1)
  })
})

describe('PeerMesh cleanup', () => {
  it('removePeer closes only that connection; a rejoin reset closes all and keeps local tracks', async () => {
    const bus = new Bus()
    const a = await withMedia(bus, 'a')
    await withMedia(bus, 'b')
    await withMedia(bus, 'c')
    bus.meshes.get('b')!.connect('a')
    bus.meshes.get('c')!.connect('a')
    await bus.settle()
    const toB = bus.pc('a', 'b')
    const toC = bus.pc('a', 'c')
    a.removePeer('b')
    expect(toB.signalingState).toBe('closed')
    expect(toB.liveListeners).toBe(0)
    expect(toC.signalingState).toBe('stable')
    expect(a.has('b')).toBe(false)
    // A stray candidate from the departed peer does not resurrect it.
    await a.handleCandidate('b', { candidate: 'candidate:late', sdpMid: '0' })
    expect(a.has('b')).toBe(false)
    const mic = a.track('audio')
    a.reset('a2', [])
    expect(toC.signalingState).toBe('closed')
    expect(a.size).toBe(0)
    expect(a.track('audio')).toBe(mic)
    expect((mic as unknown as { readyState: string }).readyState).toBe('live')
  })
})

describe('hasTurnServer', () => {
  it('finds turn: and turns: URLs, in a string or a list, and nothing else', () => {
    expect(hasTurnServer([])).toBe(false)
    expect(hasTurnServer([{ urls: 'stun:stun.example.org:3478' }])).toBe(false)
    expect(hasTurnServer([{ urls: ['stun:a'] }, { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'c' }])).toBe(true)
    expect(hasTurnServer([{ urls: 'turns:turn.example.org:5349' }])).toBe(true)
  })
})
