import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useMeetingStore } from '../../src/stores/meeting'
import { useUiStore } from '../../src/stores/ui'
import type { JoinResult, Participant } from '../../src/rtc/protocol'
import { Emitter } from '../../src/rtc/emitter'
import type { MeetingSession, SessionEvents } from '../../src/rtc/session'
import { FakeStream, asStream } from '../fakes/media'

const participant = (id: string, name = id): Participant => ({
  id, user_id: id, name, audio: true, video: true, screen: false, hand: false,
})

const joinResult = (over: Partial<JoinResult> = {}): JoinResult => ({
  self_id: 'me', room: 'r1', name: 'Me', role: 'guest', ice_servers: [],
  participants: [participant('p1', 'Ann'), participant('p2', 'Bob')],
  chat: [{ id: 1, user_id: 'p1', name: 'Ann', text: 'earlier', ts: 1 }],
  ...over,
})

describe('ui store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('counts unread messages from others only while the chat is closed; a new call starts at none', () => {
    const meeting = useMeetingStore()
    const ui = useUiStore()
    meeting.applyJoin(joinResult())
    expect(ui.unread).toBe(0)
    meeting.addMessage({ id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })
    meeting.addMessage({ id: 3, user_id: 'me', name: 'Me', text: 'mine', ts: 3 })
    meeting.addMessage({ id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })
    expect(ui.unread).toBe(1)
    ui.openPanel('chat')
    expect(ui.unread).toBe(0)
    meeting.addMessage({ id: 4, user_id: 'p1', name: 'Ann', text: 'seen', ts: 4 })
    expect(ui.unread).toBe(0)
    ui.openPanel('chat')
    expect(ui.panel).toBeNull()
    meeting.addMessage({ id: 5, user_id: 'p2', name: 'Bob', text: 'later', ts: 5 })
    expect(ui.unread).toBe(1)
    meeting.applyJoin(joinResult())
    expect(ui.unread).toBe(0)
  })

  it('sees what the session binding does inside the meeting store (messages, a leaver, a rejoin)', () => {
    const meeting = useMeetingStore()
    const ui = useUiStore()
    const session = new Emitter<SessionEvents>()
    meeting.bind(session as unknown as MeetingSession)
    session.emit('joined', joinResult())
    session.emit('message', { id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })
    session.emit('message', { id: 2, user_id: 'p1', name: 'Ann', text: 'hi', ts: 2 })
    expect(ui.unread).toBe(1)
    ui.pin('p1:camera')
    session.emit('left', 'p1')
    expect(ui.pinned).toBeNull()
    ui.pin('p2:camera')
    session.emit('joined', joinResult())
    expect(ui.pinned).toBeNull()
    expect(ui.unread).toBe(0)
  })

  it('spotlight follows the active speaker unless a tile is pinned; a remote screen comes first', () => {
    const meeting = useMeetingStore()
    const ui = useUiStore()
    meeting.applyJoin(joinResult())
    meeting.activeSpeaker = 'p2'
    expect(ui.mainTile).toBe('p2:camera')
    expect(ui.spotlight).toBe(false)
    ui.pin('p1:camera')
    expect(ui.layout).toBe('spotlight')
    expect(ui.spotlight).toBe(true)
    expect(ui.mainTile).toBe('p1:camera')
    expect(ui.stage.main?.id).toBe('p1:camera')
    ui.pin('p1:camera')
    expect(ui.mainTile).toBe('p2:camera')
    meeting.updatePeerState('p1', { audio: true, video: true, screen: true, hand: false })
    meeting.setRemoteStream('p1', 'screen', asStream(new FakeStream()))
    expect(ui.mainTile).toBe('p1:screen')
    ui.toggleLayout()
    expect(ui.layout).toBe('grid')
    expect(ui.stage.main).toBeNull()
  })

  it('a pinned tile is let go when its owner leaves or a new call starts', () => {
    const meeting = useMeetingStore()
    const ui = useUiStore()
    meeting.applyJoin(joinResult())
    ui.pin('p2:camera')
    meeting.removePeer('p1')
    expect(ui.pinned).toBe('p2:camera')
    meeting.removePeer('p2')
    expect(ui.pinned).toBeNull()
    meeting.applyJoin(joinResult())
    ui.pin('p1:camera')
    meeting.applyJoin(joinResult())
    expect(ui.pinned).toBeNull()
  })

  it('pages a big room and keeps the page in range', () => {
    const meeting = useMeetingStore()
    const ui = useUiStore()
    const ids = Array.from({ length: 12 }, (_, i) => `p${i}`)
    meeting.applyJoin(joinResult({ participants: ids.map((id) => participant(id)), mode: 'sfu' }))
    expect(ui.stage.pages).toBe(2)
    expect(ui.stage.shown).toHaveLength(9)
    ui.showPage(5)
    expect(ui.stage.page).toBe(1)
    expect([...ui.stage.visible]).toEqual(['p8:camera', 'p9:camera', 'p10:camera', 'p11:camera'])
    // A narrow screen: 4 per page, still showing the first tile we looked at.
    ui.setPerPage(4)
    expect(ui.stage.shown.map((x) => x.id)).toContain('p8:camera')
    expect(ui.stage.pages).toBe(4)
    // People leave: the page shrinks back into range.
    for (const id of ids.slice(3)) meeting.removePeer(id)
    expect(ui.stage.pages).toBe(1)
    expect(ui.stage.page).toBe(0)
    // A new call starts on the first page.
    meeting.applyJoin(joinResult({ participants: ids.map((id) => participant(id)) }))
    ui.showPage(1)
    expect(ui.page).toBe(1)
    meeting.applyJoin(joinResult({ participants: ids.map((id) => participant(id)) }))
    expect(ui.page).toBe(0)
  })
})
