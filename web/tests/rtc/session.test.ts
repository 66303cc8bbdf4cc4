import { describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { MeetingSession } from '../../src/rtc/session'
import { useMeetingStore } from '../../src/stores/meeting'
import type { SignalingClient } from '../../src/rtc/signaling'
import type { JoinAck, JoinRequest, JoinResult, MediaFlags } from '../../src/rtc/protocol'
import { FakeStream, FakeTrack, asStream } from '../fakes/media'
import { FakePeerConnection } from '../fakes/peerConnection'

/** Stands in for socket.io: the test drives connect/disconnect and server events. */
class FakeSignaling {
  connected = false
  joins: JoinRequest[] = []
  states: Partial<MediaFlags>[] = []
  offers: string[] = []
  participants: string[][] = []
  /** Joins answered with a knock (the room has a waiting room). */
  knock = false
  closed = 0
  hostCalls: [string, object][] = []
  private handlers = new Map<string, ((...a: unknown[]) => void)[]>()
  socket = {
    on: (ev: string, h: (...a: unknown[]) => void) => {
      this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), h])
    },
  }
  fire(ev: string, ...args: unknown[]) {
    for (const h of this.handlers.get(ev) ?? []) h(...args)
  }
  connect() {
    this.connected = true
    queueMicrotask(() => this.fire('connect'))
  }
  drop() {
    this.connected = false
    this.fire('disconnect', 'transport close')
  }
  /** When set, answers join_room instead of the default (e.g. with events batched behind the ack). */
  onJoin: ((req: JoinRequest, n: number) => Promise<JoinAck>) | null = null
  async join(req: JoinRequest): Promise<JoinAck> {
    this.joins.push(req)
    if (this.onJoin) return this.onJoin(req, this.joins.length)
    const n = this.joins.length
    if (this.knock) return { waiting: true, self_id: `me-${n}`, room: req.room, name: req.name ?? 'Guest' }
    return this.ack(n, req.room, req.name ?? 'Guest')
  }
  ack(n: number, room: string, name: string): JoinResult {
    const others = this.participants[n - 1] ?? []
    return {
      self_id: `me-${n}`, room, name, role: 'guest', chat: [], ice_servers: [],
      room_state: { locked: false, waiting_room: true, has_password: false },
      participants: others.map((id) => ({ id, user_id: id, name: id, audio: true, video: true, screen: false, hand: false })),
    }
  }
  async host(event: string, payload: object) {
    this.hostCalls.push([event, payload])
    return {}
  }
  async leave() {
    return {}
  }
  async sendMediaState(f: Partial<MediaFlags>) {
    this.states.push(f)
    return {}
  }
  sendDescription(to: string) {
    this.offers.push(to)
  }
  sendCandidate() {}
  close() {
    this.connected = false
    this.closed++
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30))

/**
 * One long-polling response carrying the join ack and the packets queued behind it, delivered
 * the way socket.io-client does: each packet in a microtask of its own (Manager.ondecoded's
 * nextTick), in order, so all of them run before code awaiting the ack resumes.
 */
function pollResponse<T>(ack: () => T, ...events: (() => void)[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queueMicrotask(() => {
      try {
        resolve(ack())
      } catch (err) {
        reject(err)
      }
    })
    for (const e of events) queueMicrotask(e)
  })
}

/** An offer as a newcomer with a camera would make it (the fake's SDP). */
async function remoteOffer(): Promise<RTCSessionDescriptionInit> {
  const pc = new FakePeerConnection()
  const stream = new FakeStream('p2-cam')
  pc.addTrack(new FakeTrack('audio'), stream)
  pc.addTrack(new FakeTrack('video'), stream)
  await pc.setLocalDescription()
  return pc.localDescription!
}

const person = (id: string) => ({ id, user_id: id, name: id, audio: true, video: true, screen: false, hand: false })

function makeSession(opts: { iceTransportPolicy?: RTCIceTransportPolicy } = {}) {
  const sig = new FakeSignaling()
  const configs: RTCConfiguration[] = []
  const session = new MeetingSession({
    signaling: sig as unknown as SignalingClient,
    createPeerConnection: (config) => {
      configs.push(config)
      return new FakePeerConnection() as unknown as RTCPeerConnection
    },
    createStream: () => asStream(new FakeStream()),
    ...opts,
  })
  const statuses: string[] = []
  const errors: (string | undefined)[] = []
  session.on('status', (s, e) => {
    statuses.push(s)
    errors.push(e?.code)
  })
  return { sig, session, statuses, errors, configs }
}

