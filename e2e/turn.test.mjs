// End-to-end: media through a TURN relay (Debian's coturn) with credentials minted by confab-server,
// and coturn refusing an expired TURN REST API credential.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ServerProcess } from './lib/server.mjs'
import { assertNoCspViolations, closeAll, joinByLink, launchBrowser, newPage } from './lib/browser.mjs'
import { expectMediaFrom } from './lib/media.mjs'
import { hookOptions, testOptions, timeouts } from './lib/timeouts.mjs'
import { TurnServer, turnCredential } from './lib/turn.mjs'
import { waitFor } from './lib/wait.mjs'

let turn
let server
let browser
const room = (tag) => `e2e-turn-${tag}-${process.pid}`

/** Per remote peer: the ICE candidate types of the selected (nominated, succeeded) pair. */
function selectedPairs(page) {
  return page.evaluate(async () => {
    const out = {}
    for (const [id, pc] of Object.entries(window.__confab?.peerConnections() ?? {})) {
      const report = await pc.getStats()
      let pair = null
      report.forEach((r) => {
        if (r.type === 'transport' && r.selectedCandidatePairId) pair = report.get(r.selectedCandidatePairId)
      })
      if (!pair) report.forEach((r) => {
        if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r
      })
      if (!pair) continue
      const local = report.get(pair.localCandidateId)
      const remote = report.get(pair.remoteCandidateId)
      out[id] = { local: local?.candidateType, remote: remote?.candidateType, localAddress: local?.address ?? local?.ip, policy: pc.getConfiguration().iceTransportPolicy }
    }
    return out
  })
}

/** Gathers ICE candidates in the page with only the given TURN server, relay policy, and a deadline. */
function gatherWithTurn(page, server, timeoutMs = timeouts.media) {
  return page.evaluate(async ({ server, timeoutMs }) => {
    const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' })
    const candidates = []
    const errors = []
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.candidate) candidates.push({ type: e.candidate.type, address: e.candidate.address })
    })
    pc.addEventListener('icecandidateerror', (e) => errors.push({ code: e.errorCode, text: e.errorText, url: e.url }))
    const complete = new Promise((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve(true)),
    )
    pc.createDataChannel('probe')
    await pc.setLocalDescription(await pc.createOffer())
    let timer
    const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
    const completed = await Promise.race([complete, deadline])
    clearTimeout(timer)
    pc.close()
    return { completed, candidates, errors }
  }, { server, timeoutMs })
}

describe('TURN relay', { concurrency: 1 }, () => {
  before(async () => {
    turn = new TurnServer()
    await turn.start()
    server = new ServerProcess({ args: ['--turn-url', turn.url, '--turn-secret', turn.secret] })
    await server.start()
    browser = await launchBrowser()
  }, hookOptions)

  after(async () => {
    await browser?.close()
    await server?.dispose()
    await turn?.stop()
  }, hookOptions)

  it('with relay=1 two pages exchange media both ways over a relayed candidate pair', testOptions, async () => {
    const roomId = room('relay')
    const ps = [
      await joinByLink(browser, server.url, roomId, 'Ada', { query: { relay: '1' } }),
      await joinByLink(browser, server.url, roomId, 'Bo', { query: { relay: '1' } }),
    ]
    try {
      const [a, b] = ps
      await expectMediaFrom(a.page, [b.id], { label: 'Ada' })
      await expectMediaFrom(b.page, [a.id], { label: 'Bo' })
      // The connection uses the TURN entry of the join ack: credentials minted for this participant.
      // Read once media flows: Ada's connection to Bo exists only after Bo's new_user reached her.
      const ice = await a.page.evaluate((id) => window.__confab.peerConnections()[id]?.getConfiguration().iceServers, b.id)
      assert.ok(ice?.some((s) => [s.urls].flat().includes(turn.url) && s.username.endsWith(`:${a.id}`)), JSON.stringify(ice))
      for (const [p, other] of [[a, b], [b, a]]) {
        const pairs = await waitFor(async () => {
          const s = await selectedPairs(p.page)
          return s[other.id] ? s : null
        }, { timeoutMs: timeouts.media, what: `${p.name}: a selected candidate pair` })
        assert.deepEqual(pairs[other.id], { local: 'relay', remote: 'relay', localAddress: '127.0.0.1', policy: 'relay' }, `${p.name}: ${JSON.stringify(pairs)}`)
      }
      assertNoCspViolations(ps)
      for (const p of ps) assert.deepEqual(p.errors, [], `${p.name} had page errors`)
    } finally {
      await closeAll(ps)
    }
  })

  it('coturn refuses an expired TURN credential (no relay candidate) and accepts a valid one', testOptions, async () => {
    const p = await newPage(browser)
    try {
      await p.page.goto(server.url)
      const now = Math.floor(Date.now() / 1000)
      const expired = await gatherWithTurn(p.page, { urls: turn.url, ...turnCredential(turn.secret, now - 60) })
      assert.equal(expired.completed, true, 'gathering completes with an expired credential')
      assert.deepEqual(expired.candidates.filter((c) => c.type === 'relay'), [], JSON.stringify(expired))
      // Debian's Chromium reports coturn's 401 Unauthorized as an icecandidateerror.
      assert.ok(expired.errors.length > 0 && expired.errors.every((e) => e.code === 401), JSON.stringify(expired.errors))
      const valid = await gatherWithTurn(p.page, { urls: turn.url, ...turnCredential(turn.secret, now + 600) })
      assert.equal(valid.completed, true, 'gathering completes with a valid credential')
      const relays = valid.candidates.filter((c) => c.type === 'relay')
      assert.ok(relays.length > 0 && relays.every((c) => c.address === '127.0.0.1'), JSON.stringify(valid))
      assert.deepEqual(valid.errors, [])
      // Same secret, wrong HMAC: refused as well (the relay is not open to anyone).
      const forged = await gatherWithTurn(p.page, { urls: turn.url, username: `${now + 600}:x`, credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })
      assert.deepEqual(forged.candidates.filter((c) => c.type === 'relay'), [], JSON.stringify(forged))
      assert.ok(forged.errors.some((e) => e.code === 401), JSON.stringify(forged.errors))
    } finally {
      await p.context.close()
    }
  })
})
