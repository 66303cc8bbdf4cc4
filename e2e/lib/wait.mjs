import { timeouts } from './timeouts.mjs'

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs` (default: the ui budget). */
export async function waitFor(fn, { timeoutMs = timeouts.ui, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`)
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/**
 * A budget shared by the steps of one operation (e.g. a page rejoining: joined, banner gone,
 * new id): `left()` is what the next step may still take (at least 1 ms: 0 would mean no
 * timeout to Playwright).
 */
export function budget(ms) {
  const end = Date.now() + ms
  return { ms, left: () => Math.max(1, end - Date.now()) }
}
