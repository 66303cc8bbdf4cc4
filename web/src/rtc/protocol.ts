// Wire types of the meeting protocol v1 (docs/protocol.md).

export interface ProtocolError {
  code: string
  message: string
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError }

export interface MediaFlags {
  audio: boolean
  video: boolean
  screen: boolean
  hand: boolean
}

export interface Participant extends MediaFlags {
  user_id: string
  id?: string
  name: string
}

export interface ChatMessage {
  id: string | number
  user_id: string
  name: string
  text: string
  ts: number
}

export interface JoinRequest {
  room: string
  name?: string
  audio?: boolean
  video?: boolean
  password?: string
  token?: string
}

export interface JoinResult {
  self_id: string
  room: string
  name: string
  role: 'host' | 'guest'
  participants: Participant[]
  chat: ChatMessage[]
  ice_servers: RTCIceServer[]
}

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
}
