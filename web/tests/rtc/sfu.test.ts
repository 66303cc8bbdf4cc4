import { describe, expect, it } from 'vitest'
import { SfuClient, encodingsFor, videoKey } from '../../src/rtc/sfu'
import { screenLimits } from '../../src/rtc/bitrate'
import type { Timers } from '../../src/rtc/peer'
import type { StreamKind } from '../../src/rtc/protocol'
import { tileId } from '../../src/layout/tiles'
import { FakeStream, FakeTrack, asTrack } from '../fakes/media'
import { FakeDevice, FakeSfuError, FakeSfuServer, producer } from '../fakes/mediasoup'

/** Lets every pending promise chain run (requests and fake transports answer in microtasks). */
const flush = () => new Promise((r) => setTimeout(r, 0))

class ManualTimers implements Timers {
  private now = 0
  private queue: { at: number; fn: () => void; h: number }[] = []
  private seq = 0
  setTimeout(fn: () => void, ms: number) {
    const h = ++this.seq
    this.queue.push({ at: this.now + ms, fn, h })
    return h
  }
  clearTimeout(h: unknown) {
    this.queue = this.queue.filter((t) => t.h !== h)
  }
  advance(ms: number) {
    this.now += ms
    const due = this.queue.filter((t) => t.at <= this.now)
    this.queue = this.queue.filter((t) => t.at > this.now)
    due.forEach((t) => t.fn())
  }
}

interface TrackEvent {
  peer: string
  kind: StreamKind
  stream: FakeStream | null
  track: FakeTrack
}

function setup() {
  const server = new FakeSfuServer()
  const device = new FakeDevice()
  const timers = new ManualTimers()
  const signaling = { up: true }
  const added: TrackEvent[] = []
  const removed: TrackEvent[] = []
  const errors: unknown[] = []
  const mediaFrom: string[] = []
  const forwarding: [string, boolean][] = []
  const sfu = new SfuClient({
    request: server.request,
    createDevice: async () => device,
    createStream: () => new FakeStream() as unknown as MediaStream,
    onRemoteTrack: (peer, kind, stream, track) =>
      added.push({ peer, kind, stream: stream as unknown as FakeStream, track: track as unknown as FakeTrack }),
    onRemoteTrackRemoved: (peer, kind, stream, track) =>
      removed.push({ peer, kind, stream: stream as unknown as FakeStream | null, track: track as unknown as FakeTrack }),
    onPeerMedia: (peer) => mediaFrom.push(peer),
    onCameraForwarded: (peer, forwarded) => forwarding.push([peer, forwarded]),
    onError: (e) => errors.push(e),
    timers,
    canSignal: () => signaling.up,
  })
  const mic = new FakeTrack('audio')
  const cam = new FakeTrack('video', 720)
  return { server, device, timers, signaling, added, removed, errors, mediaFrom, forwarding, sfu, mic, cam }
}

/** The latest stream we were given for a participant's camera or screen. */
const latest = (events: TrackEvent[], peer: string, kind: StreamKind) => [...events].reverse().find((e) => e.peer === peer && e.kind === kind)

