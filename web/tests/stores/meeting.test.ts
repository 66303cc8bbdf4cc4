import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useMeetingStore } from '../../src/stores/meeting'
import type { JoinResult, Participant } from '../../src/rtc/protocol'
import { Emitter } from '../../src/rtc/emitter'
import type { MeetingSession, SessionEvents } from '../../src/rtc/session'
import { FakeStream, asStream } from '../fakes/media'

const participant = (id: string, name: string, over: Partial<Participant> = {}): Participant => ({
  id, user_id: id, name, audio: true, video: true, screen: false, hand: false, ...over,
})

const joinResult = (over: Partial<JoinResult> = {}): JoinResult => ({
  self_id: 'me', room: 'r1', name: 'Me', role: 'guest', ice_servers: [],
  participants: [participant('p1', 'Ann'), participant('p2', 'Bob', { audio: false })],
  chat: [{ id: 1, user_id: 'p1', name: 'Ann', text: 'earlier', ts: 1 }],
  ...over,
})

describe('meeting store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('applies the join ack: self, peers in order, chat history', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    expect(s.selfId).toBe('me')
    expect(s.peerList.map((p) => p.name)).toEqual(['Ann', 'Bob'])
    expect(s.peers.p2!.audio).toBe(false)
    expect(s.chat.map((m) => m.text)).toEqual(['earlier'])
    expect(s.tiles.map((t) => t.id)).toEqual(['self:camera', 'p1:camera', 'p2:camera'])
  })

  it('a rejoin replaces every peer (ids change after a reconnect)', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    s.applyJoin(joinResult({ self_id: 'me2', participants: [participant('p9', 'Ann')] }))
    expect(Object.keys(s.peers)).toEqual(['p9'])
    expect(s.order).toEqual(['p9'])
  })

  it('tracks new users, peer_state and user_left', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({ participants: [] }))
    s.addPeer({ user_id: 'p3', name: 'Cy', audio: true, video: true, screen: false, hand: false })
    s.updatePeerState('p3', { audio: false, video: false, screen: false, hand: true })
    expect(s.peers.p3).toMatchObject({ audio: false, video: false, hand: true })
    s.activeSpeaker = 'p3'
    s.removePeer('p3')
    expect(s.peers.p3).toBeUndefined()
    expect(s.order).toEqual([])
    expect(s.activeSpeaker).toBeNull()
  })

  it('marks a camera the SFU holds back, keeps the mark when the peer is announced again, forgets it on a rejoin', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    expect(s.peers.p1!.cameraHeld).toBe(false)
    s.setCameraForwarded('p1', false)
    s.setCameraForwarded('nobody', false)
    expect(s.peers.p1!.cameraHeld).toBe(true)
    expect(s.peers.p2!.cameraHeld).toBe(false)
    s.addPeer(participant('p1', 'Ann'))
    expect(s.peers.p1!.cameraHeld).toBe(true)
    s.applyJoin(joinResult())
    expect(s.peers.p1!.cameraHeld).toBe(false)
  })

  it('keeps each chat message once', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    expect(s.addMessage({ id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })).toBe(true)
    expect(s.addMessage({ id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })).toBe(false)
    expect(s.chat.map((m) => m.id)).toEqual([1, 2])
  })

  it('shows a screen tile only while the peer shares and a stream arrived', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    s.setRemoteStream('p1', 'screen', asStream(new FakeStream()))
    expect(s.tiles.some((t) => t.id === 'p1:screen')).toBe(false)
    s.updatePeerState('p1', { audio: true, video: true, screen: true, hand: false })
    s.setRemoteStream('p1', 'screen', asStream(new FakeStream()))
    expect(s.tiles.some((t) => t.id === 'p1:screen')).toBe(true)
    s.updatePeerState('p1', { audio: true, video: true, screen: false, hand: false })
    expect(s.tiles.some((t) => t.id === 'p1:screen')).toBe(false)
    expect(s.peers.p1!.screenStream).toBeNull()
  })

  it('a host gets the room state and the waiting list from the join ack; a guest gets no list', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({
      role: 'host',
      room_state: { locked: true, waiting_room: true, has_password: false },
      waiting: [{ user_id: 'w1', name: 'Wanda' }],
    }))
    expect(s.isHost).toBe(true)
    expect(s.roomState).toEqual({ locked: true, waiting_room: true, has_password: false })
    expect(s.waiters).toEqual([{ user_id: 'w1', name: 'Wanda' }])
    s.applyJoin(joinResult({ role: 'guest', room_state: undefined, waiting: [{ user_id: 'w1', name: 'Wanda' }] }))
    expect(s.isHost).toBe(false)
    expect(s.roomState).toEqual({ locked: false, waiting_room: false, has_password: false })
    expect(s.waiters).toEqual([])
  })

  it('knows which peers host from the join ack and new_user (role), defaulting to guest', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({ participants: [participant('p1', 'Ann', { role: 'host' }), participant('p2', 'Bob')] }))
    s.addPeer({ user_id: 'p3', name: 'Cy', role: 'host', audio: true, video: true, screen: false, hand: false })
    expect(s.peerList.map((p) => [p.name, p.role])).toEqual([['Ann', 'host'], ['Bob', 'guest'], ['Cy', 'host']])
  })

  it('knock adds a waiter once, knock_resolved removes it, in knock order', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({ role: 'host' }))
    s.addWaiter({ user_id: 'w1', name: 'Wanda' })
    s.addWaiter({ user_id: 'w2', name: 'Walt' })
    s.addWaiter({ user_id: 'w1', name: 'Wanda' })
    expect(s.waiters.map((w) => w.user_id)).toEqual(['w1', 'w2'])
    s.resolveWaiter('w1')
    expect(s.waiters.map((w) => w.user_id)).toEqual(['w2'])
    s.resolveWaiter('nobody')
    expect(s.waiters).toHaveLength(1)
  })

  it('role_changed promotes us with a notice; another member\'s promotion is only announced', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    expect(s.peers.p1!.role).toBe('guest')
    s.changeRole('p1', 'host')
    expect(s.role).toBe('guest')
    expect(s.peers.p1!.role).toBe('host')
    expect(s.notice).toMatchObject({ key: 'notice.newHost', params: { name: 'Ann' } })
    s.changeRole('me', 'host')
    expect(s.isHost).toBe(true)
    expect(s.notice).toMatchObject({ key: 'notice.youAreHost', kind: 'success' })
    const seq = s.notice!.seq
    s.changeRole('me', 'host')
    expect(s.notice!.seq).toBe(seq)
  })

  it('a knock result shows nobody and no host controls', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({ role: 'host', waiting: [{ user_id: 'w1', name: 'W' }] }))
    s.applyKnock({ waiting: true, self_id: 'me2', room: 'r2', name: 'Me' })
    expect(s.selfId).toBe('me2')
    expect(s.room).toBe('r2')
    expect(s.isHost).toBe(false)
    expect(s.peerList).toEqual([])
    expect(s.waiters).toEqual([])
  })

  it('bind wires the session\'s host events into the store', () => {
    const s = useMeetingStore()
    const session = new Emitter<SessionEvents>()
    const unbind = s.bind(session as unknown as MeetingSession)
    session.emit('joined', joinResult())
    session.emit('roomState', { locked: true, waiting_room: false, has_password: true })
    expect(s.roomState).toEqual({ locked: true, waiting_room: false, has_password: true })
    session.emit('roleChanged', 'me', 'host')
    expect(s.isHost).toBe(true)
    session.emit('knock', { user_id: 'w1', name: 'Wanda' })
    expect(s.waiters).toEqual([{ user_id: 'w1', name: 'Wanda' }])
    session.emit('knockResolved', 'w1', 'admitted')
    expect(s.waiters).toEqual([])
    session.emit('status', 'removed', { code: 'removed', message: 'gone' })
    expect(s.status).toBe('removed')
    expect(s.error?.code).toBe('removed')
    session.emit('knocked', { waiting: true, self_id: 'k1', room: 'r1', name: 'Me' })
    expect(s.selfId).toBe('k1')
    unbind()
    session.emit('roomState', { locked: false, waiting_room: false, has_password: false })
    expect(s.roomState.locked).toBe(true)
  })

  it('follows the mode of the join ack; a server without mode is a mesh', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult({ mode: 'sfu' }))
    expect(s.mode).toBe('sfu')
    s.applyJoin(joinResult())
    expect(s.mode).toBe('mesh')
  })

  it('a removed remote track leaves the rest of the stream, or nothing', () => {
    const s = useMeetingStore()
    s.applyJoin(joinResult())
    const rest = asStream(new FakeStream())
    s.setRemoteStream('p1', 'screen', asStream(new FakeStream()))
    s.removeRemoteTrack('p1', 'screen', null)
    expect(s.peers.p1!.screenStream).toBeNull()
    s.removeRemoteTrack('p1', 'camera', rest)
    expect(s.peers.p1!.camera).toBe(rest)
  })
})
