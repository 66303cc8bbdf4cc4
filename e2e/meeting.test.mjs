// End-to-end: the built web app against the real confab-server, in Debian's Chromium.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { ServerProcess } from './lib/server.mjs'
import { assertNoCspViolations, closeAll, joinByLink, launchBrowser, rejoined, slowPollingOnly } from './lib/browser.mjs'
import { expectMediaFrom, remoteVideoCount } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'
import { budget, waitFor } from './lib/wait.mjs'

const OUTPUT = resolve(import.meta.dirname, 'output')
mkdirSync(OUTPUT, { recursive: true })

let server
let browser
let roomSeq = 0
const room = (tag) => `e2e-${tag}-${process.pid}-${++roomSeq}`

async function joinAll(roomId, names, opts = {}) {
  const out = []
  for (const n of names) out.push(await joinByLink(browser, server.url, roomId, n, opts))
  return out
}

/** Kills the server, checks every page shows the banner, starts it again and waits for each rejoin. */
async function restartServer(ps) {
  const oldIds = ps.map((p) => p.id)
  await server.stop('SIGKILL')
  // Every page loses the server at the same moment: one budget for all the banners.
  const banners = budget(timeouts.reconnect)
  for (const p of ps) await p.page.getByTestId('reconnecting').waitFor({ timeout: banners.left() })
  await server.start()
  for (const p of ps) p.id = await rejoined(p, oldIds)
}

/** Every page shows a video of every other and receives their media: one media budget per page. */
async function expectFullMesh(participants) {
  for (const p of participants) {
    const others = participants.filter((o) => o !== p).map((o) => o.id)
    const b = budget(timeouts.media)
    await waitFor(async () => (await remoteVideoCount(p.page)) === others.length, {
      timeoutMs: b.left(),
      what: `${p.name}: ${others.length} remote videos`,
    })
    await expectMediaFrom(p.page, others, { timeoutMs: b.left(), label: p.name })
  }
}

const tileOf = (page, peerId) => page.locator(`[data-testid=tile][data-tile="${peerId}:camera"]`)

