// Denial of service and abuse at the meeting layer (issue 12), over the wire against the real
// binary. The attacker connects from 127.0.0.2, everyone else from 127.0.0.1: per-address
// limits must stop the one and leave the others alone.
import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { connect, request, startServer, waitFor } from './harness.mjs';

const ATTACKER = '127.0.0.2';

let server;
const open = [];

before(async () => {
  server = await startServer({ args: ['--max-connections-per-ip', '200'] });
});
after(async () => {
  for (const s of open) s.disconnect();
  await server.stop();
});

async function client(url = server.url, localAddress = undefined) {
  const options = { transports: ['websocket'] };
  if (localAddress) options.localAddress = localAddress;  // passed on to the WebSocket
  const s = await connect(url, options);
  open.push(s);
  return s;
}

async function metric(name, labels) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

const pin = (i) => String(i).padStart(4, '0');

describe('room password guessing', () => {
  test('32 connections from one address cannot brute-force a PIN; others still enter', async () => {
    const host = await client();
    assert.equal((await request(host, 'join_room', { room: 'pin-room' })).ok, true);
    assert.deepEqual(await request(host, 'set_password', { password: '0420' }), { ok: true });

    const sockets = await Promise.all(Array.from({ length: 32 }, () => client(server.url, ATTACKER)));
    const codes = {};
    const acks = await Promise.all(Array.from({ length: 320 }, (_, i) =>
      request(sockets[i % 32], 'join_room', { room: 'pin-room', password: pin(i) })));
    for (const ack of acks) {
      assert.notEqual(ack.ok, true, 'the attacker found the PIN');
      codes[ack.error.code] = (codes[ack.error.code] ?? 0) + 1;
    }
    // 5 free failures, the 6th starts a 1 s backoff (doubling): a slow machine (a sanitizer
    // build) may let one every 1, 2, 4 s through while the 320 guesses are answered.
    assert.ok(codes.wrong_password >= 6 && codes.wrong_password <= 9, JSON.stringify(codes));
    assert.equal(codes.wrong_password + codes.too_many_attempts, 320, JSON.stringify(codes));
    const refused = acks.find((a) => a.error.code === 'too_many_attempts');
    assert.equal(refused.error.message, 'too many wrong passwords from your address; try again later');
    assert.ok(refused.error.retry_after_ms > 0 && refused.error.retry_after_ms <= 2000, JSON.stringify(refused));

    const rightful = await client();
    assert.equal((await request(rightful, 'join_room', { room: 'pin-room', password: '0420' })).ok, true);
    assert.ok(await metric('confab_meeting_limits_total', 'limit="password_address"') >= 310);
    assert.ok(await metric('confab_meeting_errors_total', 'code="too_many_attempts"') >= 310);
  });
});

describe('waiting room squatting', () => {
  test('knocks from one address are bounded; a deny sticks to the address', async () => {
    const host = await client();
    assert.equal((await request(host, 'join_room', { room: 'squat' })).ok, true);
    assert.deepEqual(await request(host, 'set_waiting_room', { enabled: true }), { ok: true });
    let knocks = 0;
    host.on('knock', () => { knocks += 1; });

    const squatters = await Promise.all(Array.from({ length: 20 }, () => client(server.url, ATTACKER)));
    const acks = await Promise.all(squatters.map((s) => request(s, 'join_room', { room: 'squat' })));
    assert.equal(acks.filter((a) => a.waiting === true).length, 5);
    const refused = acks.filter((a) => a.ok === false);
    assert.equal(refused.length, 15);
    assert.ok(refused.every((a) => a.error.code === 'too_many_attempts'));

    const guest = await client();
    const knocked = waitFor(host, 'knock', (k) => k.user_id === guest.id);
    assert.equal((await request(guest, 'join_room', { room: 'squat', name: 'Guest' })).waiting, true);
    await knocked;
    assert.equal(knocks, 6);
    assert.ok(await metric('confab_meeting_limits_total', 'limit="knocks_per_address"') >= 15);

    // The host denies one squatter; a fresh connection from its address stays out.
    const waiting = squatters[acks.findIndex((a) => a.waiting === true)];
    assert.deepEqual(await request(host, 'deny', { user_id: waiting.id }), { ok: true });
    const fresh = await client(server.url, ATTACKER);
    assert.equal((await request(fresh, 'join_room', { room: 'squat' })).error.code, 'denied');
    assert.deepEqual(await request(host, 'admit', { user_id: guest.id }), { ok: true });
  });
});

describe('names and chat', () => {
  test('direction overrides, invisible-only text and control characters are refused', async () => {
    const s = await client();
    const name = await request(s, 'join_room', { room: 'text', name: 'admin\u202Egnp.exe' });
    assert.deepEqual(name.error, { code: 'invalid_name', message: 'name contains direction override characters' });
    assert.equal((await request(s, 'join_room', { room: 'text', name: '\u200B\u200D' })).error.code, 'invalid_name');
    assert.equal((await request(s, 'join_room', { room: 'text', name: 'Ada' })).ok, true);
    const chat = await request(s, 'message', { text: '\u001b[2Jgone' });
    assert.deepEqual(chat.error, { code: 'invalid_message', message: 'message contains control characters' });
    assert.equal((await request(s, 'message', { text: 'fine\nand multi-line' })).ok, true);
  });
});

describe('data at rest', () => {
  test('the data directory is 0700 and the database, jwt.secret and TLS key are 0600', async () => {
    // A data directory the server creates itself (mkdtemp's would be 0700 already).
    const dataDir = join(await mkdtemp(join(tmpdir(), 'confab-modes-')), 'data');
    const own = await startServer({ dataDir, args: ['--tls-self-signed'] });
    try {
      const s = await connect(own.url, { transports: ['websocket'], rejectUnauthorized: false });
      assert.equal((await request(s, 'join_room', { room: 'disk' })).ok, true);
      assert.equal((await request(s, 'message', { text: 'written to the WAL' })).ok, true);
      s.disconnect();
      const mode = async (path) => (await stat(join(own.dataDir, path))).mode & 0o777;
      assert.equal(await mode('.'), 0o700);
      for (const file of ['confab.db', 'confab.db-wal', 'confab.db-shm', 'jwt.secret', 'tls/self-signed.key']) {
        assert.equal(await mode(file), 0o600, file);
      }
      assert.equal(await mode('tls'), 0o700);
    } finally {
      await own.stop();
    }
  });
});

describe('chat retention', () => {
  test('--chat-max-per-room keeps the newest messages of a room across a restart', async () => {
    const own = await startServer({ args: ['--chat-max-per-room', '3', '--chat-rate', '0'] });
    let again;
    try {
      const s = await connect(own.url, { transports: ['websocket'] });
      assert.equal((await request(s, 'join_room', { room: 'capped' })).ok, true);
      for (let i = 1; i <= 5; i += 1) assert.equal((await request(s, 'message', { text: `m${i}` })).ok, true);
      s.disconnect();
      await own.stop();
      again = await startServer({ dataDir: own.dataDir, args: ['--chat-max-per-room', '3'] });
      const t = await connect(again.url, { transports: ['websocket'] });
      const ack = await request(t, 'join_room', { room: 'capped' });
      assert.deepEqual(ack.chat.map((m) => m.text), ['m3', 'm4', 'm5']);
      t.disconnect();
      const metrics = await (await fetch(`${again.url}/metrics`)).text();
      assert.match(metrics, /confab_chat_messages_pruned_total 0/);  // counted per process
    } finally {
      await own.stop();
      if (again) await again.stop();
    }
  });
});
