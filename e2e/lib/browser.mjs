// Debian's Chromium driven by playwright-core; one context per participant.
import { chromium } from 'playwright-core'
import { waitFor } from './wait.mjs'

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
]

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  })
}

/** Opens a room by link with `skipLobby=1` and waits until the page has joined. */
export async function joinByLink(browser, baseUrl, room, name, { viewport = { width: 1280, height: 720 } } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-US' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e))
  await page.goto(`${baseUrl}/r/${room}?name=${encodeURIComponent(name)}&skipLobby=1`, { timeout: 15_000 })
  await page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: 15_000 })
  const id = await selfId(page)
  return { name, context, page, id, errors }
}

/** Opens a room's lobby without joining; `init` runs in the page before the app (e.g. to break getUserMedia). */
export async function openLobby(browser, baseUrl, room, { viewport = { width: 1280, height: 720 }, init, locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport, locale })
  if (init) await context.addInitScript(init)
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e))
  await page.goto(`${baseUrl}/r/${room}`, { timeout: 15_000 })
  await page.getByTestId('lobby').waitFor({ timeout: 10_000 })
  return { context, page, errors }
}

export async function selfId(page) {
  return waitFor(() => page.evaluate(() => window.__confab?.selfId() || null), { timeoutMs: 5000, what: 'self id' })
}

export async function closeAll(participants) {
  for (const p of participants) await p.context.close().catch(() => {})
}
