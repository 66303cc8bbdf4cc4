// End-to-end: host controls (lock, remove, ask to mute, end meeting), role hand-over, join tokens.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { io } from 'socket.io-client'
import { ServerProcess } from './lib/server.mjs'
import { assertNoCspViolations, closeAll, joinByLink, launchBrowser, openByLink, openLobby } from './lib/browser.mjs'
import { signJoinToken } from './lib/jwt.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'

const JWT_SECRET = randomBytes(24).toString('hex')
let server
let browser
let roomSeq = 0
const room = (tag) => `e2e-host-${tag}-${process.pid}-${++roomSeq}`

const tileOf = (page, peerId) => page.locator(`[data-testid=tile][data-tile="${peerId}:camera"]`)
const personRow = (page, peerId) => page.locator(`[data-testid=participant][data-peer="${peerId}"]`)

async function openPeople(page) {
  if ((await page.getByTestId('participants').count()) === 0) await page.getByTestId('toggle-people').click()
  await page.getByTestId('participants').waitFor()
}

/** Opens the host menu and flips one of its switches (`host-lock`, `host-waiting-room`). */
async function hostSwitch(page, testid) {
  await page.getByTestId('host-menu').click()
  const sw = page.getByTestId(testid)
  const before = await sw.getAttribute('aria-checked')
  await sw.click()
  await page.locator(`[data-testid=${testid}][aria-checked="${before === 'true' ? 'false' : 'true'}"]`).waitFor()
  await page.getByTestId('host-menu').click()
}

async function confirm(page) {
  await page.getByTestId('confirm-ok').click()
  await page.getByTestId('confirm-ok').waitFor({ state: 'hidden' })
}

/** How many requests the server refused with `code` (its /metrics counter). */
async function refusals(code) {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const m = text.match(new RegExp(`^confab_meeting_errors_total\\{code="${code}"\\} (\\d+)`, 'm'))
  return m ? Number(m[1]) : 0
}

/** A raw Socket.IO client joined to `roomId`, as a misbehaving guest would use it. */
async function rawGuest(roomId, name) {
  const socket = io(server.url, { transports: ['websocket'], reconnection: false })
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  const ack = await socket.timeout(timeouts.ui).emitWithAck('join_room', { room: roomId, name })
  assert.equal(ack.ok, true, JSON.stringify(ack))
  return socket
}

