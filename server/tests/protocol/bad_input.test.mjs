// Bad input at every layer gets a clear error or a clean close, and the server keeps
// serving everybody else.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';

import { connect, request, startConformance, startServer, waitFor } from './harness.mjs';

let server;
let healthy;
let healthyPeer;

before(async () => {
  server = await startServer({ args: ['--max-payload', '4096'] });
  healthy = await connect(server.url, { transports: ['websocket'] });
  healthyPeer = await connect(server.url);
  await request(healthy, 'join_room', { room: 'steady', name: 'Steady' });
  await request(healthyPeer, 'join_room', { room: 'steady', name: 'Peer' });
});
after(async () => {
  healthy.disconnect();
  healthyPeer.disconnect();
  await server.stop();
});

// After every abuse, a member of another room still gets chat through.
async function assertOthersServed() {
  const got = waitFor(healthyPeer, 'message', (m) => m.text === 'still here');
  assert.equal((await request(healthy, 'message', { text: 'still here' })).ok, true);
  await got;
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
}

function rawWs(query = 'EIO=4&transport=websocket') {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?${query}`);
  ws.on('error', () => {});
  ws.messages = [];
  ws.on('message', (d) => ws.messages.push(d.toString()));
  ws.closed = new Promise((r) => ws.once('close', (code) => r(code)));
  ws.opened = new Promise((r) => ws.once('open', r));
  return ws;
}

async function closedWithin(ws, ms = 3000) {
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), ms));
  assert.notEqual(await Promise.race([ws.closed, timeout]), 'timeout');
}

describe('transport-level bad input', () => {
  test('malformed Engine.IO packets close that connection only', async () => {
    for (const frame of ['', 'x', '9', '\u0000']) {
      const ws = rawWs();
      await ws.opened;
      ws.send(frame);
      await closedWithin(ws);
    }
    await assertOthersServed();
  });

  test('malformed Socket.IO packets close that connection only', async () => {
    for (const packet of ['4abc', '42{}', '42"text"', '42[]', '42[1', '451-["x"]\u0000', '43["ack-without-id"]', '42/nowhere,["x"]']) {
      const ws = rawWs();
      await ws.opened;
      ws.send('40');
      ws.send(packet);
      await closedWithin(ws);
    }
    await assertOthersServed();
  });

  test('an oversized WebSocket frame closes the connection', async () => {
    const ws = rawWs();
    await ws.opened;
    ws.send('40');
    ws.send(`42["message",{"text":"${'x'.repeat(8000)}"}]`);
    await closedWithin(ws);
    await assertOthersServed();
  });

  test('an oversized polling body is 413 and ends the session', async () => {
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const sid = JSON.parse((await (await fetch(base)).text()).substring(1)).sid;
    const res = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: `4${'x'.repeat(5000)}` });
    assert.equal(res.status, 413);
    assert.equal((await fetch(`${base}&sid=${sid}`)).status, 400);
    await assertOthersServed();
  });

  test('an unknown sid is 400 with the protocol error code', async () => {
    const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=nope`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { code: 1, message: 'Session ID unknown' });
    const ws = rawWs('EIO=4&transport=websocket&sid=nope');
    await closedWithin(ws);
    await assertOthersServed();
  });
});

describe('meeting-level bad input', () => {
  let s;
  before(async () => {
    s = await connect(server.url, { transports: ['websocket'] });
  });
  after(() => s.disconnect());

  test('events before join_room are refused with not_in_room', async () => {
    for (const [event, payload] of [
      ['offer', { other_user_id: healthy.id, offer: { type: 'offer', sdp: 'x' } }],
      ['message', { text: 'hi' }],
      ['media_state', { audio: false }],
    ]) {
      const ack = await request(s, event, payload);
      assert.equal(ack.ok, false, event);
      assert.equal(ack.error.code, 'not_in_room', event);
    }
    await assertOthersServed();
  });

  test('join_room with wrong types, bad room ids and bad names is refused clearly', async () => {
    const cases = [
      [null, 'bad_request'],
      ['room', 'bad_request'],
      [{ room: 42 }, 'bad_request'],
      [{ room: 'ok', name: 7 }, 'bad_request'],
      [{ room: 'ok', audio: 'yes' }, 'bad_request'],
      [{ room: '' }, 'invalid_room'],
      [{ room: 'has space' }, 'invalid_room'],
      [{ room: 'x'.repeat(65) }, 'invalid_room'],
      [{ room: 'ok', name: 'x'.repeat(65) }, 'invalid_name'],
      [{ room: 'ok', name: 'bell\u0007' }, 'invalid_name'],
      [{ room: 'ok', name: '   ' }, 'invalid_name'],
    ];
    for (const [payload, code] of cases) {
      const ack = await request(s, 'join_room', payload);
      assert.equal(ack.ok, false, JSON.stringify(payload));
      assert.equal(ack.error.code, code, JSON.stringify(payload));
      assert.equal(typeof ack.error.message, 'string');
    }
    assert.equal((await request(s, 'unknown_thing', {})).error.code, 'unknown_event');
    await assertOthersServed();
  });

  test('bad chat and relay payloads are refused and nothing is delivered', async () => {
    await request(s, 'join_room', { room: 'bad-chat' });
    assert.equal((await request(s, 'message', { text: '' })).error.code, 'too_long');
    assert.equal((await request(s, 'message', { text: 'x'.repeat(2001) })).error.code, 'too_long');
    assert.equal((await request(s, 'message', { text: 5 })).error.code, 'bad_request');
    assert.equal((await request(s, 'offer', { other_user_id: 5 })).error.code, 'bad_request');
    assert.equal((await request(s, 'offer', { other_user_id: 'nobody', offer: { type: 'offer', sdp: 'x' } })).error.code, 'unknown_peer');
    await assertOthersServed();
  });

  test('room capacity is enforced', async () => {
    const small = await startServer({ args: ['--room-capacity', '2'] });
    try {
      const [a, b, c] = [await connect(small.url), await connect(small.url), await connect(small.url)];
      assert.equal((await request(a, 'join_room', { room: 'tiny' })).ok, true);
      assert.equal((await request(b, 'join_room', { room: 'tiny' })).ok, true);
      assert.equal((await request(c, 'join_room', { room: 'tiny' })).error.code, 'room_full');
      for (const x of [a, b, c]) x.disconnect();
    } finally {
      await small.stop();
    }
  });
});

describe('binary payloads and acks with socket.io-client', () => {
  let conformance;
  before(async () => {
    conformance = await startConformance();
  });
  after(() => conformance.stop());

  for (const transports of [['polling', 'websocket'], ['websocket']]) {
    test(`round-trip over ${transports.join('+')}`, async () => {
      const s = await connect(conformance.url, { transports });
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const back = waitFor(s, 'message-back');
      s.emit('message', { file: bytes, name: 'b.bin' });
      const echoed = await back;
      assert.deepEqual(Buffer.from(echoed.file), bytes);
      assert.equal(echoed.name, 'b.bin');
      const ack = await s.timeout(5000).emitWithAck('message-with-ack', bytes, 'text');
      assert.deepEqual(Buffer.from(ack), bytes);
      s.disconnect();
    });
  }
});
