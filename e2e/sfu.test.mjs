// End-to-end: rooms whose media goes through confab's SFU, in Debian's Chromium.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ServerProcess } from './lib/server.mjs'
import { assertNoCspViolations, closeAll, joinByLink, launchBrowser, rejoined } from './lib/browser.mjs'
import { sfuPageInit } from './lib/capture.mjs'
import { expectMediaFrom, inboundStats } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'
import { TurnServer } from './lib/turn.mjs'
import { budget, waitFor } from './lib/wait.mjs'

const MEDIA_MS = timeouts.media
const UI_MS = timeouts.ui

let browser
let roomSeq = 0
const room = (tag) => `e2e-sfu-${tag}-${process.pid}-${++roomSeq}`
// Wide enough for a page of 9 tiles: every camera is on screen, so every video is consumed.
const viewport = { width: 1280, height: 720 }

async function join(server, roomId, name, query) {
  return joinByLink(browser, server.url, roomId, name, { viewport, init: sfuPageInit, query })
}

async function joinAll(server, roomId, names, query) {
  const out = []
  for (const n of names) out.push(await join(server, roomId, n, query))
  return out
}

const mode = (page) => page.evaluate(() => window.__confab?.mode())

/** Every page shows and receives video and audio from every other page. */
async function expectEveryoneGetsEveryone(ps) {
  for (const p of ps) {
    const others = ps.filter((o) => o !== p).map((o) => o.id)
    await expectMediaFrom(p.page, others, { timeoutMs: MEDIA_MS, label: p.name })
  }
}

async function metrics(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? NaN)
  return { text, value }
}

