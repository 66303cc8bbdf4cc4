import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emitter } from '../../src/rtc/emitter'

interface Events {
  joined: (room: string) => void
  left: () => void
}

describe('Emitter', () => {
  afterEach(() => vi.restoreAllMocks())

  it('calls every listener in order, with the arguments', () => {
    const e = new Emitter<Events>()
    const seen: string[] = []
    e.on('joined', (r) => seen.push(`a:${r}`))
    e.on('joined', (r) => seen.push(`b:${r}`))
    e.emit('joined', 'r1')
    expect(seen).toEqual(['a:r1', 'b:r1'])
  })

  it('a throwing listener is reported and the listeners after it still run', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const e = new Emitter<Events>()
    const seen: string[] = []
    const bad = new Error('broken handler')
    e.on('joined', (r) => seen.push(`first:${r}`))
    e.on('joined', () => {
      throw bad
    })
    e.on('joined', (r) => seen.push(`last:${r}`))
    expect(() => e.emit('joined', 'r1')).not.toThrow()
    expect(seen).toEqual(['first:r1', 'last:r1'])
    expect(errors).toHaveBeenCalledTimes(1)
    expect(errors.mock.calls[0]).toContain(bad)
    // The emitter stays usable afterwards.
    e.emit('joined', 'r2')
    expect(seen).toEqual(['first:r1', 'last:r1', 'first:r2', 'last:r2'])
  })

  it('off removes a listener; one added during an emit waits for the next', () => {
    const e = new Emitter<Events>()
    let calls = 0
    let late = 0
    const off = e.on('left', () => {
      calls++
      e.on('left', () => late++)
    })
    e.emit('left')
    expect([calls, late]).toEqual([1, 0])
    off()
    e.emit('left')
    expect([calls, late]).toEqual([1, 1])
    e.clear()
    e.emit('left')
    expect(late).toBe(1)
  })
})
