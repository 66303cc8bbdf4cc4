import type { types } from 'mediasoup-client'
import { AUDIO_MAX_BITRATE, encodingFor, screenLimits, simulcastEncodings } from './bitrate'
import type { Slot, Timers } from './peer'
import type { ProducerInfo, SfuSource, StreamKind } from './protocol'

/** The longest wait for the server's transport limit before the SFU setup gives up. */
const MAX_TRANSPORT_RETRY_MS = 30_000
/** The server's bound on `sfu_pin` (docs/protocol.md). */
export const MAX_PINS = 4
/** The longest wait for the server's layer-request limit before a tile size is retried. */
const MAX_LAYERS_RETRY_MS = 10_000
/** The largest tile dimension the server takes (device pixels). */
const MAX_TILE_DIMENSION = 16_384

/*
 * The part of mediasoup-client's Device / Transport / Producer / Consumer that SfuClient uses.
 * mediasoup-client's classes satisfy it; tests inject fakes, so no RTCPeerConnection is needed.
 */
export type ConnectionState = types.ConnectionState

export interface SfuProducer {
  readonly id: string
  readonly closed: boolean
  readonly track: MediaStreamTrack | null
  close(): void
  replaceTrack(o: { track: MediaStreamTrack | null }): Promise<void>
  setRtpEncodingParameters(params: RTCRtpEncodingParameters): Promise<void>
  /** Simulcast: encodes the layers up to `spatialLayer` only. */
  setMaxSpatialLayer(spatialLayer: number): Promise<void>
}

export interface SfuConsumer {
  readonly id: string
  readonly producerId: string
  readonly kind: string
  readonly closed: boolean
  readonly track: MediaStreamTrack
  readonly rtpParameters: types.RtpParameters
  readonly rtpReceiver: RTCRtpReceiver | undefined
  pause(): void
  resume(): void
  close(): void
}

type ConnectListener = (p: { dtlsParameters: types.DtlsParameters }, ok: () => void, fail: (e: Error) => void) => void
type ProduceListener = (
  p: { kind: types.MediaKind; rtpParameters: types.RtpParameters; appData: types.AppData },
  ok: (r: { id: string }) => void,
  fail: (e: Error) => void,
) => void

export interface SfuTransport {
  readonly id: string
  readonly closed: boolean
  readonly connectionState: ConnectionState
  on(event: 'connect', listener: ConnectListener): unknown
  on(event: 'produce', listener: ProduceListener): unknown
  on(event: 'connectionstatechange', listener: (state: ConnectionState) => void): unknown
  produce(o: types.ProducerOptions): Promise<SfuProducer>
  consume(o: types.ConsumerOptions): Promise<SfuConsumer>
  restartIce(o: { iceParameters: types.IceParameters }): Promise<void>
  getStats(): Promise<RTCStatsReport>
  close(): void
}

export interface SfuDevice {
  readonly loaded: boolean
  readonly rtpCapabilities: types.RtpCapabilities
  load(o: { routerRtpCapabilities: types.RtpCapabilities }): Promise<void>
  canProduce(kind: types.MediaKind): boolean
  createSendTransport(o: types.TransportOptions): SfuTransport
  createRecvTransport(o: types.TransportOptions): SfuTransport
}

/** The real Device, loaded on first use so mesh-only meetings never download mediasoup-client. */
export async function createMediasoupDevice(): Promise<SfuDevice> {
  const { Device } = await import('./mediasoupDevice')
  return new Device()
}

/** Requests with an ack (SignalingClient.request): resolves with the ack, rejects with its error. */
export type SfuRequest = <T extends object>(event: string, payload: object) => Promise<T>

