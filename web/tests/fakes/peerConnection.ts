import { FakeStream, FakeTrack } from './media'

/**
 * An in-memory RTCPeerConnection: signaling states, implicit rollback, transceiver association
 * (addTrack transceivers are reused by a remote offer, as JSEP says), negotiationneeded only in
 * 'stable', and a "SDP" that is JSON listing the m-lines. Every async step yields, so offers
 * from both sides really can cross.
 */
interface MLine {
  mid: string
  kind: 'audio' | 'video'
  direction: RTCRtpTransceiverDirection
  streamId: string | null
}
interface FakeSdp {
  from: string
  ufrag: string
  media: MLine[]
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0))
const sends = (d: RTCRtpTransceiverDirection) => d === 'sendrecv' || d === 'sendonly'

class FakeSender {
  track: FakeTrack | null
  streamId: string | null
  params: { encodings: Record<string, unknown>[] } = { encodings: [{}] }
  private readonly owner: FakePeerConnection
  constructor(owner: FakePeerConnection, track: FakeTrack | null, streamId: string | null) {
    this.owner = owner
    this.track = track
    this.streamId = streamId
  }
  async replaceTrack(t: FakeTrack | null) {
    await tick()
    this.track = t
  }
  setStreams(s: FakeStream) {
    this.streamId = s.id
    this.owner.markNegotiationNeeded()
  }
  getParameters() {
    return structuredClone(this.params)
  }
  async setParameters(p: { encodings: Record<string, unknown>[] }) {
    this.params = structuredClone(p)
  }
}

export class FakeTransceiver {
  mid: string | null = null
  readonly kind: 'audio' | 'video'
  readonly sender: FakeSender
  readonly receiver: { track: FakeTrack }
  readonly byAddTrack: boolean
  receiving = false
  private dir: RTCRtpTransceiverDirection
  private readonly owner: FakePeerConnection
  constructor(owner: FakePeerConnection, kind: 'audio' | 'video', dir: RTCRtpTransceiverDirection, track: FakeTrack | null, streamId: string | null, byAddTrack: boolean) {
    this.owner = owner
    this.kind = kind
    this.dir = dir
    this.byAddTrack = byAddTrack
    this.sender = new FakeSender(owner, track, streamId)
    this.receiver = { track: new FakeTrack(kind) }
  }
  get direction() {
    return this.dir
  }
  set direction(d: RTCRtpTransceiverDirection) {
    if (d === this.dir) return
    this.dir = d
    this.owner.markNegotiationNeeded()
  }
}

let pcSeq = 0

export class FakePeerConnection extends EventTarget {
  static all: FakePeerConnection[] = []
  readonly name: string
  signalingState: RTCSignalingState = 'stable'
  connectionState: RTCPeerConnectionState = 'new'
  localDescription: RTCSessionDescriptionInit | null = null
  remoteDescription: RTCSessionDescriptionInit | null = null
  readonly transceivers: FakeTransceiver[] = []
  readonly addedCandidates: RTCIceCandidateInit[] = []
  offersMade = 0
  restarts = 0
  private stableLocal: RTCSessionDescriptionInit | null = null
  private nnPending = false
  private nnScheduled = false
  private opsPending = 0
  private readonly stableMids = new Set<string>()
  private ufrag = 'u0'
  private listenersLive = 0

  constructor() {
    super()
    this.name = `pc${++pcSeq}`
    FakePeerConnection.all.push(this)
  }

  addEventListener(type: string, cb: EventListenerOrEventListenerObject | null, opts?: AddEventListenerOptions | boolean): void {
    this.listenersLive++
    const signal = typeof opts === 'object' ? opts.signal : undefined
    signal?.addEventListener('abort', () => this.listenersLive--)
    super.addEventListener(type, cb, opts)
  }

  /** Listeners added and not yet removed through their AbortSignal. */
  get liveListeners() {
    return this.listenersLive
  }

