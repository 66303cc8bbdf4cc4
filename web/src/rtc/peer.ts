import type { StreamKind, StreamMap } from './protocol'

/** The four things a participant can publish, each on its own transceiver. */
export type Slot = 'audio' | 'camera' | 'screenVideo' | 'screenAudio'
export const SLOTS: readonly Slot[] = ['audio', 'camera', 'screenVideo', 'screenAudio']

export interface LocalTrack {
  track: MediaStreamTrack
  stream: MediaStream
}
export type LocalTracks = Partial<Record<Slot, LocalTrack>>

export type OutgoingSignal =
  | { kind: 'description'; description: RTCSessionDescriptionInit; streams: StreamMap }
  | { kind: 'candidate'; candidate: RTCIceCandidateInit | null }

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface PeerLinkOptions {
  peerId: string
  /** The polite side yields on glare (perfect negotiation). Exactly one side of a pair is polite. */
  polite: boolean
  pc: RTCPeerConnection
  send(signal: OutgoingSignal): void
  /** The ids of our published streams and what each one is. */
  localStreams(): StreamMap
  onRemoteTrack(kind: StreamKind, stream: MediaStream, track: MediaStreamTrack): void
  onConnectionState?(state: RTCPeerConnectionState): void
  onError?(err: unknown): void
  /** How long a 'disconnected' connection may stay so before we restart ICE. */
  disconnectGraceMs?: number
  timers?: Timers
}

const KIND_OF_SLOT: Record<Slot, 'audio' | 'video'> = {
  audio: 'audio',
  camera: 'video',
  screenVideo: 'video',
  screenAudio: 'audio',
}
const isScreenSlot = (s: Slot) => s === 'screenVideo' || s === 'screenAudio'

/**
 * One RTCPeerConnection to one remote participant, negotiated with the "perfect negotiation"
 * pattern: either side may offer at any time and a collision is resolved by politeness.
 */
export class PeerLink {
  readonly peerId: string
  readonly pc: RTCPeerConnection
  private readonly opts: PeerLinkOptions
  private readonly timers: Timers
  private readonly abort = new AbortController()
  private readonly slots = new Map<Slot, RTCRtpTransceiver>()
  private readonly slotStream = new Map<Slot, string>()
  private remoteStreams: StreamMap = {}
  private pendingCandidates: RTCIceCandidateInit[] = []
  private chain: Promise<void> = Promise.resolve()
  private makingOffer = false
  private ignoreOffer = false
  private settingRemoteAnswer = false
  private restartTimer: unknown = null
  private closed = false
  /** Counts ICE restarts, for the stats view and tests. */
  iceRestarts = 0

