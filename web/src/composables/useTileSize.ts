import { onBeforeUnmount, onMounted, type Ref } from 'vue'

export interface SizeTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * Reports a size once it has been stable for `debounceMs`, and only when it differs from the last
 * one reported: a window being dragged larger sends one report, not one per frame.
 */
export class SizeDebouncer {
  private timer: unknown = null
  private last = ''
  constructor(
    private readonly report: (width: number, height: number) => void,
    private readonly debounceMs: number,
    private readonly timers: SizeTimers = {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** A new measurement (device pixels, rounded here). */
  update(width: number, height: number): void {
    const w = Math.round(width)
    const h = Math.round(height)
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      const key = `${w}x${h}`
      if (key === this.last) return
      this.last = key
      this.report(w, h)
    }, this.debounceMs)
  }

  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }
}

/**
 * Watches an element's size with a ResizeObserver and reports it in device pixels (CSS pixels ×
 * devicePixelRatio; 0×0 while it is not displayed), debounced, only on change. For video tiles:
 * the SFU sends each one the simulcast layer its size needs.
 */
export function useTileSize(el: Ref<HTMLElement | null>, report: (width: number, height: number) => void, debounceMs = 300): void {
  const debouncer = new SizeDebouncer(report, debounceMs)
  let observer: ResizeObserver | null = null
  onMounted(() => {
    if (!el.value || typeof ResizeObserver === 'undefined') return
    observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect
      if (!box) return
      const dpr = window.devicePixelRatio || 1
      debouncer.update(box.width * dpr, box.height * dpr)
    })
    observer.observe(el.value)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    observer = null
    debouncer.stop()
  })
}