export interface SfuOptions {
  request: SfuRequest
  createDevice(): Promise<SfuDevice>
  createStream(): MediaStream
  /** A remote track arrived; `stream` holds every track of that participant's camera (or screen). */
  onRemoteTrack(peerId: string, kind: StreamKind, stream: MediaStream, track: MediaStreamTrack): void
  /** A remote track is gone; `stream` holds what is left, null when nothing is. */
  onRemoteTrackRemoved(peerId: string, kind: StreamKind, stream: MediaStream | null, track: MediaStreamTrack): void
  /** The first SFU media of a participant is set up (the session then drops the mesh link to them). */
  onPeerMedia?(peerId: string): void
  /**
   * Whether the server forwards a participant's camera to us (last-N): false while it holds it back
   * (not among the recent speakers), true again when it forwards it or the camera is gone.
   */
  onCameraForwarded?(peerId: string, forwarded: boolean): void
  onTransportState?(direction: 'send' | 'recv', state: ConnectionState): void
  onError?(err: unknown): void
  timers?: Timers
  iceTransportPolicy?: RTCIceTransportPolicy
  /** How long a 'disconnected' transport may stay so before we restart ICE. */
  disconnectGraceMs?: number
  /**
   * Whether requests can reach the server now. While the socket is down no ICE restart is asked
   * for: the rejoin rebuilds every transport anyway.
   */
  canSignal?(): boolean
}

export type SfuStart = 'ready' | 'failed' | 'overtaken'

export interface WireTransport {
  id: string
  iceParameters: types.IceParameters
  iceCandidates: types.IceCandidate[]
  dtlsParameters: types.DtlsParameters
}

export interface WireConsumer {
  id: string
  producer_id: string
  user_id: string
  kind: 'audio' | 'video'
  source: SfuSource
  rtp_parameters: types.RtpParameters
  /** Whether last-N lets its media through now (absent from older servers: yes). */
  forwarded?: boolean
}

/** `sfu_consumer_forwarding`: last-N started or stopped forwarding one of our consumers. */
export interface ConsumerForwarding {
  consumer_id: string
  producer_id: string
  forwarded: boolean
}

export const SOURCE_OF_SLOT: Record<Slot, SfuSource> = {
  audio: 'mic',
  camera: 'camera',
  screenVideo: 'screen',
  screenAudio: 'screen_audio',
}
const KIND_OF_SLOT: Record<Slot, 'audio' | 'video'> = { audio: 'audio', camera: 'video', screenVideo: 'video', screenAudio: 'audio' }

/** Which of a participant's two streams a source belongs to (audio rides with its picture). */
export function streamKindOf(source: SfuSource): StreamKind {
  return source === 'screen' || source === 'screen_audio' ? 'screen' : 'camera'
}

/** The key of a video in the visibility set: the same as the tile id (`layout/tiles.ts`). */
export function videoKey(peerId: string, kind: StreamKind): string {
  return `${peerId}:${kind}`
}

interface Remote {
  info: ProducerInfo
  consumer: SfuConsumer | null
  /** What we last asked the server for (consumers start paused there). */
  paused: boolean
  /** The epoch whose consume is in flight, so a producer is never consumed twice. */
  consuming: number | null
  /** Whether the server forwards its media (last-N holds back cameras only). */
  forwarded: boolean
  /** The tile size last sent for the current consumer ("w×h"); null: none yet. */
  sentSize: string | null
}

/**
 * Encodings for one published source. The camera is simulcast (three layers, lowest first: the
 * SFU picks one per subscriber); the screen is one high-resolution layer capped for the room size
 * (text must stay readable, and few share at once); audio one capped layer.
 */
export function encodingsFor(slot: Slot, roomSize: number, height: number | undefined): types.RtpEncodingParameters[] {
  if (slot === 'camera') return simulcastEncodings(height)
  if (slot === 'screenVideo') return [encodingFor(screenLimits(roomSize), height)]
  return [{ maxBitrate: AUDIO_MAX_BITRATE }]
}

/**
 * Media through the server's SFU: one send and one receive transport (mediasoup-client writes
 * the SDP), a producer per published source and a consumer per producer of the others. Emits
 * remote tracks the way PeerMesh does, so the store does not care how media travels.
 */
