import { Emitter } from './emitter'
import { PeerMesh } from './mesh'
import type { Slot, Timers } from './peer'
import {
  isKnock, type ChatMessage, type DenyReason, type HostEvent, type HostRequests, type JoinAck, type JoinResult,
  type KnockResult, type MediaFlags, type Participant, type ProducerInfo, type Role, type RoomMode, type RoomState,
  type ServerEvents, type StreamKind, type Waiter,
} from './protocol'
import { createMediasoupDevice, SfuClient, type SfuDevice } from './sfu'
import type { SignalingClient } from './signaling'

/**
 * `waiting`: we knocked and wait for a host. `removed`, `ended` and `denied` are final: a host
 * removed us, ended the meeting, or did not let us in; the session never rejoins by itself after them.
 */
export type ConnectionStatus =
  | 'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'left' | 'failed' | 'removed' | 'ended' | 'denied'

export const FINAL_STATUSES: readonly ConnectionStatus[] = ['failed', 'removed', 'ended', 'denied']

export interface SessionEvents {
  status: (s: ConnectionStatus, error?: { code: string; message: string }) => void
  joined: (r: JoinResult) => void
  knocked: (r: KnockResult) => void
  participant: (p: Participant) => void
  peerState: (id: string, flags: MediaFlags) => void
  left: (id: string) => void
  message: (m: ChatMessage) => void
  remoteTrack: (id: string, kind: StreamKind, stream: MediaStream, track: MediaStreamTrack) => void
  /** A remote track is gone; `stream` is what is left of that stream (null: nothing). */
  remoteTrackRemoved: (id: string, kind: StreamKind, stream: MediaStream | null, track: MediaStreamTrack) => void
  /** How media travels now: set by every join, and by `room_mode` when a mesh room grows. */
  mode: (m: RoomMode) => void
  /** Media through the SFU could not be set up (the error's code, e.g. `sfu_unavailable`). */
  sfuFailed: (code: string) => void
  peerConnection: (id: string, state: RTCPeerConnectionState) => void
  roomState: (s: RoomState) => void
  roleChanged: (id: string, role: Role) => void
  knock: (w: Waiter) => void
  knockResolved: (id: string, outcome: 'admitted' | 'denied' | 'left') => void
  muteRequest: (by: string) => void
  /** SFU rooms: the server names the dominant speaker (our own id when it is us). */
  activeSpeaker: (id: string) => void
  /** SFU rooms: the server stopped (false) or resumed (true) forwarding a participant's camera (last-N). */
  cameraForwarded: (id: string, forwarded: boolean) => void
}

export interface SessionDeps {
  signaling: SignalingClient
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection
  createStream(): MediaStream
  /** 'relay': every connection goes through TURN only. */
  iceTransportPolicy?: RTCIceTransportPolicy
  /** The mediasoup-client Device (tests inject a fake); loaded only when a room is in `sfu` mode. */
  createSfuDevice?: () => Promise<SfuDevice>
  /** After a switch to `sfu`, how long mesh links of peers without SFU media yet may stay. */
  meshDrainMs?: number
  timers?: Timers
}

/** How we prove we may enter: the room password or a join token (`/r/<room>?token=`). */
export interface JoinAccess {
  password?: string
  token?: string
}

/**
 * One participant's meeting: the signaling client plus the peer mesh. Survives a dropped
 * socket by rejoining under its new socket id and forming the mesh again.
 */
export class MeetingSession extends Emitter<SessionEvents> {
  /** Peer-to-peer media; in `sfu` mode it only keeps our local tracks (and drains after a switch). */
  readonly mesh: PeerMesh
  readonly sfu: SfuClient
  private readonly signaling: SignalingClient
  private readonly timers: Timers
  private readonly meshDrainMs: number
  private drainTimer: unknown = null
  private roomMode: RoomMode = 'mesh'
  private iceServers: RTCIceServer[] = []
  /** The other members, for the SFU's bitrate caps. */
  private members = new Set<string>()
  private room = ''
  private name: string | undefined
  private access: JoinAccess = {}
  private flags: MediaFlags = { audio: true, video: true, screen: false, hand: false }
  private wantJoined = false
  private status: ConnectionStatus = 'idle'
  /**
   * Room events that arrive while our join_room is in flight, replayed in order once its ack has
   * been applied. socket.io-client hands every packet on in a microtask of its own, and a polling
   * response (every connection, and so every rejoin, starts on polling) can carry the ack and the
   * events behind it (new_user, offer, ...) together: they would otherwise run before our `await`
   * on the ack resumes, against the old self id, and the mesh reset and store reset that the ack
   * brings would drop them. null: not joining, events apply at once.
   */
  private held: (() => void)[] | null = null
  /** Bumped by every join_room and every disconnect: an ack or error of an older one is stale. */
  private joinSeq = 0
  selfId = ''

