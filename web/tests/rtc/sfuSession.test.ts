import { describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { MeetingSession } from '../../src/rtc/session'
import { useMeetingStore } from '../../src/stores/meeting'
import type { SignalingClient } from '../../src/rtc/signaling'
import type { Timers } from '../../src/rtc/peer'
import type { JoinRequest, JoinResult, ProducerInfo, RoomMode } from '../../src/rtc/protocol'
import { FakeStream, FakeTrack, asStream, asTrack } from '../fakes/media'
import { FakePeerConnection } from '../fakes/peerConnection'
import { FakeDevice, FakeSfuServer, producer } from '../fakes/mediasoup'

const flush = () => new Promise((r) => setTimeout(r, 0))

/** socket.io stand-in: join acks in the mode the test asks for, sfu_* requests answered by a fake SFU. */
class FakeSignaling {
  connected = false
  offers: string[] = []
  /** Per join (1-based): the ack's mode, participants and producers. */
  acks: { mode?: RoomMode; participants: string[]; producers?: ProducerInfo[]; active_speaker?: string }[] = []
  readonly sfu = new FakeSfuServer()
  private handlers = new Map<string, ((...a: unknown[]) => void)[]>()
  private joins = 0
  socket = {
    on: (ev: string, h: (...a: unknown[]) => void) => {
      this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), h])
    },
  }
  fire(ev: string, ...args: unknown[]) {
    for (const h of this.handlers.get(ev) ?? []) h(...args)
  }
  connect() {
    this.connected = true
    queueMicrotask(() => this.fire('connect'))
  }
  drop() {
    this.connected = false
    this.fire('disconnect', 'transport close')
  }
  async join(req: JoinRequest): Promise<JoinResult> {
    const n = ++this.joins
    const a = this.acks[n - 1] ?? { participants: [] }
    for (const p of a.producers ?? []) this.sfu.add(p)
    const r: JoinResult = {
      self_id: `me-${n}`, room: req.room, name: req.name ?? 'Guest', role: 'guest', chat: [], ice_servers: [],
      participants: a.participants.map((id) => ({ id, user_id: id, name: id, audio: true, video: true, screen: false, hand: false })),
    }
    if (a.mode) r.mode = a.mode
    if (a.producers) r.producers = a.producers
    if (a.active_speaker) r.active_speaker = a.active_speaker
    return r
  }
  request = (event: string, payload: object) => this.sfu.request(event, payload)
  async leave() {
    return {}
  }
  async sendMediaState() {
    return {}
  }
  sendDescription(to: string) {
    this.offers.push(to)
  }
  sendCandidate() {}
  close() {
    this.connected = false
  }
}

class ManualTimers implements Timers {
  pending = new Map<number, () => void>()
  private seq = 0
  setTimeout(fn: () => void) {
    this.pending.set(++this.seq, fn)
    return this.seq
  }
  clearTimeout(h: unknown) {
    this.pending.delete(h as number)
  }
  runAll() {
    const fns = [...this.pending.values()]
    this.pending.clear()
    fns.forEach((f) => f())
  }
}

function make() {
  setActivePinia(createPinia())
  const sig = new FakeSignaling()
  const device = new FakeDevice()
  const timers = new ManualTimers()
  const pcs: FakePeerConnection[] = []
  const session = new MeetingSession({
    signaling: sig as unknown as SignalingClient,
    createPeerConnection: () => {
      const pc = new FakePeerConnection()
      pcs.push(pc)
      return pc as unknown as RTCPeerConnection
    },
    createStream: () => asStream(new FakeStream()),
    createSfuDevice: async () => device,
    timers,
  })
  const store = useMeetingStore()
  store.bind(session)
  return { sig, device, timers, pcs, session, store }
}

