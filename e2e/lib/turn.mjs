// Debian's coturn (`turnserver`) as a child process of a test: loopback only, TURN REST API
// credentials (use-auth-secret), a temporary config file, stopped by the test.
import { spawn, spawnSync } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { timeouts } from './timeouts.mjs'

/** A TCP port nobody listens on right now (coturn takes its port as a flag). */
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

export function turnserverBinary() {
  const r = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

/** TURN REST API credential: username `<expiry>:<user>`, password base64(HMAC-SHA1(secret, username)). */
export function turnCredential(secret, expiry, user = 'x') {
  const username = `${expiry}:${user}`
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') }
}

function tcpReachable(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    const done = (ok) => {
      s.destroy()
      resolve(ok)
    }
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
    s.setTimeout(500, () => done(false))  // one probe; start() retries until its deadline
  })
}

export class TurnServer {
  constructor() {
    this.secret = randomBytes(24).toString('hex')
    this.dir = mkdtempSync(join(tmpdir(), 'confab-turn-'))
    this.port = 0
    this.proc = null
    this.log = []
  }

  /** The URL confab-server hands to clients (`--turn-url`). */
  get url() {
    return `turn:127.0.0.1:${this.port}?transport=udp`
  }

  async start({ timeoutMs = timeouts.load } = {}) {
    const bin = turnserverBinary()
    if (!bin) throw new Error('turnserver (coturn) is not installed: run scripts/setup.sh')
    this.port = await freePort()
    // Relay ports: a random 200-port window high up, away from the ephemeral range's busy start.
    const minPort = 50_000 + Math.floor(Math.random() * 70) * 200
    const conf = join(this.dir, 'turnserver.conf')
    writeFileSync(conf, [
      `listening-port=${this.port}`,
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `min-port=${minPort}`,
      `max-port=${minPort + 199}`,
      'use-auth-secret',
      `static-auth-secret=${this.secret}`,
      'realm=confab.test',
      // Peers on 127.0.0.1: without it coturn answers CreatePermission with 403 Forbidden IP.
      'allow-loopback-peers',
      'fingerprint',
      'no-tls',
      'no-dtls',
      'no-cli',
      `pidfile=${join(this.dir, 'turnserver.pid')}`,
      `userdb=${join(this.dir, 'turndb')}`,
      'simple-log',
      '',
    ].join('\n'))
    this.proc = spawn(bin, ['-c', conf, '--log-file', 'stdout'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (d) => {
      this.log.push(d.toString())
      if (this.log.length > 400) this.log.shift()
    }
    this.proc.stdout.on('data', keep)
    this.proc.stderr.on('data', keep)
    const deadline = Date.now() + timeoutMs
    while (!(await tcpReachable(this.port))) {
      if (this.proc.exitCode !== null) throw new Error(`turnserver exited with ${this.proc.exitCode}:\n${this.log.join('')}`)
      if (Date.now() > deadline) throw new Error(`turnserver not listening on ${this.port} within ${timeoutMs} ms:\n${this.log.join('')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async stop(timeoutMs = timeouts.ui) {
    const p = this.proc
    this.proc = null
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r))
      p.kill('SIGTERM')
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