  constructor(deps: SessionDeps) {
    super()
    this.signaling = deps.signaling
    this.mesh = new PeerMesh({
      createPeerConnection: deps.createPeerConnection,
      createStream: deps.createStream,
      iceTransportPolicy: deps.iceTransportPolicy,
      send: (to, s) => {
        if (s.kind === 'description') this.signaling.sendDescription(to, s.description, s.streams)
        else this.signaling.sendCandidate(to, s.candidate)
      },
      // After a switch the SFU's streams are the ones shown; a late mesh track must not replace them.
      onRemoteTrack: (id, kind, stream, track) => {
        if (this.roomMode === 'mesh') this.emit('remoteTrack', id, kind, stream, track)
      },
      onPeerState: (id, state) => this.emit('peerConnection', id, state),
      onError: (id, err) => console.warn('[confab] peer', id, err),
    })
    this.timers = deps.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    }
    this.meshDrainMs = deps.meshDrainMs ?? 5000
    this.sfu = new SfuClient({
      request: (event, payload) => this.signaling.request(event, payload),
      createDevice: deps.createSfuDevice ?? createMediasoupDevice,
      createStream: deps.createStream,
      iceTransportPolicy: deps.iceTransportPolicy,
      timers: deps.timers,
      onRemoteTrack: (id, kind, stream, track) => this.emit('remoteTrack', id, kind, stream, track),
      onRemoteTrackRemoved: (id, kind, stream, track) => this.emit('remoteTrackRemoved', id, kind, stream, track),
      // That peer's media now comes through the SFU: its mesh link has nothing left to do.
      onPeerMedia: (id) => {
        if (this.roomMode === 'sfu' && this.mesh.has(id)) this.mesh.removePeer(id)
      },
      onCameraForwarded: (id, forwarded) => this.emit('cameraForwarded', id, forwarded),
      onError: (err) => console.warn('[confab] sfu', err),
      canSignal: () => this.signaling.connected,
    })
    this.wire()
  }

  /** `mesh` until a join ack or `room_mode` says `sfu`. */
  get mode(): RoomMode {
    return this.roomMode
  }

  /** Our published track of one slot (the same in both modes). */
  track(slot: Slot): MediaStreamTrack | null {
    return this.mesh.track(slot)
  }

  /**
   * The size of the tile showing a remote video (tile id; device pixels, 0×0: hidden). In an SFU
   * room the server then forwards the simulcast layer that fits.
   */
  setVideoSize(tileId: string, width: number, height: number): void {
    this.sfu.setVideoSize(tileId, width, height)
  }

  /** Which remote videos are on screen (tile ids); the SFU pauses the others. null: all. */
  setVisibleVideos(ids: ReadonlySet<string> | null): void {
    this.sfu.setVisible(ids)
  }

  /** Participants whose camera the SFU forwards whoever speaks (the pinned tile). Ignored in a mesh. */
  setPinnedPeers(ids: readonly string[]): void {
    this.sfu.setPins(ids)
  }

  /** Every remote participant's RTP receivers (audio levels), from whichever path carries them. */
  receiversByPeer(): Map<string, RTCRtpReceiver[]> {
    const out = new Map<string, RTCRtpReceiver[]>()
    for (const [id, pc] of this.mesh.peerConnections()) out.set(id, pc.getReceivers())
    for (const [id, rx] of this.sfu.receivers()) out.set(id, rx)
    return out
  }

  /** getStats() entries by remote participant (the quality badge). Failures leave a peer out. */
  async statsByPeer(): Promise<Map<string, Iterable<{ type: string; [k: string]: unknown }> | RTCStatsReport>> {
    const out = new Map<string, Iterable<{ type: string; [k: string]: unknown }> | RTCStatsReport>()
    await Promise.all(
      [...this.mesh.peerConnections()].map(async ([id, pc]) => {
        try {
          out.set(id, await pc.getStats())
        } catch {
          // A connection closing under us: no sample this round.
        }
      }),
    )
    if (this.sfu.isActive) {
      try {
        for (const [id, entries] of await this.sfu.statsByPeer()) out.set(id, entries)
      } catch {
        // The transports are being rebuilt: no sample this round.
      }
    }
    return out
  }

  get connectionStatus(): ConnectionStatus {
    return this.status
  }

  get mediaFlags(): MediaFlags {
    return { ...this.flags }
  }

  /** Resolves with the join ack, or with the knock result when the room has a waiting room. */
  async join(room: string, name: string | undefined, flags: Partial<MediaFlags>, access: JoinAccess = {}): Promise<JoinAck> {
    this.room = room
    this.name = name
    this.access = { ...access }
    this.flags = { ...this.flags, ...flags }
    this.wantJoined = true
    this.setStatus('joining')
    if (!this.signaling.connected) {
      const outcome = this.nextOutcome()
      this.signaling.connect()
      return outcome
    }
    return this.doJoin()
  }

  /** The next join ack or knock result (after connecting or reconnecting), or the failure. */
  private nextOutcome(): Promise<JoinAck> {
    return new Promise((resolve, reject) => {
      const offs = [
        this.on('joined', (r) => done(() => resolve(r))),
        this.on('knocked', (r) => done(() => resolve(r))),
        this.on('status', (s, e) => {
          if (s === 'failed') done(() => reject(Object.assign(new Error(e?.message ?? 'join failed'), { code: e?.code ?? 'failed' })))
        }),
      ]
      const done = (settle: () => void) => {
        offs.forEach((off) => off())
        settle()
      }
    })
  }

  /** A host control (lock, waiting room, password, kick, mute request, admit, deny, end). */
  host<E extends HostEvent>(event: E, payload: HostRequests[E]): Promise<object> {
    return this.signaling.host(event, payload)
  }

  async leave(): Promise<void> {
    this.wantJoined = false
    this.held = null
    this.clearDrain()
    this.sfu.close()
    this.mesh.closeAll()
    if (this.signaling.connected) await this.signaling.leave().catch(() => {})
    this.signaling.close()
    this.setStatus('left')
    this.clear()
  }

  async setTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    await Promise.all([this.mesh.setTrack(slot, track), this.sfu.setTrack(slot, track)])
  }

  async setFlags(update: Partial<MediaFlags>): Promise<void> {
    this.flags = { ...this.flags, ...update }
    if (this.status === 'joined') await this.signaling.sendMediaState(update).catch(() => {})
  }

  sendChat(text: string, to?: string): Promise<unknown> {
    return this.signaling.sendChat(text, to)
  }

  private setStatus(s: ConnectionStatus, error?: { code: string; message: string }): void {
    this.status = s
    this.emit('status', s, error)
  }

  private async doJoin(): Promise<JoinAck> {
    const seq = ++this.joinSeq
    this.held = []
    let r: JoinAck
    const sent = { audio: this.flags.audio, video: this.flags.video }
    try {
      r = await this.signaling.join({ room: this.room, name: this.name, ...sent, ...this.access })
    } catch (err) {
      if (seq !== this.joinSeq || !this.wantJoined) {
        // The socket dropped under the request (socket.io fails pending acks on disconnect): not a
        // refusal. The reconnect joins again; the caller gets that outcome.
        if (this.wantJoined) return this.nextOutcome()
        throw err
      }
      this.held = null
      const e = err as { code?: string; message?: string }
      this.setStatus('failed', { code: e.code ?? 'failed', message: e.message ?? String(err) })
      throw err
    }
    if (seq !== this.joinSeq) return this.wantJoined ? this.nextOutcome() : r
    if (!this.wantJoined) {
      this.held = null
      return r
    }
    this.selfId = r.self_id
    if (isKnock(r)) {
      this.clearDrain()
      this.sfu.close()
      this.mesh.reset(r.self_id, [])
      this.setStatus('waiting')
      this.emit('knocked', r)
    } else {
      this.enter(r, false, sent)
    }
    this.release()
    return r
  }

  /** Applies the room events held while the join was in flight, in arrival order. */
  private release(): void {
    const queue = this.held ?? []
    this.held = null
    for (const apply of queue) apply()
  }

  /**
   * Becomes a member: after the join ack, or after a host admitted our knock. Synchronous, so no
   * room event can slip in between the mesh reset and the 'joined' that resets the store.
   */
  private enter(r: JoinResult, admitted: boolean, sent?: Pick<MediaFlags, 'audio' | 'video'>): void {
    this.clearDrain()
    this.iceServers = r.ice_servers ?? []
    this.members = new Set(r.participants.map((p) => p.id ?? p.user_id))
    this.mesh.reset(r.self_id, this.iceServers)
    // A server without an SFU sends no mode: that is a mesh.
    const mode: RoomMode = r.mode === 'sfu' ? 'sfu' : 'mesh'
    if (mode === 'mesh') this.sfu.close()
    // Sent before our offers (one socket keeps the order); nobody needs to wait for its ack.
    // What changed since the join request left (or while we knocked) still has to reach the room.
    const update: Partial<MediaFlags> = admitted ? { ...this.flags } : {}
    if (sent && this.flags.audio !== sent.audio) update.audio = this.flags.audio
    if (sent && this.flags.video !== sent.video) update.video = this.flags.video
    if (!admitted && (this.flags.screen || this.flags.hand)) {
      update.screen = this.flags.screen
      update.hand = this.flags.hand
    }
    if (Object.keys(update).length > 0) void this.signaling.sendMediaState(update).catch(() => {})
    this.setMode(mode)
    this.setStatus('joined')
    this.emit('joined', r)
    if (mode === 'sfu' && typeof r.active_speaker === 'string') this.emit('activeSpeaker', r.active_speaker)
    if (mode === 'sfu') {
      // A rejoin lands here too: new transports, republish, reconsume from this ack.
      void this.startSfu(r.producers ?? [])
      return
    }
    // The newcomer makes the offers; the others answer when they arrive.
    for (const p of r.participants) this.mesh.connect(p.id ?? p.user_id)
  }

  private setMode(mode: RoomMode): void {
    if (mode === this.roomMode) return
    this.roomMode = mode
    this.emit('mode', mode)
  }

  /** Starts (or restarts) the SFU; producers from a join ack, none for a mesh room switching. */
  private async startSfu(producers?: ProducerInfo[]): Promise<boolean> {
    this.sfu.setRoomSize(this.members.size + 1)
    const res = await this.sfu.start(this.selfId, this.iceServers, producers)
    if (res === 'failed') this.emit('sfuFailed', 'sfu_failed')
    return res === 'ready'
  }

  /**
   * `room_mode` `{mode: 'sfu'}`: the room outgrew the mesh. Publish and consume through the SFU;
   * each mesh link closes when that peer's SFU media arrives, the rest once the SFU is set up and
   * meshDrainMs passed (peers that publish nothing). Should the SFU fail, the mesh links stay.
   */
  private switchToSfu(): void {
    if (this.roomMode === 'sfu' || this.status !== 'joined') return
    this.setMode('sfu')
    const seq = this.joinSeq
    void this.startSfu().then((ready) => {
      if (!ready || seq !== this.joinSeq || this.roomMode !== 'sfu') return
      this.clearDrain()
      this.drainTimer = this.timers.setTimeout(() => {
        this.drainTimer = null
        if (this.roomMode === 'sfu') this.mesh.closeAll()
      }, this.meshDrainMs)
    })
  }

  private clearDrain(): void {
    if (this.drainTimer !== null) this.timers.clearTimeout(this.drainTimer)
    this.drainTimer = null
  }

  private roomSizeChanged(): void {
    this.sfu.setRoomSize(this.members.size + 1)
  }

  /** A server event about the room: applied now, or held until the join in flight has been applied. */
  private onRoom<E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]): void {
    const apply = handler as (...args: unknown[]) => void
    const on = this.signaling.socket.on.bind(this.signaling.socket) as (e: E, h: (...args: unknown[]) => void) => void
    on(event, (...args) => {
      if (this.held) this.held.push(() => apply(...args))
      else apply(...args)
    })
  }

  /** A final outcome decided by the server or a host: drop everything and never rejoin. */
  private finish(status: 'removed' | 'ended' | 'denied', error: { code: string; message: string }): void {
    if (!this.wantJoined) return
    this.wantJoined = false
    this.held = null
    this.clearDrain()
    this.sfu.close()
    this.mesh.closeAll()
    this.signaling.close()
    this.setStatus(status, error)
  }

  private wire(): void {
    const s = this.signaling.socket
    s.on('connect', () => {
      if (this.wantJoined) void this.doJoin().catch(() => {})
    })
    s.on('disconnect', () => {
      // A join_room in flight is void now; whatever it held belonged to that socket.
      this.joinSeq++
      this.held = null
      // Peer-to-peer media keeps flowing meanwhile; the mesh is re-formed after the rejoin.
      // A waiter keeps its waiting screen and knocks again after the reconnect.
      if (this.wantJoined && this.status !== 'waiting') this.setStatus('reconnecting')
    })
    const on = this.onRoom.bind(this)
    on('new_user', (p) => {
      this.members.add(p.id ?? p.user_id)
      this.roomSizeChanged()
      this.emit('participant', p)
    })
    on('offer', (m) => {
      // In an SFU room nobody offers; a late one must not open a new mesh link.
      if (m.offer && this.roomMode === 'mesh') void this.mesh.handleDescription(m.user_id, m.offer, m.streams)
    })
    on('answer', (m) => {
      if (m.answer) void this.mesh.handleDescription(m.user_id, m.answer, m.streams)
    })
    on('ice_candidate', (m) => void this.mesh.handleCandidate(m.user_id, m.candidate))
    on('peer_state', (m) =>
      this.emit('peerState', m.user_id, { audio: m.audio, video: m.video, screen: m.screen, hand: m.hand }),
    )
    on('user_left', (m) => {
      this.mesh.removePeer(m.user_id)
      this.sfu.removePeer(m.user_id)
      this.members.delete(m.user_id)
      this.roomSizeChanged()
      this.emit('left', m.user_id)
    })
    on('room_mode', (m) => {
      if (m?.mode === 'sfu') this.switchToSfu()
    })
    on('active_speaker', (m) => {
      if (this.roomMode === 'sfu' && typeof m?.user_id === 'string') this.emit('activeSpeaker', m.user_id)
    })
    on('sfu_producer_added', (m) => {
      if (m && typeof m.producer_id === 'string' && typeof m.user_id === 'string') this.sfu.addProducer(m)
    })
    on('sfu_producer_closed', (m) => {
      if (m && typeof m.producer_id === 'string') this.sfu.removeProducer(m.producer_id)
    })
    on('sfu_consumer_closed', (m) => {
      if (m && typeof m.consumer_id === 'string') this.sfu.consumerClosed(m.consumer_id)
    })
    on('sfu_consumer_forwarding', (m) => {
      if (m && typeof m.consumer_id === 'string' && typeof m.producer_id === 'string' && typeof m.forwarded === 'boolean') {
        this.sfu.setForwarding(m)
      }
    })
    on('sfu_producer_layers', (m) => {
      const max = m?.max_spatial_layer
      if (typeof m?.producer_id === 'string' && Number.isInteger(max) && max >= 0) this.sfu.setMaxSpatialLayer(m.producer_id, max)
    })
    on('message', (m) => this.emit('message', m))
    on('room_state', (m) => this.emit('roomState', { locked: !!m.locked, waiting_room: !!m.waiting_room, has_password: !!m.has_password }))
    on('role_changed', (m) => this.emit('roleChanged', m.user_id, m.role))
    on('knock', (m) => this.emit('knock', { user_id: m.user_id, name: m.name }))
    on('knock_resolved', (m) => this.emit('knockResolved', m.user_id, m.outcome))
    on('mute_request', (m) => this.emit('muteRequest', m.by))
    on('admitted', (r) => {
      if (this.wantJoined && this.status === 'waiting') this.enter(r, true)
    })
    on('denied', (m) => this.finish('denied', { code: m.reason as DenyReason, message: `not admitted: ${m.reason}` }))
    on('kicked', () => this.finish('removed', { code: 'removed', message: 'a host removed you from the meeting' }))
    on('meeting_ended', () => this.finish('ended', { code: 'meeting_ended', message: 'a host ended the meeting' }))
  }
}
