// Room access control, host controls, the waiting room, TURN credentials and the meeting's
// abuse limits, over the wire against the real binary. Every rule is the server's: the
// guests here emit host events by hand, exactly as a modified client would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { connect, record, request, serverBinary, settle, startServer, waitFor } from './harness.mjs';

const JWT_SECRET = 'access-test-secret-0123456789';
const TURN_SECRET = 'north-wind';
const TURN_URLS = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'];

let server;
const open = [];

before(async () => {
  server = await startServer({
    args: ['--jwt-secret', JWT_SECRET, '--stun', 'stun:127.0.0.1:3478', '--turn-secret', TURN_SECRET,
      '--turn-ttl', '600', '--chat-rate', '2', '--chat-burst', '3',
      ...TURN_URLS.flatMap((u) => ['--turn-url', u])],
  });
});
after(async () => {
  for (const s of open) s.disconnect();
  await server.stop();
});

async function client(options = {}) {
  const s = await connect(server.url, { transports: ['websocket'], ...options });
  open.push(s);
  return s;
}

// A connected socket that has joined `room`; returns [socket, ack].
async function member(room, payload = {}) {
  const s = await client();
  const ack = await request(s, 'join_room', { room, ...payload });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return [s, ack];
}

const execFileAsync = promisify(execFile);
async function mintToken(room, name, role = 'guest', ttl = 3600, secret = JWT_SECRET) {
  const { stdout } = await execFileAsync(serverBinary, [
    'token', '--room', room, '--name', name, '--role', role, '--ttl', String(ttl), '--jwt-secret', secret,
  ]);
  return stdout.trim();
}

const b64url = (x) => Buffer.from(x).toString('base64url');

describe('host controls are enforced by the server', () => {
  test('a guest emitting every host event by hand is forbidden and nothing happens', async () => {
    const [host] = await member('guarded', { name: 'Host' });
    const [guest, guestAck] = await member('guarded', { name: 'Guest' });
    const [other] = await member('guarded', { name: 'Other' });
    assert.equal(guestAck.role, 'guest');
    await settle([host, guest, other]); // the new_user events of the joins are in
    const hostLog = record(host);
    const otherLog = record(other);
    for (const [event, payload] of [
      ['set_password', { password: 'mine now' }],
      ['lock_room', { locked: true }],
      ['set_waiting_room', { enabled: true }],
      ['kick', { user_id: host.id }],
      ['mute_request', { user_id: other.id }],
      ['end_meeting', {}],
      ['admit', { user_id: 'someone' }],
      ['deny', { user_id: 'someone' }],
    ]) {
      const ack = await request(guest, event, payload);
      assert.equal(ack.ok, false, event);
      assert.equal(ack.error.code, 'forbidden', event);
      assert.equal(ack.error.message, 'only a host can do that');
    }
    await settle([host, other, guest]);
    assert.deepEqual(hostLog.events, []);
    assert.deepEqual(otherLog.events, []);
    // The room is still open, unlocked and without a password.
    const [, lateAck] = await member('guarded', { name: 'Late' });
    assert.deepEqual(lateAck.room_state, { locked: false, waiting_room: false, has_password: false });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /confab_meeting_errors_total\{code="forbidden"\} ([8-9]|\d\d)/);
  });

  test('kick: the target is told, removed and disconnected; it cannot re-enter the locked room', async () => {
    const [host] = await member('kicks', { name: 'Host' });
    const [target] = await member('kicks', { name: 'Target' });
    const [bystander] = await member('kicks', { name: 'Bystander' });
    assert.equal((await request(host, 'lock_room', { locked: true })).ok, true);
    const targetId = target.id; // socket.io-client clears socket.id on disconnect
    const kicked = waitFor(target, 'kicked');
    const dropped = waitFor(target, 'disconnect');
    const left = waitFor(bystander, 'user_left', (e) => e.user_id === targetId);
    assert.deepEqual(await request(host, 'kick', { user_id: targetId }), { ok: true });
    assert.deepEqual(await kicked, { by: host.id });
    assert.equal(await dropped, 'io server disconnect');
    await left;

    const again = await client();
    const refused = await request(again, 'join_room', { room: 'kicks', name: 'Target' });
    assert.deepEqual(refused.error, { code: 'room_locked', message: 'the room is locked' });
  });

  test('mute_request reaches the target; end_meeting removes everyone', async () => {
    const [host] = await member('ending', { name: 'Host' });
    const [guest] = await member('ending', { name: 'Guest' });
    const mute = waitFor(guest, 'mute_request');
    assert.deepEqual(await request(host, 'mute_request', { user_id: guest.id }), { ok: true });
    assert.deepEqual(await mute, { by: host.id });
    const ended = Promise.all([waitFor(host, 'meeting_ended'), waitFor(guest, 'meeting_ended')]);
    assert.deepEqual(await request(host, 'end_meeting', {}), { ok: true });
    assert.deepEqual(await ended, [{ by: host.id }, { by: host.id }]);
    assert.equal((await request(guest, 'message', { text: 'anyone?' })).error.code, 'not_in_room');
  });

  test('when the host leaves, the longest-present member becomes host', async () => {
    const [host] = await member('succession', { name: 'Host' });
    const [second] = await member('succession', { name: 'Second' });
    const [third] = await member('succession', { name: 'Third' });
    const promoted = waitFor(third, 'role_changed');
    host.disconnect();
    assert.deepEqual(await promoted, { user_id: second.id, role: 'host' });
    assert.equal((await request(third, 'lock_room', { locked: true })).error.code, 'forbidden');
    assert.deepEqual(await request(second, 'lock_room', { locked: true }), { ok: true });
  });
});

