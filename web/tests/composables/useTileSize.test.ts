import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SizeDebouncer } from '../../src/composables/useTileSize'

describe('SizeDebouncer', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('reports a size once it has been stable for the debounce time, rounded', () => {
    const reports: [number, number][] = []
    const d = new SizeDebouncer((w, h) => reports.push([w, h]), 300)
    d.update(100, 50)
    vi.advanceTimersByTime(200)
    d.update(200.4, 112.6) // still resizing: the first size is never sent
    vi.advanceTimersByTime(299)
    expect(reports).toEqual([])
    vi.advanceTimersByTime(1)
    expect(reports).toEqual([[200, 113]])
  })

  it('reports only changes, and nothing after stop', () => {
    const reports: [number, number][] = []
    const d = new SizeDebouncer((w, h) => reports.push([w, h]), 300)
    d.update(640, 360)
    vi.advanceTimersByTime(300)
    d.update(640.2, 359.8) // rounds to the same size
    vi.advanceTimersByTime(300)
    d.update(0, 0)
    vi.advanceTimersByTime(300)
    d.update(320, 180)
    d.stop()
    vi.advanceTimersByTime(1000)
    expect(reports).toEqual([
      [640, 360],
      [0, 0],
    ])
  })
})
