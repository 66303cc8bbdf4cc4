// Starts the real confab-server binary for a test run, on a free port with a fresh data dir.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

export function serverBinary() {
  return resolve(root, process.env.CONFAB_SERVER ?? 'build/release/app/confab-server')
}

export function webRoot() {
  return resolve(root, 'web/dist')
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

async function waitHealthy(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`confab-server exited early with ${proc.exitCode}`)
    try {
      const r = await fetch(`${url}/healthz`)
      if (r.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`confab-server not healthy at ${url} within ${timeoutMs} ms`)
}

export class ServerProcess {
  /** `args`: extra command-line flags (e.g. `--jwt-secret`, `--turn-url`). */
  constructor({ args = [] } = {}) {
    this.extraArgs = args
    this.port = 0
    this.dataDir = mkdtempSync(join(tmpdir(), 'confab-e2e-'))
    this.proc = null
    this.log = []
  }

  get url() {
    return `http://127.0.0.1:${this.port}`
  }

  async start() {
    const bin = serverBinary()
    if (!existsSync(bin)) throw new Error(`confab-server not found at ${bin} (build it or set CONFAB_SERVER)`)
    if (!existsSync(join(webRoot(), 'index.html'))) throw new Error('web/dist is missing: run npm run build -w web')
    if (!this.port) this.port = await freePort()
    const args = ['--host', '127.0.0.1', '--port', String(this.port), '--web-root', webRoot(), '--data-dir', this.dataDir]
    args.push(...this.extraArgs)
    if (process.env.CONFAB_LOG_LEVEL) args.push('--log-level', process.env.CONFAB_LOG_LEVEL)
    this.proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (d) => {
      this.log.push(d.toString())
      if (this.log.length > 200) this.log.shift()
    }
    this.proc.stdout.on('data', keep)
    this.proc.stderr.on('data', keep)
    await waitHealthy(this.url, this.proc, 15_000)
  }

  /** Ends the process; `signal` SIGKILL simulates a crash. */
  async stop(signal = 'SIGTERM', timeoutMs = 5000) {
    const p = this.proc
    if (!p || p.exitCode !== null || p.signalCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill(signal)
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
    this.proc = null
  }

  async restart() {
    await this.stop('SIGKILL')
    await this.start()
  }

  async dispose() {
    await this.stop()
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}