describe('passwords and tokens', () => {
  test('wrong or missing password is refused with a clear error; the right one enters', async () => {
    const [host] = await member('secret-room', { name: 'Host' });
    const state = waitFor(host, 'room_state');
    assert.deepEqual(await request(host, 'set_password', { password: 'open sesame' }), { ok: true });
    assert.deepEqual(await state, { locked: false, waiting_room: false, has_password: true });

    const s = await client();
    assert.deepEqual((await request(s, 'join_room', { room: 'secret-room' })).error,
      { code: 'password_required', message: 'this room needs a password' });
    assert.deepEqual((await request(s, 'join_room', { room: 'secret-room', password: 'open says me' })).error,
      { code: 'wrong_password', message: 'wrong password' });
    const ack = await request(s, 'join_room', { room: 'secret-room', password: 'open sesame' });
    assert.equal(ack.ok, true);
    assert.equal(ack.role, 'guest');
  });

  test('a host token from the CLI makes a host and replaces the password', async () => {
    const [host] = await member('token-room', { name: 'Host' });
    await request(host, 'set_password', { password: 'pw' });
    await request(host, 'lock_room', { locked: true });
    const s = await client();
    const ack = await request(s, 'join_room', {
      room: 'token-room', name: 'Whoever', token: await mintToken('token-room', 'Ada', 'host'),
    });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal(ack.name, 'Ada');
    assert.equal(ack.role, 'host');
    assert.deepEqual(ack.room_state, { locked: true, waiting_room: false, has_password: true });
    assert.deepEqual(ack.waiting, []);
  });

  test('expired, forged, alg-none and wrong-room tokens are refused', async () => {
    const s = await client();
    const join = (token) => request(s, 'join_room', { room: 'token-checks', token });

    const expiring = await mintToken('token-checks', 'Ada', 'host', 1);
    await new Promise((r) => setTimeout(r, 2100));
    assert.deepEqual((await join(expiring)).error, { code: 'token_expired', message: 'token has expired' });

    const forged = await mintToken('token-checks', 'Ada', 'host', 3600, 'some-other-secret-0123');
    assert.deepEqual((await join(forged)).error, { code: 'invalid_token', message: 'invalid token: bad signature' });

    const exp = Math.floor(Date.now() / 1000) + 3600;
    const none = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ room: 'token-checks', name: 'Eve', role: 'host', exp }))}.`;
    assert.deepEqual((await join(none)).error, { code: 'invalid_token', message: 'invalid token: alg must be HS256' });

    const elsewhere = await mintToken('another-room', 'Ada', 'host');
    assert.equal((await join(elsewhere)).error.code, 'invalid_token');
    assert.equal((await join('not.a.token')).error.code, 'invalid_token');
  });

  test('the password survives a restart and is never stored in plain text', async () => {
    const own = await startServer();
    const s1 = await connect(own.url, { transports: ['websocket'] });
    await request(s1, 'join_room', { room: 'durable' });
    assert.deepEqual(await request(s1, 'set_password', { password: 'kept-across-restarts' }), { ok: true });
    s1.disconnect();
    await own.stop();
    // The whole database file (and its WAL, if any) holds the hash, never the password.
    let bytes = await readFile(join(own.dataDir, 'confab.db'));
    try {
      bytes = Buffer.concat([bytes, await readFile(join(own.dataDir, 'confab.db-wal'))]);
    } catch {
      // checkpointed at close
    }
    assert.equal(bytes.includes('kept-across-restarts'), false);
    assert.equal(bytes.includes('pbkdf2-sha256$100000$'), true);
    assert.equal((await stat(join(own.dataDir, 'jwt.secret'))).mode & 0o777, 0o600);

    const again = await startServer({ dataDir: own.dataDir });
    try {
      const s2 = await connect(again.url, { transports: ['websocket'] });
      assert.equal((await request(s2, 'join_room', { room: 'durable' })).error.code, 'password_required');
      const ack = await request(s2, 'join_room', { room: 'durable', password: 'kept-across-restarts' });
      assert.equal(ack.ok, true);
      assert.equal(ack.room_state.has_password, true);
      s2.disconnect();
    } finally {
      await again.stop();
    }
  });
});

describe('waiting room', () => {
  test('a joiner knocks; the host admits one and denies another', async () => {
    const [host] = await member('lobby', { name: 'Host' });
    const [guest] = await member('lobby', { name: 'Guest' });
    assert.deepEqual(await request(host, 'set_waiting_room', { enabled: true }), { ok: true });

    const waiter = await client();
    const knock = waitFor(host, 'knock');
    const waitAck = await request(waiter, 'join_room', { room: 'lobby', name: 'Waiter' });
    assert.deepEqual(waitAck, { ok: true, waiting: true, self_id: waiter.id, room: 'lobby', name: 'Waiter' });
    assert.deepEqual(await knock, { user_id: waiter.id, name: 'Waiter' });
    assert.equal((await request(waiter, 'message', { text: 'let me in' })).error.code, 'not_in_room');

    const admitted = waitFor(waiter, 'admitted');
    const arrival = waitFor(guest, 'new_user');
    assert.deepEqual(await request(host, 'admit', { user_id: waiter.id }), { ok: true });
    const state = await admitted;
    assert.equal(state.ok, true);
    assert.equal(state.self_id, waiter.id);
    assert.equal(state.role, 'guest');
    assert.deepEqual(state.participants.map((p) => p.name).sort(), ['Guest', 'Host']);
    assert.equal((await arrival).user_id, waiter.id);

    const unwanted = await client();
    await request(unwanted, 'join_room', { room: 'lobby', name: 'Unwanted' });
    const denied = waitFor(unwanted, 'denied');
    assert.deepEqual(await request(host, 'deny', { user_id: unwanted.id }), { ok: true });
    assert.deepEqual(await denied, { reason: 'denied' });
    assert.equal((await request(unwanted, 'join_room', { room: 'lobby' })).error.code, 'denied');
  });
});

describe('TURN credentials', () => {
  function checkTurn(entry, user) {
    assert.deepEqual(entry.urls, TURN_URLS);
    const [expiry, name] = entry.username.split(':');
    if (user) assert.equal(name, user);
    const ttl = Number(expiry) - Date.now() / 1000;
    assert.ok(ttl > 590 && ttl <= 601, `ttl ${ttl}`);
    const expected = createHmac('sha1', TURN_SECRET).update(entry.username).digest('base64');
    assert.equal(entry.credential, expected);
  }

  test('the join ack carries STUN and per-participant TURN credentials', async () => {
    const [s, ack] = await member('turn-room');
    assert.deepEqual(ack.ice_servers[0], { urls: ['stun:127.0.0.1:3478'] });
    checkTurn(ack.ice_servers[1], s.id);
  });

  test('GET /api/ice-servers gives STUN only: TURN credentials come with a join', async () => {
    const res = await fetch(`${server.url}/api/ice-servers`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { ice_servers: [{ urls: ['stun:127.0.0.1:3478'] }] });
  });
});

describe('abuse limits', () => {
  test('chat flooding is rate limited for the flooder only, and counted', async () => {
    const [flooder] = await member('flood', { name: 'Flooder' });
    const [calm] = await member('flood', { name: 'Calm' });
    const codes = [];
    for (let i = 0; i < 6; i += 1) {
      const ack = await request(flooder, 'message', { text: `spam ${i}` });
      codes.push(ack.ok ? 'ok' : ack.error.code);
    }
    assert.deepEqual(codes.slice(0, 3), ['ok', 'ok', 'ok']);
    assert.ok(codes.slice(3).every((c) => c === 'rate_limited'), codes.join());
    const got = waitFor(flooder, 'message', (m) => m.text === 'unaffected');
    assert.equal((await request(calm, 'message', { text: 'unaffected' })).ok, true);
    await got;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /confab_meeting_errors_total\{code="rate_limited"\} [1-9]/);
  });

  test('too many rooms is refused with too_many_rooms', async () => {
    const own = await startServer({ args: ['--max-rooms', '1'] });
    try {
      const a = await connect(own.url, { transports: ['websocket'] });
      const b = await connect(own.url, { transports: ['websocket'] });
      assert.equal((await request(a, 'join_room', { room: 'only' })).ok, true);
      assert.equal((await request(b, 'join_room', { room: 'second' })).error.code, 'too_many_rooms');
      assert.equal((await request(b, 'join_room', { room: 'only' })).ok, true);
      a.disconnect();
      b.disconnect();
    } finally {
      await own.stop();
    }
  });
});
