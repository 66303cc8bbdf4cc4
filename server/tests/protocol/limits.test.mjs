// TLS on the same port, security headers, the Origin check and the abuse limits,
// against the real binary.
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { describe, test } from 'node:test';

import { connect, request, startServer, waitFor } from './harness.mjs';

function httpsGet(url) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('TLS', () => {
  test('self-signed HTTPS and WSS on one port; plain HTTP is redirected', async () => {
    const server = await startServer({ args: ['--tls-self-signed'] });
    try {
      assert.ok(server.url.startsWith('https://'));
      const health = await httpsGet(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(health.headers['strict-transport-security'], 'max-age=15552000');
      const plain = await fetch(`http://127.0.0.1:${server.port}/r/room?x=1`, { redirect: 'manual' });
      assert.equal(plain.status, 308);
      assert.equal(plain.headers.get('location'), `https://127.0.0.1:${server.port}/r/room?x=1`);
      for (const transports of [['polling', 'websocket'], ['websocket']]) {
        const s = await connect(server.url, { transports, rejectUnauthorized: false });
        const ack = await request(s, 'join_room', { room: 'secure' });
        assert.equal(ack.ok, true);
        s.disconnect();
      }
    } finally {
      await server.stop();
    }
  });
});

describe('security headers and Origin', () => {
  test('every response carries the security headers', async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/r/room`);
      assert.match(res.headers.get('content-security-policy'), /script-src 'self';/);
      assert.doesNotMatch(res.headers.get('content-security-policy'), /script-src[^;]*unsafe-inline/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(res.headers.get('permissions-policy'), /camera=\(self\), microphone=\(self\), display-capture=\(self\)/);
      assert.equal(res.headers.get('strict-transport-security'), null);
    } finally {
      await server.stop();
    }
  });

  test('a cross-site Origin cannot open a session; a configured one can', async () => {
    const server = await startServer({ args: ['--allowed-origin', 'https://meet.example.org'] });
    try {
      for (const transports of [['polling'], ['websocket']]) {
        await assert.rejects(connect(server.url, { transports, extraHeaders: { Origin: 'https://evil.example' } }));
      }
      const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'https://evil.example' } });
      assert.equal(res.status, 403);
      const ok = await connect(server.url, { transports: ['websocket'], extraHeaders: { Origin: 'https://meet.example.org' } });
      assert.equal((await request(ok, 'join_room', { room: 'r' })).ok, true);
      ok.disconnect();
      const same = await connect(server.url, { transports: ['polling'], extraHeaders: { Origin: server.url } });
      same.disconnect();
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /confab_errors_total\{kind="origin"\} [1-9]/);
    } finally {
      await server.stop();
    }
  });
});

describe('abuse limits', () => {
  test('connections per address are capped; others keep working', async () => {
    const server = await startServer({ args: ['--max-connections-per-ip', '3'] });
    const held = [];
    try {
      for (let i = 0; i < 3; i++) {
        const c = net.connect(server.port, '127.0.0.1');
        await new Promise((r) => c.once('connect', r));
        held.push(c);
      }
      const refused = await fetch(`${server.url}/healthz`).then(
        async (r) => ({ status: r.status, body: await r.text() }),
        (e) => ({ status: 'error', body: String(e) }),
      );
      // The whole body: a Content-Length shorter than it would cut the text.
      assert.deepEqual(refused, { status: 429, body: 'Too many connections from your address\n' });
      held.pop().destroy();
      const deadline = Date.now() + 3000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = await fetch(`${server.url}/healthz`).then((r) => r.status, () => 0);
      }
      assert.equal(status, 200);
    } finally {
      for (const c of held) c.destroy();
      await server.stop();
    }
  });

  test('a flooding client is disconnected with a metric; its room mate is not', async () => {
    const server = await startServer({ args: ['--max-messages-per-second', '5', '--message-burst', '10'] });
    try {
      const flooder = await connect(server.url, { transports: ['websocket'] });
      const calm = await connect(server.url, { transports: ['websocket'] });
      await request(flooder, 'join_room', { room: 'flood' });
      await request(calm, 'join_room', { room: 'flood' });
      const kicked = waitFor(flooder, 'disconnect');
      const left = waitFor(calm, 'user_left');
      for (let i = 0; i < 50; i++) flooder.emit('media_state', { hand: i % 2 === 0 });
      assert.equal(await kicked, 'io server disconnect');
      await left;
      assert.equal((await request(calm, 'message', { text: 'still fine' })).ok, true);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /confab_errors_total\{kind="rate_limit"\} 1/);
      calm.disconnect();
    } finally {
      await server.stop();
    }
  });
});