export class SfuClient {
  private readonly opts: SfuOptions
  private readonly timers: Timers
  private readonly tracks = new Map<Slot, MediaStreamTrack>()
  private readonly producers = new Map<Slot, SfuProducer>()
  /** Every producer of the others we know of, by producer id. */
  private readonly remotes = new Map<string, Remote>()
  /** The tracks of each remote participant, per stream kind, in arrival order. */
  private readonly peerTracks = new Map<string, Record<StreamKind, MediaStreamTrack[]>>()
  private readonly restartTimers = new Map<SfuTransport, unknown>()
  /** The tile size of each remote video by videoKey (device pixels), as last reported. */
  private readonly videoSizes = new Map<string, { width: number; height: number }>()
  private device: SfuDevice | null = null
  private send: SfuTransport | null = null
  private recv: SfuTransport | null = null
  /** Bumped by every start and close: work of an older setup stops at its next step. */
  private epoch = 0
  /** Resolves true once this epoch's transports exist, false if its setup failed or was overtaken. */
  private transports: Promise<boolean> = Promise.resolve(false)
  private settleTransports: (ok: boolean) => void = () => {}
  private sendChain: Promise<void> = Promise.resolve()
  private selfId = ''
  private iceServers: RTCIceServer[] = []
  private roomSize = 1
  /** Video keys on screen; null: all (nobody told us yet). */
  private visible: ReadonlySet<string> | null = null
  private active = false
  private midSeq = 0
  /** Participants whose camera we pinned (`sfu_pin`), sent again after every setup. */
  private pins: string[] = []
  /** Forwarding news about consumers whose sfu_consume answer we have not handled yet. */
  private earlyForwarding = new Map<string, boolean>()
  /** Counts ICE restarts, for tests and troubleshooting. */
  iceRestarts = 0