describe('MeetingSession in SFU rooms', () => {
  it('a join ack in sfu mode sets up the SFU instead of the mesh and shows the others through it', async () => {
    const { sig, device, pcs, session, store } = make()
    sig.acks = [{ mode: 'sfu', participants: ['a', 'b'], producers: [producer('a', 'mic'), producer('a', 'camera')] }]
    await session.setTrack('audio', asTrack(new FakeTrack('audio')))
    await session.setTrack('camera', asTrack(new FakeTrack('video')))
    await session.join('r', 'Me', {})
    await flush()
    expect(session.mode).toBe('sfu')
    expect(store.mode).toBe('sfu')
    expect(pcs).toHaveLength(0)
    expect(sig.offers).toEqual([])
    expect(device.transports.map((t) => t.direction)).toEqual(['send', 'recv'])
    expect(sig.sfu.named('sfu_produce').map((p) => p.source)).toEqual(['mic', 'camera'])
    expect(sig.sfu.named('sfu_resume_consumer')).toHaveLength(2)
    const cam = store.peers.a!.camera as unknown as FakeStream
    expect(cam.getTracks().map((t) => t.kind)).toEqual(['audio', 'video'])
    expect(store.peers.b!.camera).toBeNull()

    // Producers come and go as the others publish.
    sig.fire('sfu_producer_added', sig.sfu.add(producer('b', 'mic')))
    await flush()
    expect((store.peers.b!.camera as unknown as FakeStream).getTracks().map((t) => t.kind)).toEqual(['audio'])
    sig.fire('sfu_producer_closed', { producer_id: 'a-camera', user_id: 'a' })
    expect((store.peers.a!.camera as unknown as FakeStream).getTracks().map((t) => t.kind)).toEqual(['audio'])
    sig.fire('user_left', { user_id: 'b' })
    expect(store.peers.b).toBeUndefined()
    expect(device.last('recv').consumers.find((c) => c.producerId === 'b-mic')!.closed).toBe(true)
  })

  it('a server that sends no mode keeps the mesh and never touches the SFU', async () => {
    const { sig, device, pcs, session, store } = make()
    sig.acks = [{ participants: ['a'] }]
    await session.join('r', 'Me', {})
    await flush()
    expect(session.mode).toBe('mesh')
    expect(store.mode).toBe('mesh')
    expect(pcs).toHaveLength(1)
    expect(session.mesh.has('a')).toBe(true)
    expect(device.transports).toEqual([])
    expect(sig.sfu.calls).toEqual([])
  })

  it('room_mode sfu switches a running mesh: SFU set up and republished, each mesh link closed once that peer comes through the SFU', async () => {
    const { sig, device, timers, session, store } = make()
    sig.acks = [{ participants: ['a', 'b'] }]
    await session.setTrack('audio', asTrack(new FakeTrack('audio')))
    await session.join('r', 'Me', {})
    await flush()
    expect(session.mesh.size).toBe(2)

    sig.fire('room_mode', { mode: 'sfu' })
    expect(store.mode).toBe('sfu')
    await flush()
    expect(device.transports.map((t) => t.direction)).toEqual(['send', 'recv'])
    expect(sig.sfu.named('sfu_produce').map((p) => p.source)).toEqual(['mic'])
    // The mesh still carries everybody until their SFU media arrives.
    expect(session.mesh.size).toBe(2)

    sig.fire('sfu_producer_added', sig.sfu.add(producer('a', 'mic')))
    await flush()
    expect(session.mesh.has('a')).toBe(false)
    expect(session.mesh.has('b')).toBe(true)
    expect((store.peers.a!.camera as unknown as FakeStream).getTracks()).toHaveLength(1)
    // b publishes nothing: its link closes when the drain time is over.
    timers.runAll()
    expect(session.mesh.size).toBe(0)
    // A second room_mode changes nothing.
    sig.fire('room_mode', { mode: 'sfu' })
    await flush()
    expect(device.transports).toHaveLength(2)
  })

  it('keeps the mesh when the SFU cannot be set up, and tells the user', async () => {
    const { sig, timers, session, store } = make()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    sig.acks = [{ participants: ['a'] }]
    sig.sfu.failing.set('sfu_capabilities', 'sfu_unavailable')
    await session.join('r', 'Me', {})
    await flush()
    sig.fire('room_mode', { mode: 'sfu' })
    await flush()
    timers.runAll()
    expect(session.mesh.has('a')).toBe(true)
    expect(store.notice?.key).toBe('notice.sfuFailed')
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })

  it('rebuilds the SFU from the new join ack after a signaling reconnect', async () => {
    const { sig, device, session, store } = make()
    sig.acks = [
      { mode: 'sfu', participants: ['a'], producers: [producer('a', 'camera')] },
      { mode: 'sfu', participants: ['a', 'c'], producers: [producer('a', 'camera'), producer('c', 'mic')] },
    ]
    await session.setTrack('audio', asTrack(new FakeTrack('audio')))
    await session.join('r', 'Me', {})
    await flush()
    const [send1, recv1] = device.transports
    sig.drop()
    expect(store.status).toBe('reconnecting')
    sig.connect()
    await flush()
    await flush()
    expect(store.status).toBe('joined')
    expect(store.selfId).toBe('me-2')
    expect(send1!.closed && recv1!.closed).toBe(true)
    expect(device.transports).toHaveLength(4)
    expect(device.last('send').producers).toHaveLength(1)
    expect(device.last('recv').consumers.map((c) => c.producerId).sort()).toEqual(['a-camera', 'c-mic'])
    expect((store.peers.c!.camera as unknown as FakeStream).getTracks()).toHaveLength(1)
  })

  it('hands the store view visibility to the SFU', async () => {
    const { sig, device, session } = make()
    sig.acks = [{ mode: 'sfu', participants: ['a'], producers: [producer('a', 'camera')] }]
    session.setVisibleVideos(new Set())
    await session.join('r', 'Me', {})
    await flush()
    const consumer = device.last('recv').consumers[0]!
    expect(consumer.paused).toBe(true)
    expect(sig.sfu.named('sfu_resume_consumer')).toEqual([])
    session.setVisibleVideos(new Set(['a:camera']))
    expect(consumer.paused).toBe(false)
    expect(sig.sfu.named('sfu_resume_consumer')).toEqual([{ consumer_id: consumer.id }])
  })

  it('hands tile sizes to the SFU, and applies sfu_producer_layers to our simulcast camera', async () => {
    const { sig, device, session } = make()
    sig.acks = [{ mode: 'sfu', participants: ['a'], producers: [producer('a', 'camera')] }]
    await session.setTrack('camera', asTrack(new FakeTrack('video')))
    await session.join('r', 'Me', {})
    await flush()
    session.setVideoSize('a:camera', 320, 180)
    expect(sig.sfu.named('sfu_consumer_layers')).toEqual([{ consumer_id: 'cons-a-camera', width: 320, height: 180 }])
    const camera = device.last('send').producers[0]!
    expect(camera.options.encodings).toHaveLength(3)
    sig.fire('sfu_producer_layers', { producer_id: camera.id, max_spatial_layer: 1 })
    // Malformed ones are ignored.
    sig.fire('sfu_producer_layers', { producer_id: camera.id, max_spatial_layer: '2' })
    sig.fire('sfu_producer_layers', { producer_id: camera.id, max_spatial_layer: -1 })
    sig.fire('sfu_producer_layers', { max_spatial_layer: 0 })
    sig.fire('sfu_producer_layers', null)
    await flush()
    expect(camera.maxSpatialLayers).toEqual([1])
  })

  it('stats and receivers come from the mesh links in a mesh, from the SFU transports in an SFU room', async () => {
    const mesh = make()
    mesh.sig.acks = [{ participants: ['a'] }]
    await mesh.session.join('r', 'Me', {})
    await flush()
    const report = new Map([['in', { type: 'inbound-rtp', packetsReceived: 7 }]])
    Object.assign(mesh.pcs[0]!, { getStats: async () => report })
    expect((await mesh.session.statsByPeer()).get('a')).toBe(report)
    expect([...mesh.session.receiversByPeer().keys()]).toEqual(['a'])

    const sfu = make()
    sfu.sig.acks = [{ mode: 'sfu', participants: ['a'], producers: [producer('a', 'mic')] }]
    await sfu.session.join('r', 'Me', {})
    await flush()
    const entries = [...((await sfu.session.statsByPeer()).get('a') as Iterable<{ type: string }>)]
    expect(entries.map((e) => e.type)).toContain('inbound-rtp')
  })

  it('shows a camera held back by last-N as such in the store, and sends the pinned participant', async () => {
    const { sig, session, store } = make()
    sig.acks = [{ mode: 'sfu', participants: ['a', 'b'], producers: [producer('a', 'camera'), producer('b', 'camera')] }]
    sig.sfu.heldBack.add('b-camera')
    await session.join('r', 'Me', {})
    await flush()
    expect(store.peers.a!.cameraHeld).toBe(false)
    expect(store.peers.b!.cameraHeld).toBe(true)
    sig.fire('sfu_consumer_forwarding', { consumer_id: 'cons-b-camera', producer_id: 'b-camera', user_id: 'b', forwarded: true })
    sig.fire('sfu_consumer_forwarding', { consumer_id: 'cons-a-camera', producer_id: 'a-camera', user_id: 'a', forwarded: false })
    expect(store.peers.b!.cameraHeld).toBe(false)
    expect(store.peers.a!.cameraHeld).toBe(true)
    // Malformed events change nothing.
    sig.fire('sfu_consumer_forwarding', { consumer_id: 'cons-a-camera', producer_id: 'a-camera', forwarded: 'yes' })
    sig.fire('sfu_consumer_forwarding', null)
    expect(store.peers.a!.cameraHeld).toBe(true)

    session.setPinnedPeers(['b'])
    await flush()
    expect(sig.sfu.named('sfu_pin')).toEqual([{ user_ids: ['b'] }])
  })

  it('takes the active speaker from the server in an SFU room (join ack, then events), never in a mesh', async () => {
    const sfu = make()
    sfu.sig.acks = [{ mode: 'sfu', participants: ['a', 'b'], active_speaker: 'a' }]
    const named: string[] = []
    sfu.session.on('activeSpeaker', (id) => named.push(id))
    await sfu.session.join('r', 'Me', {})
    await flush()
    sfu.sig.fire('active_speaker', { user_id: 'b' })
    sfu.sig.fire('active_speaker', { user_id: 7 })
    sfu.sig.fire('active_speaker', null)
    expect(named).toEqual(['a', 'b'])

    const mesh = make()
    mesh.sig.acks = [{ participants: ['a'], active_speaker: 'a' }]
    const meshNamed: string[] = []
    mesh.session.on('activeSpeaker', (id) => meshNamed.push(id))
    await mesh.session.join('r', 'Me', {})
    await flush()
    mesh.sig.fire('active_speaker', { user_id: 'a' })
    expect(meshNamed).toEqual([])
  })
})
