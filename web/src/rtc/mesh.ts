import { AUDIO_MAX_BITRATE, cameraLimits, encodingFor, screenLimits } from './bitrate'
import { PeerLink, SLOTS, type LocalTrack, type OutgoingSignal, type Slot, type Timers } from './peer'
import type { StreamKind, StreamMap } from './protocol'

export interface MeshOptions {
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection
  createStream(): MediaStream
  send(peerId: string, signal: OutgoingSignal): void
  onRemoteTrack(peerId: string, kind: StreamKind, stream: MediaStream, track: MediaStreamTrack): void
  onPeerState?(peerId: string, state: RTCPeerConnectionState): void
  onError?(peerId: string, err: unknown): void
  timers?: Timers
  /** 'relay' sends everything through TURN (hides our addresses; the `relay=1` URL parameter). */
  iceTransportPolicy?: RTCIceTransportPolicy
}

/** Full mesh: one PeerLink per remote participant, all publishing the same local tracks. */
export class PeerMesh {
  private readonly opts: MeshOptions
  private readonly links = new Map<string, PeerLink>()
  private readonly tracks = new Map<Slot, MediaStreamTrack>()
  private selfId = ''
  private iceServers: RTCIceServer[] = []
  /** Audio + camera travel in one stream (lip sync); the screen and its audio in another. */
  readonly cameraStream: MediaStream
  readonly screenStream: MediaStream

  constructor(opts: MeshOptions) {
    this.opts = opts
    this.cameraStream = opts.createStream()
    this.screenStream = opts.createStream()
  }

  /** Start over with a new identity (after a join or a rejoin); drops every peer. */
  reset(selfId: string, iceServers: RTCIceServer[]): void {
    this.closeAll()
    this.selfId = selfId
    this.iceServers = iceServers
  }

  get size(): number {
    return this.links.size
  }

  has(peerId: string): boolean {
    return this.links.has(peerId)
  }

  /** We are the newcomer: we create the connection and make the first offer. */
  connect(peerId: string): PeerLink {
    return this.ensure(peerId, true)
  }

  handleDescription(from: string, description: RTCSessionDescriptionInit, streams?: StreamMap): Promise<void> {
    const link = this.links.get(from) ?? (description.type === 'offer' ? this.ensure(from, false) : undefined)
    return link ? link.handleDescription(description, streams) : Promise.resolve()
  }

  handleCandidate(from: string, candidate: RTCIceCandidateInit | null): Promise<void> {
    return this.links.get(from)?.handleCandidate(candidate) ?? Promise.resolve()
  }

  removePeer(peerId: string): void {
    const link = this.links.get(peerId)
    if (!link) return
    this.links.delete(peerId)
    link.close()
    void this.applyPolicy()
  }

  closeAll(): void {
    for (const link of this.links.values()) link.close()
    this.links.clear()
  }

  track(slot: Slot): MediaStreamTrack | null {
    return this.tracks.get(slot) ?? null
  }

  /** Publish (or withdraw, with null) a local track on every connection. */
  async setTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    const stream = slot === 'audio' || slot === 'camera' ? this.cameraStream : this.screenStream
    const old = this.tracks.get(slot)
    if (old && old !== track) stream.removeTrack(old)
    if (track) {
      this.tracks.set(slot, track)
      if (!stream.getTracks().includes(track)) stream.addTrack(track)
    } else {
      this.tracks.delete(slot)
    }
    const local = track ? { track, stream } : null
    await Promise.all([...this.links.values()].map((l) => l.setTrack(slot, local)))
    await this.applyPolicy()
  }

  /** Caps every sender by room size; called when the room changes or a connection settles. */
  async applyPolicy(): Promise<void> {
    const roomSize = this.links.size + 1
    const cam = cameraLimits(roomSize)
    const scr = screenLimits(roomSize)
    const camHeight = this.tracks.get('camera')?.getSettings().height
    const scrHeight = this.tracks.get('screenVideo')?.getSettings().height
    const jobs: Promise<void>[] = []
    for (const link of this.links.values()) {
      jobs.push(link.setEncoding('camera', encodingFor(cam, camHeight)))
      jobs.push(link.setEncoding('screenVideo', encodingFor(scr, scrHeight)))
      jobs.push(link.setEncoding('audio', { maxBitrate: AUDIO_MAX_BITRATE }))
    }
    await Promise.all(jobs)
  }

  peerConnections(): Map<string, RTCPeerConnection> {
    return new Map([...this.links].map(([id, l]) => [id, l.pc]))
  }

  link(peerId: string): PeerLink | undefined {
    return this.links.get(peerId)
  }

  /**
   * The configuration every new RTCPeerConnection gets. Every peer is this client, so all media
   * can share one transport from the first offer (max-bundle): one set of candidates and ICE
   * checks per peer instead of one per media kind until the answer arrives.
   */
  rtcConfig(): RTCConfiguration {
    const config: RTCConfiguration = { iceServers: this.iceServers, bundlePolicy: 'max-bundle' }
    if (this.opts.iceTransportPolicy) config.iceTransportPolicy = this.opts.iceTransportPolicy
    return config
  }

  private localStreams(): StreamMap {
    return { [this.cameraStream.id]: 'camera', [this.screenStream.id]: 'screen' }
  }

  private ensure(peerId: string, initiator: boolean): PeerLink {
    const existing = this.links.get(peerId)
    if (existing) return existing
    const link: PeerLink = new PeerLink({
      peerId,
      polite: this.selfId > peerId,
      pc: this.opts.createPeerConnection(this.rtcConfig()),
      send: (s) => this.opts.send(peerId, s),
      localStreams: () => this.localStreams(),
      onRemoteTrack: (kind, stream, track) => this.opts.onRemoteTrack(peerId, kind, stream, track),
      onConnectionState: (state) => {
        if (state === 'connected') void this.applyPolicy()
        this.opts.onPeerState?.(peerId, state)
      },
      onError: (err) => this.opts.onError?.(peerId, err),
      timers: this.opts.timers,
    })
    this.links.set(peerId, link)
    const local: Partial<Record<Slot, LocalTrack>> = {}
    for (const slot of SLOTS) {
      const track = this.tracks.get(slot)
      const stream = slot === 'audio' || slot === 'camera' ? this.cameraStream : this.screenStream
      if (track) local[slot] = { track, stream }
    }
    link.start(local, initiator)
    void this.applyPolicy()
    return link
  }
}

/** Whether any entry is a TURN server (`turn:` / `turns:`); relay-only mode needs one to reach anybody. */
export function hasTurnServer(servers: RTCIceServer[]): boolean {
  return servers.some((s) => [s.urls].flat().some((u) => /^turns?:/i.test(u)))
}
