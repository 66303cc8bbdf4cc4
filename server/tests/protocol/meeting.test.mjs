// Meeting protocol v1 over the wire, with the official socket.io-client, on both
// transport modes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { connect, record, request, settle, startServer, transportModes, waitFor } from './harness.mjs';

for (const [mode, options] of Object.entries(transportModes)) {
  describe(`meeting protocol (${mode})`, () => {
    const tag = mode.replace(/\W+/g, "-");
    let server;
    const sockets = [];
    const open = async () => {
      const s = await connect(server.url, options);
      sockets.push(s);
      return s;
    };
    before(async () => {
      server = await startServer();
    });
    after(async () => {
      for (const s of sockets) s.disconnect();
      await server.stop();
    });

    test('4 clients join one room; each gets exactly the new_user events of later joiners', async () => {
      const clients = [];
      const logs = [];
      const acks = [];
      for (let i = 0; i < 4; i++) {
        const s = await open();
        logs.push(record(s));
        acks.push(await request(s, 'join_room', { room: `four-${tag}`, name: `p${i}` }));
        clients.push(s);
      }
      await settle(clients);
      acks.forEach((ack, i) => {
        assert.equal(ack.ok, true);
        assert.equal(ack.self_id, clients[i].id);
        assert.deepEqual(ack.participants.map((p) => p.id).sort(), clients.slice(0, i).map((c) => c.id).sort());
        assert.equal(ack.role, i === 0 ? 'host' : 'guest');
      });
      logs.forEach((log, i) => {
        const got = log.of('new_user');
        assert.deepEqual(got.map((u) => u.user_id), clients.slice(i + 1).map((c) => c.id));
        assert.deepEqual(got.map((u) => u.name), clients.slice(i + 1).map((_, j) => `p${i + 1 + j}`));
      });
    });

    test('offer, answer and candidate reach exactly their target, stamped, and nobody else', async () => {
      const [a, b, c, outsider] = [await open(), await open(), await open(), await open()];
      const logs = [a, b, c, outsider].map(record);
      for (const s of [a, b, c]) await request(s, 'join_room', { room: `relay-${tag}` });
      await request(outsider, 'join_room', { room: `elsewhere-${tag}` });

      const offer = { type: 'offer', sdp: 'v=0 offer-from-a' };
      assert.deepEqual(await request(a, 'offer', { other_user_id: b.id, offer, user_id: 'forged' }), { ok: true });
      const answer = { type: 'answer', sdp: 'v=0 answer-from-b' };
      assert.deepEqual(await request(b, 'answer', { other_user_id: a.id, answer }), { ok: true });
      const candidate = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      assert.deepEqual(await request(c, 'ice_candidate', { other_user_id: a.id, candidate }), { ok: true });
      await settle([a, b, c, outsider]);

      assert.deepEqual(logs[1].of('offer'), [{ user_id: a.id, offer }]);
      assert.deepEqual(logs[0].of('answer'), [{ user_id: b.id, answer }]);
      assert.deepEqual(logs[0].of('ice_candidate'), [{ user_id: c.id, candidate }]);
      assert.equal(logs[2].of('offer').length + logs[2].of('answer').length, 0);
      assert.deepEqual(logs[3].events, []);
    });

    test('a target outside the room gets an error ack and no delivery', async () => {
      const [a, outsider] = [await open(), await open()];
      const log = record(outsider);
      await request(a, 'join_room', { room: `iso-a-${tag}` });
      await request(outsider, 'join_room', { room: `iso-b-${tag}` });
      const ack = await request(a, 'offer', { other_user_id: outsider.id, offer: { type: 'offer', sdp: 'x' } });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, 'unknown_peer');
      await settle([outsider]);
      assert.deepEqual(log.events, []);
    });

    test('chat reaches the sender\'s room only, and media_state becomes peer_state', async () => {
      const [a, b, outsider] = [await open(), await open(), await open()];
      const logs = [a, b, outsider].map(record);
      await request(a, 'join_room', { room: `chat-${tag}`, name: 'Ann' });
      await request(b, 'join_room', { room: `chat-${tag}`, name: 'Bob' });
      await request(outsider, 'join_room', { room: `other-${tag}` });
      const ack = await request(a, 'message', { text: 'hello <b>room</b>' });
      assert.equal(ack.ok, true);
      await request(b, 'media_state', { audio: false });
      await settle([a, b, outsider]);
      for (const log of logs.slice(0, 2)) {
        const [m] = log.of('message');
        assert.equal(m.id, ack.id);
        assert.equal(m.user_id, a.id);
        assert.equal(m.name, 'Ann');
        assert.equal(m.text, 'hello <b>room</b>');
        assert.ok(Math.abs(m.ts - Date.now()) < 60_000);
      }
      assert.deepEqual(logs[0].of('peer_state'), [{ user_id: b.id, audio: false, video: true, screen: false, hand: false }]);
      assert.deepEqual(logs[2].events, []);
    });

    test('leave_room and disconnect give user_left to the rest', async () => {
      const [a, b, c] = [await open(), await open(), await open()];
      for (const s of [a, b, c]) await request(s, 'join_room', { room: `leave-${tag}` });
      const leftA = waitFor(a, 'user_left', (e) => e.user_id === b.id);
      assert.deepEqual(await request(b, 'leave_room', {}), { ok: true });
      await leftA;
      const cId = c.id; // socket.io-client clears socket.id on disconnect
      const leftAgain = waitFor(a, 'user_left', (e) => e.user_id === cId);
      c.disconnect();
      await leftAgain;
    });
  });
}

describe('chat history', () => {
  test('survives a server restart and comes in the join ack', async () => {
    const first = await startServer();
    const a = await connect(first.url);
    await request(a, 'join_room', { room: 'persist', name: 'Ann' });
    await request(a, 'message', { text: 'before restart' });
    a.disconnect();
    await first.stop();

    const second = await startServer({ dataDir: first.dataDir });
    try {
      const b = await connect(second.url);
      const ack = await request(b, 'join_room', { room: 'persist', name: 'Bob' });
      assert.deepEqual(ack.chat.map((m) => [m.name, m.text]), [['Ann', 'before restart']]);
      const other = await request(b, 'join_room', { room: 'not-persist' });
      assert.deepEqual(other.chat, []);
      b.disconnect();
    } finally {
      await second.stop();
    }
  });
});
