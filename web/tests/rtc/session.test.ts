import { describe, expect, it } from 'vitest'
import { MeetingSession } from '../../src/rtc/session'
import type { SignalingClient } from '../../src/rtc/signaling'
import type { JoinRequest, JoinResult, MediaFlags } from '../../src/rtc/protocol'
import { FakeStream, asStream } from '../fakes/media'
import { FakePeerConnection } from '../fakes/peerConnection'

/** Stands in for socket.io: the test drives connect/disconnect and server events. */
class FakeSignaling {
  connected = false
  joins: JoinRequest[] = []
  states: Partial<MediaFlags>[] = []
  offers: string[] = []
  participants: string[][] = []
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
  async join(req: JoinRequest): Promise<JoinResult> {
    this.joins.push(req)
    const n = this.joins.length
    const others = this.participants[n - 1] ?? []
    return {
      self_id: `me-${n}`, room: req.room, name: req.name ?? 'Guest', role: 'guest', chat: [], ice_servers: [],
      participants: others.map((id) => ({ id, user_id: id, name: id, audio: true, video: true, screen: false, hand: false })),
    }
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
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30))

function makeSession() {
  const sig = new FakeSignaling()
  const session = new MeetingSession({
    signaling: sig as unknown as SignalingClient,
    createPeerConnection: () => new FakePeerConnection() as unknown as RTCPeerConnection,
    createStream: () => asStream(new FakeStream()),
  })
  const statuses: string[] = []
  session.on('status', (s) => statuses.push(s))
  return { sig, session, statuses }
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
})
