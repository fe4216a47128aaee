#!/usr/bin/env python3
# tests/fuzz/console-link-corpus.py: writes the seed corpus of tests/fuzz/console-link-fuzz.c
# (layout described there) into tests/fuzz/console-link-corpus/. Run from the source root.
import os
import struct

d = 'tests/fuzz/console-link-corpus'
os.makedirs(d, exist_ok=True)


def hdr(t, length):
    return struct.pack('<HHI', t, 1, length)


def ready():
    return hdr(16, 12) + struct.pack('<I', 0)


def key(code, down):
    return hdr(17, 12) + struct.pack('<HBB', code, down, 0)


def ptr(x, y, b, w):
    return hdr(18, 24) + struct.pack('<IIIi', x, y, b, w)


def client(n):
    return hdr(19, 12) + struct.pack('<I', n)


sep = b'\xff\xff'
size = struct.pack('<HH', 99, 49)  # a 100x50 surface
files = {
    'good': b'\x00' + size + sep.join([ready(), key(0x1e, 1), key(0x1e, 0), ptr(10, 10, 1, 0),
                                       ptr(99, 49, 0, -1), client(1)]),
    'key-before-ready': b'\x00' + size + key(0x11d, 1),
    'pointer-outside': b'\x00' + size + sep.join([ready(), ptr(100, 0, 0, 0)]),
    'ready-twice': b'\x00' + size + sep.join([ready(), ready()]),
    'short-key': b'\x00' + size + sep.join([ready(), key(0x1e, 1)[:10]]),
    'scancodes': b'\x80' + bytes([0x1e, 0x9e, 0xe0, 0x1d, 0xe0, 0x9d, 0xe1, 0x1d, 0x45, 0xe1,
                                  0x9d, 0xc5, 0xe2, 0x10, 0x00]),
}
for name, data in files.items():
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
