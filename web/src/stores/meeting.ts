import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef } from 'vue'
import type { Slot } from '../rtc/peer'
import type { ChatMessage, JoinResult, KnockResult, MediaFlags, Participant, Role, RoomMode, RoomState, StreamKind, Waiter } from '../rtc/protocol'
import type { ConnectionStatus, MeetingSession } from '../rtc/session'
import type { Quality } from '../rtc/stats'
import { tileId, type TileSource } from '../layout/tiles'

export interface PeerView extends MediaFlags {
  id: string
  name: string
  role: Role
  camera: MediaStream | null
  screenStream: MediaStream | null
  quality: Quality | null
  connection: RTCPeerConnectionState
  /** SFU rooms: the server holds back this camera (not among the recent speakers, last-N). */
  cameraHeld: boolean
}

/** A short message for the user (shown as a toast by the meeting view); `key` is an i18n key. */
export interface Notice {
  seq: number
  key: string
  params: Record<string, string>
  kind: 'info' | 'warning' | 'success'
}

export const OPEN_ROOM: RoomState = { locked: false, waiting_room: false, has_password: false }

/**
 * Reactive view of the meeting: who is there, their media, the chat, the room. What the user chose
 * to look at (panels, layout, page) is in the `ui` store. Event handlers are plain actions so they
 * can be tested alone; `reset`, `removePeer` and `addMessage` are wrapped with `action` so the ui
 * store sees them (`$onAction`) even when called from inside this store.
 */
