// The "Test suite" sections of the Engine.IO v4 and Socket.IO v5 protocol documents,
// run against confab-conformance (pingInterval 300 ms, pingTimeout 200 ms).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';

import { startConformance } from './harness.mjs';

const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;
let server;
let URL;
let WS_URL;

before(async () => {
  server = await startConformance();
  URL = server.url;
  WS_URL = URL.replace('http', 'ws');
});
after(() => server.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Queues every message of a WebSocket so that none is lost between awaits.
function openWs(url) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const queue = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const value = isBinary ? new Uint8Array(data) : data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(value);
    else queue.push(value);
  });
  ws.on('error', () => {});
  ws.closed = new Promise((r) => ws.once('close', r));
  // Resolves true on open, false when the server refuses the upgrade.
  ws.opened = new Promise((r) => {
    ws.once('open', () => r(true));
    ws.once('error', () => r(false));
  });
  ws.next = (timeoutMs = 2000) =>
    queue.length
      ? Promise.resolve(queue.shift())
      : new Promise((resolve, reject) => {
          const waiter = { resolve };
          waiters.push(waiter);
          setTimeout(() => reject(new Error('no message')), timeoutMs);
        });
  ws.nextNonPing = async () => {
    for (;;) {
      const m = await ws.next();
      if (m !== '2') return m;
    }
  };
  return ws;
}

async function closedWithin(ws, ms = 2000) {
  const timer = sleep(ms).then(() => 'timeout');
  assert.notEqual(await Promise.race([ws.closed.then(() => 'closed'), timer]), 'timeout');
}