  addTrack(track: FakeTrack, stream: FakeStream) {
    const t = new FakeTransceiver(this, track.kind, 'sendrecv', track, stream.id, true)
    this.transceivers.push(t)
    this.markNegotiationNeeded()
    return t.sender
  }

  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init: { direction?: RTCRtpTransceiverDirection; streams?: FakeStream[] } = {}) {
    const track = typeof trackOrKind === 'string' ? null : trackOrKind
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind
    const t = new FakeTransceiver(this, kind, init.direction ?? 'sendrecv', track, init.streams?.[0]?.id ?? null, false)
    this.transceivers.push(t)
    this.markNegotiationNeeded()
    return t
  }

  getTransceivers() {
    return [...this.transceivers]
  }
  getSenders() {
    return this.transceivers.map((t) => t.sender)
  }
  getReceivers() {
    return this.transceivers.map((t) => t.receiver)
  }

  restartIce() {
    this.restarts++
    this.ufrag = `u${this.restarts}`
    this.markNegotiationNeeded()
  }

  markNegotiationNeeded() {
    if (this.signalingState === 'closed') return
    this.nnPending = true
    if (this.signalingState === 'stable') this.scheduleNegotiationNeeded()
  }

  // Like the browser's operations chain: description and candidate operations run one at a time.
  private ops: Promise<unknown> = Promise.resolve()
  private chained<T>(op: () => Promise<T>): Promise<T> {
    this.opsPending++
    const run = this.ops.then(async () => {
      await tick()
      return op()
    })
    this.ops = run
      .catch(() => {})
      .then(() => {
        this.opsPending--
        if (this.opsPending === 0 && this.nnPending) this.scheduleNegotiationNeeded()
      })
    return run
  }

  setLocalDescription(desc?: RTCSessionDescriptionInit) {
    return this.chained(() => this.doSetLocal(desc))
  }
  setRemoteDescription(desc: RTCSessionDescriptionInit) {
    return this.chained(() => this.doSetRemote(desc))
  }
  addIceCandidate(c: RTCIceCandidateInit) {
    return this.chained(() => this.doAddCandidate(c))
  }

  private async doSetLocal(desc?: RTCSessionDescriptionInit) {
    this.assertOpen()
    const type = desc?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer')
    if (type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: offer in ${this.signalingState}`)
      this.nnPending = false
      for (const t of this.transceivers) if (t.mid === null) t.mid = this.freeMid()
      this.offersMade++
      this.stableLocal = this.signalingState === 'stable' ? this.localDescription : this.stableLocal
      this.localDescription = { type: 'offer', sdp: this.sdp() }
      this.signalingState = 'have-local-offer'
    } else {
      if (this.signalingState !== 'have-remote-offer') throw new Error(`InvalidStateError: answer in ${this.signalingState}`)
      this.localDescription = { type: 'answer', sdp: this.sdp() }
      this.signalingState = 'stable'
      // Changes made before the offer arrived that the answer already carries need no new round.
      this.nnPending = this.transceivers.some((t) => t.mid === null)
      this.afterStable()
    }
    setTimeout(() => this.dispatch('icecandidate', { candidate: { toJSON: () => ({ candidate: `candidate:${this.name}:${this.ufrag}`, sdpMid: '0' }) } }), 0)
  }

  private async doSetRemote(desc: RTCSessionDescriptionInit) {
    this.assertOpen()
    if (desc.type === 'rollback') return this.rollback()
    const sdp = JSON.parse(desc.sdp ?? '{}') as FakeSdp
    if (desc.type === 'offer') {
      if (this.signalingState === 'have-local-offer') this.rollback()
      if (this.signalingState !== 'stable') throw new Error(`InvalidStateError: remote offer in ${this.signalingState}`)
      this.remoteDescription = desc
      this.signalingState = 'have-remote-offer'
      for (const m of sdp.media) {
        let t = this.transceivers.find((x) => x.mid === m.mid)
        t ??= this.transceivers.find((x) => x.mid === null && x.byAddTrack && x.kind === m.kind)
        if (!t) {
          t = new FakeTransceiver(this, m.kind, 'recvonly', null, null, false)
          this.transceivers.push(t)
        }
        t.mid = m.mid
        this.fireTrack(t, m)
      }
    } else if (desc.type === 'answer') {
      if (this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: answer in ${this.signalingState}`)
      this.remoteDescription = desc
      this.signalingState = 'stable'
      for (const m of sdp.media) {
        const t = this.transceivers.find((x) => x.mid === m.mid)
        if (t) this.fireTrack(t, m)
      }
      this.afterStable()
    }
  }

  private async doAddCandidate(c: RTCIceCandidateInit) {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description')
    this.addedCandidates.push(c)
  }

  close() {
    this.signalingState = 'closed'
    this.connectionState = 'closed'
  }

  /** Test control: pretend ICE moved to a new state. */
  setConnectionState(s: RTCPeerConnectionState) {
    this.connectionState = s
    this.dispatch('connectionstatechange', {})
  }

  /** Like a browser: 'track' fires when an m-line starts receiving, not on every renegotiation. */
  private fireTrack(t: FakeTransceiver, m: MLine) {
    const receiving = sends(m.direction) && !!m.streamId
    const was = t.receiving
    t.receiving = receiving
    if (!receiving || was) return
    this.dispatch('track', { track: t.receiver.track, streams: [new FakeStream(m.streamId!)], transceiver: t })
  }

  private freeMid(): string {
    const used = new Set(this.transceivers.map((t) => t.mid))
    let n = 0
    while (used.has(String(n))) n++
    return String(n)
  }

  private rollback() {
    // Mids handed out by the rolled-back offer are forgotten, so a remote offer can claim them.
    for (const t of this.transceivers) if (t.mid !== null && !this.stableMids.has(t.mid)) t.mid = null
    this.signalingState = 'stable'
    this.localDescription = this.stableLocal
    this.nnPending = true
  }

  private afterStable() {
    for (const t of this.transceivers) if (t.mid !== null) this.stableMids.add(t.mid)
    if (this.nnPending) this.scheduleNegotiationNeeded()
  }

  /** One coalesced event, fired only while stable with an empty operations chain. */
  private scheduleNegotiationNeeded() {
    if (this.nnScheduled) return
    this.nnScheduled = true
    setTimeout(() => {
      this.nnScheduled = false
      if (this.nnPending && this.signalingState === 'stable' && this.opsPending === 0) this.dispatch('negotiationneeded', {})
    }, 0)
  }

  private sdp(): string {
    const media: MLine[] = this.transceivers
      .filter((t) => t.mid !== null)
      .map((t) => ({ mid: t.mid!, kind: t.kind, direction: t.direction, streamId: sends(t.direction) ? t.sender.streamId : null }))
    return JSON.stringify({ from: this.name, ufrag: this.ufrag, media } satisfies FakeSdp)
  }

  private dispatch(type: string, props: Record<string, unknown>) {
    if (this.signalingState === 'closed') return
    this.dispatchEvent(Object.assign(new Event(type), props))
  }

  private assertOpen() {
    if (this.signalingState === 'closed') throw new Error('InvalidStateError: closed')
  }
}