  constructor(opts: SfuOptions) {
    this.opts = opts
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    }
  }

  get isActive(): boolean {
    return this.active
  }

  /**
   * (Re)builds everything: loads the device, creates both transports, publishes our tracks and
   * consumes every producer of the others. `producers` comes with a join ack and replaces what we
   * knew; without it (a mesh room switching) we keep the producers announced so far.
   * Resolves 'ready' when the setup finished, 'failed' when a step of it failed (reported to
   * onError), 'overtaken' when a newer start or a close came first.
   */
  start(selfId: string, iceServers: RTCIceServer[], producers?: ProducerInfo[]): Promise<SfuStart> {
    this.teardown()
    const epoch = ++this.epoch
    this.active = true
    this.selfId = selfId
    this.iceServers = iceServers
    if (producers) {
      this.remotes.clear()
      for (const p of producers) if (p.user_id !== selfId) this.remember(p)
    }
    this.transports = new Promise((resolve) => (this.settleTransports = resolve))
    return this.setup(epoch).then(
      (done): SfuStart => (done ? 'ready' : 'overtaken'),
      (err): SfuStart => {
        if (epoch !== this.epoch) return 'overtaken'
        this.settleTransports(false)
        this.opts.onError?.(err)
        return 'failed'
      },
    )
  }

  /** Drops every transport, producer and consumer; the SFU is idle until the next start. */
  close(): void {
    this.epoch++
    this.active = false
    this.teardown()
    this.remotes.clear()
  }

  track(slot: Slot): MediaStreamTrack | null {
    return this.tracks.get(slot) ?? null
  }

  /** Publish, replace or withdraw (null) one local source. Remembered while the SFU is idle. */
  setTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    if (track) this.tracks.set(slot, track)
    else this.tracks.delete(slot)
    if (!this.active) return Promise.resolve()
    const epoch = this.epoch
    return this.enqueueSend(async () => {
      if ((await this.transports) && epoch === this.epoch) await this.syncSlot(slot)
    })
  }

  /**
   * The room size drives the screen's encoder cap (bitrate.ts). The simulcast camera keeps its
   * layers: mediasoup-client would apply one cap to all of them.
   */
  setRoomSize(n: number): void {
    if (n === this.roomSize) return
    this.roomSize = n
    const p = this.producers.get('screenVideo')
    const enc = encodingsFor('screenVideo', n, p?.track?.getSettings().height)[0]
    if (p && !p.closed && enc) p.setRtpEncodingParameters(enc).catch((err) => this.opts.onError?.(err))
  }

  /**
   * The size of the tile a remote video (key from videoKey) is shown in, in device pixels (0×0:
   * not visible). The server is told when it changed for that video's consumer
   * (`sfu_consumer_layers`), and picks the simulcast layer that fits.
   */
  setVideoSize(key: string, width: number, height: number): void {
    const clamp = (v: number) => (Number.isFinite(v) ? Math.min(MAX_TILE_DIMENSION, Math.max(0, Math.round(v))) : 0)
    this.videoSizes.set(key, { width: clamp(width), height: clamp(height) })
    for (const r of this.remotes.values()) {
      if (r.info.kind === 'video' && videoKey(r.info.user_id, streamKindOf(r.info.source)) === key) this.sendLayers(r)
    }
  }

  /** `sfu_producer_layers`: nobody receives our layers above `max`, so the encoder skips them. */
  setMaxSpatialLayer(producerId: string, max: number): void {
    for (const p of this.producers.values()) {
      if (p.id === producerId && !p.closed) p.setMaxSpatialLayer(max).catch((err) => this.opts.onError?.(err))
    }
  }

  /** Which videos are on screen (keys from videoKey); the others are paused. null: all. */
  setVisible(keys: ReadonlySet<string> | null): void {
    this.visible = keys ? new Set(keys) : null
    for (const r of this.remotes.values()) if (r.consumer) this.applyPause(r)
  }

  /**
   * The participants whose camera we always want, whoever speaks (the pinned tile); the server's
   * last-N forwards the recent speakers' cameras besides. Remembered while the SFU is idle.
   */
  setPins(userIds: readonly string[]): void {
    const next = [...new Set(userIds)].filter((id) => id && id !== this.selfId).slice(0, MAX_PINS)
    if (next.length === this.pins.length && next.every((id, i) => id === this.pins[i])) return
    this.pins = next
    if (this.active) void this.sendPins(this.epoch)
  }

  /** `sfu_consumer_forwarding`. */
  setForwarding(m: ConsumerForwarding): void {
    const r = this.remotes.get(m.producer_id)
    if (!r) return
    if (!r.consumer) {
      // Its sfu_consume answer is still on its way to consume(): it will apply this then.
      if (r.consuming !== null) this.earlyForwarding.set(m.consumer_id, m.forwarded)
      return
    }
    if (r.consumer.id === m.consumer_id) this.setForwarded(r, m.forwarded)
  }

  /** `sfu_producer_added`, or a producer listed in a join ack. */
  addProducer(info: ProducerInfo): void {
    if (info.user_id === this.selfId || this.remotes.has(info.producer_id)) return
    const r = this.remember(info)
    if (this.active) void this.consume(r, this.epoch)
  }

  /** `sfu_producer_closed`: the server already closed our consumer of it. */
  removeProducer(producerId: string): void {
    const r = this.remotes.get(producerId)
    if (!r) return
    this.remotes.delete(producerId)
    this.drop(r)
  }

  /** `sfu_consumer_closed`: the server closed one of our consumers (its producer may live on). */
  consumerClosed(consumerId: string): void {
    for (const [id, r] of this.remotes) {
      if (r.consumer?.id !== consumerId) continue
      this.remotes.delete(id)
      this.drop(r)
      return
    }
  }

  /** `user_left`: the server closed all of that participant's producers. */
  removePeer(peerId: string): void {
    for (const [id, r] of [...this.remotes]) {
      if (r.info.user_id !== peerId) continue
      this.remotes.delete(id)
      this.drop(r)
    }
    this.peerTracks.delete(peerId)
    for (const kind of ['camera', 'screen'] as const) this.videoSizes.delete(videoKey(peerId, kind))
  }

  /** Receivers by participant (audio levels for the active speaker). */
  receivers(): Map<string, RTCRtpReceiver[]> {
    const out = new Map<string, RTCRtpReceiver[]>()
    for (const r of this.remotes.values()) {
      const rx = r.consumer?.rtpReceiver
      if (!rx) continue
      const list = out.get(r.info.user_id) ?? []
      list.push(rx)
      out.set(r.info.user_id, list)
    }
    return out
  }

  /**
   * Stats entries by participant, from one getStats() per transport: each participant gets the
   * inbound-rtp entries of its consumers (matched by SSRC), plus what both transports share
   * (the selected candidate pair, our outbound-rtp).
   */
  async statsByPeer(): Promise<Map<string, { type: string; [k: string]: unknown }[]>> {
    type Entry = { type: string; [k: string]: unknown }
    const out = new Map<string, Entry[]>()
    if (!this.recv) return out
    const collect = async (t: SfuTransport | null): Promise<Entry[]> => {
      if (!t || t.closed) return []
      const list: Entry[] = []
      ;(await t.getStats()).forEach((v: Entry) => list.push(v))
      return list
    }
    const [inbound, outbound] = await Promise.all([collect(this.recv), collect(this.send)])
    const peerOfSsrc = new Map<number, string>()
    for (const r of this.remotes.values()) {
      const ssrc = r.consumer?.rtpParameters.encodings?.[0]?.ssrc
      if (ssrc !== undefined) peerOfSsrc.set(ssrc, r.info.user_id)
      if (r.consumer && !out.has(r.info.user_id)) out.set(r.info.user_id, [])
    }
    const shared = [
      ...inbound.filter((e) => e.type === 'candidate-pair'),
      ...outbound.filter((e) => e.type === 'outbound-rtp'),
    ]
    for (const e of inbound) {
      if (e.type !== 'inbound-rtp') continue
      const peer = peerOfSsrc.get(e.ssrc as number)
      if (peer) out.get(peer)?.push(e)
    }
    for (const list of out.values()) list.push(...shared)
    return out
  }

  private remember(info: ProducerInfo): Remote {
    const r: Remote = { info: { ...info }, consumer: null, paused: true, consuming: null, forwarded: true, sentSize: null }
    this.remotes.set(info.producer_id, r)
    return r
  }

  private async setup(epoch: number): Promise<boolean> {
    const stale = () => epoch !== this.epoch
    if (!this.device) this.device = await this.opts.createDevice()
    const device = this.device
    if (!device.loaded) {
      const caps = await this.opts.request<{ rtp_capabilities: types.RtpCapabilities }>('sfu_capabilities', {})
      if (stale()) return false
      if (!device.loaded) await device.load({ routerRtpCapabilities: caps.rtp_capabilities })
    }
    const [sendInfo, recvInfo] = await Promise.all([this.createTransport('send'), this.createTransport('recv')])
    if (stale()) return false
    this.send = this.wireTransport(device.createSendTransport(this.transportOptions(sendInfo.transport)), 'send', epoch)
    this.recv = this.wireTransport(device.createRecvTransport(this.transportOptions(recvInfo.transport)), 'recv', epoch)
    this.settleTransports(true)
    if (this.pins.length) void this.sendPins(epoch)
    await Promise.all([
      ...[...this.tracks.keys()].map((slot) => this.enqueueSend(() => (stale() ? Promise.resolve() : this.syncSlot(slot)))),
      ...[...this.remotes.values()].map((r) => this.consume(r, epoch)),
    ])
    return !stale()
  }

  private async sendPins(epoch: number): Promise<void> {
    if (!(await this.transports) || epoch !== this.epoch) return
    try {
      await this.opts.request('sfu_pin', { user_ids: this.pins })
    } catch (err) {
      // E.g. unknown_peer: the pinned participant left meanwhile; the next pin replaces it.
      this.opts.onError?.(err)
    }
  }

  /** Records whether the server forwards a remote's media; a camera's change is reported. */
  private setForwarded(r: Remote, forwarded: boolean): void {
    if (r.forwarded === forwarded) return
    r.forwarded = forwarded
    if (r.info.source === 'camera') this.opts.onCameraForwarded?.(r.info.user_id, forwarded)
  }

  /**
   * The server limits how often transports are made (`too_many_transports`, e.g. after many
   * drops in a row): wait as long as it says, up to a bound, and try once more.
   */
  private async createTransport(direction: 'send' | 'recv'): Promise<{ transport: WireTransport }> {
    const create = () => this.opts.request<{ transport: WireTransport }>('sfu_create_transport', { direction })
    try {
      return await create()
    } catch (err) {
      const { code, retryAfterMs } = err as { code?: string; retryAfterMs?: number }
      const wait = code === 'too_many_transports' ? retryAfterMs : undefined
      if (!wait || wait > MAX_TRANSPORT_RETRY_MS) throw err
      await new Promise<void>((resolve) => this.timers.setTimeout(resolve, wait))
      return create()
    }
  }

  private transportOptions(t: WireTransport): types.TransportOptions {
    const o: types.TransportOptions = {
      id: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
      iceServers: this.iceServers,
    }
    if (this.opts.iceTransportPolicy) o.iceTransportPolicy = this.opts.iceTransportPolicy
    return o
  }

  private wireTransport(t: SfuTransport, direction: 'send' | 'recv', epoch: number): SfuTransport {
    t.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.opts
        .request('sfu_connect_transport', { transport_id: t.id, dtls_parameters: dtlsParameters })
        .then(() => ok(), fail)
    })
    if (direction === 'send') {
      t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
        this.opts
          .request<{ producer_id: string }>('sfu_produce', {
            transport_id: t.id,
            kind,
            source: appData.source,
            rtp_parameters: rtpParameters,
          })
          .then((r) => ok({ id: r.producer_id }), fail)
      })
    }
    t.on('connectionstatechange', (state) => {
      if (epoch !== this.epoch) return
      this.opts.onTransportState?.(direction, state)
      this.onTransportState(t, state)
    })
    return t
  }

  private onTransportState(t: SfuTransport, state: ConnectionState): void {
    this.clearRestartTimer(t)
    if (state === 'failed') {
      void this.restartIce(t)
    } else if (state === 'disconnected') {
      this.restartTimers.set(
        t,
        this.timers.setTimeout(() => {
          this.restartTimers.delete(t)
          if (t.connectionState === 'disconnected') void this.restartIce(t)
        }, this.opts.disconnectGraceMs ?? 4000),
      )
    }
  }

  private async restartIce(t: SfuTransport): Promise<void> {
    if (t.closed || this.opts.canSignal?.() === false) return
    this.iceRestarts++
    try {
      const r = await this.opts.request<{ ice_parameters: types.IceParameters }>('sfu_restart_ice', { transport_id: t.id })
      if (!t.closed) await t.restartIce({ iceParameters: r.ice_parameters })
    } catch (err) {
      this.opts.onError?.(err)
      // The server no longer knows the transport (e.g. it dropped it on a timeout): start over,
      // republishing our tracks and consuming every producer we know of.
      if ((err as { code?: string }).code === 'unknown_transport' && !t.closed && this.active) {
        void this.start(this.selfId, this.iceServers)
      }
    }
  }

  private clearRestartTimer(t: SfuTransport): void {
    const h = this.restartTimers.get(t)
    if (h !== undefined) this.timers.clearTimeout(h)
    this.restartTimers.delete(t)
  }

  private enqueueSend(op: () => Promise<void>): Promise<void> {
    const run = this.sendChain.then(op)
    this.sendChain = run.catch((err) => this.opts.onError?.(err))
    return this.sendChain
  }

  /** Makes the producer of one slot match the track we hold. Runs on the send chain only. */
  private async syncSlot(slot: Slot): Promise<void> {
    const send = this.send
    const device = this.device
    if (!send || send.closed || !device) return
    const track = this.tracks.get(slot) ?? null
    const producer = this.producers.get(slot)
    if (producer && !producer.closed) {
      if (track) {
        if (producer.track !== track) await producer.replaceTrack({ track })
        return
      }
      this.producers.delete(slot)
      producer.close()
      await this.opts.request('sfu_close_producer', { producer_id: producer.id })
      return
    }
    if (!track) return
    const kind = KIND_OF_SLOT[slot]
    if (!device.canProduce(kind)) return
    const mime = kind === 'video' ? 'video/vp8' : 'audio/opus'
    const codec = device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mime)
    const source = SOURCE_OF_SLOT[slot]
    const options: types.ProducerOptions = {
      track,
      encodings: encodingsFor(slot, this.roomSize, track.getSettings().height),
      // Our tracks are shared with the preview and the mesh; the call stops them, not mediasoup.
      stopTracks: false,
      appData: { source },
    }
    if (codec) options.codec = codec
    if (kind === 'audio') options.codecOptions = { opusStereo: slot === 'screenAudio', opusFec: true, opusDtx: slot === 'audio' }
    const epoch = this.epoch
    const p = await send.produce(options)
    if (epoch !== this.epoch || send.closed) {
      p.close()
      return
    }
    this.producers.set(slot, p)
    // The track may have changed while the producer was being negotiated.
    if ((this.tracks.get(slot) ?? null) !== track) await this.syncSlot(slot)
  }

  private async consume(r: Remote, epoch: number): Promise<void> {
    if (r.consumer || r.consuming === epoch) return
    r.consuming = epoch
    try {
      // setup() itself awaits consume(): wait for the transports, not for the whole setup.
      if (!(await this.transports)) return
      const recv = this.recv
      const device = this.device
      const current = () => epoch === this.epoch && this.remotes.get(r.info.producer_id) === r
      if (!current() || !recv || !device) return
      const { consumer: wire } = await this.opts.request<{ consumer: WireConsumer }>('sfu_consume', {
        transport_id: recv.id,
        producer_id: r.info.producer_id,
        rtp_capabilities: device.rtpCapabilities,
      })
      // A producer closed meanwhile took its consumer with it on the server.
      if (!current()) return
      const early = this.earlyForwarding.get(wire.id)
      this.earlyForwarding.delete(wire.id)
      this.setForwarded(r, early ?? wire.forwarded ?? true)
      const consumer = await recv.consume({
        id: wire.id,
        producerId: wire.producer_id,
        kind: wire.kind,
        rtpParameters: this.withMid(wire.rtp_parameters),
        streamId: `${r.info.user_id}-${streamKindOf(r.info.source)}`,
        appData: { source: r.info.source, userId: r.info.user_id },
      })
      if (!current()) {
        consumer.close()
        return
      }
      r.consumer = consumer
      r.paused = true
      this.addPeerTrack(r.info.user_id, streamKindOf(r.info.source), consumer.track)
      this.opts.onPeerMedia?.(r.info.user_id)
      // Consumers start paused on the server: resume what is audible or on screen.
      if (!this.wanted(r)) consumer.pause()
      // The tile size before the resume: the server then never asks the publisher for a layer
      // this consumer does not need.
      this.sendLayers(r)
      this.applyPause(r)
    } catch (err) {
      if (epoch !== this.epoch) return
      // The producer is already gone on the server; its sfu_producer_closed may be on its way.
      if ((err as { code?: string }).code === 'unknown_producer' && this.remotes.get(r.info.producer_id) === r) {
        this.remotes.delete(r.info.producer_id)
      }
      this.opts.onError?.(err)
    } finally {
      if (r.consuming === epoch) r.consuming = null
    }
  }

  /**
   * mediasoup-client names a consumer's m-section after `rtpParameters.mid`; without one, consumers
   * created together would all get the same. The server should send it (it is the value of the MID
   * header extension it writes); when it does not, it demultiplexes by SSRC and any unique mid works.
   */
  private withMid(p: types.RtpParameters): types.RtpParameters {
    return p.mid ? p : { ...p, mid: `c${++this.midSeq}` }
  }

  private wanted(r: Remote): boolean {
    if (r.info.kind === 'audio') return true
    return this.visible === null || this.visible.has(videoKey(r.info.user_id, streamKindOf(r.info.source)))
  }

  /** Pauses or resumes one consumer, here and on the server, to match visibility. */
  private applyPause(r: Remote): void {
    const c = r.consumer
    if (!c || c.closed) return
    const pause = !this.wanted(r)
    if (pause === r.paused) return
    r.paused = pause
    if (pause) c.pause()
    else c.resume()
    this.opts
      .request(pause ? 'sfu_pause_consumer' : 'sfu_resume_consumer', { consumer_id: c.id })
      .catch((err) => this.opts.onError?.(err))
  }

  /** Tells the server the size of the tile showing this consumer's video, if it changed. */
  private sendLayers(r: Remote): void {
    const c = r.consumer
    if (!c || c.closed || r.info.kind !== 'video') return
    const size = this.videoSizes.get(videoKey(r.info.user_id, streamKindOf(r.info.source)))
    if (!size) return
    const text = `${size.width}x${size.height}`
    if (text === r.sentSize) return
    r.sentSize = text
    this.opts.request('sfu_consumer_layers', { consumer_id: c.id, width: size.width, height: size.height }).catch((err) => {
      if (r.consumer !== c) return
      r.sentSize = null
      const { code, retryAfterMs } = err as { code?: string; retryAfterMs?: number }
      if (code === 'rate_limited' && retryAfterMs !== undefined && retryAfterMs <= MAX_LAYERS_RETRY_MS) {
        this.timers.setTimeout(() => {
          if (r.consumer === c) this.sendLayers(r)
        }, retryAfterMs)
        return
      }
      this.opts.onError?.(err)
    })
  }

  private drop(r: Remote): void {
    const c = r.consumer
    r.consumer = null
    this.setForwarded(r, true)
    r.sentSize = null
    if (!c) return
    c.close()
    this.removePeerTrack(r.info.user_id, streamKindOf(r.info.source), c.track)
  }

  private addPeerTrack(peerId: string, kind: StreamKind, track: MediaStreamTrack): void {
    let entry = this.peerTracks.get(peerId)
    if (!entry) this.peerTracks.set(peerId, (entry = { camera: [], screen: [] }))
    entry[kind] = [...entry[kind].filter((t) => t !== track), track]
    this.opts.onRemoteTrack(peerId, kind, this.streamOf(entry[kind]), track)
  }

  private removePeerTrack(peerId: string, kind: StreamKind, track: MediaStreamTrack): void {
    const entry = this.peerTracks.get(peerId)
    if (!entry || !entry[kind].includes(track)) return
    entry[kind] = entry[kind].filter((t) => t !== track)
    this.opts.onRemoteTrackRemoved(peerId, kind, entry[kind].length ? this.streamOf(entry[kind]) : null, track)
  }

  /** A new stream object on every change, so views re-attach it (script-added tracks fire no addtrack). */
  private streamOf(tracks: MediaStreamTrack[]): MediaStream {
    const s = this.opts.createStream()
    for (const t of tracks) s.addTrack(t)
    return s
  }

  /** Closes transports, producers and consumers without telling anyone (a rejoin or a leave). */
  private teardown(): void {
    this.settleTransports(false)
    this.settleTransports = () => {}
    this.transports = Promise.resolve(false)
    for (const t of this.restartTimers.keys()) this.clearRestartTimer(t)
    for (const p of this.producers.values()) p.close()
    this.producers.clear()
    for (const r of this.remotes.values()) {
      r.consumer?.close()
      r.consumer = null
      r.paused = true
      r.consuming = null
      this.setForwarded(r, true)
      r.sentSize = null
    }
    this.earlyForwarding.clear()
    this.peerTracks.clear()
    this.send?.close()
    this.recv?.close()
    this.send = null
    this.recv = null
    this.sendChain = Promise.resolve()
  }
}