describe('Engine.IO v4', () => {
  const eio = (q = '') => `${URL}/engine.io/?EIO=4&transport=polling${q}`;
  async function initLongPollingSession() {
    const res = await fetch(eio());
    return JSON.parse((await res.text()).substring(1)).sid;
  }

  test('handshake over polling', async () => {
    const res = await fetch(eio());
    assert.equal(res.status, 200);
    const content = await res.text();
    assert.ok(content.startsWith('0'));
    const value = JSON.parse(content.substring(1));
    assert.deepEqual(Object.keys(value).sort(), ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades']);
    assert.equal(typeof value.sid, 'string');
    assert.deepEqual(value.upgrades, ['websocket']);
    assert.equal(value.pingInterval, PING_INTERVAL);
    assert.equal(value.pingTimeout, PING_TIMEOUT);
    assert.equal(value.maxPayload, 1000000);
  });

  test('invalid EIO, transport and method are 400', async () => {
    for (const q of ['transport=polling', 'EIO=abc&transport=polling', 'EIO=4', 'EIO=4&transport=abc']) {
      assert.equal((await fetch(`${URL}/engine.io/?${q}`)).status, 400, q);
    }
    assert.equal((await fetch(eio(), { method: 'post' })).status, 400);
    assert.equal((await fetch(eio(), { method: 'put' })).status, 400);
  });

  test('handshake over WebSocket, and invalid queries close it', async () => {
    const ws = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket`);
    const data = await ws.next();
    const value = JSON.parse(data.substring(1));
    assert.deepEqual(value.upgrades, []);
    assert.equal(value.pingInterval, PING_INTERVAL);
    ws.close();
    for (const q of ['transport=websocket', 'EIO=abc&transport=websocket', 'EIO=4', 'EIO=4&transport=abc']) {
      await closedWithin(openWs(`${WS_URL}/engine.io/?${q}`));
    }
  });

  test('polling: plain text, several and binary packets round-trip', async () => {
    for (const body of ['4hello', '4test1\x1e4test2\x1e4test3', '4hello\x1ebAQIDBA==']) {
      const sid = await initLongPollingSession();
      const push = await fetch(eio(`&sid=${sid}`), { method: 'post', body });
      assert.equal(push.status, 200);
      assert.equal(await push.text(), 'ok');
      const poll = await fetch(eio(`&sid=${sid}`));
      assert.equal(poll.status, 200);
      assert.equal(await poll.text(), body);
    }
  });

  test('polling: invalid packet format closes the session', async () => {
    const sid = await initLongPollingSession();
    const push = await fetch(eio(`&sid=${sid}`), { method: 'post', body: 'abc' });
    assert.equal(push.status, 400);
    assert.equal((await fetch(eio(`&sid=${sid}`))).status, 400);
  });

  test('polling: duplicate poll requests close the session', async () => {
    const sid = await initLongPollingSession();
    const [first, second] = await Promise.all([
      fetch(eio(`&sid=${sid}`)),
      sleep(5).then(() => fetch(eio(`&sid=${sid}&t=burst`))),
    ]);
    assert.equal(first.status, 200);
    assert.equal(await first.text(), '1');
    assert.equal(second.status, 400);
    assert.equal((await fetch(eio(`&sid=${sid}`))).status, 400);
  });

  test('polling: a cancelled poll closes the session', async () => {
    const sid = await initLongPollingSession();
    const controller = new AbortController();
    const pending = fetch(eio(`&sid=${sid}`), { signal: controller.signal }).catch(() => {});
    await sleep(5);
    controller.abort();
    await pending;
    const deadline = Date.now() + 2000;
    let status = 200;
    while (status !== 400 && Date.now() < deadline) {
      status = (await fetch(eio(`&sid=${sid}`), { method: 'post', body: '3' })).status;
    }
    assert.equal(status, 400);
  });

  test('websocket: text and binary round-trip, invalid packet closes', async () => {
    const ws = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket`);
    await ws.next();
    ws.send('4hello');
    assert.equal(await ws.next(), '4hello');
    ws.send(Uint8Array.from([1, 2, 3, 4]));
    assert.deepEqual(await ws.next(), Uint8Array.from([1, 2, 3, 4]));
    ws.send('abc');
    await closedWithin(ws);
  });

  test('heartbeat over polling: ping, pong, then timeout', async () => {
    const sid = await initLongPollingSession();
    for (let i = 0; i < 3; i++) {
      const poll = await fetch(eio(`&sid=${sid}`));
      assert.equal(await poll.text(), '2');
      assert.equal((await fetch(eio(`&sid=${sid}`), { method: 'post', body: '3' })).status, 200);
    }
    const other = await initLongPollingSession();
    await sleep(PING_INTERVAL + PING_TIMEOUT + 10);
    assert.equal((await fetch(eio(`&sid=${other}`))).status, 400);
  });

  test('heartbeat over WebSocket: ping, pong, then timeout', async () => {
    const ws = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket`);
    await ws.next();
    for (let i = 0; i < 3; i++) {
      assert.equal(await ws.next(), '2');
      ws.send('3');
    }
    ws.close();
    const silent = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket`);
    await closedWithin(silent, 2000);
  });

  test('close over polling and WebSocket', async () => {
    const sid = await initLongPollingSession();
    const [poll] = await Promise.all([
      fetch(eio(`&sid=${sid}`)),
      sleep(5).then(() => fetch(eio(`&sid=${sid}`), { method: 'post', body: '1' })),
    ]);
    assert.equal(poll.status, 200);
    assert.equal(await poll.text(), '6');
    assert.equal((await fetch(eio(`&sid=${sid}`))).status, 400);
    const ws = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket`);
    await ws.next();
    ws.send('1');
    await closedWithin(ws);
  });

  test('close over polling handled before the poll sent with it: that poll gets a noop, later ones 400', async () => {
    // The test suite sends both at once; here the POST is made to arrive first.
    const sid = await initLongPollingSession();
    const close = await fetch(eio(`&sid=${sid}`), { method: 'post', body: '1' });
    assert.equal(close.status, 200);
    assert.equal(await close.text(), 'ok');
    const poll = await fetch(eio(`&sid=${sid}`));
    assert.equal(poll.status, 200);
    assert.equal(await poll.text(), '6');
    assert.equal((await fetch(eio(`&sid=${sid}`))).status, 400);
  });

  test('upgrade from polling to WebSocket, then polling is refused and a second WebSocket closed', async () => {
    const sid = await initLongPollingSession();
    const ws = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    assert.equal(await ws.opened, true);
    ws.send('2probe');
    assert.equal(await ws.next(), '3probe');
    const poll = await fetch(eio(`&sid=${sid}`));
    assert.equal(await poll.text(), '6');
    ws.send('5');
    ws.send('4hello');
    assert.equal(await ws.nextNonPing(), '4hello');
    assert.equal((await fetch(eio(`&sid=${sid}`))).status, 400);
    // As the reference server: the upgrade is accepted (no HTTP 400), then that socket closed.
    const second = openWs(`${WS_URL}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    assert.equal(await second.opened, true);
    await closedWithin(second);
    ws.send('4still');
    assert.equal(await ws.nextNonPing(), '4still');
    ws.close();
  });
});

