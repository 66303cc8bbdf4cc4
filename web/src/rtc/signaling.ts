import { io, type Socket } from 'socket.io-client'
import type { Ack, ChatMessage, HostEvent, HostRequests, JoinAck, JoinRequest, MediaFlags, ServerEvents, StreamMap } from './protocol'

type ClientEvents = Record<string, (payload: object, ack?: (res: Ack) => void) => void>

export class SignalingError extends Error {
  readonly code: string
  /** Set when a limit refused the request and says when to try again. */
  readonly retryAfterMs: number | undefined
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message)
    this.code = code
    this.retryAfterMs = retryAfterMs
  }
}

export interface SignalingOptions {
  url?: string
  ackTimeoutMs?: number
}

/** The meeting protocol over socket.io-client; every request waits for its ack with a deadline. */
export class SignalingClient {
  readonly socket: Socket<ServerEvents, ClientEvents>
  private readonly ackTimeoutMs: number

  constructor(opts: SignalingOptions = {}) {
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 8000
    const sockOpts = {
      path: '/socket.io/',
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    }
    this.socket = opts.url ? io(opts.url, sockOpts) : io(sockOpts)
  }

  connect(): void {
    this.socket.connect()
  }

  get connected(): boolean {
    return this.socket.connected
  }

  get id(): string | undefined {
    return this.socket.id
  }

  async request<T extends object>(event: string, payload: object): Promise<T> {
    const res = (await this.socket.timeout(this.ackTimeoutMs).emitWithAck(event, payload)) as Ack<T>
    if (!res || typeof res !== 'object') throw new SignalingError('bad_response', `no valid ack for ${event}`)
    if (!res.ok) throw new SignalingError(res.error.code, res.error.message, res.error.retry_after_ms)
    return res
  }

  /** Either the join ack, or a knock result when the room has a waiting room. */
  join(req: JoinRequest): Promise<JoinAck> {
    return this.request<JoinAck>('join_room', req)
  }

  /** A host control; the server refuses it with `forbidden` unless we are a host. */
  host<E extends HostEvent>(event: E, payload: HostRequests[E]): Promise<object> {
    return this.request(event, payload)
  }

  leave(): Promise<object> {
    return this.request('leave_room', {})
  }

  /** To the whole room, or privately to the member `to`. */
  sendChat(text: string, to?: string): Promise<{ id: ChatMessage['id'] }> {
    return this.request('message', to ? { text, to } : { text })
  }

  sendMediaState(flags: Partial<MediaFlags>): Promise<object> {
    return this.request('media_state', flags)
  }

  /**
   * Relay messages are fire-and-forget: they ask for no ack, since a refused relay only means the
   * peer already left, and an ack would double the server's frames for the busiest event.
   */
  sendDescription(to: string, description: RTCSessionDescriptionInit, streams: StreamMap): void {
    const key = description.type === 'offer' ? 'offer' : 'answer'
    this.socket.emit(key, { other_user_id: to, [key]: description, streams })
  }

  sendCandidate(to: string, candidate: RTCIceCandidateInit | null): void {
    this.socket.emit('ice_candidate', { other_user_id: to, candidate })
  }

  close(): void {
    this.socket.removeAllListeners()
    this.socket.disconnect()
  }
}
