#!/usr/bin/env python3
"""Allocates a TURN relay with TURN REST API credentials, as a browser given confab's
ice_servers would: proves that a coturn configured like deploy/turnserver.conf accepts the
credentials confab-server mints (username "<expiry>:<user>", password
base64(HMAC-SHA1(secret, username))) and rejects a wrong secret.
Usage: turn_check.py HOST PORT SECRET"""
import base64, hashlib, hmac, os, socket, struct, sys, time, zlib

MAGIC = 0x2112A442


def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad


def message(kind, attrs, key=None):
    tid = os.urandom(12)
    body = b"".join(attrs)
    if key is not None:  # MESSAGE-INTEGRITY over the header with the length including it
        header = struct.pack("!HHI", kind, len(body) + 24, MAGIC) + tid
        body += attr(0x0008, hmac.new(key, header + body, hashlib.sha1).digest())
    header = struct.pack("!HHI", kind, len(body) + 8, MAGIC) + tid
    crc = (zlib.crc32(header + body) ^ 0x5354554E) & 0xFFFFFFFF
    return header + body + attr(0x8028, struct.pack("!I", crc))


def parse(data):
    kind, length, _ = struct.unpack("!HHI", data[:8])
    attrs, i = {}, 20
    while i < 20 + length:
        t, n = struct.unpack("!HH", data[i:i + 4])
        attrs[t] = data[i + 4:i + 4 + n]
        i += 4 + n + (4 - n % 4) % 4
    return kind, attrs


def allocate(host, port, username, password):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    transport = attr(0x0019, struct.pack("!B3x", 17))  # REQUESTED-TRANSPORT: UDP
    s.sendto(message(0x0003, [transport]), (host, port))
    kind, a = parse(s.recv(2048))
    if kind != 0x0113 or 0x0014 not in a or 0x0015 not in a:
        return f"unexpected first answer {kind:#06x}"
    realm, nonce = a[0x0014], a[0x0015]
    key = hashlib.md5(username.encode() + b":" + realm + b":" + password.encode()).digest()
    s.sendto(message(0x0003, [transport, attr(0x0006, username.encode()), attr(0x0014, realm),
                              attr(0x0015, nonce)], key), (host, port))
    kind, a = parse(s.recv(2048))
    if kind == 0x0103 and 0x0016 in a:  # success with XOR-RELAYED-ADDRESS
        return "allocated"
    code = a.get(0x0009, b"\0\0\0\0")
    return f"refused {code[2] * 100 + code[3]} {code[4:].decode(errors='replace')}"


def main():
    host, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    username = f"{int(time.time()) + 3600}:check"
    good = base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest())
    ok = allocate(host, port, username, good.decode())
    bad = allocate(host, port, username, "wrong")
    print(f"right secret: {ok}; wrong secret: {bad}")
    sys.exit(0 if ok == "allocated" and bad.startswith("refused 401") else 1)


if __name__ == "__main__":
    main()
