#!/usr/bin/env node
// Browser benchmark (not a test): an SFU call of N people in Chromium (one context each, fake
// 320x240@10 fps camera and fake microphone), against a fresh confab-server with --mesh-max 0.
//
//   node bench/browser/sfu_call.mjs          # SIZES=6,8 HOLD_S=20; prints one JSON line per size
//   MESH_MAX=4 SIZES=4 node bench/browser/sfu_call.mjs   # the same call as a mesh, for a baseline
//
// Per size it reports:
//   open_to_media_ms   from opening the pages to every page showing every remote camera (first frame)
//   server_cpu_pct     the server process's CPU (user+system, /proc) while the call runs, HOLD_S seconds
//   cpu_us_per_stream  that CPU per second divided by the forwarded streams, N x (N-1) x (audio+video)
//   cpu_us_per_packet  that CPU divided by RTP packets forwarded (from /metrics)
//   forwarded_pps      RTP packets forwarded per second
// The pages and the server share the machine's cores: the browser load dominates the machine,
// the server's share is what this measures.
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS } from '../../e2e/lib/browser.mjs'
import { sfuPageInit } from '../../e2e/lib/capture.mjs'
import { ServerProcess } from '../../e2e/lib/server.mjs'

const sizes = (process.env.SIZES ?? '6,8').split(',').map(Number)
const holdS = Number(process.env.HOLD_S ?? 20)
const meshMax = process.env.MESH_MAX ?? '0'
const ticks = 100  // USER_HZ

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticks
}

async function forwarded(url) {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(text.match(/^confab_rtp_packets_total\{direction="out"\} (\d+)/m)?.[1] ?? 0)
}

async function allMedia(pages, n) {
  const counts = await Promise.all(pages.map((p) => p.evaluate(() =>
    [...document.querySelectorAll('[data-tile$=":camera"] video')].filter((v) => v.videoWidth > 0).length)))
  return counts.every((c) => c >= n)  // own preview + n-1 remote
}

async function run(n) {
  const server = new ServerProcess({ args: ['--mesh-max', meshMax] })
  await server.start()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
  try {
    // Wide enough for a page of 9 tiles (under 760 px a page holds 4): every camera is consumed.
    const contexts = await Promise.all(Array.from({ length: n }, () => browser.newContext({ viewport: { width: 1280, height: 720 } })))
    for (const c of contexts) await c.addInitScript(sfuPageInit)
    const pages = await Promise.all(contexts.map((c) => c.newPage()))
    const start = Date.now()
    await Promise.all(pages.map((p, i) => p.goto(`${server.url}/r/bench-sfu-${n}?name=P${i}&skipLobby=1`, { timeout: 120_000 })))
    while (!(await allMedia(pages, n))) {
      if (Date.now() - start > 300_000) throw new Error(`${n} people: no full media within 300 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const openToMedia = Date.now() - start
    const pid = server.child.pid
    const cpu0 = cpuSeconds(pid)
    const pkts0 = await forwarded(server.url)
    const t0 = Date.now()
    await new Promise((r) => setTimeout(r, holdS * 1000))
    const wall = (Date.now() - t0) / 1000
    const cpu = cpuSeconds(pid) - cpu0
    const pkts = (await forwarded(server.url)) - pkts0
    const streams = n * (n - 1) * 2
    return {
      people: n,
      mode: n > Number(meshMax) ? 'sfu' : 'mesh',
      open_to_media_ms: openToMedia,
      server_cpu_pct: +(100 * cpu / wall).toFixed(1),
      cpu_us_per_stream: +((cpu / wall) * 1e6 / streams).toFixed(0),
      cpu_us_per_packet: pkts ? +(cpu * 1e6 / pkts).toFixed(1) : null,
      forwarded_pps: +(pkts / wall).toFixed(0),
      streams,
    }
  } finally {
    await browser.close()
    await server.dispose()
  }
}

for (const n of sizes) console.log(JSON.stringify(await run(n)))
