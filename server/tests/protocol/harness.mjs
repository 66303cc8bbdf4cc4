// Starts the real server binaries (tests/lib/server.mjs) and gives socket.io-client helpers
// with timeouts.
import { io } from 'socket.io-client';

export { conformanceBinary, serverBinary, startConformance, startServer } from '../../../tests/lib/server.mjs';

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
