"""Read, edit and re-frame llmcost binary snapshots (docs/snapshot.md).

Used by the reproducers in this directory to craft snapshots whose
checksum is good but whose contents are hostile."""
import ctypes
import ctypes.util
import struct

_xx = ctypes.CDLL(ctypes.util.find_library("xxhash") or "libxxhash.so.0")
_xx.XXH3_64bits.restype = ctypes.c_uint64
_xx.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def xxh3(b):
    return _xx.XXH3_64bits(b, len(b))


def frame(payload, version=1, flags=0, magic=b"LLMCSNAP"):
    head = magic + struct.pack("<IIQ", version, flags, len(payload))
    body = head + payload
    return body + struct.pack("<Q", xxh3(body))


def unframe(data):
    assert data[:8] == b"LLMCSNAP"
    ver, flags, plen = struct.unpack("<IIQ", data[8:24])
    return data[24:24 + plen]


def uenc(v):
    assert v >= 0
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def senc(v):
    return uenc(2 * v if v >= 0 else -2 * v - 1)


class R:
    def __init__(self, b):
        self.b, self.i = b, 0

    def u(self):
        v = s = 0
        while True:
            c = self.b[self.i]
            self.i += 1
            v |= (c & 0x7F) << s
            s += 7
            if not c & 0x80:
                return v

    def s(self):
        z = self.u()
        return z // 2 if z % 2 == 0 else -(z + 1) // 2

    def raw(self, n):
        r = self.b[self.i:self.i + n]
        self.i += n
        return r


GFIELDS = ["records", "requests", "unpriced", "retries", "errors",
           "lat_sum", "lat_max"]


def parse(data):
    """Snapshot bytes -> dict of plain Python values."""
    r = R(unframe(data))
    s = {"T": r.u(), "U": r.u(), "M": r.u(), "groupings": [], "groups": [],
         "heavy": []}
    for _ in range(r.u()):
        s["groupings"].append(dict(dims=r.u(), bucket=r.u(), k=r.u(),
                                   max=r.u()))
    for _ in range(r.u()):
        g = dict(grouping=r.u(), flags=r.u(), start=r.s())
        g["key"] = bytes(r.raw(r.u()))
        for f in GFIELDS:
            g[f] = r.u()
        g["tokens"] = [r.u() for _ in range(s["T"])]
        g["units"] = [r.u() for _ in range(s["U"])]
        g["money"] = [r.s() for _ in range(s["M"])]
        g["sketches"] = []
        for _ in range(2):
            sk, prev = [], -1
            for _ in range(r.u()):
                gap, cnt = r.u(), r.u()
                b = gap if prev < 0 else prev + 1 + gap
                sk.append([b, cnt])
                prev = b
            g["sketches"].append(sk)
        s["groups"].append(g)
    for _ in s["groupings"]:
        h = dict(seen=r.s(), bound=r.s(), entries=[])
        for _ in range(r.u()):
            k = bytes(r.raw(r.u()))
            h["entries"].append([k, r.s(), r.s()])
        s["heavy"].append(h)
    assert r.i == len(r.b), (r.i, len(r.b))
    return s


def canon(s):
    """Put groups back in canonical order after an edit."""
    s["groups"].sort(key=lambda g: (g["grouping"], g["flags"], g["key"],
                                    g["start"]))
    return s


def build(s, version=1, flags=0):
    """dict from parse() (edited) -> snapshot bytes with a good checksum."""
    o = bytearray()
    o += uenc(s["T"]) + uenc(s["U"]) + uenc(s["M"])
    o += uenc(len(s["groupings"]))
    for g in s["groupings"]:
        o += uenc(g["dims"]) + uenc(g["bucket"]) + uenc(g["k"]) + \
            uenc(g["max"])
    o += uenc(len(s["groups"]))
    for g in s["groups"]:
        o += uenc(g["grouping"]) + uenc(g["flags"]) + senc(g["start"])
        o += uenc(len(g["key"])) + g["key"]
        for f in GFIELDS:
            o += uenc(g[f])
        for v in g["tokens"]:
            o += uenc(v)
        for v in g["units"]:
            o += uenc(v)
        for v in g["money"]:
            o += senc(v)
        for sk in g["sketches"]:
            o += uenc(len(sk))
            prev = -1
            for b, c in sk:
                # a bucket below the one before wraps the gap around 64 bits
                o += uenc(b if prev < 0 else (b - prev - 1) % 2**64) + uenc(c)
                prev = b
    for h in s["heavy"]:
        o += senc(h["seen"]) + senc(h["bound"]) + uenc(len(h["entries"]))
        for k, c, e in h["entries"]:
            o += uenc(len(k)) + k + senc(c) + senc(e)
    return frame(bytes(o), version, flags)
