// End-to-end: lobby, receive-only joining, layouts, language and a phone-sized viewport.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { ServerProcess } from './lib/server.mjs'
import { closeAll, joinByLink, launchBrowser, newContext, openLobby, selfId } from './lib/browser.mjs'
import { expectMediaFrom, inboundStats } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'
import { waitFor } from './lib/wait.mjs'

const OUTPUT = resolve(import.meta.dirname, 'output')
mkdirSync(OUTPUT, { recursive: true })

let server
let browser
let roomSeq = 0
const room = (tag) => `e2e-lobby-${tag}-${process.pid}-${++roomSeq}`

describe('lobby and layout', { concurrency: 1 }, () => {
  before(async () => {
    server = new ServerProcess()
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
  }, hookOptions)

  it('the home page creates a readable room id and joins by pasted link', testOptions, async () => {
    const context = await newContext(browser)
    try {
      const page = await context.newPage()
      await page.goto(server.url)
      await page.getByTestId('create-room').click()
      await page.getByTestId('lobby').waitFor()
      assert.match(new URL(page.url()).pathname, /^\/r\/[a-z2-9]{3}-[a-z2-9]{4}-[a-z2-9]{3}$/)
      await page.goto(server.url)
      await page.getByTestId('room-input').fill(`${server.url}/r/pasted_room-1?x=1`)
      await page.getByTestId('join-room').click()
      await page.getByTestId('lobby').waitFor()
      assert.equal(new URL(page.url()).pathname, '/r/pasted_room-1')
    } finally {
      await context.close()
    }
  })

  it('a browser without camera or microphone is told so and joins receive-only', testOptions, async () => {
    const roomId = room('recvonly')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const lobby = await openLobby(browser, server.url, roomId, {
      init: () => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no device', 'NotFoundError'))
      },
    })
    try {
      const { page } = lobby
      await page.getByTestId('problem-not-found').waitFor()
      await page.getByTestId('no-devices').waitFor()
      await page.getByTestId('name-input').fill('Watcher')
      await page.getByTestId('join').click()
      await page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      await expectMediaFrom(page, [host.id], { label: 'Watcher' })
      const watcherId = await selfId(page)
      const tile = host.page.locator(`[data-tile="${watcherId}:camera"]`)
      await tile.getByTestId('avatar').waitFor()
      await tile.getByTestId('mic-off').waitFor()
      assert.equal(await tile.getAttribute('data-label'), 'Watcher')
      // Nothing is sent by the watcher.
      const fromWatcher = (await inboundStats(host.page))[watcherId]
      assert.equal(fromWatcher?.framesDecoded ?? 0, 0)
    } finally {
      await closeAll([host, lobby])
    }
  })

  it('a join the server refuses is explained in the lobby', testOptions, async () => {
    const lobby = await openLobby(browser, server.url, 'x'.repeat(65))
    try {
      await lobby.page.getByTestId('join').click()
      const err = lobby.page.locator('[data-testid=join-error][data-code=invalid_room]')
      await err.waitFor({ timeout: timeouts.join })
      assert.match(await err.textContent(), /not valid/)
      await lobby.page.getByTestId('lobby').waitFor()
    } finally {
      await closeAll([lobby])
    }
  })

  it('plain HTTP off localhost explains HTTPS and still joins to watch', testOptions, async () => {
    const roomId = room('insecure')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const insecureUrl = server.url.replace('127.0.0.1', 'confab.test')
    const lobby = await openLobby(browser, insecureUrl, roomId)
    try {
      const { page } = lobby
      assert.equal(await page.evaluate(() => window.isSecureContext), false)
      const alert = page.getByTestId('problem-insecure-context')
      await alert.waitFor()
      assert.match(await alert.textContent(), /HTTPS/)
      await page.getByTestId('join').click()
      await page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      await expectMediaFrom(page, [host.id], { label: 'insecure watcher' })
    } finally {
      await closeAll([host, lobby])
    }
  })

  it('the lobby remembers the name and can join with the camera off', testOptions, async () => {
    const roomId = room('camoff')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const lobby = await openLobby(browser, server.url, roomId)
    try {
      const { page } = lobby
      await page.getByTestId('name-input').fill('Quiet')
      await page.getByTestId('level-meter').waitFor({ timeout: timeouts.load })
      // The fake microphone beeps: the meter must move.
      await waitFor(async () => Number(await page.getByTestId('level-meter').getAttribute('aria-valuenow')) > 0, {
        intervalMs: 50,
        what: 'the mic level meter to move',
      })
      await page.getByTestId('lobby-cam').click()
      await page.getByTestId('lobby-mic').click()
      await page.getByTestId('join').click()
      await page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      const id = await selfId(page)
      const tile = host.page.locator(`[data-tile="${id}:camera"]`)
      await tile.getByTestId('cam-off').waitFor()
      await tile.getByTestId('mic-off').waitFor()
      // Turning the camera on later publishes it on the existing connection.
      await page.getByTestId('toggle-cam').click()
      await tile.getByTestId('cam-off').waitFor({ state: 'detached' })
      await waitFor(async () => ((await inboundStats(host.page))[id]?.framesDecoded ?? 0) > 10, {
        timeoutMs: timeouts.media,
        what: 'video from the late camera',
      })
      // ...and the tile shows it, not only the decoder.
      await waitFor(() => host.page.evaluate((tid) => document.querySelector(`[data-tile="${tid}"] video`)?.videoWidth > 0, `${id}:camera`), {
        what: 'the late camera on the tile',
      })
      await page.getByTestId('leave').click()
      await page.getByTestId('rejoin').click()
      assert.equal(await page.getByTestId('name-input').inputValue(), 'Quiet')
    } finally {
      await closeAll([host, lobby])
    }
  })

  it('clicking a tile spotlights it; the layout toggle returns to the grid', testOptions, async () => {
    const roomId = room('spot')
    const ps = [await joinByLink(browser, server.url, roomId, 'Ada'), await joinByLink(browser, server.url, roomId, 'Bo')]
    ps.push(await joinByLink(browser, server.url, roomId, 'Cy'))
    try {
      const { page } = ps[0]
      await page.locator(`[data-tile="${ps[2].id}:camera"]`).click()
      await page.locator('[data-testid=stage][data-layout=spotlight]').waitFor()
      assert.equal(await page.locator('[data-main=true]').getAttribute('data-tile'), `${ps[2].id}:camera`)
      await page.keyboard.press('l')
      await page.locator('[data-testid=stage][data-layout=grid]').waitFor()
      // Raise hand shows on the others' tiles and in their participant list.
      await page.keyboard.press('h')
      await ps[1].page.locator(`[data-tile="${ps[0].id}:camera"] [data-testid=hand]`).waitFor()
      await ps[1].page.getByTestId('toggle-people').click()
      await ps[1].page.locator(`[data-testid=participant][data-peer="${ps[0].id}"] [data-testid=participant-hand]`).waitFor()
      await ps[1].page.locator(`[data-testid=participant][data-peer="${ps[0].id}"] [data-testid=quality][data-quality=good]`).waitFor({ timeout: timeouts.media })
    } finally {
      await closeAll(ps)
    }
  })

  it('speaks Chinese for a Chinese browser and fits a phone screen', testOptions, async () => {
    const roomId = room('phone')
    const host = await joinByLink(browser, server.url, roomId, 'Host')
    const phone = await openLobby(browser, server.url, roomId, { viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    try {
      const { page } = phone
      await page.getByText('立即加入').waitFor()
      await page.getByTestId('name-input').fill('手机')
      await page.getByTestId('join').click()
      await page.locator('[data-testid=meeting][data-status=joined]').waitFor({ timeout: timeouts.join })
      await expectMediaFrom(page, [host.id], { label: 'phone' })
      for (const id of ['leave', 'toggle-mic', 'toggle-cam']) {
        const box = await page.getByTestId(id).boundingBox()
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, `${id} is on screen`)
      }
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 390, `page is ${width}px wide`)
      await page.getByTestId('toggle-chat').click()
      await page.getByTestId('chat-input').waitFor()
      await page.screenshot({ path: resolve(OUTPUT, 'phone-chat.png') })
    } finally {
      await closeAll([host, phone])
    }
  })
})
