#!/usr/bin/env node
// Browser benchmark (not a test): time from join to every remote video decoding, for 2, 3 and 4
// participants, median of 5 runs each. playwright-core drives Debian's Chromium (fake camera and
// microphone, one context per participant) against a fresh confab-server serving web/dist.
//
//   node bench/browser/join_to_video.mjs            # prints one JSON line, writes bench/results/browser.md
//
// Environment: CONFAB_SERVER (default build/bench-server/app/confab-server), CHROMIUM
// (default /usr/bin/chromium), RUNS (default 5), SIZES (default 2,3,4).
//
// All participants open the room link (?skipLobby=1) at the same moment. In every page an init
// script polls every 10 ms: `joinedAt` = the meeting view reports data-status=joined (the join ack
// arrived), `videoAt` = every remote camera <video> has its first frame (videoWidth > 0). Per run:
//   join_to_video_ms = max(videoAt) - max(joinedAt)   (from the last join to the last first frame)
//   open_to_video_ms = max(videoAt) - the moment the pages started loading
import { mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { ServerProcess, repoRoot as root } from '../../tests/lib/server.mjs'

const serverBin = resolve(root, process.env.CONFAB_SERVER ?? 'build/bench-server/app/confab-server')
const runs = Number(process.env.RUNS ?? 5)
const sizes = (process.env.SIZES ?? '2,3,4').split(',').map(Number)
const runTimeoutMs = 30_000

const CHROMIUM_ARGS = [
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
]

// Runs in every page before the app; records when it joined and when all remote video plays.
// A remote camera <video> has a videoWidth once its first frame is decoded and delivered to it.
// That is read from the DOM every 10 ms: polling getStats() instead (every peer connection of
// every page, 50 times a second) took a visible share of the two cores it was measuring.
function instrument(expected) {
  if (window.top !== window) return
  const b = (window.__bench = { joinedAt: 0, videoAt: 0 })
  const tick = () => {
    if (!b.joinedAt && document.querySelector('[data-testid=meeting][data-status=joined]')) b.joinedAt = Date.now()
    if (b.joinedAt) {
      const playing = [...document.querySelectorAll('video[data-testid=remote-video]')].filter((v) => v.videoWidth > 0)
      if (playing.length >= expected) b.videoAt = Date.now()
    }
    if (!b.videoAt) setTimeout(tick, 10)
  }
  tick()
}

async function oneRun(browser, url, n, tag) {
  const contexts = []
  try {
    const pages = []
    for (let i = 0; i < n; i++) {
      const context = await browser.newContext({ viewport: { width: 640, height: 480 }, locale: 'en-US' })
      contexts.push(context)
      await context.addInitScript(instrument, n - 1)
      pages.push(await context.newPage())
    }
    const room = `bench-${tag}`
    const opened = Date.now()
    await Promise.all(pages.map((p, i) => p.goto(`${url}/r/${room}?name=b${i}&skipLobby=1`, { timeout: 15_000 })))
    const deadline = Date.now() + runTimeoutMs
    let marks
    for (;;) {
      marks = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench)))
      if (marks.every((m) => m && m.videoAt)) break
      if (Date.now() > deadline) throw new Error(`run ${tag}: not all video within ${runTimeoutMs} ms: ${JSON.stringify(marks)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const lastJoin = Math.max(...marks.map((m) => m.joinedAt))
    const lastVideo = Math.max(...marks.map((m) => m.videoAt))
    return { join_to_video_ms: lastVideo - lastJoin, open_to_video_ms: lastVideo - opened }
  } finally {
    for (const c of contexts) await c.close().catch(() => {})
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function main() {
  if (!existsSync(serverBin)) throw new Error(`no server at ${serverBin} (bench/run.sh builds it)`)
  const server = await new ServerProcess({ binary: serverBin, requireWebApp: true }).start()
  const url = server.url
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
  const result = { benchmark: 'browser-join-to-video', runs, sizes: {} }
  try {
    for (const n of sizes) {
      const samples = []
      for (let r = 0; r < runs; r++) {
        samples.push(await oneRun(browser, url, n, `${n}-${r}-${process.pid}`))
        process.stderr.write(`[browser] ${n} participants, run ${r + 1}: ${JSON.stringify(samples.at(-1))}\n`)
      }
      result.sizes[n] = {
        join_to_video_ms_median: median(samples.map((s) => s.join_to_video_ms)),
        open_to_video_ms_median: median(samples.map((s) => s.open_to_video_ms)),
        samples,
      }
    }
  } finally {
    await browser.close().catch(() => {})
    await server.dispose()
  }
  console.log(JSON.stringify(result))
  const lines = ['| participants | join → all remote video decoding (median ms) | page open → all video (median ms) | runs (join → video, ms) |', '|---|---|---|---|']
  for (const [n, s] of Object.entries(result.sizes)) {
    lines.push(`| ${n} | ${s.join_to_video_ms_median} | ${s.open_to_video_ms_median} | ${s.samples.map((x) => x.join_to_video_ms).join(', ')} |`)
  }
  mkdirSync(resolve(root, 'bench/results'), { recursive: true })
  writeFileSync(resolve(root, 'bench/results/browser.md'), lines.join('\n') + '\n')
  process.stderr.write(lines.join('\n') + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
