"""Craft hostile snapshots with good checksums and feed them to merge,
audit --snapshot (text, json) and diff.  Prints one line per case:
name, exit codes, whether a partial OUT or stdout appeared, stderr.

usage: python3 mutate.py LLMCOST GOOD.snap WORKDIR [case...]"""
import copy
import os
import subprocess
import sys

import snapkit

L, GOOD, WD = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = sys.argv[4:]
base = snapkit.parse(open(GOOD, "rb").read())
I64 = 2**63 - 1
U64 = 2**64 - 1
I128 = 2**127 - 1


def m(fn):
    s = copy.deepcopy(base)
    r = fn(s)
    return r if isinstance(r, bytes) else snapkit.build(s)


def g0(s):
    return s["groups"][0]


def setg(field, v, i=0):
    def f(s):
        s["groups"][i][field] = v
    return f


def cases():
    c = {}
    c["T7"] = lambda s: (s.__setitem__("T", 7),
                         [g["tokens"].append(0) for g in s["groups"]])
    c["T5"] = lambda s: (s.__setitem__("T", 5),
                         [g["tokens"].pop() for g in s["groups"]])
    c["M2"] = lambda s: (s.__setitem__("M", 2),
                         [g.__setitem__("money", g["money"][:2])
                          for g in s["groups"]])
    c["M0"] = lambda s: (s.__setitem__("M", 0),
                         [g.__setitem__("money", [])
                          for g in s["groups"]])
    c["U0"] = lambda s: (s.__setitem__("U", 0),
                         [g.__setitem__("units", []) for g in s["groups"]])
    c["T0"] = lambda s: (s.__setitem__("T", 0),
                         [g.__setitem__("tokens", []) for g in s["groups"]])
    c["T_huge"] = lambda s: snapkit.frame(
        snapkit.uenc(2**62) + snapkit.unframe(snapkit.build(s))[1:])
    c["key_nul_extra"] = setg("key", b"a\0b\0c\0d\0e\0")
    c["key_nul_short"] = setg("key", b"a\0b\0c\0")
    c["key_no_trailing_nul"] = setg("key", b"a\0b\0c\0d")
    c["key_invalid_utf8"] = setg("key", b"\xff\xfe\0\xc3\0\xed\xa0\x80\0m\0")
    c["key_ansi_newline"] = setg("key", b"\x1b[31mred\n\0u\r\0f\t\0\"m\\\0")
    c["key_long"] = setg("key", b"x" * 1000000 + b"\0u\0f\0m\0")
    for n in ("key_invalid_utf8", "key_long"):
        c[n + "_sorted"] = (lambda f: lambda s: (f(s), snapkit.canon(s)))(
            c[n])
    c["records_2_48"] = lambda s: (g0(s).__setitem__("records", 2**48),
                                   g0(s)["sketches"][0][0].__setitem__(
                                       1, 2**48 - g0(s)["records"] + 1)
                                   if False else None)
    c["records_u64"] = setg("records", U64)
    c["requests_u64"] = setg("requests", U64)
    c["requests_2_64"] = setg("requests", 2**64)
    c["requests_i64max"] = setg("requests", I64)
    c["unpriced_gt_req"] = setg("unpriced", 10**6)
    c["errors_gt_records"] = setg("errors", 10**6)
    c["latmax_gt_sum"] = setg("lat_max", 10**9)
    c["lat_sum_u64"] = lambda s: (g0(s).__setitem__("lat_sum", U64),)
    c["lat_sum_i64max_all"] = lambda s: [g.__setitem__("lat_sum", I64)
                                         for g in s["groups"]]
    c["tokens_u64"] = lambda s: g0(s)["tokens"].__setitem__(0, U64)
    c["tokens_i64max_2groups"] = lambda s: [g["tokens"].__setitem__(0, I64)
                                            for g in s["groups"][:2]]
    c["cached_gt_input"] = lambda s: g0(s)["tokens"].__setitem__(2, 10**9)
    c["money_neg"] = lambda s: g0(s)["money"].__setitem__(0, -10**18)
    c["money_neg_all3"] = lambda s: [g0(s)["money"].__setitem__(i, -10**18)
                                     for i in range(3)]
    c["money_i128max"] = lambda s: [g0(s)["money"].__setitem__(i, I128)
                                    for i in range(3)]
    c["money_i128max_2groups"] = lambda s: [g["money"].__setitem__(i, I128)
                                            for g in s["groups"][:2]
                                            for i in range(3)]
    c["money_2_127"] = lambda s: g0(s)["money"].__setitem__(0, 2**127)
    c["money_2_200"] = lambda s: g0(s)["money"].__setitem__(0, 2**200)
    c["money_components_dont_add"] = lambda s: g0(s)["money"].__setitem__(
        3, 10**18)
    c["sketch_unsorted"] = lambda s: g0(s)["sketches"].__setitem__(
        0, [[300, 0], [200, 1]])
    c["sketch_zero_count"] = lambda s: g0(s)["sketches"][0].append([1000, 0])
    c["sketch_sum_wrong"] = lambda s: g0(s)["sketches"][0][0].__setitem__(
        1, 5)
    c["sketch_bucket_1888"] = lambda s: g0(s)["sketches"][0].__setitem__(
        0, [1888, 1])
    c["sketch_bucket_huge"] = lambda s: g0(s)["sketches"][0].__setitem__(
        0, [2**63, 1])
    c["sketch_empty"] = lambda s: g0(s)["sketches"].__setitem__(0, [])
    c["sketch_count_u64"] = lambda s: (
        g0(s).__setitem__("records", U64),
        g0(s)["sketches"].__setitem__(0, [[5, U64]]),
        g0(s)["sketches"].__setitem__(1, [[5, U64]]))
    c["sketch_sum_wraps"] = lambda s: (
        g0(s)["sketches"].__setitem__(0, [[5, 2**63], [6, 2**63 + 1]]),
        g0(s)["sketches"].__setitem__(1, [[5, 2**63], [6, 2**63 + 1]]))
    c["start_unaligned"] = setg("start", 1762473600001)
    c["start_unknown"] = setg("start", -2**63)
    c["start_i64max"] = setg("start", I64)
    c["start_far_future_day"] = setg("start", (I64 // 86400000) * 86400000)
    c["start_far_past_day"] = setg("start", -(I64 // 86400000) * 86400000)
    c["start_year_10000"] = setg("start", 253402300800000)
    c["start_1900"] = setg("start", -2208988800000)
    c["grouping_oob"] = setg("grouping", 1)
    c["grouping_huge"] = setg("grouping", U64)
    c["flags_unknown"] = setg("flags", 2)
    c["flags_overflow_with_key"] = setg("flags", 1)
    c["dims_unknown_bit"] = lambda s: s["groupings"][0].__setitem__(
        "dims", 1 << 20)
    c["dims_zero"] = lambda s: (s["groupings"][0].__setitem__("dims", 0),
                                [g.__setitem__("key", b"")
                                 for g in s["groups"]])
    c["bucket_99"] = lambda s: s["groupings"][0].__setitem__("bucket", 99)
    c["k_huge"] = lambda s: s["groupings"][0].__setitem__("k", 10**9)
    c["max_u64"] = lambda s: s["groupings"][0].__setitem__("max", U64)
    c["groupings_dup"] = lambda s: (s["groupings"].append(
        dict(s["groupings"][0])), s["heavy"].append(dict(s["heavy"][0])))
    c["groupings_17"] = lambda s: [(s["groupings"].append(
        dict(dims=1 << i, bucket=0, k=0, max=0)),
        s["heavy"].append(dict(seen=0, bound=0, entries=[])))
        for i in range(10)] + [(s["groupings"].append(
            dict(dims=1 << i, bucket=1, k=0, max=0)),
            s["heavy"].append(dict(seen=0, bound=0, entries=[])))
            for i in range(7)]
    c["groupings_none"] = lambda s: (s.__setitem__("groupings", []),
                                     s.__setitem__("groups", []),
                                     s.__setitem__("heavy", []))
    c["groups_none"] = lambda s: s.__setitem__("groups", [])
    c["group_dup"] = lambda s: s["groups"].insert(1, dict(g0(s)))
    c["groups_reversed"] = lambda s: s["groups"].reverse()
    c["group_no_records_sums"] = lambda s: (
        g0(s).__setitem__("records", 0),
        g0(s)["sketches"].__setitem__(0, []),
        g0(s)["sketches"].__setitem__(1, []))
    c["group_empty"] = lambda s: (
        [g0(s).__setitem__(f, 0) for f in snapkit.GFIELDS],
        g0(s).__setitem__("tokens", [0] * 6),
        g0(s).__setitem__("units", [0] * 7),
        g0(s).__setitem__("money", [0] * 17),
        g0(s)["sketches"].__setitem__(0, []),
        g0(s)["sketches"].__setitem__(1, []))
    c["heavy_error_gt_count"] = lambda s: (
        s["groupings"][0].__setitem__("k", 2),
        s["groupings"][0].__setitem__("max", 1),
        s["heavy"].__setitem__(0, dict(seen=10, bound=0, entries=[
            [b"a\0b\0c\0d\0", 5, 6]])))
    c["heavy_too_many"] = lambda s: (
        s["groupings"][0].__setitem__("k", 1),
        s["heavy"].__setitem__(0, dict(seen=10, bound=0, entries=[
            [b"a\0b\0c\0d\0", 5, 0], [b"b\0b\0c\0d\0", 5, 0]])))
    c["heavy_unsorted"] = lambda s: (
        s["groupings"][0].__setitem__("k", 4),
        s["heavy"].__setitem__(0, dict(seen=10, bound=0, entries=[
            [b"b\0b\0c\0d\0", 5, 0], [b"a\0b\0c\0d\0", 5, 0]])))
    c["heavy_neg"] = lambda s: (
        s["groupings"][0].__setitem__("k", 4),
        s["heavy"].__setitem__(0, dict(seen=-10, bound=-20, entries=[
            [b"a\0b\0c\0d\0", -20, 0]])))
    c["heavy_i128"] = lambda s: (
        s["groupings"][0].__setitem__("k", 4),
        s["groupings"][0].__setitem__("max", 1),
        s["heavy"].__setitem__(0, dict(seen=I128, bound=I128, entries=[
            [b"a\0b\0c\0d\0", I128, I128]])))
    c["heavy_bad_key"] = lambda s: (
        s["groupings"][0].__setitem__("k", 4),
        s["heavy"].__setitem__(0, dict(seen=10, bound=0, entries=[
            [b"a\0b\0c\0d", 5, 0]])))
    c["start_far_future_day_sorted"] = (lambda f: lambda s: (f(s), snapkit.canon(s)))(c["start_far_future_day"])
    c["start_year_10000_sorted"] = (lambda f: lambda s: (f(s), snapkit.canon(s)))(c["start_year_10000"])
    c["dims_zero_sorted"] = (lambda f: lambda s: (f(s), snapkit.canon(s)))(c["dims_zero"])
    c["flags_bit"] = lambda s: snapkit.build(s, flags=1)
    c["version0"] = lambda s: snapkit.build(s, version=0)
    c["version2"] = lambda s: snapkit.build(s, version=2)
    c["version_max"] = lambda s: snapkit.build(s, version=2**32 - 1)
    c["trailing_bytes_in_payload"] = lambda s: snapkit.frame(
        snapkit.unframe(snapkit.build(s)) + b"\0")
    c["nonshortest_varint"] = lambda s: snapkit.frame(
        b"\x86\x00" + snapkit.unframe(snapkit.build(s))[1:])
    c["varint_11_bytes"] = lambda s: snapkit.frame(
        b"\xff" * 10 + b"\x01" + snapkit.unframe(snapkit.build(s))[1:])
    c["N_lies_plus1"] = lambda s: None
    c["plen_wrap"] = lambda s: None
    c["plen_huge"] = lambda s: None
    c["file_trailing"] = lambda s: snapkit.build(s) + b"\0"
    c["empty_payload"] = lambda s: snapkit.frame(b"")
    return c


def special(name, data):
    import struct
    if name == "N_lies_plus1":
        p = bytearray(snapkit.unframe(data))
        # the group count follows the grouping record
        r = snapkit.R(bytes(p))
        for _ in range(3):
            r.u()
        for _ in range(r.u()):
            for _ in range(4):
                r.u()
        at = r.i
        n = r.u()
        p[at:r.i] = snapkit.uenc(n + 1)
        return snapkit.frame(bytes(p))
    if name in ("plen_wrap", "plen_huge"):
        b = bytearray(data)
        plen = (2**64 - 24) if name == "plen_wrap" else 2**63
        b[16:24] = struct.pack("<Q", plen)
        body = bytes(b[:-8])
        return body + struct.pack("<Q", snapkit.xxh3(body))
    return data


def run(args):
    p = subprocess.run([L] + args, capture_output=True, timeout=60)
    return p


def main():
    os.makedirs(WD, exist_ok=True)
    for name, fn in cases().items():
        if ONLY and name not in ONLY:
            continue
        data = special(name, m(fn))
        path = os.path.join(WD, name + ".snap")
        open(path, "wb").write(data)
        out = os.path.join(WD, name + ".out")
        if os.path.exists(out):
            os.remove(out)
        res = []
        p = run(["merge", GOOD, path, "-o", out])
        res.append(("merge", p.returncode, os.path.exists(out), b"",
                    p.stderr))
        for fmt in ("text", "json"):
            p = run(["audit", "--format", fmt, "--snapshot", path])
            res.append(("audit-" + fmt, p.returncode, False, p.stdout,
                        p.stderr))
        p = run(["diff", "--baseline-snapshot", GOOD, "--current-snapshot",
                 path])
        res.append(("diff", p.returncode, False, p.stdout, p.stderr))
        line = []
        for what, rc, outx, so, se in res:
            flag = ""
            if rc < 0 or rc > 3:
                flag = "!!SIGNAL/ODD"
            if b"ERROR: AddressSanitizer" in se or b"runtime error" in se:
                flag += "!!SAN"
            line.append("%s=%d%s%s%s" % (what, rc, "+OUT" if outx else "",
                                         "+STDOUT" if so and rc else "",
                                         flag))
        errs = set(r[4].decode(errors="replace").strip().splitlines()[0]
                   if r[4].strip() else "" for r in res)
        print("%-28s %s" % (name, " ".join(line)))
        for e in sorted(errs):
            if e:
                print("      | " + e[:220])


main()
