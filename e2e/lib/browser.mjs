// Debian's Chromium driven by playwright-core; one context per participant.
import { chromium } from 'playwright-core'
import { timeouts } from './timeouts.mjs'
import { budget, waitFor } from './wait.mjs'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  // A name that is not localhost, to see the page as an insecure (plain HTTP) origin.
  '--host-resolver-rules=MAP confab.test 127.0.0.1',
  // Chromium sends fewer simulcast layers than asked for small captures (2 for the fake
  // device's 640x480); SFU rooms are tested with all three.
  '--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/',
]

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  })
}

/**
 * A browser context with the e2e budgets as Playwright's defaults: every action and locator wait
 * (ui) and every navigation (load) that does not name its own timeout.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options)
  context.setDefaultTimeout(timeouts.ui)
  context.setDefaultNavigationTimeout(timeouts.load)
  return context
}

/**
 * A new context and page that records page errors and Content Security Policy violations
 * (`csp`: the server sends a strict CSP; the app must not need inline scripts or eval).
 */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, locale = 'en-US', init } = {}) {
  const context = await newContext(browser, { viewport, acceptDownloads: true, locale })
  if (init) await context.addInitScript(init)
  const page = await context.newPage()
  const errors = []
  const csp = []
  page.on('pageerror', (e) => errors.push(e))
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) csp.push(m.text())
  })
  return { context, page, errors, csp }
}

/** The link a participant opens: `/r/<room>?name=…&skipLobby=1` plus `query` (e.g. `{ relay: '1' }`). */
export function roomLink(baseUrl, room, name, query = {}) {
  const q = new URLSearchParams({ ...(name ? { name } : {}), skipLobby: '1', ...query })
  return `${baseUrl}/r/${room}?${q}`
}

/**
 * An init script for `newPage`/`joinByLink`: no WebSocket (a proxy that does not pass it), so
 * Socket.IO stays on long-polling, and every poll leaves `delayMs` late (a slow link), so the
 * server answers each poll with everything queued meanwhile in one response.
 */
export function slowPollingOnly(delayMs) {
  return `(() => {
    window.WebSocket = class { constructor() { throw new Error('WebSocket blocked by the test') } }
    const open = XMLHttpRequest.prototype.open
    const send = XMLHttpRequest.prototype.send
    XMLHttpRequest.prototype.open = function (method, url, ...rest) {
      const u = String(url)
      this.__confabPoll = method === 'GET' && u.includes('/socket.io/') && u.includes('sid=')
      return open.call(this, method, url, ...rest)
    }
    XMLHttpRequest.prototype.send = function (body) {
      if (!this.__confabPoll) return send.call(this, body)
      setTimeout(() => send.call(this, body), ${Number(delayMs)})
    }
  })()`
}

/** Opens a room by link (joining at once) without waiting for the outcome (waiting room, refusal). */
export async function openByLink(browser, baseUrl, room, name, { viewport, query, init } = {}) {
  const p = await newPage(browser, { viewport, init })
  await p.page.goto(roomLink(baseUrl, room, name, query), { timeout: timeouts.load })
  return { name, ...p }
}

/** Opens a room by link with `skipLobby=1` and waits until the page has joined. */
export async function joinByLink(browser, baseUrl, room, name, { viewport, query, init } = {}) {
  const p = await openByLink(browser, baseUrl, room, name, { viewport, query, init })
  await p.page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
  const id = await selfId(p.page)
  return { ...p, id }
}

/** Opens a room's lobby without joining; `init` runs in the page before the app (e.g. to break getUserMedia). */
export async function openLobby(browser, baseUrl, room, { viewport = { width: 1280, height: 720 }, init, locale = 'en-US' } = {}) {
  const p = await newPage(browser, { viewport, init, locale })
  await p.page.goto(`${baseUrl}/r/${room}`, { timeout: timeouts.load })
  await p.page.getByTestId('lobby').waitFor({ timeout: timeouts.load })
  return p
}

export async function selfId(page, timeoutMs = timeouts.ui) {
  return waitFor(() => page.evaluate(() => window.__confab?.selfId() || null), { timeoutMs, what: 'self id' })
}

/** After a server restart: the page is back in its meeting, without the banner, under a new id. */
export async function rejoined(p, oldIds) {
  const b = budget(timeouts.reconnect)
  await p.page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: b.left() })
  await p.page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: b.left() })
  return waitFor(async () => {
    const id = await selfId(p.page, b.left())
    return id && !oldIds.includes(id) ? id : null
  }, { timeoutMs: b.left(), what: `${p.name}: new socket id` })
}

export async function closeAll(participants) {
  for (const p of participants) await p.context.close().catch(() => {})
}

/** Fails if any page reported a Content Security Policy violation. */
export function assertNoCspViolations(participants) {
  const found = participants.flatMap((p) => (p.csp ?? []).map((m) => `${p.name ?? 'page'}: ${m}`))
  if (found.length) throw new Error(`Content Security Policy violations:\n${found.join('\n')}`)
}