describe('confab in the browser', { concurrency: 1 }, () => {
  before(async () => {
    server = new ServerProcess()
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
  }, hookOptions)

  it('(a) three participants join by link and all receive each other\'s video and audio', testOptions, async () => {
    const ps = await joinAll(room('a'), ['Ada', 'Bo', 'Cy'])
    try {
      await expectFullMesh(ps)
      // The grid shows three tiles; keep a picture of it for people to look at.
      assert.equal(await ps[0].page.locator('[data-testid=stage] [data-testid=tile]').count(), 3)
      assert.equal(await ps[0].page.locator('[data-testid=stage]').getAttribute('data-layout'), 'grid')
      await ps[0].page.screenshot({ path: resolve(OUTPUT, 'grid-3.png') })
      for (const p of ps) assert.deepEqual(p.errors, [], `${p.name} had page errors`)
      // The server's Content-Security-Policy (no inline script, no eval) does not get in the way.
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('(b) mic off and camera off show on the other pages, and back on again', testOptions, async () => {
    const ps = await joinAll(room('b'), ['Ada', 'Bo', 'Cy'])
    try {
      const [a, ...others] = ps
      await expectMediaFrom(others[0].page, [a.id], { label: 'Bo' })
      await a.page.keyboard.press('m')
      await a.page.getByTestId('toggle-cam').click()
      for (const o of others) {
        await tileOf(o.page, a.id).getByTestId('mic-off').waitFor()
        await tileOf(o.page, a.id).getByTestId('cam-off').waitFor()
        await tileOf(o.page, a.id).getByTestId('avatar').waitFor()
      }
      await a.page.getByTestId('toggle-mic').click()
      await a.page.keyboard.press('v')
      for (const o of others) {
        await tileOf(o.page, a.id).getByTestId('mic-off').waitFor({ state: 'detached' })
        await tileOf(o.page, a.id).getByTestId('cam-off').waitFor({ state: 'detached' })
      }
      // The camera came back through replaceTrack: frames flow again.
      await expectMediaFrom(others[0].page, [a.id], { label: 'Bo after camera on' })
    } finally {
      await closeAll(ps)
    }
  })

  it('(c) a screen share reaches every other page as a 1280x720 video', testOptions, async () => {
    const ps = await joinAll(room('c'), ['Ada', 'Bo', 'Cy'])
    try {
      const [a, ...others] = ps
      await a.page.getByTestId('toggle-screen').click()
      for (const o of others) {
        const size = await waitFor(
          () =>
            o.page.evaluate((id) => {
              const v = document.querySelector(`[data-tile="${id}:screen"] video`)
              return v && v.videoWidth ? `${v.videoWidth}x${v.videoHeight}` : null
            }, a.id).then((s) => (s === '1280x720' ? s : null)),
          { timeoutMs: timeouts.media, what: `${o.name}: 1280x720 screen video from Ada` },
        )
        assert.equal(size, '1280x720')
      }
      // Stopping removes the screen tile everywhere.
      await a.page.getByTestId('toggle-screen').click()
      for (const o of others) await o.page.locator(`[data-tile="${a.id}:screen"]`).waitFor({ state: 'detached' })
      // Share again, then end it the way the browser's own "Stop sharing" bar does: the track ends.
      await a.page.getByTestId('toggle-screen').click()
      await others[0].page.locator(`[data-tile="${a.id}:screen"]`).waitFor({ timeout: timeouts.media })
      await a.page.evaluate(() => {
        const pc = Object.values(window.__confab.peerConnections())[0]
        const track = pc.getSenders().map((s) => s.track).find((t) => t && t.contentHint === 'detail')
        track.stop()
        track.dispatchEvent(new Event('ended'))
      })
      await a.page.locator('[data-testid=toggle-screen][aria-pressed=false]').waitFor()
      for (const o of others) await o.page.locator(`[data-tile="${a.id}:screen"]`).waitFor({ state: 'detached' })
    } finally {
      await closeAll(ps)
    }
  })

  it('(d) chat stays in its room, is shown as text, private messages reach their target only, and a late joiner sees the public history', testOptions, async () => {
    const roomX = room('d-x')
    const [a, b, e] = await joinAll(roomX, ['Ada', 'Bo', 'Eve'])
    const [c] = await joinAll(room('d-y'), ['Cy'])
    const late = []
    try {
      const text = 'hello <b>bold</b> & <img src=x onerror=alert(1)>'
      await a.page.getByTestId('toggle-chat').click()
      await a.page.getByTestId('chat-input').fill(text)
      await a.page.getByTestId('chat-send').click()
      await b.page.getByTestId('unread').getByText('1').waitFor()
      await b.page.getByTestId('toggle-chat').click()
      const msg = b.page.getByTestId('chat-text').filter({ hasText: 'hello' })
      await msg.waitFor()
      assert.equal(await msg.textContent(), text)
      assert.equal(await b.page.locator('[data-testid=chat-text] b, [data-testid=chat-text] img').count(), 0)
      // Cy, in another room, sends and sees only its own message.
      await c.page.getByTestId('toggle-chat').click()
      await c.page.getByTestId('chat-input').fill('other room')
      await c.page.getByTestId('chat-send').click()
      await c.page.getByTestId('chat-text').filter({ hasText: 'other room' }).waitFor()
      assert.deepEqual(await c.page.getByTestId('chat-text').allTextContents(), ['other room'])
      assert.equal(await a.page.getByTestId('chat-text').filter({ hasText: 'other room' }).count(), 0)
      // Ada to Bo privately, then to everyone: Eve gets the second (the server keeps each
      // member's order), so by then she would have had the first.
      await a.page.getByTestId('chat-recipient').click()
      await a.page.locator('.ant-select-item-option', { hasText: 'Bo' }).click()
      await a.page.getByTestId('chat-input').fill('just for Bo')
      await a.page.getByTestId('chat-send').click()
      const secret = b.page.getByTestId('chat-message').filter({ hasText: 'just for Bo' })
      await secret.getByTestId('chat-private').getByText('private to you').waitFor()
      await a.page.getByTestId('chat-message').filter({ hasText: 'just for Bo' })
        .getByTestId('chat-private').getByText('private to Bo').waitFor()
      await a.page.getByTestId('chat-recipient').click()
      await a.page.locator('.ant-select-item-option', { hasText: 'Everyone' }).click()
      await a.page.getByTestId('chat-input').fill('after')
      await a.page.getByTestId('chat-send').click()
      await e.page.getByTestId('toggle-chat').click()
      await e.page.getByTestId('chat-text').filter({ hasText: 'after' }).waitFor()
      assert.deepEqual(await e.page.getByTestId('chat-text').allTextContents(), [text, 'after'])
      // The late joiner's history has the public messages only.
      late.push(await joinByLink(browser, server.url, roomX, 'Dee'))
      await late[0].page.getByTestId('toggle-chat').click()
      await late[0].page.getByTestId('chat-text').filter({ hasText: 'after' }).waitFor()
      assert.deepEqual(await late[0].page.getByTestId('chat-text').allTextContents(), [text, 'after'])
    } finally {
      await closeAll([a, b, c, e, ...late])
    }
  })

  it('(e) leaving removes the tile on every other page at once', testOptions, async () => {
    const ps = await joinAll(room('e'), ['Ada', 'Bo', 'Cy'])
    try {
      const [a, b, c] = ps
      await tileOf(a.page, c.id).waitFor()
      await tileOf(b.page, c.id).waitFor()
      await c.page.getByTestId('leave').click()
      await c.page.getByTestId('left').waitFor()
      await tileOf(a.page, c.id).waitFor({ state: 'detached' })
      await tileOf(b.page, c.id).waitFor({ state: 'detached' })
      assert.equal(await a.page.evaluate((id) => id in window.__confab.peerConnections(), c.id), false)
    } finally {
      await closeAll(ps)
    }
  })

  it('(f) recording downloads a non-empty WebM', testOptions, async () => {
    const ps = await joinAll(room('f'), ['Ada', 'Bo'])
    try {
      const [a, b] = ps
      await expectMediaFrom(a.page, [b.id], { label: 'Ada' })
      await a.page.getByTestId('toggle-record').click()
      // At least three seconds recorded. Not the exact text 00:03: on a loaded machine the timer
      // (sampled every 500 ms) can go from 00:02 to 00:04.
      await waitFor(async () => {
        const [min, sec] = (await a.page.getByTestId('record-timer').textContent()).split(':').map(Number)
        return min * 60 + sec >= 3
      }, { timeoutMs: 3000 + timeouts.ui, intervalMs: 100, what: 'the recording timer at 00:03 or more' })
      const download = a.page.waitForEvent('download', { timeout: timeouts.load })
      await a.page.getByTestId('toggle-record').click()
      const d = await download
      assert.match(d.suggestedFilename(), /\.webm$/)
      const file = resolve(OUTPUT, 'recording.webm')
      await d.saveAs(file)
      assert.ok(statSync(file).size > 10_000, `recording is ${statSync(file).size} bytes`)
      // EBML magic: every WebM file starts with it.
      const bytes = readFileSync(file)
      assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3])
      // Both the canvas video and the WebAudio mix made it into the file.
      const text = bytes.toString('latin1')
      assert.match(text, /V_VP[89]/)
      assert.match(text, /A_OPUS/)
    } finally {
      await closeAll(ps)
    }
  })

  it('(g) a fourth participant joining a running call gets media both ways', testOptions, async () => {
    const roomId = room('g')
    const ps = await joinAll(roomId, ['Ada', 'Bo', 'Cy'])
    try {
      await expectFullMesh(ps)
      ps.push(await joinByLink(browser, server.url, roomId, 'Dee'))
      await expectFullMesh(ps)
      // Four people: every camera sender is capped for a 4-person mesh (600 kbit/s, 360p from 720p).
      // The pages apply it in parallel: one budget for all.
      const capsBudget = budget(timeouts.media)
      for (const p of ps) {
        const caps = await waitFor(async () => {
          const c = await p.page.evaluate(() =>
            Object.values(window.__confab.peerConnections()).flatMap((pc) =>
              pc.getSenders().filter((s) => s.track?.kind === 'video').map((s) => s.getParameters().encodings[0] ?? {}),
            ),
          )
          return c.length === 3 && c.every((e) => e.maxBitrate === 600_000) ? c : null
        }, { timeoutMs: capsBudget.left(), what: `${p.name}: camera caps for 4 people` })
        assert.ok(caps.every((e) => e.scaleResolutionDownBy === 2), JSON.stringify(caps))
      }
    } finally {
      await closeAll(ps)
    }
  })

  it('(h) the server restarts mid-call: banner, rejoin, media flows again', testOptions, async () => {
    const ps = await joinAll(room('h'), ['Ada', 'Bo', 'Cy'])
    try {
      await expectFullMesh(ps)
      await restartServer(ps)
      await expectFullMesh(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('(i) the server restarts under pages on slow long-polling: acks batched with room events, full mesh again', testOptions, async () => {
    // Every rejoin answers its join_room ack in the same poll response as the new_user/offer of
    // whoever rejoined right after; the page must apply those after its ack, not lose them.
    const ps = await joinAll(room('i'), ['Ada', 'Bo', 'Cy'], { init: slowPollingOnly(250) })
    try {
      await expectFullMesh(ps)
      await restartServer(ps)
      await expectFullMesh(ps)
      for (const p of ps) assert.deepEqual(p.errors, [], `${p.name} had page errors`)
    } finally {
      await closeAll(ps)
    }
  })
})
