// Issue 12, transport level: each attack of the review, bounded in size and time, against the
// real binary. Each test checks that the attacker gets a clear error or close with a metric,
// that the server's memory stays bounded and that a well-behaved client is not affected.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { describe, test } from 'node:test';
import WebSocket from 'ws';

import { connect, request, startServer, waitFor, waitUntil } from './harness.mjs';

// The RSS bounds below hold for the sanitizer build too when ASan keeps few freed blocks.
process.env.ASAN_OPTIONS = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=8'].filter(Boolean).join(':');

// Resident memory of the server process, in MB.
function rssMb(server) {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

// fetch has no way to accept the self-signed certificate of a TLS server.
function getText(url) {
  if (!url.startsWith('https:')) return fetch(url).then((r) => r.text());
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function metric(url, name) {
  const text = await getText(`${url}/metrics`);
  const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

// A client speaking Engine.IO over polling by hand (fetch keeps its connections alive).
class RawPolling {
  constructor(url, headers = {}) {
    this.url = url;
    this.headers = headers;
  }
  async open() {
    const res = await fetch(`${this.url}/socket.io/?EIO=4&transport=polling`, { headers: this.headers });
    this.status = res.status;
    const body = await res.text();
    if (res.status !== 200) return false;
    this.sid = JSON.parse(body.slice(1)).sid;
    return true;
  }
  get query() {
    return `${this.url}/socket.io/?EIO=4&transport=polling&sid=${this.sid}`;
  }
  async post(body) {
    const res = await fetch(this.query, { method: 'POST', body, headers: this.headers });
    return { status: res.status, body: await res.text() };
  }
  async get() {
    const res = await fetch(this.query, { headers: this.headers });
    return { status: res.status, body: await res.text() };
  }
}

// A Socket.IO client over a raw WebSocket: every text message kept.
function rawWs(url, options = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, options);
  ws.on('error', () => {});
  ws.messages = [];
  ws.on('message', (d, binary) => {
    if (!binary) ws.messages.push(d.toString());
  });
  ws.closed = new Promise((r) => ws.once('close', r));
  ws.opened = new Promise((r) => ws.once('open', r));
  return ws;
}

// Joins `room` over a raw WebSocket and returns the participant id.
async function rawJoin(ws, room) {
  await ws.opened;
  ws.send('40');
  await waitUntil(() => ws.messages.some((m) => m.startsWith('40{')), 'the CONNECT ack');
  ws.send(`421["join_room",{"room":"${room}"}]`);
  await waitUntil(() => ws.messages.some((m) => m.startsWith('431[')), 'the join ack');
  return JSON.parse(ws.messages.find((m) => m.startsWith('431[')).slice(3))[0].self_id;
}

async function healthzMs(url) {
  const start = performance.now();
  const res = await fetch(`${url}/healthz`);
  assert.equal(res.status, 200);
  return performance.now() - start;
}

describe('one packet does not stall the event loop (issue 12, item 1)', () => {
  test('an event and a CONNECT auth with 200,000 empty objects parse in linear time', async () => {
    const server = await startServer();
    try {
      const calm = await connect(server.url, { transports: ['websocket'] });
      const objects = Array(200_000).fill('{}').join(',');
      const attacker = rawWs(server.url);
      await rawJoin(attacker, 'parse');
      const sizeBefore = attacker.messages.length;
      // Three packets of 600 KB: before the fix each held the loop about 7 s.
      const sent = performance.now();
      for (let i = 0; i < 3; i++) attacker.send(`422["x",[${objects}]]`);
      const delays = [];
      for (let i = 0; i < 5; i++) delays.push(await healthzMs(server.url));
      assert.ok(Math.max(...delays) < 1500, `/healthz took ${delays.map(Math.round)} ms`);
      await waitUntil(() => attacker.messages.length > sizeBefore, 'the answer to the big event', 10_000);
      assert.ok(performance.now() - sent < 5000);
      // The same through CONNECT: a clear refusal (the auth is too big to keep), quickly.
      const auth = rawWs(server.url);
      await auth.opened;
      auth.send(`40{"a":[${objects}]}`);
      await waitUntil(() => auth.messages.some((m) => m.startsWith('44')), 'the CONNECT_ERROR', 5000);
      assert.match(auth.messages.find((m) => m.startsWith('44')), /Auth too large/);
      assert.equal((await request(calm, 'join_room', { room: 'calm' })).ok, true);
      attacker.close();
      auth.close();
      calm.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('polling queues are bounded (issue 12, item 2)', () => {
  test('a polling client that never GETs is dropped at the backlog; a GET carries at most max-payload', async () => {
    const server = await startServer({
      args: ['--max-backlog', String(1 << 20), '--max-payload', '100000', '--max-messages-per-second', '0'],
    });
    try {
      const victim = new RawPolling(server.url);
      assert.ok(await victim.open());
      await victim.post('40');
      assert.match((await victim.get()).body, /^40\{"sid"/);
      await victim.post('420["join_room",{"room":"offers"}]');
      assert.match((await victim.get()).body, /"ok":true/);
      const peer = await connect(server.url, { transports: ['websocket'] });
      const joined = await request(peer, 'join_room', { room: 'offers' });
      const victimId = joined.participants.find((p) => p.id !== joined.self_id).id;
      const offer = (i) => ({ other_user_id: victimId, offer: { type: 'offer', sdp: `${i}`.padEnd(20_000, 'x') } });
      const baseline = rssMb(server);
      // 300 KB queued: one GET returns at most --max-payload, the next the rest.
      for (let i = 0; i < 15; i++) assert.equal((await request(peer, 'offer', offer(i))).ok, true);
      let first;
      do first = await victim.get(); while (!first.body.includes('"offer"'));
      assert.ok(first.body.length <= 100_000 + 100, `a poll response of ${first.body.length} bytes`);
      assert.match((await victim.get()).body, /"offer"/);
      // Now it stops fetching: past 1 MB it is dropped and its room mate sees it leave.
      const left = waitFor(peer, 'user_left', (m) => m.user_id === victimId);
      for (let i = 0; i < 200; i++) peer.emit('offer', offer(i));
      await left;
      assert.ok(rssMb(server) - baseline < 48, `RSS grew ${rssMb(server) - baseline} MB`);
      assert.equal(await metric(server.url, 'confab_slow_clients_dropped_total'), 1);
      assert.equal((await victim.get()).status, 400);
      assert.equal((await request(peer, 'message', { text: 'still fine' })).ok, true);
      peer.disconnect();
    } finally {
      await server.stop();
    }
  });

  test('pongs that answer no fetched ping do not keep a polling session alive', async () => {
    const server = await startServer({ args: ['--ping-interval-ms', '200', '--ping-timeout-ms', '200'] });
    try {
      const zombie = new RawPolling(server.url);
      assert.ok(await zombie.open());
      await zombie.post('40');
      const start = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - start < 5000) {
        status = (await zombie.post('3')).status;  // blind pongs, never a GET
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 400, 'the session outlived its ping timeout');
      const live = await connect(server.url, { transports: ['polling'] });
      await new Promise((r) => setTimeout(r, 700));  // past interval + timeout: answered pings keep it
      assert.equal(live.connected, true);
      live.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('WSS has the backlog limit too (issue 12, item 3)', () => {
  test('a WSS client that stops reading is dropped with a metric; its room mate is not', async () => {
    const server = await startServer({
      args: ['--tls-self-signed', '--max-backlog', String(1 << 20), '--max-payload', '200000',
        '--max-messages-per-second', '0'],
    });
    try {
      const stalled = rawWs(server.url, { rejectUnauthorized: false });
      const stalledId = await rawJoin(stalled, 'wss');
      const peer = await connect(server.url, { transports: ['websocket'], rejectUnauthorized: false });
      await request(peer, 'join_room', { room: 'wss' });
      const baseline = rssMb(server);
      stalled._socket.pause();  // reads nothing more: the kernel's buffers fill, then ours
      const left = waitFor(peer, 'user_left', (m) => m.user_id === stalledId, 15_000);
      const sdp = 'x'.repeat(150_000);
      let sent = 0;
      while (!(await Promise.race([left.then(() => true), new Promise((r) => setTimeout(() => r(false), 0))]))) {
        assert.ok(sent < 400, 'never dropped after 60 MB');
        for (let i = 0; i < 10; i++) peer.emit('offer', { other_user_id: stalledId, offer: { type: 'offer', sdp } });
        sent += 10;
        await request(peer, 'barrier', {});
      }
      assert.ok(rssMb(server) - baseline < 64, `RSS grew ${rssMb(server) - baseline} MB`);
      assert.equal(await metric(server.url, 'confab_slow_clients_dropped_total'), 1);
      assert.equal((await request(peer, 'message', { text: 'still fine' })).ok, true);
      stalled.terminate();
      peer.disconnect();
    } finally {
      await server.stop();
    }
  });

  test('a WSS client that reads nothing is let go when its session times out', async () => {
    const server = await startServer({
      args: ['--tls-self-signed', '--max-backlog', String(256 << 20), '--max-payload', '200000',
        '--max-messages-per-second', '0', '--ping-interval-ms', '1000', '--ping-timeout-ms', '1000'],
    });
    try {
      const peer = await connect(server.url, { transports: ['websocket'], rejectUnauthorized: false });
      await request(peer, 'join_room', { room: 'timeout' });
      const connections = await metric(server.url, 'confab_connections');
      const stalled = rawWs(server.url, { rejectUnauthorized: false });
      const stalledId = await rawJoin(stalled, 'timeout');
      stalled._socket.pause();
      // 9 MB for it: more than the kernel's buffers hold (4 MB to send, the paused reader's
      // window), so the server's writes are stuck.
      const left = waitFor(peer, 'user_left', (m) => m.user_id === stalledId, 15_000);  // ping timeout
      const sdp = 'x'.repeat(150_000);
      for (let i = 0; i < 60; i++) peer.emit('offer', { other_user_id: stalledId, offer: { type: 'offer', sdp } });
      await left;
      // Within the close's linger the connection and what it held are gone.
      const deadline = Date.now() + 10_000;
      while ((await metric(server.url, 'confab_connections')) > connections) {
        assert.ok(Date.now() < deadline, 'the timed-out WSS connection is still open');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await metric(server.url, 'confab_slow_clients_dropped_total'), 0);
      assert.equal((await request(peer, 'message', { text: 'still fine' }, 15_000)).ok, true);
      stalled.terminate();
      peer.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('per-address limits count sessions (issue 12, item 4)', () => {
  test('polling sessions over few keep-alive connections stop at the cap; another address is served', async () => {
    const server = await startServer({ args: ['--max-connections-per-ip', '8', '--max-rooms', '10'] });
    try {
      const sessions = [];
      for (let i = 0; i < 20; i++) {
        const s = new RawPolling(server.url);
        if (!(await s.open())) {
          assert.equal(s.status, 429);
          break;
        }
        sessions.push(s);
      }
      assert.equal(sessions.length, 8);
      for (const [i, s] of sessions.entries()) {
        await s.post('40');
        await s.get();
        await s.post(`420["join_room",{"room":"hog-${i}"}]`);
      }
      assert.ok((await metric(server.url, 'confab_sessions_refused_total')) >= 1);
      // Another address still gets a session and may open a room.
      const other = await connect(server.url, { transports: ['websocket'], localAddress: '127.0.0.2' });
      assert.equal((await request(other, 'join_room', { room: 'newcomer' })).ok, true);
      other.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('Engine.IO pings are rate-limited (issue 12, item 7)', () => {
  test('a POST of a million-byte ping flood closes the session after the burst', async () => {
    const server = await startServer({ args: ['--max-messages-per-second', '5', '--message-burst', '10'] });
    try {
      const calm = await connect(server.url, { transports: ['websocket'] });
      const flooder = new RawPolling(server.url);
      assert.ok(await flooder.open());
      const baseline = rssMb(server);
      await flooder.post(Array(500_000).fill('2').join('\x1e'));
      // Before the fix 500,000 pongs waited here for a GET (23 MB).
      const grown = rssMb(server) - baseline;
      assert.ok(grown < 16, `RSS grew ${grown} MB`);
      const answer = await flooder.get();
      assert.ok(answer.body.length < 1000, `${answer.body.length} bytes of pongs`);
      // Closed after the burst's pongs: the last packet is a close (`1`).
      assert.ok(answer.body.endsWith('\x1e1'), `ends with ${JSON.stringify(answer.body.slice(-8))}`);
      assert.equal(await metric(server.url, 'confab_errors_total{kind="rate_limit"}'), 1);
      assert.equal((await request(calm, 'join_room', { room: 'calm' })).ok, true);
      calm.disconnect();
    } finally {
      await server.stop();
    }
  });
});

describe('CONNECT auth is bounded (issue 12, item 8)', () => {
  test('a large auth object is refused with a clear error; a small one connects', async () => {
    const server = await startServer();
    try {
      await assert.rejects(
        connect(server.url, { transports: ['websocket'], auth: { blob: 'x'.repeat(100_000) } }),
        /Auth too large/,
      );
      const ok = await connect(server.url, { transports: ['websocket'], auth: { token: 'small' } });
      ok.disconnect();
      assert.equal(await metric(server.url, 'confab_errors_total{kind="protocol"}'), 1);
    } finally {
      await server.stop();
    }
  });
});

async function freePort() {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

describe('/metrics (issue 12, item 14)', () => {
  test('answers GET and HEAD only', async () => {
    const server = await startServer();
    try {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const res = await fetch(`${server.url}/metrics`, { method });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
      }
      assert.equal((await fetch(`${server.url}/metrics`, { method: 'HEAD' })).status, 200);
      assert.equal((await fetch(`${server.url}/healthz`, { method: 'POST' })).status, 405);
    } finally {
      await server.stop();
    }
  });

  test('--metrics-listen serves /metrics on its own address, not on the public port', async () => {
    const port = await freePort();
    const server = await startServer({ args: ['--metrics-listen', `127.0.0.1:${port}`] });
    try {
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /confab_sessions /);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 404);
    } finally {
      await server.stop();
    }
  });

  test('a malformed --metrics-listen is refused at start', async () => {
    await assert.rejects(startServer({ args: ['--metrics-listen', 'nowhere'] }), /exited/);
  });
});

describe('--public-url replaces the Host comparison (issue 12, item 15)', () => {
  test('a rebinding page whose Origin matches Host is refused; the public origin is allowed', async () => {
    const server = await startServer({ args: ['--public-url', 'https://meet.example.org'] });
    try {
      const rebound = new RawPolling(server.url, { Origin: server.url });
      assert.equal(await rebound.open(), false);
      assert.equal(rebound.status, 403);
      const real = new RawPolling(server.url, { Origin: 'https://meet.example.org' });
      assert.equal(await real.open(), true);
      const tool = new RawPolling(server.url);  // no Origin: not a browser
      assert.equal(await tool.open(), true);
    } finally {
      await server.stop();
    }
  });
});