describe('host controls', { concurrency: 1 }, () => {
  before(async () => {
    server = new ServerProcess({ args: ['--jwt-secret', JWT_SECRET] })
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
  }, hookOptions)

  it('lock refuses a newcomer; a removed guest sees the removed screen, vanishes elsewhere, and stays out on reload', testOptions, async () => {
    const roomId = room('lock')
    const ps = [
      await joinByLink(browser, server.url, roomId, 'Host'),
      await joinByLink(browser, server.url, roomId, 'Bo'),
      await joinByLink(browser, server.url, roomId, 'Cy'),
    ]
    try {
      const [a, b, c] = ps
      // Only the host gets host controls, in the header and in the participant list.
      await a.page.getByTestId('host-menu').waitFor()
      for (const p of [a, b]) await openPeople(p.page)
      await personRow(a.page, b.id).getByTestId('kick').waitFor()
      await personRow(b.page, c.id).waitFor()
      // Everyone can see who hosts (the join ack's and new_user's role).
      await personRow(b.page, a.id).getByTestId('peer-host').waitFor()
      assert.equal(await personRow(b.page, c.id).getByTestId('peer-host').count(), 0)
      assert.equal(await personRow(a.page, c.id).getByTestId('peer-host').count(), 0)
      for (const p of [b, c]) assert.equal(await p.page.getByTestId('host-menu').count(), 0, `${p.name} sees the host menu`)
      assert.equal(await b.page.locator('[data-testid=kick], [data-testid=ask-mute]').count(), 0)

      const lockedBefore = await refusals('room_locked')
      await hostSwitch(a.page, 'host-lock')
      for (const p of ps) await p.page.getByTestId('state-locked').waitFor()
      await personRow(a.page, b.id).getByTestId('kick').click()
      await confirm(a.page)
      await b.page.getByTestId('removed').waitFor()
      assert.match(await b.page.getByTestId('removed').textContent(), /removed/)
      await tileOf(a.page, b.id).waitFor({ state: 'detached' })
      await tileOf(c.page, b.id).waitFor({ state: 'detached' })
      assert.equal(await c.page.evaluate((id) => id in window.__confab.peerConnections(), b.id), false)
      // The removed page released its camera and has no call left (no rejoin behind the screen).
      assert.equal(await b.page.evaluate(() => window.__confab === undefined), true)

      // Reloading the link (skipLobby=1 joins at once) does not get back into the locked room.
      await b.page.reload()
      await b.page.locator('[data-testid=join-error][data-code=room_locked]').waitFor({ timeout: timeouts.join })
      assert.equal(await tileOf(a.page, b.id).count(), 0)

      // A newcomer is refused with the locked message too.
      const dee = await openLobby(browser, server.url, roomId)
      try {
        await dee.page.getByTestId('name-input').fill('Dee')
        await dee.page.getByTestId('join').click()
        const refused = dee.page.locator('[data-testid=join-error][data-code=room_locked]')
        await refused.waitFor({ timeout: timeouts.join })
        assert.match(await refused.textContent(), /locked/)
        assertNoCspViolations([dee])
      } finally {
        await closeAll([dee])
      }

      // Each refused page tried exactly once (a refused skipLobby join must not retry by itself).
      assert.equal(await refusals('room_locked'), lockedBefore + 2)
      await b.page.locator('[data-testid=join]:not(.ant-btn-loading)').waitFor()
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('ask to mute turns the guest\'s mic off everywhere; a guest\'s own host event is refused; the next host takes over', testOptions, async () => {
    const roomId = room('mute')
    const ps = [await joinByLink(browser, server.url, roomId, 'Host'), await joinByLink(browser, server.url, roomId, 'Bo')]
    let mallory
    try {
      const [a, b] = ps
      await tileOf(a.page, b.id).waitFor()
      await openPeople(a.page)
      await personRow(a.page, b.id).getByTestId('ask-mute').click()
      await b.page.locator('[data-testid=notice][data-notice=mutedByHost]').waitFor()
      await b.page.locator('[data-testid=toggle-mic][aria-pressed=false]').waitFor()
      // Really muted: the microphone track Bo sends is disabled.
      assert.deepEqual(
        await b.page.evaluate(() =>
          Object.values(window.__confab.peerConnections()).flatMap((pc) =>
            pc.getSenders().filter((s) => s.track?.kind === 'audio').map((s) => s.track.enabled),
          ),
        ),
        [false],
      )
      await tileOf(a.page, b.id).getByTestId('mic-off').waitFor()
      await personRow(a.page, b.id).getByTestId('participant-mic-off').waitFor()
      // Bo may unmute again: a request, not a lock.
      await b.page.getByTestId('toggle-mic').click()
      await tileOf(a.page, b.id).getByTestId('mic-off').waitFor({ state: 'detached' })

      // A guest emitting host events by hand (here a raw Socket.IO client) is refused and nothing happens.
      mallory = await rawGuest(roomId, 'Mallory')
      for (const [event, payload] of [['kick', { user_id: a.id }], ['lock_room', { locked: true }], ['end_meeting', {}]]) {
        const ack = await mallory.timeout(timeouts.ui).emitWithAck(event, payload)
        assert.deepEqual([ack.ok, ack.error?.code], [false, 'forbidden'], `${event}: ${JSON.stringify(ack)}`)
      }
      await tileOf(b.page, a.id).waitFor()
      assert.equal(await a.page.locator('[data-testid=meeting][data-status=joined]').count(), 1)
      assert.equal(await a.page.getByTestId('state-locked').count(), 0)

      // The host leaves: the longest-present member (Bo) becomes host and gets the controls.
      await a.page.getByTestId('leave').click()
      await b.page.locator('[data-testid=notice][data-notice=youAreHost]').waitFor()
      await b.page.getByTestId('host-menu').waitFor()
      await openPeople(b.page)
      await b.page.getByTestId('self-host').waitFor()
      assertNoCspViolations(ps)
    } finally {
      mallory?.disconnect()
      await closeAll(ps)
    }
  })

  it('a password set by the host is asked of a newcomer; ending the meeting shows the ended screen on every page', testOptions, async () => {
    const roomId = room('end')
    const ps = [await joinByLink(browser, server.url, roomId, 'Host'), await joinByLink(browser, server.url, roomId, 'Bo')]
    try {
      const [a] = ps
      await a.page.getByTestId('host-menu').click()
      await a.page.getByTestId('host-password-input').fill('s3cret pass')
      await a.page.getByTestId('host-password-set').click()
      for (const p of ps) await p.page.getByTestId('state-password').waitFor()
      await a.page.getByTestId('host-menu').click()

      const cy = await openByLink(browser, server.url, roomId, 'Cy')
      cy.name = 'Cy'
      ps.push(cy)
      await cy.page.locator('[data-testid=join-error][data-code=password_required]').waitFor({ timeout: timeouts.join })
      await cy.page.getByTestId('password-input').fill('wrong')
      await cy.page.getByTestId('join').click()
      await cy.page.locator('[data-testid=join-error][data-code=wrong_password]').waitFor({ timeout: timeouts.join })
      await cy.page.getByTestId('password-input').fill('s3cret pass')
      await cy.page.getByTestId('join').click()
      await cy.page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      await cy.page.getByTestId('state-password').waitFor()

      await a.page.getByTestId('host-menu').click()
      await a.page.getByTestId('host-password-clear').click()
      for (const p of ps) await p.page.getByTestId('state-password').waitFor({ state: 'detached' })

      await a.page.getByTestId('host-end').click()
      await confirm(a.page)
      for (const p of ps) {
        await p.page.getByTestId('ended').waitFor()
        assert.match(await p.page.getByTestId('ended').textContent(), /ended the meeting/)
        assert.equal(await p.page.evaluate(() => window.__confab === undefined), true, `${p.name} still has a call`)
      }
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('join tokens: a host token passes the lock, an expired or foreign token is explained, a removed token stays out', testOptions, async () => {
    const roomId = room('token')
    const a = await joinByLink(browser, server.url, roomId, 'Host')
    const ps = [a]
    try {
      await hostSwitch(a.page, 'host-lock')
      const boss = await joinByLink(browser, server.url, roomId, '', {
        query: { token: signJoinToken(JWT_SECRET, { room: roomId, name: 'Boss', role: 'host' }) },
      })
      ps.push(boss)
      // The token's name is used, and its role: Boss is a host too.
      assert.equal(await tileOf(a.page, boss.id).getAttribute('data-label'), 'Boss')
      await boss.page.getByTestId('host-menu').waitFor()

      const cases = [
        ['token_expired', signJoinToken(JWT_SECRET, { room: roomId, name: 'Late', exp: Math.floor(Date.now() / 1000) - 60 }), /expired/],
        ['invalid_token', signJoinToken(JWT_SECRET, { room: `${roomId}-other`, name: 'Lost' }), /not valid/],
        ['invalid_token', signJoinToken('not-the-server-secret-at-all', { room: roomId, name: 'Forger' }), /not valid/],
      ]
      for (const [code, token, text] of cases) {
        // Closed at once: every open lobby keeps a fake camera running, and there are 2 cores.
        const p = await openByLink(browser, server.url, roomId, '', { query: { token } })
        try {
          const err = p.page.locator(`[data-testid=join-error][data-code=${code}]`)
          await err.waitFor({ timeout: timeouts.join })
          assert.match(await err.textContent(), text)
          assertNoCspViolations([p])
        } finally {
          await closeAll([p])
        }
      }

      // A guest token passes the password, not the lock: unlock, remove its bearer, and it stays out.
      await hostSwitch(a.page, 'host-lock')
      await a.page.getByTestId('state-locked').waitFor({ state: 'detached' })
      const guestToken = signJoinToken(JWT_SECRET, { room: roomId, name: 'Tok' })
      const tok = await joinByLink(browser, server.url, roomId, '', { query: { token: guestToken } })
      ps.push(tok)
      await openPeople(a.page)
      await personRow(a.page, tok.id).getByTestId('kick').click()
      await confirm(a.page)
      await tok.page.getByTestId('removed').waitFor()
      await tok.page.reload()
      const err = tok.page.locator('[data-testid=join-error][data-code=removed]')
      await err.waitFor({ timeout: timeouts.join })
      assert.match(await err.textContent(), /removed/)
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })
})
