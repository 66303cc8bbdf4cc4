import { Emitter } from './emitter'
import { PeerMesh } from './mesh'
import type { Slot } from './peer'
import type { ChatMessage, JoinResult, MediaFlags, Participant, StreamKind } from './protocol'
import type { SignalingClient } from './signaling'

export type ConnectionStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed'

export interface SessionEvents {
  status: (s: ConnectionStatus, error?: { code: string; message: string }) => void
  joined: (r: JoinResult) => void
  participant: (p: Participant) => void
  peerState: (id: string, flags: MediaFlags) => void
  left: (id: string) => void
  message: (m: ChatMessage) => void
  remoteTrack: (id: string, kind: StreamKind, stream: MediaStream, track: MediaStreamTrack) => void
  peerConnection: (id: string, state: RTCPeerConnectionState) => void
}

export interface SessionDeps {
  signaling: SignalingClient
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection
  createStream(): MediaStream
}

/**
 * One participant's meeting: the signaling client plus the peer mesh. Survives a dropped
 * socket by rejoining under its new socket id and forming the mesh again.
 */
export class MeetingSession extends Emitter<SessionEvents> {
  readonly mesh: PeerMesh
  private readonly signaling: SignalingClient
  private room = ''
  private name: string | undefined
  private password: string | undefined
  private flags: MediaFlags = { audio: true, video: true, screen: false, hand: false }
  private wantJoined = false
  private status: ConnectionStatus = 'idle'
  selfId = ''

  constructor(deps: SessionDeps) {
    super()
    this.signaling = deps.signaling
    this.mesh = new PeerMesh({
      createPeerConnection: deps.createPeerConnection,
      createStream: deps.createStream,
      send: (to, s) => {
        if (s.kind === 'description') this.signaling.sendDescription(to, s.description, s.streams)
        else this.signaling.sendCandidate(to, s.candidate)
      },
      onRemoteTrack: (id, kind, stream, track) => this.emit('remoteTrack', id, kind, stream, track),
      onPeerState: (id, state) => this.emit('peerConnection', id, state),
      onError: (id, err) => console.warn('[confab] peer', id, err),
    })
    this.wire()
  }

  get connectionStatus(): ConnectionStatus {
    return this.status
  }

  get mediaFlags(): MediaFlags {
    return { ...this.flags }
  }

  async join(room: string, name: string | undefined, flags: Partial<MediaFlags>, password?: string): Promise<JoinResult> {
    this.room = room
    this.name = name
    this.password = password
    this.flags = { ...this.flags, ...flags }
    this.wantJoined = true
    this.setStatus('joining')
    if (!this.signaling.connected) {
      this.signaling.connect()
      return new Promise((resolve, reject) => {
        const offJoined = this.on('joined', (r) => {
          offJoined()
          offStatus()
          resolve(r)
        })
        const offStatus = this.on('status', (s, e) => {
          if (s !== 'failed') return
          offJoined()
          offStatus()
          reject(Object.assign(new Error(e?.message ?? 'join failed'), { code: e?.code ?? 'failed' }))
        })
      })
    }
    return this.doJoin()
  }

  async leave(): Promise<void> {
    this.wantJoined = false
    this.mesh.closeAll()
    if (this.signaling.connected) await this.signaling.leave().catch(() => {})
    this.signaling.close()
    this.setStatus('left')
    this.clear()
  }

  async setTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    await this.mesh.setTrack(slot, track)
  }

  async setFlags(update: Partial<MediaFlags>): Promise<void> {
    this.flags = { ...this.flags, ...update }
    if (this.status === 'joined') await this.signaling.sendMediaState(update).catch(() => {})
  }

  sendChat(text: string): Promise<unknown> {
    return this.signaling.sendChat(text)
  }

  private setStatus(s: ConnectionStatus, error?: { code: string; message: string }): void {
    this.status = s
    this.emit('status', s, error)
  }

  private async doJoin(): Promise<JoinResult> {
    try {
      const { audio, video } = this.flags
      const r = await this.signaling.join({ room: this.room, name: this.name, audio, video, password: this.password })
      this.selfId = r.self_id
      this.mesh.reset(r.self_id, r.ice_servers ?? [])
      if (this.flags.screen || this.flags.hand) {
        await this.signaling.sendMediaState({ screen: this.flags.screen, hand: this.flags.hand }).catch(() => {})
      }
      this.setStatus('joined')
      this.emit('joined', r)
      // The newcomer makes the offers; the others answer when they arrive.
      for (const p of r.participants) this.mesh.connect(p.id ?? p.user_id)
      return r
    } catch (err) {
      const e = err as { code?: string; message?: string }
      this.setStatus('failed', { code: e.code ?? 'failed', message: e.message ?? String(err) })
      throw err
    }
  }

  private wire(): void {
    const s = this.signaling.socket
    s.on('connect', () => {
      if (this.wantJoined) void this.doJoin().catch(() => {})
    })
    s.on('disconnect', () => {
      // Peer-to-peer media keeps flowing meanwhile; the mesh is re-formed after the rejoin.
      if (this.wantJoined) this.setStatus('reconnecting')
    })
    s.on('new_user', (p) => this.emit('participant', p))
    s.on('offer', (m) => {
      if (m.offer) void this.mesh.handleDescription(m.user_id, m.offer, m.streams)
    })
    s.on('answer', (m) => {
      if (m.answer) void this.mesh.handleDescription(m.user_id, m.answer, m.streams)
    })
    s.on('ice_candidate', (m) => void this.mesh.handleCandidate(m.user_id, m.candidate))
    s.on('peer_state', (m) =>
      this.emit('peerState', m.user_id, { audio: m.audio, video: m.video, screen: m.screen, hand: m.hand }),
    )
    s.on('user_left', (m) => {
      this.mesh.removePeer(m.user_id)
      this.emit('left', m.user_id)
    })
    s.on('message', (m) => this.emit('message', m))
  }
}
