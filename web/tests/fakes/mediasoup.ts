import type { types } from 'mediasoup-client'
import type { ConnectionState, SfuConsumer, SfuDevice, SfuProducer, SfuTransport } from '../../src/rtc/sfu'
import type { ProducerInfo } from '../../src/rtc/protocol'
import { FakeTrack, asTrack } from './media'

/*
 * Stand-ins for mediasoup-client's Device, Transport, Producer and Consumer that follow its event
 * protocol ('connect' before the first produce/consume, 'produce' awaiting the server's id) without
 * RTCPeerConnection, and a fake SFU answering the sfu_* requests.
 */

type Listener = (...args: never[]) => void

export class FakeProducer implements SfuProducer {
  closed = false
  encodingUpdates: RTCRtpEncodingParameters[] = []
  constructor(
    readonly id: string,
    public track: MediaStreamTrack | null,
    readonly options: types.ProducerOptions,
  ) {}
  close() {
    this.closed = true
  }
  async replaceTrack({ track }: { track: MediaStreamTrack | null }) {
    this.track = track
  }
  async setRtpEncodingParameters(p: RTCRtpEncodingParameters) {
    this.encodingUpdates.push(p)
  }
  maxSpatialLayers: number[] = []
  async setMaxSpatialLayer(n: number) {
    this.maxSpatialLayers.push(n)
  }
}

export class FakeConsumer implements SfuConsumer {
  closed = false
  paused = false
  readonly track: MediaStreamTrack
  readonly rtpReceiver = undefined
  constructor(readonly id: string, readonly producerId: string, readonly kind: string, readonly rtpParameters: types.RtpParameters) {
    this.track = asTrack(new FakeTrack(kind as 'audio' | 'video'))
  }
  pause() {
    this.paused = true
  }
  resume() {
    this.paused = false
  }
  close() {
    this.closed = true
    this.track.stop()
  }
}

export class FakeTransport implements SfuTransport {
  closed = false
  connectionState: ConnectionState = 'new'
  connected = false
  producers: FakeProducer[] = []
  consumers: FakeConsumer[] = []
  iceRestarts: types.IceParameters[] = []
  private listeners = new Map<string, Listener[]>()
  constructor(
    readonly direction: 'send' | 'recv',
    readonly options: types.TransportOptions,
  ) {}
  get id() {
    return this.options.id
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  private emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args)
  }
  /** Like mediasoup-client: the app must answer the event's callback (or errback). */
  private ask<T>(event: string, payload: object): Promise<T> {
    return new Promise<T>((resolve, reject) => this.emit(event, payload, resolve, reject))
  }
  private connecting: Promise<void> | null = null
  /** The first produce/consume connects; the others wait for it, as mediasoup-client's queue does. */
  private ensureConnected() {
    this.connecting ??= this.ask<void>('connect', {
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: `fp-${this.id}` }] },
    }).then(() => {
      this.connected = true
    })
    return this.connecting
  }
  setState(state: ConnectionState) {
    this.connectionState = state
    this.emit('connectionstatechange', state)
  }
  async produce(o: types.ProducerOptions): Promise<SfuProducer> {
    if (this.closed) throw new Error('closed')
    await this.ensureConnected()
    const kind = o.track!.kind as types.MediaKind
    const rtpParameters = { codecs: o.codec ? [{ ...o.codec, payloadType: 100 }] : [], encodings: o.encodings ?? [] } as types.RtpParameters
    const { id } = await this.ask<{ id: string }>('produce', { kind, rtpParameters, appData: o.appData ?? {} })
    const p = new FakeProducer(id, o.track ?? null, o)
    this.producers.push(p)
    return p
  }
  async consume(o: types.ConsumerOptions): Promise<SfuConsumer> {
    if (this.closed) throw new Error('closed')
    await this.ensureConnected()
    const c = new FakeConsumer(o.id, o.producerId, o.kind, o.rtpParameters)
    this.consumers.push(c)
    return c
  }
  async restartIce({ iceParameters }: { iceParameters: types.IceParameters }) {
    this.iceRestarts.push(iceParameters)
  }
  async getStats(): Promise<RTCStatsReport> {
    const entries = [
      ...this.consumers.map((c) => ({ type: 'inbound-rtp', ssrc: c.rtpParameters.encodings?.[0]?.ssrc, packetsReceived: 10, bytesReceived: 1000 })),
      { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.02 },
      ...(this.direction === 'send' ? [{ type: 'outbound-rtp', bytesSent: 500 }] : []),
    ]
    return new Map(entries.map((e, i) => [String(i), e])) as unknown as RTCStatsReport
  }
  close() {
    this.closed = true
  }
}

