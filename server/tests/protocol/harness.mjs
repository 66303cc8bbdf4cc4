// Starts the real server binaries and gives socket.io-client helpers with timeouts.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';

const root = resolve(import.meta.dirname, '../../..');
export const serverBinary = process.env.CONFAB_SERVER ?? join(root, 'build/release/app/confab-server');
export const conformanceBinary =
  process.env.CONFAB_CONFORMANCE ?? join(root, 'build/release/app/confab-conformance');

function waitForPort(child, name) {
  return new Promise((resolvePort, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 10_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on (https?):\/\/[^\s:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePort({ scheme: m[1], port: Number(m[2]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
}

async function launch(binary, args, name) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const { scheme, port } = await waitForPort(child, name);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// confab-server on a free port with a fresh (or given) data directory.
export async function startServer({ dataDir, port = 0, args = [] } = {}) {
  dataDir ??= await mkdtemp(join(tmpdir(), 'confab-test-'));
  const server = await launch(
    serverBinary,
    ['--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--log-level', 'info',
      '--web-root', join(root, 'web/dist'), ...args],
    'confab-server',
  );
  return { ...server, dataDir };
}

export function startConformance() {
  return launch(conformanceBinary, ['--host', '127.0.0.1', '--port', '0'], 'confab-conformance');
}

export const transportModes = {
  'polling then upgrade': { transports: ['polling', 'websocket'] },
  'websocket only': { transports: ['websocket'] },
};

export function connect(url, options = {}) {
  const socket = io(url, { reconnection: false, forceNew: true, timeout: 5000, ...options });
  return new Promise((resolveSocket, reject) => {
    socket.once('connect', () => resolveSocket(socket));
    socket.once('connect_error', reject);
  });
}

export function request(socket, event, payload, timeoutMs = 5000) {
  return socket.timeout(timeoutMs).emitWithAck(event, payload);
}

// Records every event a socket receives, so tests can assert what did and did not arrive.
export function record(socket) {
  const events = [];
  socket.onAny((event, ...args) => events.push({ event, args }));
  return {
    events,
    of: (name) => events.filter((e) => e.event === name).map((e) => e.args[0]),
  };
}

export function waitFor(socket, event, predicate = () => true, timeoutMs = 5000) {
  return new Promise((resolveEvent, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const handler = (...args) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolveEvent(args[0]);
    };
    socket.on(event, handler);
  });
}

export async function waitUntil(check, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The server is single-threaded and answers in order: once every socket has had an
// ack back, everything the server sent them before has arrived too.
export async function settle(sockets) {
  await Promise.all(sockets.map((s) => request(s, 'barrier', {})));
}
