// End-to-end: simulcast through confab's SFU with eight Chromium pages. Every camera is sent in
// three layers; each page reports the size of its tiles, and the server forwards the small
// layer to small tiles and a bigger one to a tile made big (pinned).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ServerProcess } from './lib/server.mjs'
import { closeAll, joinByLink, launchBrowser } from './lib/browser.mjs'
import { countPeerConnections, smallCamera } from './lib/capture.mjs'
import { expectMediaFrom, videoFrameHeights } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'
import { waitFor } from './lib/wait.mjs'

const MEDIA_MS = timeouts.media
// 640x360 cameras: the layers are 160x90, 320x180 and 640x360.
const init = `${smallCamera({ width: 640, height: 360, fps: 10 })};${countPeerConnections()}`
// Small pages, yet wide enough (760 px) for the 3x3 grid: tiles about 260x130, each of which
// calls for the smallest layer.
const viewport = { width: 800, height: 450 }
const SMALL = 120 // frame height at most: the 90-line layer (Chromium may scale lower, never higher)
const BIG = 180 // at least: the 180- or 360-line layer

let browser
let server

async function metric(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  return Number(text.match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? NaN)
}

/** Every page decodes only frames of at most `SMALL` lines from each of `others(p)`. */
async function expectSmallLayers(ps, label) {
  for (const p of ps) {
    const others = ps.filter((o) => o !== p).map((o) => o.id)
    await waitFor(async () => {
      const heights = await videoFrameHeights(p.page)
      return others.every((id) => heights[id] > 0 && heights[id] <= SMALL) ? heights : null
    }, { timeoutMs: MEDIA_MS, what: `${p.name} (${label}): small frames from ${others.length} others` })
  }
}

describe('simulcast', { concurrency: 1 }, () => {
  before(async () => {
    server = new ServerProcess({ args: ['--mesh-max', '0'] })
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
  }, hookOptions)

  it('eight people: every page shows the others, small tiles get the small layer, a pinned tile a bigger one', testOptions, async () => {
    const names = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']
    const ps = []
    try {
      for (const n of names) ps.push(await joinByLink(browser, server.url, `e2e-simulcast-${process.pid}`, n, { viewport, init }))
      for (const p of ps) {
        const others = ps.filter((o) => o !== p).map((o) => o.id)
        await expectMediaFrom(p.page, others, { timeoutMs: MEDIA_MS, label: p.name })
      }
      await expectSmallLayers(ps, 'grid')

      // S1 pins S2: that tile grows, S1 gets a bigger layer of S2's camera while the other pages
      // still get S2's small one at the same time (only simulcast can do both).
      const [s1, s2] = ps
      const switchesBefore = await metric('confab_sfu_layer_switches_total')
      await s1.page.locator(`[data-tile="${s2.id}:camera"]`).click()
      await waitFor(async () => ((await videoFrameHeights(s1.page))[s2.id] ?? 0) >= BIG, {
        timeoutMs: MEDIA_MS,
        what: "S1: a bigger layer of S2's pinned camera",
      })
      for (const p of ps.slice(2)) {
        const height = (await videoFrameHeights(p.page))[s2.id]
        assert.ok(height > 0 && height <= SMALL, `${p.name}: S2's camera stays small (${height} lines)`)
      }
      assert.ok((await metric('confab_sfu_layer_switches_total')) > switchesBefore, 'the SFU switched a layer')
    } finally {
      await closeAll(ps)
    }
  })
})