export const ROUTER_CAPS: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101 },
  ],
  headerExtensions: [],
}

export class FakeDevice implements SfuDevice {
  loaded = false
  loadedWith: types.RtpCapabilities | null = null
  transports: FakeTransport[] = []
  get rtpCapabilities(): types.RtpCapabilities {
    if (!this.loadedWith) throw new Error('not loaded')
    return this.loadedWith
  }
  async load({ routerRtpCapabilities }: { routerRtpCapabilities: types.RtpCapabilities }) {
    this.loaded = true
    this.loadedWith = routerRtpCapabilities
  }
  canProduce() {
    return this.loaded
  }
  createSendTransport(o: types.TransportOptions) {
    const t = new FakeTransport('send', o)
    this.transports.push(t)
    return t
  }
  createRecvTransport(o: types.TransportOptions) {
    const t = new FakeTransport('recv', o)
    this.transports.push(t)
    return t
  }
  /** The newest transport of a direction. */
  last(direction: 'send' | 'recv'): FakeTransport {
    const t = [...this.transports].reverse().find((x) => x.direction === direction)
    if (!t) throw new Error(`no ${direction} transport`)
    return t
  }
}

export class FakeSfuError extends Error {
  constructor(readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message)
  }
}

/** Answers the sfu_* requests like the server would and records them. */
export class FakeSfuServer {
  calls: [string, Record<string, unknown>][] = []
  /** Producers of the room by id, so sfu_consume can answer with their owner and source. */
  producers = new Map<string, ProducerInfo>()
  /** The error sfu_consumer_layers answers the next requests with, one each. */
  layersErrors: FakeSfuError[] = []
  /** Make one event fail with this error code. */
  failing = new Map<string, string>()
  /** Make the next request of an event fail with this error (then answer normally). */
  failingOnce = new Map<string, FakeSfuError>()
  /** Producers whose consumers last-N holds back (`forwarded: false` in the consume answer). */
  heldBack = new Set<string>()
  /** Hold sfu_consume answers until released (to race them). */
  holdConsume = false
  private held: (() => void)[] = []
  private seq = 0
  private ssrc = 1000

  request = async <T extends object>(event: string, payload: object): Promise<T> => {
    const p = payload as Record<string, unknown>
    this.calls.push([event, p])
    const code = this.failing.get(event)
    if (code) throw new FakeSfuError(code, `${event} failed`)
    const once = this.failingOnce.get(event)
    if (once) {
      this.failingOnce.delete(event)
      throw once
    }
    if (event === 'sfu_consumer_layers' && this.layersErrors.length) throw this.layersErrors.shift()
    switch (event) {
      case 'sfu_capabilities':
        return { rtp_capabilities: ROUTER_CAPS } as T
      case 'sfu_create_transport': {
        const id = `${p.direction}-${++this.seq}`
        return {
          transport: {
            id,
            iceParameters: { usernameFragment: `u${id}`, password: 'p'.repeat(22), iceLite: true },
            iceCandidates: [{ foundation: 'f', priority: 1, ip: '127.0.0.1', address: '127.0.0.1', protocol: 'udp', port: 40000, type: 'host' }],
            dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
          },
        } as T
      }
      case 'sfu_produce':
        return { producer_id: `prod-${p.source}-${++this.seq}` } as T
      case 'sfu_consume': {
        if (this.holdConsume) await new Promise<void>((r) => this.held.push(r))
        const info = this.producers.get(p.producer_id as string)
        if (!info) throw new FakeSfuError('unknown_producer', 'no such producer')
        return {
          consumer: {
            id: `cons-${info.producer_id}`,
            producer_id: info.producer_id,
            user_id: info.user_id,
            kind: info.kind,
            source: info.source,
            rtp_parameters: { codecs: [], encodings: [{ ssrc: ++this.ssrc }] },
            forwarded: !this.heldBack.has(info.producer_id),
          },
        } as T
      }
      case 'sfu_restart_ice':
        return { ice_parameters: { usernameFragment: `restart-${++this.seq}`, password: 'q'.repeat(22), iceLite: true } } as T
      default:
        return {} as T
    }
  }

  releaseConsumes() {
    const h = this.held
    this.held = []
    h.forEach((r) => r())
  }

  add(info: ProducerInfo): ProducerInfo {
    this.producers.set(info.producer_id, info)
    return info
  }

  named(event: string) {
    return this.calls.filter(([e]) => e === event).map(([, p]) => p)
  }
}

export function producer(user: string, source: ProducerInfo['source']): ProducerInfo {
  const kind = source === 'mic' || source === 'screen_audio' ? 'audio' : 'video'
  return { producer_id: `${user}-${source}`, user_id: user, kind, source }
}
