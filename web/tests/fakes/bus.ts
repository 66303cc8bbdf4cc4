import { PeerMesh } from '../../src/rtc/mesh'
import type { OutgoingSignal } from '../../src/rtc/peer'
import type { StreamKind } from '../../src/rtc/protocol'
import { FakeStream, asStream } from './media'
import { FakePeerConnection } from './peerConnection'

export interface Received {
  from: string
  kind: StreamKind
  trackKind: string
}

/** Meshes wired through an in-order, asynchronous "server" that stamps the sender id. */
export class Bus {
  readonly meshes = new Map<string, PeerMesh>()
  readonly received = new Map<string, Received[]>()
  readonly errors: unknown[] = []
  inFlight = 0

  add(id: string): PeerMesh {
    const mesh = new PeerMesh({
      createPeerConnection: () => new FakePeerConnection() as unknown as RTCPeerConnection,
      createStream: () => asStream(new FakeStream(`${id}-stream-${Math.random().toString(36).slice(2, 7)}`)),
      send: (to, s) => this.deliver(id, to, s),
      onRemoteTrack: (from, kind, _stream, track) => this.received.get(id)!.push({ from, kind, trackKind: track.kind }),
      onError: (_peer, err) => this.errors.push(err),
    })
    mesh.reset(id, [])
    this.meshes.set(id, mesh)
    this.received.set(id, [])
    return mesh
  }

  private deliver(from: string, to: string, s: OutgoingSignal) {
    this.inFlight++
    setTimeout(() => {
      this.inFlight--
      const target = this.meshes.get(to)
      if (!target) return
      if (s.kind === 'description') void target.handleDescription(from, s.description, s.streams)
      else void target.handleCandidate(from, s.candidate)
    }, 1)
  }

  pc(of: string, peer: string): FakePeerConnection {
    return this.meshes.get(of)!.peerConnections().get(peer) as unknown as FakePeerConnection
  }

  /** Waits until no signal is in flight and every connection is stable, several ticks in a row. */
  async settle(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let quiet = 0
    while (quiet < 10) {
      if (Date.now() > deadline) throw new Error('mesh did not settle')
      await new Promise((r) => setTimeout(r, 2))
      const stable = [...this.meshes.values()].every((m) =>
        [...m.peerConnections().values()].every((pc) => pc.signalingState === 'stable' || pc.signalingState === 'closed'),
      )
      quiet = stable && this.inFlight === 0 ? quiet + 1 : 0
    }
  }
}
