// RFC 6455 framing of the plain-TCP WebSocket (server/http/websocket_frames.*,
// tcp_websocket_channel.*), seen from a real client (`ws`) and from hand-made bytes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';

import { connect, request, startServer, waitUntil } from './harness.mjs';

let server;
// Large chat messages, no rate limits: tests that fill a client's socket with chat.
const bulkChat = ['--max-payload', '100000', '--max-chat-length', '20000', '--chat-rate', '0', '--max-messages-per-second', '0'];

before(async () => {
  server = await startServer({
    args: [...bulkChat, '--max-ws-backlog', String(64 << 20)],
  });
});
after(() => server.stop());

// A client speaking Engine.IO by hand: every text message is kept, in order.
function rawWs(url = server.url) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  ws.on('error', () => {});
  ws.messages = [];
  ws.on('message', (data, isBinary) => ws.messages.push(isBinary ? data : data.toString()));
  ws.closed = new Promise((r) => ws.once('close', (code) => r(code)));
  ws.opened = new Promise((r) => ws.once('open', r));
  return ws;
}

const closeCodeWithin = (ws, ms = 3000) =>
  Promise.race([ws.closed, new Promise((r) => setTimeout(() => r('timeout'), ms))]);

// A masked client frame built by hand: byte 0 as given, the payload masked with a random key.
function clientFrame(byte0, payload, { masked = true } = {}) {
  const body = Buffer.from(payload);
  const key = randomBytes(4);
  const len = body.length;
  const head = len < 126 ? Buffer.from([byte0, len]) : Buffer.from([byte0, 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, body]);
  head[1] |= 0x80;
  return Buffer.concat([head, key, Buffer.from(body.map((b, i) => b ^ key[i % 4]))]);
}