export const useMeetingStore = defineStore('meeting', ({ action }) => {
  const room = ref('')
  const selfId = ref('')
  const selfName = ref('')
  const role = ref<Role>('guest')
  const roomState = ref<RoomState>({ ...OPEN_ROOM })
  /** Hosts only: participants knocking, in knock order. */
  const waiters = ref<Waiter[]>([])
  const notice = ref<Notice | null>(null)
  let noticeSeq = 0
  const status = ref<ConnectionStatus>('idle')
  const error = ref<{ code: string; message: string } | null>(null)
  const peers = ref<Record<string, PeerView>>({})
  const order = ref<string[]>([])
  const local = ref<MediaFlags>({ audio: true, video: true, screen: false, hand: false })
  const localCamera = shallowRef<MediaStream | null>(null)
  const localScreen = shallowRef<MediaStream | null>(null)
  const chat = ref<ChatMessage[]>([])
  const activeSpeaker = ref<string | null>(null)
  const session = shallowRef<MeetingSession | null>(null)
  /** How media travels (`sfu` for rooms above the server's --mesh-max). */
  const mode = ref<RoomMode>('mesh')

  const peerList = computed(() => order.value.map((id) => peers.value[id]).filter((p): p is PeerView => !!p))

  const tiles = computed<TileSource[]>(() => {
    const list: TileSource[] = [{ id: tileId('self', 'camera'), peerId: 'self', kind: 'camera', isSelf: true }]
    if (local.value.screen && localScreen.value) list.push({ id: tileId('self', 'screen'), peerId: 'self', kind: 'screen', isSelf: true })
    for (const p of peerList.value) {
      list.push({ id: tileId(p.id, 'camera'), peerId: p.id, kind: 'camera', isSelf: false })
      if (p.screen && p.screenStream) list.push({ id: tileId(p.id, 'screen'), peerId: p.id, kind: 'screen', isSelf: false })
    }
    return list
  })

  const isHost = computed(() => role.value === 'host')

  /** Forgets the call's people (a new call, a rejoin, a knock or leaving). */
  const reset = action((): void => {
    peers.value = {}
    order.value = []
    activeSpeaker.value = null
    waiters.value = []
  }, 'reset')

  function applyJoin(r: JoinResult): void {
    reset()
    selfId.value = r.self_id
    selfName.value = r.name
    role.value = r.role
    room.value = r.room
    mode.value = r.mode === 'sfu' ? 'sfu' : 'mesh'
    roomState.value = { ...OPEN_ROOM, ...r.room_state }
    waiters.value = r.role === 'host' ? [...(r.waiting ?? [])] : []
    chat.value = [...r.chat]
    error.value = null
    for (const p of r.participants) addPeer(p)
  }

  /** We knocked: not a member yet, so nobody to show. */
  function applyKnock(r: KnockResult): void {
    reset()
    selfId.value = r.self_id
    selfName.value = r.name
    room.value = r.room
    role.value = 'guest'
    waiters.value = []
    error.value = null
  }

  function setRoomState(s: RoomState): void {
    roomState.value = { ...s }
  }

  /** Only hosts get knocks. */
  function addWaiter(w: Waiter): void {
    const i = waiters.value.findIndex((x) => x.user_id === w.user_id)
    if (i >= 0) waiters.value[i] = { ...w }
    else waiters.value.push({ ...w })
  }

  function resolveWaiter(id: string): void {
    waiters.value = waiters.value.filter((w) => w.user_id !== id)
  }

  function changeRole(id: string, r: Role): void {
    if (id === selfId.value) {
      if (role.value === r) return
      role.value = r
      // The server sends a knock for everyone already waiting right after promoting us.
      if (r !== 'host') waiters.value = []
      if (r === 'host') pushNotice('notice.youAreHost', {}, 'success')
    } else {
      const p = peers.value[id]
      if (!p || p.role === r) return
      p.role = r
      if (r === 'host') pushNotice('notice.newHost', { name: p.name })
    }
  }

  function pushNotice(key: string, params: Record<string, string> = {}, kind: Notice['kind'] = 'info'): void {
    notice.value = { seq: ++noticeSeq, key, params, kind }
  }

  function addPeer(p: Participant): void {
    const id = p.id ?? p.user_id
    if (!peers.value[id]) order.value.push(id)
    peers.value[id] = {
      id,
      name: p.name,
      role: p.role ?? peers.value[id]?.role ?? 'guest',
      audio: p.audio,
      video: p.video,
      screen: p.screen,
      hand: p.hand,
      camera: peers.value[id]?.camera ?? null,
      screenStream: peers.value[id]?.screenStream ?? null,
      quality: null,
      connection: 'new',
      cameraHeld: peers.value[id]?.cameraHeld ?? false,
    }
  }

  const removePeer = action((id: string): void => {
    delete peers.value[id]
    order.value = order.value.filter((x) => x !== id)
    if (activeSpeaker.value === id) activeSpeaker.value = null
  }, 'removePeer')

  function updatePeerState(id: string, flags: MediaFlags): void {
    const p = peers.value[id]
    if (!p) return
    Object.assign(p, flags)
    if (!flags.screen) p.screenStream = null
  }

  function setRemoteStream(id: string, kind: StreamKind, stream: MediaStream): void {
    const p = peers.value[id]
    if (!p) return
    if (kind === 'screen') p.screenStream = markRaw(stream)
    else p.camera = markRaw(stream)
  }

  /** A remote track ended: keep what is left of its stream, or nothing. */
  function removeRemoteTrack(id: string, kind: StreamKind, rest: MediaStream | null): void {
    const p = peers.value[id]
    if (!p) return
    const left = rest ? markRaw(rest) : null
    if (kind === 'screen') p.screenStream = left
    else p.camera = left
  }

  function setCameraForwarded(id: string, forwarded: boolean): void {
    const p = peers.value[id]
    if (p) p.cameraHeld = !forwarded
  }

  function setConnection(id: string, state: RTCPeerConnectionState): void {
    const p = peers.value[id]
    if (p) p.connection = state
  }

  function setQuality(id: string, q: Quality): void {
    const p = peers.value[id]
    if (p) p.quality = q
  }

  /** Adds a chat message; false when it was already there (a repeat after a reconnect). */
  const addMessage = action((m: ChatMessage): boolean => {
    if (chat.value.some((x) => x.id === m.id)) return false
    chat.value.push(m)
    if (chat.value.length > 500) chat.value.splice(0, chat.value.length - 500)
    return true
  }, 'addMessage')

  function setLocal(update: Partial<MediaFlags>): void {
    local.value = { ...local.value, ...update }
  }

  /** Connects a session's events to this store; returns the function that disconnects them. */
  function bind(s: MeetingSession): () => void {
    session.value = markRaw(s)
    const offs = [
      s.on('status', (st, err) => {
        status.value = st
        if (err) error.value = err
      }),
      s.on('joined', (r) => applyJoin(r)),
      s.on('knocked', (r) => applyKnock(r)),
      s.on('roomState', (st) => setRoomState(st)),
      s.on('roleChanged', (id, r) => changeRole(id, r)),
      s.on('knock', (w) => addWaiter(w)),
      s.on('knockResolved', (id) => resolveWaiter(id)),
      s.on('participant', (p) => addPeer(p)),
      s.on('peerState', (id, f) => updatePeerState(id, f)),
      s.on('left', (id) => removePeer(id)),
      s.on('message', (m) => addMessage(m)),
      s.on('remoteTrack', (id, kind, stream) => setRemoteStream(id, kind, stream)),
      s.on('remoteTrackRemoved', (id, kind, rest) => removeRemoteTrack(id, kind, rest)),
      s.on('mode', (m) => (mode.value = m)),
      s.on('sfuFailed', () => pushNotice('notice.sfuFailed', {}, 'warning')),
      s.on('peerConnection', (id, st) => setConnection(id, st)),
      s.on('cameraForwarded', (id, forwarded) => setCameraForwarded(id, forwarded)),
    ]
    return () => offs.forEach((off) => off())
  }

  function localTrack(slot: Slot): MediaStreamTrack | null {
    return session.value?.track(slot) ?? null
  }

  return {
    room, selfId, selfName, role, isHost, roomState, waiters, notice, status, error, peers, order, local, localCamera, localScreen,
    chat, activeSpeaker, session, peerList, tiles, mode,
    reset, applyJoin, applyKnock, setRoomState, addWaiter, resolveWaiter, changeRole, pushNotice, addPeer, removePeer, updatePeerState, setRemoteStream,
    removeRemoteTrack, setCameraForwarded, setConnection, setQuality, addMessage, setLocal, bind, localTrack,
  }
})