describe('SfuClient', () => {
  it('joins: loads the device, creates two transports, produces mic and camera, consumes and resumes the others', async () => {
    const t = setup()
    await t.sfu.setTrack('audio', asTrack(t.mic))
    await t.sfu.setTrack('camera', asTrack(t.cam))
    const existing = [producer('a', 'mic'), producer('a', 'camera'), producer('b', 'mic')].map((p) => t.server.add(p))
    t.sfu.setRoomSize(6)

    expect(await t.sfu.start('me', [{ urls: 'stun:stun.example.org' }], existing)).toBe('ready')

    expect(t.server.calls[0]![0]).toBe('sfu_capabilities')
    expect(t.device.loadedWith?.codecs?.map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP8'])
    expect(t.server.named('sfu_create_transport')).toEqual([{ direction: 'send' }, { direction: 'recv' }])
    expect(t.device.transports.map((x) => x.direction)).toEqual(['send', 'recv'])
    const send = t.device.last('send')
    const recv = t.device.last('recv')
    expect(send.options.iceServers).toEqual([{ urls: 'stun:stun.example.org' }])
    // Each transport connects once, with the DTLS parameters mediasoup-client produced.
    expect(t.server.named('sfu_connect_transport')).toEqual(
      expect.arrayContaining([
        { transport_id: send.id, dtls_parameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: `fp-${send.id}` }] } },
        { transport_id: recv.id, dtls_parameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: `fp-${recv.id}` }] } },
      ]),
    )
    expect(t.server.named('sfu_connect_transport')).toHaveLength(2)

    const produced = t.server.named('sfu_produce')
    expect(produced.map((p) => [p.source, p.kind, p.transport_id])).toEqual([
      ['mic', 'audio', send.id],
      ['camera', 'video', send.id],
    ])
    // VP8 for the camera, simulcast in three layers whatever the room size; our tracks are not mediasoup's to stop.
    const camOpts = send.producers[1]!.options
    expect(camOpts.codec?.mimeType).toBe('video/VP8')
    expect(camOpts.encodings).toEqual([
      { maxBitrate: 150_000, scaleResolutionDownBy: 4, scalabilityMode: 'L1T3' },
      { maxBitrate: 500_000, scaleResolutionDownBy: 2, scalabilityMode: 'L1T3' },
      { maxBitrate: 1_500_000, scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
    ])
    expect(camOpts.stopTracks).toBe(false)
    expect(send.producers[0]!.options.codec?.mimeType).toBe('audio/opus')

    expect(t.server.named('sfu_consume')).toEqual(
      existing.map((p) => ({ transport_id: recv.id, producer_id: p.producer_id, rtp_capabilities: t.device.rtpCapabilities })),
    )
    expect(recv.consumers.map((c) => c.producerId).sort()).toEqual(existing.map((p) => p.producer_id).sort())
    expect(t.server.named('sfu_resume_consumer').map((p) => p.consumer_id).sort()).toEqual(existing.map((p) => `cons-${p.producer_id}`).sort())
    // a's mic and camera arrive in one stream (lip sync), as PeerMesh delivers them.
    expect(latest(t.added, 'a', 'camera')!.stream!.getTracks().map((x) => x.kind)).toEqual(['audio', 'video'])
    expect(latest(t.added, 'b', 'camera')!.stream!.getTracks().map((x) => x.kind)).toEqual(['audio'])
    expect(t.mediaFrom).toContain('a')
    expect(t.errors).toEqual([])
  })

  it('consumes a producer added later, once; ignores our own', async () => {
    const t = setup()
    await t.sfu.start('me', [], [])
    t.sfu.addProducer(t.server.add(producer('a', 'camera')))
    t.sfu.addProducer(producer('a', 'camera'))
    t.sfu.addProducer(t.server.add(producer('me', 'mic')))
    await flush()
    expect(t.server.named('sfu_consume').map((p) => p.producer_id)).toEqual(['a-camera'])
    expect(t.server.named('sfu_resume_consumer')).toEqual([{ consumer_id: 'cons-a-camera' }])
    expect(latest(t.added, 'a', 'camera')!.track.kind).toBe('video')
  })

  it('consumes producers announced while it was still setting up', async () => {
    const t = setup()
    const started = t.sfu.start('me', [], [])
    t.sfu.addProducer(t.server.add(producer('a', 'mic')))
    expect(await started).toBe('ready')
    await flush()
    expect(t.device.last('recv').consumers.map((c) => c.producerId)).toEqual(['a-mic'])
  })

  it('a closed producer removes its track; the stream keeps the rest, then is gone', async () => {
    const t = setup()
    await t.sfu.start('me', [], [producer('a', 'mic'), producer('a', 'camera')].map((p) => t.server.add(p)))
    const recv = t.device.last('recv')
    t.sfu.removeProducer('a-camera')
    expect(recv.consumers.find((c) => c.producerId === 'a-camera')!.closed).toBe(true)
    expect(recv.consumers.find((c) => c.producerId === 'a-mic')!.closed).toBe(false)
    expect(t.removed).toHaveLength(1)
    expect(t.removed[0]!.peer).toBe('a')
    expect(t.removed[0]!.track.kind).toBe('video')
    expect(t.removed[0]!.stream!.getTracks().map((x) => x.kind)).toEqual(['audio'])
    // The server closed a consumer by itself.
    t.sfu.consumerClosed('cons-a-mic')
    expect(t.removed[1]!.stream).toBeNull()
    // Gone for good: a repeated close changes nothing.
    t.sfu.removeProducer('a-camera')
    expect(t.removed).toHaveLength(2)
  })

  it('a participant leaving takes all their tracks', async () => {
    const t = setup()
    await t.sfu.start('me', [], [producer('a', 'mic'), producer('a', 'screen'), producer('b', 'mic')].map((p) => t.server.add(p)))
    t.sfu.removePeer('a')
    expect(t.removed.map((e) => `${e.peer}:${e.kind}`).sort()).toEqual(['a:camera', 'a:screen'])
    expect(t.device.last('recv').consumers.filter((c) => c.closed).map((c) => c.producerId).sort()).toEqual(['a-mic', 'a-screen'])
  })

  it('a producer closed while its consume is in flight never shows up', async () => {
    const t = setup()
    await t.sfu.start('me', [], [])
    t.server.holdConsume = true
    t.sfu.addProducer(t.server.add(producer('a', 'camera')))
    await flush()
    t.sfu.removeProducer('a-camera')
    t.server.releaseConsumes()
    await flush()
    expect(t.added).toEqual([])
    expect(t.server.named('sfu_resume_consumer')).toEqual([])
  })

  it('receives only the videos on screen: hidden ones are paused here and on the server, audio always runs', async () => {
    const t = setup()
    t.sfu.setVisible(new Set([videoKey('a', 'camera')]))
    const ps = [producer('a', 'mic'), producer('a', 'camera'), producer('b', 'mic'), producer('b', 'camera')].map((p) => t.server.add(p))
    await t.sfu.start('me', [], ps)
    const recv = t.device.last('recv')
    const consumerOf = (id: string) => recv.consumers.find((c) => c.producerId === id)!
    // b's camera is off screen: never resumed on the server, paused locally. Both mics run.
    expect(t.server.named('sfu_resume_consumer').map((p) => p.consumer_id).sort()).toEqual(['cons-a-camera', 'cons-a-mic', 'cons-b-mic'])
    expect(consumerOf('b-camera').paused).toBe(true)
    expect(consumerOf('a-camera').paused).toBe(false)
    // The tile is still there for the store (it is just not on this page).
    expect(latest(t.added, 'b', 'camera')!.stream!.getTracks()).toHaveLength(2)

    // The user pages on: b visible, a hidden.
    t.server.calls = []
    t.sfu.setVisible(new Set([tileId('b', 'camera')]))
    expect(t.server.calls).toEqual([
      ['sfu_pause_consumer', { consumer_id: 'cons-a-camera' }],
      ['sfu_resume_consumer', { consumer_id: 'cons-b-camera' }],
    ])
    expect(consumerOf('a-camera').paused).toBe(true)
    expect(consumerOf('b-camera').paused).toBe(false)
    expect(consumerOf('a-mic').paused).toBe(false)
    // Telling it the same again sends nothing.
    t.server.calls = []
    t.sfu.setVisible(new Set([tileId('b', 'camera')]))
    expect(t.server.calls).toEqual([])
    // null: no view tells us, so everything is wanted.
    t.sfu.setVisible(null)
    expect(t.server.calls).toEqual([['sfu_resume_consumer', { consumer_id: 'cons-a-camera' }]])
  })

  it('reports a camera that last-N holds back, and when it flows again; other sources and stale consumers are ignored', async () => {
    const t = setup()
    t.server.heldBack.add('b-camera')
    const ps = [producer('a', 'camera'), producer('b', 'mic'), producer('b', 'camera'), producer('c', 'screen')].map((p) => t.server.add(p))
    await t.sfu.start('me', [], ps)
    await flush()
    // The consume answer says b's camera is held back; forwarded ones need no news.
    expect(t.forwarding).toEqual([['b', false]])

    t.sfu.setForwarding({ consumer_id: 'cons-b-camera', producer_id: 'b-camera', forwarded: true })
    t.sfu.setForwarding({ consumer_id: 'cons-b-camera', producer_id: 'b-camera', forwarded: true })
    expect(t.forwarding).toEqual([['b', false], ['b', true]])
    // News about an older consumer of that producer, about audio or a screen, or an unknown producer.
    t.sfu.setForwarding({ consumer_id: 'cons-old', producer_id: 'b-camera', forwarded: false })
    t.sfu.setForwarding({ consumer_id: 'cons-b-mic', producer_id: 'b-mic', forwarded: false })
    t.sfu.setForwarding({ consumer_id: 'cons-c-screen', producer_id: 'c-screen', forwarded: false })
    t.sfu.setForwarding({ consumer_id: 'x', producer_id: 'nope', forwarded: false })
    expect(t.forwarding).toEqual([['b', false], ['b', true]])

    // A held-back camera that goes away is no longer held back.
    t.sfu.setForwarding({ consumer_id: 'cons-a-camera', producer_id: 'a-camera', forwarded: false })
    t.sfu.removeProducer('a-camera')
    expect(t.forwarding.slice(2)).toEqual([['a', false], ['a', true]])
  })

  it('applies forwarding news that overtook its consume answer', async () => {
    const t = setup()
    await t.sfu.start('me', [], [])
    t.server.holdConsume = true
    t.sfu.addProducer(t.server.add(producer('a', 'camera')))
    await flush()
    // The answer (forwarded) is on its way; the newer news says held back.
    t.sfu.setForwarding({ consumer_id: 'cons-a-camera', producer_id: 'a-camera', forwarded: false })
    t.server.releaseConsumes()
    await flush()
    expect(t.forwarding).toEqual([['a', false]])
  })

  it('sends its pins with sfu_pin once the SFU runs, again after each setup, only when they change', async () => {
    const t = setup()
    t.sfu.setPins(['a'])  // idle: remembered
    expect(t.server.named('sfu_pin')).toEqual([])
    await t.sfu.start('me', [], [])
    await flush()
    expect(t.server.named('sfu_pin')).toEqual([{ user_ids: ['a'] }])
    t.sfu.setPins(['a'])
    await flush()
    expect(t.server.named('sfu_pin')).toHaveLength(1)
    // Ourselves and repeats are dropped, and the server's bound is kept.
    t.sfu.setPins(['b', 'me', 'b', 'c', 'd', 'e', 'f'])
    await flush()
    expect(t.server.named('sfu_pin').at(-1)).toEqual({ user_ids: ['b', 'c', 'd', 'e'] })
    // A new setup (a rejoin) tells the new transports' server side again.
    await t.sfu.start('me', [], [])
    await flush()
    expect(t.server.named('sfu_pin')).toHaveLength(3)
    t.sfu.setPins([])
    await flush()
    expect(t.server.named('sfu_pin').at(-1)).toEqual({ user_ids: [] })
    // A refused pin (the participant just left) is reported, not thrown.
    t.server.failing.set('sfu_pin', 'unknown_peer')
    t.sfu.setPins(['gone'])
    await flush()
    expect((t.errors.at(-1) as { code: string }).code).toBe('unknown_peer')
  })

  it('restarts ICE when a transport fails, and after a disconnection that lasts', async () => {
    const t = setup()
    await t.sfu.start('me', [], [])
    const recv = t.device.last('recv')
    const send = t.device.last('send')
    recv.setState('failed')
    await flush()
    expect(t.server.named('sfu_restart_ice')).toEqual([{ transport_id: recv.id }])
    expect(recv.iceRestarts.map((p) => p.usernameFragment)).toEqual([expect.stringMatching(/^restart-/)])

    // A short disconnection heals by itself: no restart.
    send.setState('disconnected')
    t.timers.advance(2000)
    send.setState('connected')
    t.timers.advance(5000)
    await flush()
    expect(t.server.named('sfu_restart_ice')).toHaveLength(1)
    // One that lasts is restarted.
    send.setState('disconnected')
    t.timers.advance(4000)
    await flush()
    expect(t.server.named('sfu_restart_ice')).toEqual([{ transport_id: recv.id }, { transport_id: send.id }])
    expect(send.iceRestarts).toHaveLength(1)
    expect(t.sfu.iceRestarts).toBe(2)
    // With the socket down the rejoin rebuilds the transports; no restart request is queued.
    t.signaling.up = false
    recv.setState('failed')
    await flush()
    expect(t.server.named('sfu_restart_ice')).toHaveLength(2)
  })

  it('replaces a track without a new producer, withdraws with sfu_close_producer, publishes the screen', async () => {
    const t = setup()
    await t.sfu.setTrack('camera', asTrack(t.cam))
    await t.sfu.start('me', [], [])
    const send = t.device.last('send')
    const other = new FakeTrack('video')
    await t.sfu.setTrack('camera', asTrack(other))
    expect(send.producers).toHaveLength(1)
    expect(send.producers[0]!.track).toBe(asTrack(other))
    await t.sfu.setTrack('camera', null)
    expect(send.producers[0]!.closed).toBe(true)
    expect(t.server.named('sfu_close_producer')).toEqual([{ producer_id: send.producers[0]!.id }])
    await t.sfu.setTrack('screenVideo', asTrack(new FakeTrack('video', 1080)))
    await t.sfu.setTrack('screenAudio', asTrack(new FakeTrack('audio')))
    expect(t.server.named('sfu_produce').map((p) => p.source)).toEqual(['camera', 'screen', 'screen_audio'])
    expect(send.producers[2]!.options.codecOptions?.opusStereo).toBe(true)
  })

  it('rebuilds from a new join: new transports, republish, reconsume; the old ones are closed', async () => {
    const t = setup()
    await t.sfu.setTrack('audio', asTrack(t.mic))
    await t.sfu.start('me-1', [], [t.server.add(producer('a', 'mic'))])
    const [oldSend, oldRecv] = t.device.transports
    expect(await t.sfu.start('me-2', [], [t.server.add(producer('b', 'camera'))])).toBe('ready')
    expect(oldSend!.closed && oldRecv!.closed).toBe(true)
    expect(oldRecv!.consumers[0]!.closed).toBe(true)
    expect(t.device.transports).toHaveLength(4)
    expect(t.server.named('sfu_capabilities')).toHaveLength(1)
    expect(t.device.last('send').producers.map((p) => p.options.appData?.source)).toEqual(['mic'])
    expect(t.device.last('recv').consumers.map((c) => c.producerId)).toEqual(['b-camera'])
  })

  it('reports a failed setup and an overtaken one', async () => {
    const t = setup()
    t.server.failing.set('sfu_create_transport', 'sfu_unavailable')
    expect(await t.sfu.start('me', [], [])).toBe('failed')
    expect(t.errors).toHaveLength(1)
    t.server.failing.clear()
    const first = t.sfu.start('me', [], [])
    t.sfu.close()
    expect(await first).toBe('overtaken')
    expect(t.sfu.isActive).toBe(false)
  })

  it('waits out the transport limit as long as the server says, then sets up; a wait too long fails', async () => {
    const t = setup()
    t.server.failingOnce.set('sfu_create_transport', new FakeSfuError('too_many_transports', 'slow down', 5000))
    const started = t.sfu.start('me', [], [])
    await flush()
    t.timers.advance(4999)
    await flush()
    expect(t.device.transports).toHaveLength(0)
    expect(t.server.named('sfu_create_transport')).toHaveLength(2)
    t.timers.advance(1)
    expect(await started).toBe('ready')
    expect(t.server.named('sfu_create_transport')).toHaveLength(3)
    expect(t.device.transports.map((d) => d.direction)).toEqual(['send', 'recv'])

    const u = setup()
    u.server.failingOnce.set('sfu_create_transport', new FakeSfuError('too_many_transports', 'slow down', 60_000))
    expect(await u.sfu.start('me', [], [])).toBe('failed')
  })

  it('adjusts the screen cap when the room grows, never the simulcast camera, and reports stats by participant', async () => {
    const t = setup()
    await t.sfu.setTrack('camera', asTrack(t.cam))
    await t.sfu.setTrack('screenVideo', asTrack(new FakeTrack('video', 1080)))
    t.sfu.setRoomSize(3)
    await t.sfu.start('me', [], [t.server.add(producer('a', 'mic'))])
    t.sfu.setRoomSize(9)
    const [camera, screen] = t.device.last('send').producers
    expect(screen!.options.encodings).toEqual([encodingsFor('screenVideo', 3, 1080)[0]])
    expect(screen!.encodingUpdates).toEqual([encodingsFor('screenVideo', 9, 1080)[0]])
    expect(screen!.encodingUpdates[0]!.maxBitrate).toBe(screenLimits(9).maxBitrate)
    expect(camera!.encodingUpdates).toEqual([])
    const stats = await t.sfu.statsByPeer()
    expect(stats.get('a')!.map((e) => e.type).sort()).toEqual(['candidate-pair', 'inbound-rtp', 'outbound-rtp'])
  })

  it('publishes the camera in three simulcast layers, the top one at most 720 rows', () => {
    expect(encodingsFor('camera', 2, 1080).map((e) => e.scaleResolutionDownBy)).toEqual([6, 3, 1.5])
    expect(encodingsFor('camera', 12, 360).map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1])
    expect(encodingsFor('camera', 12, undefined).every((e) => e.scalabilityMode === 'L1T3')).toBe(true)
    expect(encodingsFor('screenVideo', 2, 1080)).toHaveLength(1)
    expect(encodingsFor('audio', 2, undefined)).toHaveLength(1)
  })

  it('reports each remote video tile size for its consumer, once per change, also to a consumer made later', async () => {
    const t = setup()
    const camA = videoKey('a', 'camera')
    t.sfu.setVideoSize(camA, 639.6, 360.2) // before any consumer: remembered
    await t.sfu.start('me', [], [producer('a', 'mic'), producer('a', 'camera'), producer('b', 'screen')].map((p) => t.server.add(p)))
    expect(t.server.named('sfu_consumer_layers')).toEqual([{ consumer_id: 'cons-a-camera', width: 640, height: 360 }])
    // Sent before the consumer is resumed, so the server never wants more of the publisher first.
    const order = t.server.calls.map(([e, p]) => `${e} ${String(p.consumer_id)}`)
    expect(order.indexOf('sfu_consumer_layers cons-a-camera')).toBeLessThan(order.indexOf('sfu_resume_consumer cons-a-camera'))
    t.sfu.setVideoSize(camA, 640, 360)
    t.sfu.setVideoSize(videoKey('a', 'screen'), 100, 100) // a shares no screen
    expect(t.server.named('sfu_consumer_layers')).toHaveLength(1)
    t.sfu.setVideoSize(videoKey('b', 'screen'), 1920, 1080)
    t.sfu.setVideoSize(camA, 0, 0)
    t.sfu.setVideoSize(camA, -5, 1e9) // clamped to what the server takes
    expect(t.server.named('sfu_consumer_layers').slice(1)).toEqual([
      { consumer_id: 'cons-b-screen', width: 1920, height: 1080 },
      { consumer_id: 'cons-a-camera', width: 0, height: 0 },
      { consumer_id: 'cons-a-camera', width: 0, height: 16_384 },
    ])
    // A new consumer of the same video (the server replaced it) gets the size again.
    t.sfu.consumerClosed('cons-a-camera')
    t.sfu.addProducer(t.server.add(producer('a', 'camera')))
    await flush()
    expect(t.server.named('sfu_consumer_layers')).toHaveLength(5)
    expect(t.errors).toEqual([])
  })

  it('retries a tile size the server rate-limited once its wait is over', async () => {
    const t = setup()
    await t.sfu.start('me', [], [t.server.add(producer('a', 'camera'))])
    t.server.layersErrors.push(new FakeSfuError('rate_limited', 'slow down', 500))
    t.sfu.setVideoSize(videoKey('a', 'camera'), 320, 180)
    await flush()
    expect(t.server.named('sfu_consumer_layers')).toHaveLength(1)
    t.timers.advance(500)
    await flush()
    expect(t.server.named('sfu_consumer_layers')).toEqual([
      { consumer_id: 'cons-a-camera', width: 320, height: 180 },
      { consumer_id: 'cons-a-camera', width: 320, height: 180 },
    ])
    // Other failures are reported, and the next change is sent anyway.
    t.server.layersErrors.push(new FakeSfuError('unknown_consumer', 'gone'))
    t.sfu.setVideoSize(videoKey('a', 'camera'), 640, 360)
    await flush()
    expect(t.errors.map((e) => (e as FakeSfuError).code)).toEqual(['unknown_consumer'])
    t.sfu.setVideoSize(videoKey('a', 'camera'), 640, 360)
    expect(t.server.named('sfu_consumer_layers')).toHaveLength(4)
  })

  it('turns off the simulcast layers nobody receives when the server says so', async () => {
    const t = setup()
    await t.sfu.setTrack('audio', asTrack(t.mic))
    await t.sfu.setTrack('camera', asTrack(t.cam))
    await t.sfu.start('me', [], [])
    const [mic, camera] = t.device.last('send').producers
    t.sfu.setMaxSpatialLayer(camera!.id, 0)
    t.sfu.setMaxSpatialLayer(camera!.id, 2)
    t.sfu.setMaxSpatialLayer('someone-else', 1)
    await flush()
    expect(camera!.maxSpatialLayers).toEqual([0, 2])
    expect(mic!.maxSpatialLayers).toEqual([])
    expect(t.errors).toEqual([])
  })

  it('gives consumers without a mid from the server a unique one (mediasoup-client names m-sections by it)', async () => {
    const t = setup()
    await t.sfu.start('me', [], [producer('a', 'mic'), producer('a', 'camera')].map((p) => t.server.add(p)))
    const mids = t.device.last('recv').consumers.map((c) => c.rtpParameters.mid)
    expect(new Set(mids).size).toBe(2)
    expect(mids.every((m) => typeof m === 'string' && m.length > 0)).toBe(true)
  })

  it('starts over when the server no longer knows a failed transport', async () => {
    const t = setup()
    await t.sfu.setTrack('audio', asTrack(t.mic))
    await t.sfu.start('me', [], [t.server.add(producer('a', 'camera'))])
    const oldRecv = t.device.last('recv')
    t.server.failing.set('sfu_restart_ice', 'unknown_transport')
    oldRecv.setState('failed')
    await flush()
    await flush()
    expect(oldRecv.closed).toBe(true)
    expect(t.device.transports).toHaveLength(4)
    expect(t.device.last('send').producers.map((p) => p.options.appData?.source)).toEqual(['mic'])
    expect(t.device.last('recv').consumers.map((c) => c.producerId)).toEqual(['a-camera'])
  })
})