  constructor(opts: PeerLinkOptions) {
    this.opts = opts
    this.peerId = opts.peerId
    this.pc = opts.pc
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    }
    const signal = this.abort.signal
    this.pc.addEventListener('negotiationneeded', () => void this.negotiate(), { signal })
    this.pc.addEventListener(
      'icecandidate',
      (e) => {
        const c = (e as RTCPeerConnectionIceEvent).candidate
        if (c) this.opts.send({ kind: 'candidate', candidate: c.toJSON() })
      },
      { signal },
    )
    this.pc.addEventListener('track', (e) => this.onTrack(e as RTCTrackEvent), { signal })
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState(), { signal })
  }

  /**
   * Attach our media. The initiator also asks to receive audio and video even when it has
   * nothing to send, so a receive-only participant still gets everyone's media.
   */
  start(local: LocalTracks, initiator: boolean): void {
    for (const slot of SLOTS) {
      const lt = local[slot]
      if (lt && !isScreenSlot(slot)) {
        const sender = this.pc.addTrack(lt.track, lt.stream)
        const t = this.pc.getTransceivers().find((x) => x.sender === sender)
        if (t) this.assign(slot, t, lt.stream.id)
      } else if (lt) {
        this.assign(slot, this.pc.addTransceiver(lt.track, { direction: 'sendonly', streams: [lt.stream] }), lt.stream.id)
      } else if (initiator && !isScreenSlot(slot)) {
        this.assign(slot, this.pc.addTransceiver(KIND_OF_SLOT[slot], { direction: 'recvonly' }))
      }
    }
  }

  handleDescription(description: RTCSessionDescriptionInit, streams: StreamMap | undefined): Promise<void> {
    return this.enqueue(async () => {
      if (streams) this.remoteStreams = { ...streams }
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer)
      const collision = description.type === 'offer' && !readyForOffer
      this.ignoreOffer = !this.opts.polite && collision
      if (this.ignoreOffer) return
      this.settingRemoteAnswer = description.type === 'answer'
      try {
        await this.pc.setRemoteDescription(description) // rolls back our own offer on glare
      } finally {
        this.settingRemoteAnswer = false
      }
      this.adoptSlots()
      await this.flushCandidates()
      if (description.type === 'offer') {
        await this.pc.setLocalDescription()
        this.sendLocalDescription()
      }
    })
  }

  handleCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    return this.enqueue(async () => {
      if (!candidate || !candidate.candidate) return
      // Candidates can outrun the description they belong to: hold them until it is set.
      if (!this.pc.remoteDescription) {
        this.pendingCandidates.push(candidate)
        return
      }
      try {
        await this.pc.addIceCandidate(candidate)
      } catch (err) {
        if (!this.ignoreOffer) throw err
      }
    })
  }

  /** Publish, replace or withdraw what one slot sends. Renegotiates only when the SDP must change. */
  async setTrack(slot: Slot, local: LocalTrack | null): Promise<void> {
    if (this.closed) return
    const t = this.slots.get(slot)
    if (t) {
      await t.sender.replaceTrack(local?.track ?? null)
      if (local) {
        // setStreams is missing in older Firefox; the receiver then treats the track as camera.
        if (this.slotStream.get(slot) !== local.stream.id && typeof t.sender.setStreams === 'function') {
          t.sender.setStreams(local.stream)
          this.slotStream.set(slot, local.stream.id)
        }
        if (t.direction === 'recvonly') t.direction = 'sendrecv'
        else if (t.direction === 'inactive') t.direction = 'sendonly'
      } else if (isScreenSlot(slot)) {
        // Stop announcing the screen, so receivers drop the track instead of showing a frozen frame.
        if (t.direction === 'sendrecv') t.direction = 'recvonly'
        else if (t.direction === 'sendonly') t.direction = 'inactive'
      }
    } else if (local) {
      const direction = isScreenSlot(slot) ? 'sendonly' : 'sendrecv'
      this.assign(slot, this.pc.addTransceiver(local.track, { direction, streams: [local.stream] }), local.stream.id)
    }
  }

  sender(slot: Slot): RTCRtpSender | null {
    return this.slots.get(slot)?.sender ?? null
  }

  /** Current cap for one slot's encoder; errors (e.g. before negotiation) are ignored and retried later. */
  async setEncoding(slot: Slot, enc: { maxBitrate: number; maxFramerate?: number; scaleResolutionDownBy?: number }) {
    const sender = this.sender(slot)
    if (!sender || !sender.track || this.closed) return
    const params = sender.getParameters()
    const first = params.encodings?.[0]
    if (!first) return
    if (
      first.maxBitrate === enc.maxBitrate &&
      first.maxFramerate === enc.maxFramerate &&
      first.scaleResolutionDownBy === enc.scaleResolutionDownBy
    )
      return
    first.maxBitrate = enc.maxBitrate
    if (enc.maxFramerate !== undefined) first.maxFramerate = enc.maxFramerate
    if (enc.scaleResolutionDownBy !== undefined) first.scaleResolutionDownBy = enc.scaleResolutionDownBy
    try {
      await sender.setParameters(params)
    } catch (err) {
      this.opts.onError?.(err)
    }
  }

  restartIce(): void {
    if (this.closed) return
    this.iceRestarts++
    this.pc.restartIce()
  }

  /** Releases the connection, every listener and every timer. Our local tracks are shared and stay. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.abort.abort()
    this.clearRestartTimer()
    this.pendingCandidates = []
    this.slots.clear()
    for (const r of this.pc.getReceivers()) r.track?.stop()
    this.pc.close()
  }

  get isClosed(): boolean {
    return this.closed
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => (this.closed ? undefined : op()))
    this.chain = run.catch((err) => this.opts.onError?.(err))
    return this.chain
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return
    try {
      this.makingOffer = true
      await this.pc.setLocalDescription()
      this.sendLocalDescription()
    } catch (err) {
      this.opts.onError?.(err)
    } finally {
      this.makingOffer = false
    }
  }

  private sendLocalDescription(): void {
    const d = this.pc.localDescription
    if (!d || this.closed) return
    this.opts.send({ kind: 'description', description: { type: d.type, sdp: d.sdp }, streams: this.opts.localStreams() })
  }

  private async flushCandidates(): Promise<void> {
    const queued = this.pendingCandidates
    this.pendingCandidates = []
    for (const c of queued) {
      try {
        await this.pc.addIceCandidate(c)
      } catch (err) {
        // A candidate of an offer that lost a collision no longer applies.
        if (!this.ignoreOffer) this.opts.onError?.(err)
      }
    }
  }

  /** After the remote side created the m-lines, use them for our audio/camera when we had none. */
  private adoptSlots(): void {
    const used = new Set(this.slots.values())
    for (const slot of ['audio', 'camera'] as const) {
      if (this.slots.has(slot)) continue
      const t = this.pc
        .getTransceivers()
        .find((x) => !used.has(x) && x.mid !== null && x.receiver.track.kind === KIND_OF_SLOT[slot])
      if (t) {
        this.assign(slot, t)
        used.add(t)
      }
    }
  }

  private assign(slot: Slot, t: RTCRtpTransceiver, streamId?: string): void {
    this.slots.set(slot, t)
    if (streamId) this.slotStream.set(slot, streamId)
  }

  private onTrack(e: RTCTrackEvent): void {
    const stream = e.streams[0]
    if (!stream) return
    const kind = this.remoteStreams[stream.id] ?? 'camera'
    this.opts.onRemoteTrack(kind, stream, e.track)
  }

  private onConnectionState(): void {
    const state = this.pc.connectionState
    this.opts.onConnectionState?.(state)
    if (state === 'failed') {
      this.clearRestartTimer()
      this.restartIce()
    } else if (state === 'disconnected') {
      this.clearRestartTimer()
      this.restartTimer = this.timers.setTimeout(() => {
        this.restartTimer = null
        if (this.pc.connectionState === 'disconnected') this.restartIce()
      }, this.opts.disconnectGraceMs ?? 4000)
    } else if (state === 'connected') {
      this.clearRestartTimer()
    }
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== null) this.timers.clearTimeout(this.restartTimer)
    this.restartTimer = null
  }
}
