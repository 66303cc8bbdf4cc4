import { describe, expect, it, vi } from 'vitest'
import { SignalingClient } from '../../src/rtc/signaling'

// The relay events are the busiest; an ack id would make the server write a second frame for each.
describe('SignalingClient relays', () => {
  const sent = () => {
    const client = new SignalingClient({ url: 'http://127.0.0.1:9' })
    const emit = vi.spyOn(client.socket, 'emit').mockImplementation(() => client.socket)
    return { client, emit }
  }

  it('sends ice candidates without asking for an ack', () => {
    const { client, emit } = sent()
    client.sendCandidate('peer-1', { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' })
    expect(emit).toHaveBeenCalledTimes(1)
    const args = emit.mock.calls[0] as unknown[]
    expect(args).toHaveLength(2)
    expect(args[0]).toBe('ice_candidate')
    expect(args[1]).toEqual({ other_user_id: 'peer-1', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' } })
  })

  it('sends offers and answers under their own event, without an ack', () => {
    const { client, emit } = sent()
    client.sendDescription('peer-2', { type: 'offer', sdp: 'v=0' }, { s1: 'camera' })
    client.sendDescription('peer-2', { type: 'answer', sdp: 'v=0' }, {})
    const calls = emit.mock.calls as unknown[][]
    expect(calls.map((c) => c.length)).toEqual([2, 2])
    expect(calls[0]?.[0]).toBe('offer')
    expect(calls[0]?.[1]).toEqual({ other_user_id: 'peer-2', offer: { type: 'offer', sdp: 'v=0' }, streams: { s1: 'camera' } })
    expect(calls[1]?.[0]).toBe('answer')
  })

  it('still waits for the ack of a request', async () => {
    const { client, emit } = sent()
    emit.mockRestore()
    const withAck = vi.spyOn(client.socket, 'timeout').mockReturnValue({
      emitWithAck: () => Promise.resolve({ ok: false, error: { code: 'not_in_room', message: 'join first' } }),
    } as unknown as ReturnType<typeof client.socket.timeout>)
    await expect(client.leave()).rejects.toMatchObject({ code: 'not_in_room', retryAfterMs: undefined })
    expect(withAck).toHaveBeenCalledWith(8000)
  })

  it('passes on when a limit lets the request be tried again', async () => {
    const { client, emit } = sent()
    emit.mockRestore()
    vi.spyOn(client.socket, 'timeout').mockReturnValue({
      emitWithAck: () =>
        Promise.resolve({ ok: false, error: { code: 'too_many_transports', message: 'slow down', retry_after_ms: 4200 } }),
    } as unknown as ReturnType<typeof client.socket.timeout>)
    await expect(client.request('sfu_create_transport', { direction: 'send' })).rejects.toMatchObject({
      code: 'too_many_transports',
      retryAfterMs: 4200,
    })
  })
})
