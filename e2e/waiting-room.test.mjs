// End-to-end: the waiting room — knock, admit (media both ways), deny, cancel, hand-over, room empty.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ServerProcess } from './lib/server.mjs'
import { assertNoCspViolations, closeAll, joinByLink, launchBrowser, openByLink, selfId } from './lib/browser.mjs'
import { expectMediaFrom } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'

let server
let browser
let roomSeq = 0
const room = (tag) => `e2e-wait-${tag}-${process.pid}-${++roomSeq}`

const knockOf = (page, id) => page.locator(`[data-testid=knock][data-user="${id}"]`)

/** Opens the link and waits for the waiting screen; returns the page with its (waiter) id. */
async function knock(roomId, name) {
  const p = await openByLink(browser, server.url, roomId, name)
  await p.page.getByTestId('waiting').waitFor({ timeout: timeouts.join })
  return { ...p, id: await selfId(p.page) }
}

async function enableWaitingRoom(page) {
  await page.getByTestId('host-menu').click()
  await page.getByTestId('host-waiting-room').click()
  await page.locator('[data-testid=host-waiting-room][aria-checked=true]').waitFor()
  await page.getByTestId('host-menu').click()
}

describe('waiting room', { concurrency: 1 }, () => {
  before(async () => {
    server = new ServerProcess()
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
  }, hookOptions)

  it('a knock waits until the host admits it (media both ways); a denied knock is told so; a cancelled one disappears', testOptions, async () => {
    const roomId = room('admit')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const ps = [host]
    try {
      await enableWaitingRoom(host.page)
      await host.page.getByTestId('state-waiting-room').waitFor()

      const wanda = await knock(roomId, 'Wanda')
      ps.push(wanda)
      assert.match(await wanda.page.getByTestId('waiting').textContent(), /Waiting for the host/)
      const card = knockOf(host.page, wanda.id)
      await card.waitFor()
      assert.match(await card.textContent(), /Wanda wants to join/)
      // Nobody is in the call with Wanda yet.
      assert.equal(await host.page.locator(`[data-tile="${wanda.id}:camera"]`).count(), 0)
      await card.getByTestId('knock-admit').click()
      await wanda.page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      await card.waitFor({ state: 'detached' })
      await expectMediaFrom(host.page, [wanda.id], { label: 'Host' })
      await expectMediaFrom(wanda.page, [host.id], { label: 'Wanda' })
      // Room state reaches the admitted guest too.
      await wanda.page.getByTestId('state-waiting-room').waitFor()
      assert.equal(await wanda.page.getByTestId('host-menu').count(), 0)

      // A waiter who gives up: back to the lobby, and gone from the host's list.
      const yuri = await knock(roomId, 'Yuri')
      ps.push(yuri)
      await knockOf(host.page, yuri.id).waitFor()
      await yuri.page.getByTestId('waiting-cancel').click()
      await yuri.page.getByTestId('lobby').waitFor()
      await knockOf(host.page, yuri.id).waitFor({ state: 'detached' })

      // Denied from the list in the people panel.
      const xena = await knock(roomId, 'Xena')
      try {
        await host.page.getByTestId('toggle-people').click()
        const row = host.page.locator(`[data-testid=waiter][data-user="${xena.id}"]`)
        await row.waitFor()
        await row.getByTestId('waiter-deny').click()
        const denied = xena.page.locator('[data-testid=denied][data-reason=denied]')
        await denied.waitFor()
        assert.match(await denied.textContent(), /declined your request/)
        await row.waitFor({ state: 'detached' })
        assert.equal(await knockOf(host.page, xena.id).count(), 0)
        assertNoCspViolations([xena])
      } finally {
        await closeAll([xena])
      }

      // Yuri stayed in the lobby meanwhile (skipLobby does not knock again by itself).
      assert.equal(await yuri.page.getByTestId('lobby').count(), 1)
      assert.equal(await host.page.getByTestId('knock').count(), 0)
      assertNoCspViolations(ps)
      for (const p of ps) assert.deepEqual(p.errors, [], `${p.name} had page errors`)
    } finally {
      await closeAll(ps)
    }
  })

  it('the next host inherits the knocks; when everyone leaves, the waiter is told the room emptied', testOptions, async () => {
    const roomId = room('handover')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const ps = [host]
    try {
      await enableWaitingRoom(host.page)
      const wanda = await knock(roomId, 'Wanda')
      ps.push(wanda)
      await knockOf(host.page, wanda.id).getByTestId('knock-admit').click()
      await wanda.page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      const zed = await knock(roomId, 'Zed')
      ps.push(zed)
      await knockOf(host.page, zed.id).waitFor()
      assert.equal(await knockOf(wanda.page, zed.id).count(), 0, 'a guest sees no knocks')

      await host.page.getByTestId('leave').click()
      await wanda.page.locator('[data-testid=notice][data-notice=youAreHost]').waitFor()
      await knockOf(wanda.page, zed.id).waitFor()
      await wanda.page.getByTestId('leave').click()
      const denied = zed.page.locator('[data-testid=denied][data-reason=room_empty]')
      await denied.waitFor()
      assert.match(await denied.textContent(), /Everyone left/)
      // Knocking again makes sense here: back to the lobby.
      await zed.page.getByTestId('retry').click()
      await zed.page.getByTestId('lobby').waitFor()
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })
})