describe('Socket.IO v5', () => {
  async function initSocketIO() {
    const ws = openWs(`${WS_URL}/socket.io/?EIO=4&transport=websocket`);
    await ws.next();
    ws.send('40');
    await ws.nextNonPing();
    await ws.nextNonPing();
    return ws;
  }

  test('connects to the main and a custom namespace, with and without auth', async () => {
    for (const [send, prefix, auth] of [
      ['40', '40', '{}'],
      ['40{"token":"123"}', '40', '{"token":"123"}'],
      ['40/custom,', '40/custom,', '{}'],
      ['40/custom,{"token":"abc"}', '40/custom,', '{"token":"abc"}'],
    ]) {
      const ws = openWs(`${WS_URL}/socket.io/?EIO=4&transport=websocket`);
      await ws.next();
      ws.send(send);
      const handshake = await ws.nextNonPing();
      assert.ok(handshake.startsWith(prefix), handshake);
      const value = JSON.parse(handshake.substring(prefix.length));
      assert.deepEqual(Object.keys(value), ['sid']);
      const nsp = prefix === '40' ? '' : '/custom,';
      assert.equal(await ws.nextNonPing(), `42${nsp}["auth",${auth}]`);
      ws.close();
    }
  });

  test('refuses an unknown namespace and closes on an invalid handshake', async () => {
    const ws = openWs(`${WS_URL}/socket.io/?EIO=4&transport=websocket`);
    await ws.next();
    ws.send('40/random');
    assert.equal(await ws.nextNonPing(), '44/random,{"message":"Invalid namespace"}');
    ws.close();
    const bad = openWs(`${WS_URL}/socket.io/?EIO=4&transport=websocket`);
    await bad.next();
    bad.send('4abc');
    await closedWithin(bad);
  });

  test('disconnects from the main namespace (the connection stays) and from a custom one', async () => {
    const ws = await initSocketIO();
    ws.send('41');
    // The Engine.IO connection stays open: its next packet is the heartbeat's ping.
    assert.equal(await ws.next(), '2');
    ws.send('3');
    ws.send('40');
    assert.ok((await ws.nextNonPing()).startsWith('40{"sid":'));
    ws.close();
    const ws2 = await initSocketIO();
    ws2.send('40/custom');
    await ws2.nextNonPing();
    await ws2.nextNonPing();
    ws2.send('41/custom');
    ws2.send('42["message","message to main namespace"]');
    assert.equal(await ws2.nextNonPing(), '42["message-back","message to main namespace"]');
    ws2.close();
  });

  test('events, binary attachments and acks', async () => {
    const ws = await initSocketIO();
    ws.send('42["message",1,"2",{"3":[true]}]');
    assert.equal(await ws.nextNonPing(), '42["message-back",1,"2",{"3":[true]}]');
    ws.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    ws.send(Uint8Array.from([1, 2, 3]));
    ws.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await ws.nextNonPing(), '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    assert.deepEqual(await ws.nextNonPing(), Uint8Array.from([1, 2, 3]));
    assert.deepEqual(await ws.nextNonPing(), Uint8Array.from([4, 5, 6]));
    ws.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.equal(await ws.nextNonPing(), '43456[1,"2",{"3":[false]}]');
    ws.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    ws.send(Uint8Array.from([1, 2, 3]));
    ws.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await ws.nextNonPing(), '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    assert.deepEqual(await ws.nextNonPing(), Uint8Array.from([1, 2, 3]));
    assert.deepEqual(await ws.nextNonPing(), Uint8Array.from([4, 5, 6]));
    ws.close();
  });

  test('closes the connection upon invalid format', async () => {
    for (const bad of ['4abc', '42{}', '42abc["message-with-ack",1,"2",{"3":[false]}]']) {
      const ws = await initSocketIO();
      ws.send(bad);
      await closedWithin(ws);
    }
  });
});