describe('SFU rooms', { concurrency: 1 }, () => {
  let sfuOnly  // every room on the SFU
  let mixed  // the default: mesh up to 4, SFU from the 5th
  let lastOne  // every room on the SFU, each page receives one camera besides its pin

  before(async () => {
    sfuOnly = new ServerProcess({ args: ['--mesh-max', '0'] })
    mixed = new ServerProcess()
    lastOne = new ServerProcess({ args: ['--mesh-max', '0', '--last-n', '1'] })
    await sfuOnly.start()
    await mixed.start()
    await lastOne.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await sfuOnly?.dispose()
    await mixed?.dispose()
    await lastOne?.dispose()
  }, hookOptions)

  it('(a) six people: each page decodes five videos and five audio streams over at most two peer connections', testOptions, async () => {
    const ps = await joinAll(sfuOnly, room('six'), ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'])
    try {
      for (const p of ps) assert.equal(await mode(p.page), 'sfu')
      await expectEveryoneGetsEveryone(ps)
      // mediasoup-client also opens (and closes) a probe connection to read the browser's
      // capabilities: count the open ones.
      for (const p of ps) {
        const open = await p.page.evaluate(() => window.__pcOpen())
        assert.ok(open >= 1 && open <= 2, `${p.name}: ${open} open peer connections, at most 2`)
      }
      const m = await metrics(sfuOnly)
      assert.ok(m.value('confab_sfu_consumers') >= 60, 'six people consume 5 x (audio + video)')
      assert.ok(m.value('confab_dtls_failures_total') === 0)
      assertNoCspViolations(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('(b) a mesh of four moves to the SFU when a fifth joins, and all five get media', testOptions, async () => {
    const roomId = room('grow')
    const ps = await joinAll(mixed, roomId, ['M1', 'M2', 'M3', 'M4'])
    try {
      for (const p of ps) assert.equal(await mode(p.page), 'mesh')
      ps.push(await join(mixed, roomId, 'M5'))
      for (const p of ps) await waitFor(async () => (await mode(p.page)) === 'sfu', { timeoutMs: UI_MS, what: `${p.name}: sfu mode` })
      await expectEveryoneGetsEveryone(ps)
      // The mesh is gone once SFU media flows: at most the send and receive connections stay open.
      for (const p of ps) {
        await waitFor(() => p.page.evaluate(() => window.__pcOpen() <= 2), { timeoutMs: UI_MS, what: `${p.name}: mesh connections closed` })
      }
    } finally {
      await closeAll(ps)
    }
  })

  it('(c) a screen share reaches the others through the SFU', testOptions, async () => {
    const ps = await joinAll(sfuOnly, room('screen'), ['S1', 'S2'])
    try {
      await expectEveryoneGetsEveryone(ps)
      const [a, b] = ps
      await a.page.getByTestId('toggle-screen').click()
      const screenTile = b.page.locator(`[data-tile="${a.id}:screen"] video`)
      await screenTile.waitFor({ timeout: UI_MS })
      await waitFor(() => screenTile.evaluate((v) => v.videoWidth > 0), { timeoutMs: MEDIA_MS, what: 'the screen decodes on the other page' })
      const m = await metrics(sfuOnly)
      assert.ok(m.value('confab_sfu_producers') >= 5, 'mic, camera and screen of one, mic and camera of the other')
      // The SFU's sender reports reach the browser (its lip sync and RTT): remote-outbound-rtp
      // stats for the other's audio and video, with what the SFU counted as sent.
      await waitFor(async () => {
        const kinds = await b.page.evaluate(async (peer) => {
          const out = []
          for (const r of window.__confab.receiversByPeer()[peer] ?? []) {
            ;(await r.getStats()).forEach((s) => {
              if (s.type === 'remote-outbound-rtp' && s.packetsSent > 0 && s.remoteTimestamp > 0) out.push(s.kind)
            })
          }
          return out
        }, a.id)
        return kinds.includes('audio') && kinds.includes('video')
      }, { timeoutMs: MEDIA_MS, what: 'sender reports for audio and video on the other page' })
    } finally {
      await closeAll(ps)
    }
  })

  it('(d) a leaver\'s tiles vanish everywhere and its streams stop', testOptions, async () => {
    const ps = await joinAll(sfuOnly, room('leave'), ['L1', 'L2', 'L3'])
    try {
      await expectEveryoneGetsEveryone(ps)
      const leaver = ps.pop()
      await leaver.context.close()
      for (const p of ps) {
        await p.page.locator(`[data-tile="${leaver.id}:camera"]`).waitFor({ state: 'detached', timeout: UI_MS })
        await waitFor(async () => !((await inboundStats(p.page))[leaver.id]), { timeoutMs: UI_MS, what: `${p.name}: no receivers of the leaver` })
      }
      await expectEveryoneGetsEveryone(ps)
    } finally {
      await closeAll(ps)
    }
  })

  it('(e) the call re-forms after a server restart', testOptions, async () => {
    const restartable = new ServerProcess({ args: ['--mesh-max', '0'] })
    await restartable.start()
    const ps = await joinAll(restartable, room('restart'), ['R1', 'R2', 'R3'])
    try {
      await expectEveryoneGetsEveryone(ps)
      const oldIds = ps.map((p) => p.id)
      await restartable.stop('SIGKILL')
      const banners = budget(timeouts.reconnect)
      for (const p of ps) await p.page.getByTestId('reconnecting').waitFor({ timeout: banners.left() })
      await restartable.start() // on the same port number
      // Everyone is back under a new id, and media is expected from those (waiting for the old
      // ids, which never come back, is what made this test time out before).
      for (const p of ps) p.id = await rejoined(p, oldIds)
      for (const p of ps) assert.equal(await mode(p.page), 'sfu')
      await expectEveryoneGetsEveryone(ps)
      // Over fresh transports: the dead server's peer connections are closed, not kept.
      for (const p of ps) {
        await waitFor(() => p.page.evaluate(() => window.__pcOpen() <= 2), { timeoutMs: UI_MS, what: `${p.name}: at most 2 peer connections` })
      }
    } finally {
      await closeAll(ps)
      await restartable.dispose()
    }
  })

  it('(f) relay-only clients reach the SFU through coturn', testOptions, async () => {
    const turn = new TurnServer()
    await turn.start()
    const relayed = new ServerProcess({ args: ['--mesh-max', '0', '--turn-url', turn.url, '--turn-secret', turn.secret] })
    await relayed.start()
    const ps = await joinAll(relayed, room('relay'), ['T1', 'T2'], { relay: '1' })
    try {
      await expectEveryoneGetsEveryone(ps)
      for (const p of ps) {
        // Every connection the page has open runs over a relayed local candidate.
        const types = await p.page.evaluate(async () => {
          const out = []
          for (const receivers of Object.values(window.__confab.receiversByPeer())) {
            for (const r of receivers) {
              const report = await r.getStats()
              report.forEach((s) => {
                if (s.type === 'transport' && s.selectedCandidatePairId) {
                  const pair = report.get(s.selectedCandidatePairId)
                  out.push(report.get(pair.localCandidateId)?.candidateType)
                }
              })
            }
          }
          return out
        })
        assert.ok(types.length > 0, `${p.name}: a selected pair`)
        assert.deepEqual([...new Set(types)], ['relay'], `${p.name}: relayed`)
      }
    } finally {
      await closeAll(ps)
      await relayed.dispose()
      await turn.stop()
    }
  })

  it('(g) the server names the active speaker: the one open microphone is highlighted on the other pages', testOptions, async () => {
    const ps = await joinAll(sfuOnly, room('speaker'), ['S1', 'S2', 'S3'])
    try {
      await expectEveryoneGetsEveryone(ps)
      const [a, b, c] = ps
      const speakingTile = (p, who) => p.page.locator(`[data-tile="${who.id}:camera"].speaking`)
      // Chromium's fake microphone beeps on every page: only the unmuted one can speak. In an SFU
      // room the pages do not measure levels themselves, so the highlight is the server's word.
      for (const p of [b, c]) await p.page.getByTestId('toggle-mic').click()
      for (const p of [b, c]) await speakingTile(p, a).waitFor({ timeout: MEDIA_MS })
      await a.page.getByTestId('toggle-mic').click()
      await b.page.getByTestId('toggle-mic').click()
      for (const p of [a, c]) await speakingTile(p, b).waitFor({ timeout: MEDIA_MS })
      assert.equal(await speakingTile(c, a).count(), 0, 'one speaker at a time')
    } finally {
      await closeAll(ps)
    }
  })

  it('(h) last-N: with --last-n 1 a page receives the latest speaker\'s camera; the other shows the avatar until it speaks', testOptions, async () => {
    const ps = await joinAll(lastOne, room('lastn'), ['L1', 'L2', 'L3'])
    try {
      const [a, b, c] = ps
      const held = (p, who) => p.page.locator(`[data-tile="${who.id}:camera"] [data-testid=cam-held]`)
      const frames = async (p, who) => (await inboundStats(p.page))[who.id]?.framesDecoded ?? 0
      /** Waits until no frame of `who` was decoded on `p` for a second: the SFU holds it back. */
      const stalled = async (p, who, what) => {
        let last = -1
        let since = Date.now()
        await waitFor(async () => {
          const n = await frames(p, who)
          if (n !== last) [last, since] = [n, Date.now()]
          return Date.now() - since >= 1000
        }, { timeoutMs: MEDIA_MS, what })
      }
      // Only a's fake microphone stays open: a is the latest speaker, so c receives a's camera
      // and shows b's name and avatar instead of a frozen frame.
      for (const p of [b, c]) await p.page.getByTestId('toggle-mic').click()
      await c.page.locator(`[data-tile="${a.id}:camera"].speaking`).waitFor({ timeout: MEDIA_MS })
      await held(c, b).waitFor({ timeout: MEDIA_MS })
      assert.equal(await held(c, a).count(), 0)
      await stalled(c, b, "b's camera held back on c")
      // The mics swap: b's camera comes through on c, a's is held back.
      await a.page.getByTestId('toggle-mic').click()
      await b.page.getByTestId('toggle-mic').click()
      await held(c, a).waitFor({ timeout: MEDIA_MS })
      await stalled(c, a, "a's camera held back on c")
      await waitFor(async () => (await held(c, b).count()) === 0, { timeoutMs: MEDIA_MS, what: "b's camera forwarded to c" })
      const before = await frames(c, b)
      await waitFor(async () => (await frames(c, b)) > before + 5, { timeoutMs: MEDIA_MS, what: "c decodes b's camera" })
      // Pinning a's tile on c brings a's camera back whoever speaks.
      await c.page.locator(`[data-tile="${a.id}:camera"]`).click()
      await waitFor(async () => (await held(c, a).count()) === 0, { timeoutMs: MEDIA_MS, what: "a's pinned camera forwarded to c" })
      assert.equal(await held(c, b).count(), 0, 'the speaker stays forwarded besides the pin')
    } finally {
      await closeAll(ps)
    }
  })
})