async function opened(url = server.url) {
  const ws = rawWs(url);
  await ws.opened;
  await waitUntil(() => ws.messages.length > 0, 'the Engine.IO open packet');
  assert.match(ws.messages[0], /^0\{"sid":/);
  return ws;
}

describe('WebSocket framing', () => {
  test('a message in fragments, with a ping between them, is joined and the ping answered', async () => {
    const ws = await opened();
    const pong = new Promise((r) => ws.once('pong', (data) => r(data.toString())));
    ws.send('4', { fin: false });
    ws.ping('between');
    ws.send('0', { fin: true });
    assert.equal(await pong, 'between');
    await waitUntil(() => ws.messages.length > 1, 'the Socket.IO CONNECT answer');
    assert.match(ws.messages[1], /^40\{"sid":"[^"]+"\}$/);
    ws.close();
  });

  test('invalid UTF-8 in a text message closes with 1007', async () => {
    const ws = await opened();
    ws.send(Buffer.from([0x34, 0x30, 0xff]), { binary: false });
    assert.equal(await closeCodeWithin(ws), 1007);
  });

  test('an unmasked frame, a reserved bit or an unknown opcode closes with 1002', async () => {
    for (const bytes of [
      clientFrame(0x81, '40', { masked: false }),
      clientFrame(0xc1, '40'),
      clientFrame(0x83, '40'),
      clientFrame(0x09, 'fragmented ping'),
    ]) {
      const ws = await opened();
      ws._socket.write(bytes);
      assert.equal(await closeCodeWithin(ws), 1002);
    }
  });

  test('a frame longer than --max-payload closes with 1009 before its payload is sent', async () => {
    const ws = await opened();
    // A 64-bit length of 1 MiB, a mask key, and no payload at all.
    ws._socket.write(Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]));
    assert.equal(await closeCodeWithin(ws), 1009);
  });

  test("the client's close code is echoed and the server then ends the TCP connection", async () => {
    const ws = await opened();
    const ended = new Promise((r) => ws._socket.once('end', () => r(true)));
    ws.close(4000, 'done here');
    assert.equal(await closeCodeWithin(ws), 4000);
    assert.equal(await ended, true);
  });

  test("the server's own close is a 1000 close frame", async () => {
    const ws = await opened();
    ws.send('1'); // Engine.IO close
    assert.equal(await closeCodeWithin(ws), 1000);
  });

  test('a burst far larger than one read is all answered', async () => {
    const ws = await opened();
    ws.send('40');
    await waitUntil(() => ws.messages.some((m) => m.startsWith('40{')), 'CONNECT');
    // 300 requests of ~2 KB in one write: the server reads 16 KB at a time, 8 reads a turn.
    const count = 300;
    const pad = 'p'.repeat(2000);
    const frames = [];
    for (let id = 0; id < count; ++id) frames.push(clientFrame(0x81, `42${id}["barrier",{"pad":"${pad}"}]`));
    ws._socket.write(Buffer.concat(frames));
    const acks = () => ws.messages.filter((m) => m.startsWith('43'));
    await waitUntil(() => acks().length === count, `${count} acks`);
    acks().forEach((m, id) => assert.match(m, new RegExp(`^43${id}\\[\\{"error":\\{"code":"unknown_event"`)));
    ws.close();
  });

  // A raw client in room `room` that has joined; `sender` joins next.
  async function rawMember(room, url = server.url) {
    const ws = await opened(url);
    ws.send('40');
    await waitUntil(() => ws.messages.some((m) => m.startsWith('40{')), 'CONNECT');
    ws.send(`420["join_room",{"room":"${room}","name":"Slow"}]`);
    await waitUntil(() => ws.messages.some((m) => m.startsWith('430[{"ok":true')), 'the join ack');
    return ws;
  }

  const chatText = (i) => `${String(i).padStart(4, '0')}${'x'.repeat(19_996)}`;
  async function sendChats(sender, count) {
    for (let i = 0; i < count; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(count, i + 50); ++j) batch.push(request(sender, 'message', { text: chatText(j) }, 20_000));
      for (const ack of await Promise.all(batch)) assert.equal(ack.ok, true);
    }
  }
  const chatsOf = (ws) => ws.messages.filter((m) => m.startsWith('42["message"'));

  test('frames for a client that stops reading queue up in order and all arrive', async () => {
    const reader = await rawMember('backlog');
    const sender = await connect(server.url, { transports: ['websocket'] });
    assert.equal((await request(sender, 'join_room', { room: 'backlog', name: 'Fast' })).ok, true);
    // 600 messages of 20,000 characters: 12 MB, more than the kernel buffers (a few MB) for a
    // client that does not read; this server queues up to 64 MB for one.
    reader._socket.pause();
    await sendChats(sender, 600);
    reader._socket.resume();
    await waitUntil(() => chatsOf(reader).length === 600, '600 chat messages', 20_000);
    chatsOf(reader).forEach((m, i) => assert.equal(JSON.parse(m.substring(2))[1].text, chatText(i)));
    sender.disconnect();
    reader.close();
  });

  test('a client that leaves more than --max-ws-backlog unread is dropped, and the room goes on', async () => {
    const strict = await startServer({ args: [...bulkChat, '--max-ws-backlog', String(1 << 20)] });
    try {
      const reader = await rawMember('too-slow', strict.url);
      const sender = await connect(strict.url, { transports: ['websocket'] });
      assert.equal((await request(sender, 'join_room', { room: 'too-slow', name: 'Fast' })).ok, true);
      const left = new Promise((r) => sender.once('user_left', r));
      reader._socket.pause();
      await sendChats(sender, 600); // 12 MB
      await left;
      reader._socket.resume();
      assert.equal(await closeCodeWithin(reader, 10_000), 1006); // no close frame: it would not be read
      assert.ok(chatsOf(reader).length < 600, 'the dropped client did not get everything');
      const metrics = await (await fetch(`${strict.url}/metrics`)).text();
      assert.match(metrics, /^confab_slow_clients_dropped_total 1$/m);
      assert.equal((await request(sender, 'message', { text: 'still here' })).ok, true);
      sender.disconnect();
    } finally {
      await strict.stop();
    }
  });
});
