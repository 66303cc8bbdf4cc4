// Every deadline of the browser tests, in one place. Each wait ends as soon as its condition
// holds; its budget only decides how long a failing wait takes to say so. The base values are
// what today's runs need with room to spare on the 2-core CI machine; CONFAB_E2E_SLOWDOWN
// (default 4) multiplies all of them, so that a machine 3-5x slower than today (a loaded host,
// a slower Chromium: a 4-person mesh once took 20 s to show all video) still passes.
const DEFAULT_SLOWDOWN = 4

function slowdownFromEnv() {
  const raw = process.env.CONFAB_E2E_SLOWDOWN
  if (raw === undefined || raw === '') return DEFAULT_SLOWDOWN
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 1) throw new Error(`CONFAB_E2E_SLOWDOWN must be a number >= 1, not "${raw}"`)
  return value
}

export const SLOWDOWN = slowdownFromEnv()

const base = {
  // A click, a key or a server event shows on a page; a Socket.IO ack comes back. Also
  // Playwright's default for every action and locator wait on a page.
  ui: 5_000,
  // page.goto / reload until the app's first screen, and a child process (confab-server,
  // coturn) until it listens. Playwright's default navigation timeout.
  load: 15_000,
  // From the link opened (page loaded) until the meeting reports joined, the waiting screen or
  // a refusal: Socket.IO connect, getUserMedia, the join ack.
  join: 15_000,
  // One page receives video and audio from every peer and both keep rising (ICE, DTLS, the
  // first decoded frames); also a screen share or late camera reaching a page.
  media: 25_000,
  // After a server restart, one page is back in its meeting under a new id.
  reconnect: 20_000,
}

export const timeouts = Object.freeze({
  ...Object.fromEntries(Object.entries(base).map(([name, ms]) => [name, Math.round(ms * SLOWDOWN)])),
  // One test (node:test's per-test timeout). The budgets of the waits of the longest tests add
  // up to about 350 s at 1x (meeting (g): three joins, a mesh, a fourth join, a 4-mesh and the
  // caps; (h)/(i): three joins, two meshes and a restart), so a test times out as a whole only
  // when one of its waits would have failed anyway.
  test: Math.round(400_000 * SLOWDOWN),
  // A before/after hook: start coturn and confab-server, launch Chromium; close them.
  hook: Math.round(60_000 * SLOWDOWN),
})

/** Options for `it(name, testOptions, fn)`: the per-test timeout. */
export const testOptions = Object.freeze({ timeout: timeouts.test })
/** Options for `before`/`after`. */
export const hookOptions = Object.freeze({ timeout: timeouts.hook })