describe('MeetingSession', () => {
  it('joins, offers to everyone already there, and answers newcomers lazily', async () => {
    const { sig, session } = makeSession()
    sig.participants = [['p1', 'p2']]
    const r = await session.join('room', 'Ada', { audio: false, video: true })
    expect(r.self_id).toBe('me-1')
    expect(sig.joins[0]).toMatchObject({ room: 'room', name: 'Ada', audio: false, video: true })
    await settle()
    expect([...session.mesh.peerConnections().keys()].sort()).toEqual(['p1', 'p2'])
    expect(sig.offers.sort()).toEqual(['p1', 'p2'])
    sig.fire('new_user', { user_id: 'p3', name: 'Cy', audio: true, video: true, screen: false, hand: false })
    expect(session.mesh.has('p3')).toBe(false)
  })

  it('tells the room about a mic or camera change made while its join was in flight', async () => {
    const { sig, session } = makeSession()
    sig.participants = [['p1']]
    sig.onJoin = async (req, n) => {
      await session.setFlags({ audio: false }) // not joined yet: nothing is sent now
      expect(sig.states).toEqual([])
      return sig.ack(n, req.room, req.name ?? 'Guest')
    }
    await session.join('room', 'Ada', { audio: true, video: true })
    expect(sig.joins[0]).toMatchObject({ audio: true, video: true })
    expect(sig.states).toEqual([{ audio: false }])
  })

  it('shows reconnecting when the socket drops, then rejoins with its media state and re-forms the mesh', async () => {
    const { sig, session, statuses } = makeSession()
    sig.participants = [['p1'], ['p1-new']]
    await session.join('room', 'Ada', { audio: true, video: true })
    await settle()
    await session.setFlags({ hand: true, audio: false })
    const oldPc = session.mesh.peerConnections().get('p1') as unknown as FakePeerConnection
    sig.drop()
    expect(session.connectionStatus).toBe('reconnecting')
    // Media between peers is not torn down while the server is away.
    expect(oldPc.signalingState).not.toBe('closed')
    sig.connected = true
    sig.fire('connect')
    await settle()
    expect(sig.joins).toHaveLength(2)
    expect(sig.joins[1]).toMatchObject({ room: 'room', name: 'Ada', audio: false })
    expect(sig.states.at(-1)).toEqual({ screen: false, hand: true })
    expect(session.selfId).toBe('me-2')
    expect(oldPc.signalingState).toBe('closed')
    expect([...session.mesh.peerConnections().keys()]).toEqual(['p1-new'])
    expect(statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined'])
  })

  it('user_left closes that connection; leave closes everything and stops rejoining', async () => {
    const { sig, session } = makeSession()
    sig.participants = [['p1', 'p2']]
    await session.join('room', 'Ada', {})
    await settle()
    const pc1 = session.mesh.peerConnections().get('p1') as unknown as FakePeerConnection
    sig.fire('user_left', { user_id: 'p1' })
    expect(pc1.signalingState).toBe('closed')
    expect([...session.mesh.peerConnections().keys()]).toEqual(['p2'])
    await session.leave()
    expect(session.mesh.size).toBe(0)
    sig.fire('connect')
    await settle()
    expect(sig.joins).toHaveLength(1)
  })

  it('sends the password and the join token with join_room, and host controls as their events', async () => {
    const { sig, session } = makeSession()
    await session.join('room', 'Ada', {}, { password: 'pw', token: 'tok' })
    expect(sig.joins[0]).toMatchObject({ room: 'room', password: 'pw', token: 'tok' })
    await session.host('kick', { user_id: 'p1' })
    await session.host('lock_room', { locked: true })
    expect(sig.hostCalls).toEqual([['kick', { user_id: 'p1' }], ['lock_room', { locked: true }]])
  })

  it('relay mode puts iceTransportPolicy relay on every connection, with the ack\'s ICE servers', async () => {
    const { sig, session, configs } = makeSession({ iceTransportPolicy: 'relay' })
    sig.participants = [['p1', 'p2']]
    const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1:me', credential: 'x' }
    const original = sig.ack.bind(sig)
    sig.ack = (n, room, name) => ({ ...original(n, room, name), ice_servers: [turn] })
    await session.join('room', 'Ada', {})
    await settle()
    expect(configs).toHaveLength(2)
    for (const c of configs) expect(c).toEqual({ iceServers: [turn], bundlePolicy: 'max-bundle', iceTransportPolicy: 'relay' })
    const plain = makeSession()
    plain.sig.participants = [['p1']]
    await plain.session.join('room', 'Bo', {})
    await settle()
    expect(plain.configs[0]!.iceTransportPolicy).toBeUndefined()
    expect(plain.configs[0]!.bundlePolicy).toBe('max-bundle')
  })

  it('waits after a knock, then enters on admitted: media state sent, offers made', async () => {
    const { sig, session, statuses } = makeSession()
    sig.knock = true
    sig.participants = [['p1']]
    const knocked: string[] = []
    const joined: string[] = []
    session.on('knocked', (r) => knocked.push(r.self_id))
    session.on('joined', (r) => joined.push(r.self_id))
    const r = await session.join('room', 'Ada', { audio: false, video: true })
    expect(r).toMatchObject({ waiting: true, self_id: 'me-1' })
    expect(session.connectionStatus).toBe('waiting')
    expect(knocked).toEqual(['me-1'])
    // Not a member yet: no connections, and a new_user/offer would not come.
    expect(session.mesh.size).toBe(0)
    // A dropped socket keeps the waiting screen; the reconnect knocks again.
    sig.drop()
    expect(session.connectionStatus).toBe('waiting')
    sig.connected = true
    sig.fire('connect')
    await settle()
    expect(sig.joins).toHaveLength(2)
    expect(session.connectionStatus).toBe('waiting')
    sig.fire('admitted', sig.ack(1, 'room', 'Ada'))
    await settle()
    expect(session.connectionStatus).toBe('joined')
    expect(joined).toEqual(['me-1'])
    expect(sig.states.at(-1)).toEqual({ audio: false, video: true, screen: false, hand: false })
    expect(sig.offers).toEqual(['p1'])
    expect(statuses).toEqual(['joining', 'waiting', 'waiting', 'joined'])
    // A stray second admitted changes nothing.
    sig.fire('admitted', sig.ack(1, 'room', 'Ada'))
    await settle()
    expect(joined).toHaveLength(1)
  })

  it.each([
    ['denied', { reason: 'room_empty' }, 'denied', 'room_empty'],
    ['kicked', { by: 'host' }, 'removed', 'removed'],
    ['meeting_ended', { by: 'host' }, 'ended', 'meeting_ended'],
  ])('%s is final: connections closed, socket closed, never rejoins', async (event, payload, status, code) => {
    const { sig, session, statuses, errors } = makeSession()
    if (event === 'denied') sig.knock = true
    else sig.participants = [['p1']]
    await session.join('room', 'Ada', {})
    await settle()
    const pcs = [...session.mesh.peerConnections().values()] as unknown as FakePeerConnection[]
    sig.fire(event, payload)
    expect(session.connectionStatus).toBe(status)
    expect(errors.at(-1)).toBe(code)
    expect(sig.closed).toBe(1)
    expect(session.mesh.size).toBe(0)
    for (const pc of pcs) expect(pc.signalingState).toBe('closed')
    // The server closes the connection after a kick; no reconnect, no rejoin, no "reconnecting".
    sig.drop()
    sig.fire('connect')
    await settle()
    expect(sig.joins).toHaveLength(1)
    expect(statuses.at(-1)).toBe(status)
  })

  it('passes host events on: room_state, role_changed, knock, knock_resolved, mute_request', async () => {
    const { sig, session } = makeSession()
    await session.join('room', 'Ada', {})
    const seen: unknown[] = []
    session.on('roomState', (s) => seen.push(['roomState', s]))
    session.on('roleChanged', (id, role) => seen.push(['role', id, role]))
    session.on('knock', (w) => seen.push(['knock', w]))
    session.on('knockResolved', (id, outcome) => seen.push(['resolved', id, outcome]))
    session.on('muteRequest', (by) => seen.push(['mute', by]))
    sig.fire('room_state', { locked: true, waiting_room: false, has_password: true })
    sig.fire('role_changed', { user_id: 'me-1', role: 'host' })
    sig.fire('knock', { user_id: 'w1', name: 'Wanda' })
    sig.fire('knock_resolved', { user_id: 'w1', outcome: 'denied' })
    sig.fire('mute_request', { by: 'h1' })
    expect(seen).toEqual([
      ['roomState', { locked: true, waiting_room: false, has_password: true }],
      ['role', 'me-1', 'host'],
      ['knock', { user_id: 'w1', name: 'Wanda' }],
      ['resolved', 'w1', 'denied'],
      ['mute', 'h1'],
    ])
    expect(session.connectionStatus).toBe('joined')
  })

  it('a rejoin ack batched with the next newcomer\'s new_user, offer and candidate: applied after the ack, not lost', async () => {
    setActivePinia(createPinia())
    const store = useMeetingStore()
    const { sig, session } = makeSession()
    store.bind(session)
    const seen: string[] = []
    session.on('joined', (r) => seen.push(`joined ${r.self_id}`))
    session.on('participant', (p) => seen.push(`participant ${p.user_id}`))
    sig.participants = [['p1']]
    await session.join('room', 'Ada', {})
    await settle()
    const offer = await remoteOffer()
    // The server restarts; we rejoin as me-2 next to p1-new, and p2 joins right behind us and
    // offers to us before our poll has fetched our own ack.
    sig.onJoin = (req, n) =>
      pollResponse(
        () => sig.ack(n, req.room, req.name ?? 'Guest'),
        () => sig.fire('new_user', person('p2')),
        () => sig.fire('offer', { user_id: 'p2', offer, streams: { 'p2-cam': 'camera' } }),
        () => sig.fire('ice_candidate', { user_id: 'p2', candidate: { candidate: 'candidate:p2', sdpMid: '0' } }),
        () => sig.fire('peer_state', { user_id: 'p2', audio: false, video: true, screen: false, hand: false }),
      )
    sig.participants[1] = ['p1-new']
    sig.drop()
    sig.connected = true
    sig.fire('connect')
    await settle()
    expect(session.selfId).toBe('me-2')
    expect(seen.slice(1)).toEqual(['joined me-2', 'participant p2'])
    // The connection p2 offered on is the one we keep, and we answered it.
    const pc2 = session.mesh.peerConnections().get('p2') as unknown as FakePeerConnection
    expect(pc2.signalingState).toBe('stable')
    expect(pc2.localDescription?.type).toBe('answer')
    expect(pc2.addedCandidates).toEqual([{ candidate: 'candidate:p2', sdpMid: '0' }])
    expect(sig.offers.filter((to) => to === 'p2')).toHaveLength(1)
    // The store shows both (what the e2e test counts as remote videos), with p2's stream and state.
    expect(store.order).toEqual(['p1-new', 'p2'])
    expect(store.peers.p2!.camera).not.toBeNull()
    expect(store.peers.p2!.audio).toBe(false)
  })

  it('a knock result batched with admitted enters the room', async () => {
    const { sig, session } = makeSession()
    sig.participants = [['p1']]
    sig.onJoin = (req, n) =>
      pollResponse(
        () => ({ waiting: true as const, self_id: `me-${n}`, room: req.room, name: 'Ada' }),
        () => sig.fire('admitted', sig.ack(n, req.room, 'Ada')),
      )
    const r = await session.join('room', 'Ada', {})
    expect(r).toMatchObject({ waiting: true })
    await settle()
    expect(session.connectionStatus).toBe('joined')
    expect(sig.offers).toEqual(['p1'])
  })

  it('a socket that drops under a join in flight is not a refusal: the reconnect joins again', async () => {
    const { sig, session, statuses } = makeSession()
    sig.participants = [[], ['p1']]
    const pending: (() => void)[] = []
    sig.onJoin = (req, n) =>
      n === 1
        ? new Promise((_resolve, reject) => pending.push(() => reject(new Error('socket has been disconnected'))))
        : Promise.resolve(sig.ack(n, req.room, 'Ada'))
    const joined = session.join('room', 'Ada', {})
    await settle()
    expect(sig.joins).toHaveLength(1)
    // socket.io fails the pending ack right after the disconnect event.
    sig.drop()
    pending.forEach((fail) => fail())
    await settle()
    expect(session.connectionStatus).toBe('reconnecting')
    sig.connected = true
    sig.fire('connect')
    await expect(joined).resolves.toMatchObject({ self_id: 'me-2' })
    expect(statuses).toEqual(['joining', 'reconnecting', 'joined'])
  })
})
