// Starts the real server binaries (confab-server, confab-conformance) as child processes, for
// the protocol tests (server/tests/protocol), the browser tests (e2e) and the browser benchmark
// (bench/browser). One copy, so that all three start, wait for and stop the server alike.
//
// Environment: CONFAB_SERVER and CONFAB_CONFORMANCE name the binaries (relative paths are taken
// from the repository root); CONFAB_LOG_LEVEL is the server's --log-level (default info).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const serverBinary = resolve(repoRoot, process.env.CONFAB_SERVER ?? 'build/release/app/confab-server')
export const conformanceBinary = resolve(
  repoRoot,
  process.env.CONFAB_CONFORMANCE ?? 'build/release/app/confab-conformance',
)
export const webRoot = resolve(repoRoot, 'web/dist')

// The line both binaries log (at info) once their port accepts connections.
const LISTENING = /listening on (https?):\/\/[^\s:]+:(\d+)/
const QUIET_LEVELS = new Set(['warn', 'err', 'error', 'critical', 'off'])
const LOG_CHUNKS_KEPT = 400

/**
 * One server process. `start()` spawns it and resolves once it listens; `restart()` kills it
 * (SIGKILL: a crash) and starts it again on the same port; `stop()` ends it; `dispose()` also
 * removes the data directory it created.
 */
export class ServerProcess {
  /**
   * binary: default confab-server. args: extra flags. server: false for a binary without
   * --log-level/--data-dir/--web-root (confab-conformance, which logs at info). dataDir: default a fresh temporary directory.
   * port: default 0 (a free port, kept for restarts). startTimeoutMs: how long `start()` waits.
   * requireWebApp: refuse to start without a built web/dist (browser tests need the app).
   */
  constructor({
    binary = serverBinary,
    args = [],
    server = true,
    dataDir,
    port = 0,
    logLevel = process.env.CONFAB_LOG_LEVEL ?? 'info',
    startTimeoutMs = 15_000,
    requireWebApp = false,
    name = binary.split('/').at(-1),
  } = {}) {
    if (QUIET_LEVELS.has(logLevel)) throw new Error(`--log-level ${logLevel} hides the line ${name} is waited on`)
    this.binary = binary
    this.name = name
    this.extraArgs = args
    this.isServer = server
    this.ownsDataDir = server && !dataDir
    this.dataDir = server ? (dataDir ?? mkdtempSync(join(tmpdir(), 'confab-test-'))) : undefined
    this.port = port
    this.scheme = 'http'
    this.logLevel = logLevel
    this.startTimeoutMs = startTimeoutMs
    this.requireWebApp = requireWebApp
    this.child = null
    this.exited = Promise.resolve(null)
    this.log = []
  }

  get url() {
    return `${this.scheme}://127.0.0.1:${this.port}`
  }

  /** The last lines the process wrote (stdout and stderr), for error messages. */
  logText() {
    return this.log.join('')
  }

  async start() {
    if (!existsSync(this.binary)) throw new Error(`${this.name} not found at ${this.binary} (build it or set its env variable)`)
    const args = ['--host', '127.0.0.1', '--port', String(this.port)]
    if (this.requireWebApp && !existsSync(join(webRoot, 'index.html'))) {
      throw new Error('web/dist is missing: run npm run build -w web')
    }
    if (this.isServer) {
      args.push('--log-level', this.logLevel, '--data-dir', this.dataDir, '--web-root', webRoot)
    }
    args.push(...this.extraArgs)
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })))
    const { scheme, port } = await new Promise((resolveListening, reject) => {
      let seen = ''
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} did not listen within ${this.startTimeoutMs} ms:\n${this.logText()}`))
      }, this.startTimeoutMs)
      const onData = (chunk) => {
        this.log.push(chunk.toString())
        if (this.log.length > LOG_CHUNKS_KEPT) this.log.shift()
        if (seen === null) return
        seen += chunk
        const m = LISTENING.exec(seen)
        if (m) {
          seen = null
          clearTimeout(timer)
          resolveListening({ scheme: m[1], port: Number(m[2]) })
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${this.name} exited (${code ?? signal}) before listening:\n${this.logText()}`))
      })
    })
    this.scheme = scheme
    this.port = port
    return this
  }

  /** Ends the process (`signal` SIGKILL simulates a crash); SIGKILL after `timeoutMs` if it lingers. */
  async stop(signal = 'SIGTERM', timeoutMs = 5000) {
    const child = this.child
    if (!child) return null
    this.child = null
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      const result = await this.exited
      clearTimeout(timer)
      return result
    }
    return this.exited
  }

  /** A crash and a restart: same port, same data directory. */
  async restart() {
    await this.stop('SIGKILL')
    return this.start()
  }

  async dispose() {
    await this.stop()
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** confab-server on a free port with a fresh (or the given) data directory, started. */
export function startServer(options = {}) {
  return new ServerProcess(options).start()
}

/** confab-conformance (the protocol test suites' server) on a free port, started. */
export function startConformance(options = {}) {
  return new ServerProcess({ binary: conformanceBinary, server: false, ...options }).start()
}
