// Wire types of the meeting protocol v1 (docs/protocol.md).

export interface ProtocolError {
  code: string
  message: string
  /** When a limit lets the client try again, in milliseconds. */
  retry_after_ms?: number
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError }

export interface MediaFlags {
  audio: boolean
  video: boolean
  screen: boolean
  hand: boolean
}

export type Role = 'host' | 'guest'

export interface Participant extends MediaFlags {
  user_id: string
  id?: string
  name: string
  /** As at join time (later changes come as `role_changed`); missing from older servers. */
  role?: Role
}

export interface ChatMessage {
  id: string | number
  user_id: string
  name: string
  text: string
  ts: number
  /** A private message: the one member it was sent to (the server delivers it to them and its author only). */
  to?: string
}

export interface JoinRequest {
  room: string
  name?: string
  audio?: boolean
  video?: boolean
  password?: string
  token?: string
}

/** Access settings of a room, sent to every member in the join ack and on every change. */
export interface RoomState {
  locked: boolean
  waiting_room: boolean
  has_password: boolean
}

/** Someone knocking on a room with the waiting room on. */
export interface Waiter {
  user_id: string
  name: string
}

export interface JoinResult {
  self_id: string
  room: string
  name: string
  role: Role
  participants: Participant[]
  chat: ChatMessage[]
  ice_servers: RTCIceServer[]
  /** Missing from servers older than protocol v1's access control; treat as all false. */
  room_state?: RoomState
  /** Hosts only: who is waiting to be admitted, in knock order. */
  waiting?: Waiter[]
  /** How media travels; missing from servers without an SFU, which means `mesh`. */
  mode?: RoomMode
  /** `sfu` mode only: every producer of the other members. */
  producers?: ProducerInfo[]
  /** `sfu` mode only, once the server has named one: the room's dominant speaker. */
  active_speaker?: string
}

/** `mesh`: peer to peer (offer/answer relays). `sfu`: through the server's forwarding unit. */
export type RoomMode = 'mesh' | 'sfu'

/** What an SFU producer carries: a microphone, a camera, a shared screen or the screen's audio. */
export type SfuSource = 'mic' | 'camera' | 'screen' | 'screen_audio'

export interface ProducerInfo {
  producer_id: string
  user_id: string
  kind: 'audio' | 'video'
  source: SfuSource
}

/** The join ack when the room has a waiting room: we knocked and wait for `admitted` or `denied`. */
export interface KnockResult {
  waiting: true
  self_id: string
  room: string
  name: string
}

export type JoinAck = JoinResult | KnockResult

export function isKnock(a: JoinAck): a is KnockResult {
  return (a as { waiting?: unknown }).waiting === true
}

export type DenyReason = 'denied' | 'room_full' | 'room_empty' | 'meeting_ended'

/** Host-only requests and their payloads (docs/protocol.md, Host controls). */
export interface HostRequests {
  set_password: { password: string | null }
  lock_room: { locked: boolean }
  set_waiting_room: { enabled: boolean }
  kick: { user_id: string }
  mute_request: { user_id: string }
  end_meeting: Record<string, never>
  admit: { user_id: string }
  deny: { user_id: string }
}
export type HostEvent = keyof HostRequests

/** What a published stream carries; sent beside every SDP so the receiver can tell camera from screen. */
export type StreamKind = 'camera' | 'screen'
export type StreamMap = Record<string, StreamKind>

export interface DescriptionIn {
  user_id: string
  offer?: RTCSessionDescriptionInit
  answer?: RTCSessionDescriptionInit
  streams?: StreamMap
}

export interface CandidateIn {
  user_id: string
  candidate: RTCIceCandidateInit | null
}

export interface ServerEvents {
  new_user: (p: Participant) => void
  offer: (m: DescriptionIn) => void
  answer: (m: DescriptionIn) => void
  ice_candidate: (m: CandidateIn) => void
  message: (m: ChatMessage) => void
  peer_state: (m: MediaFlags & { user_id: string }) => void
  user_left: (m: { user_id: string }) => void
  room_state: (m: RoomState) => void
  role_changed: (m: { user_id: string; role: Role }) => void
  knock: (m: Waiter) => void
  knock_resolved: (m: { user_id: string; outcome: 'admitted' | 'denied' | 'left' }) => void
  admitted: (m: JoinResult) => void
  denied: (m: { reason: DenyReason }) => void
  kicked: (m: { by: string }) => void
  mute_request: (m: { by: string }) => void
  meeting_ended: (m: { by: string }) => void
  room_mode: (m: { mode: RoomMode }) => void
  /** SFU rooms: the server's dominant speaker changed. */
  active_speaker: (m: { user_id: string }) => void
  sfu_producer_added: (m: ProducerInfo) => void
  sfu_producer_closed: (m: { producer_id: string; user_id?: string }) => void
  sfu_consumer_closed: (m: { consumer_id: string }) => void
  sfu_consumer_forwarding: (m: { consumer_id: string; producer_id: string; user_id: string; forwarded: boolean }) => void
  /** SFU rooms: encode our simulcast producer's layers up to this one only. */
  sfu_producer_layers: (m: { producer_id: string; max_spatial_layer: number }) => void
}
