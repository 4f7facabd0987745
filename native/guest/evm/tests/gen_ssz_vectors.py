#!/usr/bin/env python3
"""Generates ssz_vectors.inc: StatelessInput encodings (Cancun and Prague shapes) and the expected
hash_tree_root of their NewPayloadRequest, computed here in Python from the SSZ specification
(consensus-specs ssz/simple-serialize.md): serialization with 4-byte offsets, pack/merkleize with
zero-padding to the limit, mix_in_length. Run at test-authoring time:
    python3 gen_ssz_vectors.py > ssz_vectors.inc
"""
import hashlib
import random

rng = random.Random(7)


def h(a, b):
    return hashlib.sha256(a + b).digest()


def next_pow2(n):
    p = 1
    while p < n:
        p *= 2
    return p


def merkleize(chunks, limit=None):
    count = len(chunks)
    size = next_pow2(limit if limit is not None else count)
    assert count <= size
    leaves = list(chunks) + [b"\0" * 32] * (size - count)
    # Naive full tree (fine for small limits); big limits use zero-subtree shortcut below.
    if size <= 1 << 12:
        while len(leaves) > 1:
            leaves = [h(leaves[i], leaves[i + 1]) for i in range(0, len(leaves), 2)]
        return leaves[0]
    zero = [b"\0" * 32]
    for _ in range(64):
        zero.append(h(zero[-1], zero[-1]))
    depth = size.bit_length() - 1
    layer = list(chunks)
    for d in range(depth):
        if len(layer) % 2:
            layer.append(zero[d])
        layer = [h(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)] or [zero[d + 1]]
    return layer[0] if chunks else zero[depth]


def pack(data):
    data = data + b"\0" * (-len(data) % 32)
    return [data[i:i + 32] for i in range(0, len(data), 32)]


def mix(root, n):
    return h(root, n.to_bytes(32, "little"))


def u64(v):
    return v.to_bytes(8, "little")


def root_u64(v):
    return v.to_bytes(32, "little")


def root_vec(b):
    return merkleize(pack(b))


def root_bytelist(b, limit):
    return mix(merkleize(pack(b), (limit + 31) // 32), len(b))


def container(fields):
    """fields: list of (fixed_bytes or None, var_bytes or None)."""
    fixed_len = sum(len(f) if f is not None else 4 for f, _ in fields)
    head, tail = b"", b""
    for f, v in fields:
        if f is not None:
            head += f
        else:
            head += (fixed_len + len(tail)).to_bytes(4, "little")
            tail += v
    return head + tail


def var_list(items):
    head = b"".join((4 * len(items) + sum(len(x) for x in items[:i])).to_bytes(4, "little") for i in range(len(items)))
    return head + b"".join(items)


def rb(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def make(fork_prague, ntx, nwd, ndep, nwr, ncons, nvh):
    txs = [rb(rng.choice([0, 1, 31, 32, 33, 100, 300])) for _ in range(ntx)]
    wds = [(rng.getrandbits(64), rng.getrandbits(64), rb(20), rng.getrandbits(64)) for _ in range(nwd)]
    extra = rb(rng.choice([0, 5, 32]))
    base_fee = rng.getrandbits(rng.choice([8, 64, 256]))
    ph, fr, sr, rr, bloom, pr, bh = rb(32), rb(20), rb(32), rb(32), rb(256), rb(32), rb(32)
    num, gl, gu, ts, bgu, ebg = (rng.getrandbits(64) for _ in range(6))
    payload = container([
        (ph, None), (fr, None), (sr, None), (rr, None), (bloom, None), (pr, None),
        (u64(num), None), (u64(gl), None), (u64(gu), None), (u64(ts), None),
        (None, extra), (base_fee.to_bytes(32, "little"), None), (bh, None),
        (None, var_list(txs)),
        (None, b"".join(u64(a) + u64(b) + c + u64(d) for a, b, c, d in wds)),
        (u64(bgu), None), (u64(ebg), None)])
    payload_root = merkleize([
        root_vec(ph), root_vec(fr), root_vec(sr), root_vec(rr), root_vec(bloom), root_vec(pr),
        root_u64(num), root_u64(gl), root_u64(gu), root_u64(ts), root_bytelist(extra, 32),
        base_fee.to_bytes(32, "little"), root_vec(bh),
        mix(merkleize([root_bytelist(t, 1 << 30) for t in txs], 1 << 20), len(txs)),
        mix(merkleize([merkleize([root_u64(a), root_u64(b), root_vec(c), root_u64(d)]) for a, b, c, d in wds], 16), len(wds)),
        root_u64(bgu), root_u64(ebg)])
    vh = [rb(32) for _ in range(nvh)]
    pbbr = rb(32)
    fields = [(None, payload), (None, b"".join(vh)), (pbbr, None)]
    roots = [payload_root, mix(merkleize(vh, 4096), len(vh)), pbbr]
    if fork_prague:
        deps = [(rb(48), rb(32), rng.getrandbits(64), rb(96), rng.getrandbits(64)) for _ in range(ndep)]
        wrs = [(rb(20), rb(48), rng.getrandbits(64)) for _ in range(nwr)]
        cons = [(rb(20), rb(48), rb(48)) for _ in range(ncons)]
        req = container([
            (None, b"".join(a + b + u64(c) + d + u64(e) for a, b, c, d, e in deps)),
            (None, b"".join(a + b + u64(c) for a, b, c in wrs)),
            (None, b"".join(a + b + c for a, b, c in cons))])
        req_root = merkleize([
            mix(merkleize([merkleize([root_vec(a), root_vec(b), root_u64(c), root_vec(d), root_u64(e)]) for a, b, c, d, e in deps], 8192), len(deps)),
            mix(merkleize([merkleize([root_vec(a), root_vec(b), root_u64(c)]) for a, b, c in wrs], 16), len(wrs)),
            mix(merkleize([merkleize([root_vec(a), root_vec(b), root_vec(c)]) for a, b, c in cons], 2), len(cons))])
        fields.append((None, req))
        roots.append(req_root)
    npr = container(fields)
    npr_root = merkleize(roots)
    state = [rb(rng.choice([1, 70, 532])) for _ in range(3)]
    codes = [rb(rng.choice([0, 10, 2000])) for _ in range(2)]
    headers = [rb(500) for _ in range(2)]
    witness = container([(None, var_list(state)), (None, var_list(codes)), (None, var_list(headers))])
    chain_id = rng.getrandbits(64)
    pubkeys = b"".join(rb(65) for _ in range(ntx))
    body = container([(None, npr), (None, witness), (u64(chain_id), None), (None, pubkeys)])
    schema = (0x11 if fork_prague else 0x10) << 8 | 1
    meta = dict(ntx=ntx, nwd=nwd, nvh=nvh, nstate=3, ncodes=2, nheaders=2, chain_id=chain_id,
                ndep=ndep if fork_prague else 0, nwr=nwr if fork_prague else 0, ncons=ncons if fork_prague else 0,
                gas_limit=gl, base_fee=base_fee)
    return schema.to_bytes(2, "big") + body, npr_root, meta


cases = [make(False, 0, 0, 0, 0, 0, 0), make(False, 3, 2, 0, 0, 0, 2), make(True, 0, 0, 0, 0, 0, 0),
         make(True, 5, 16, 2, 1, 2, 3), make(True, 1, 1, 1, 0, 0, 1)]
print("/* Generated by gen_ssz_vectors.py (an independent Python SSZ encoder and hash_tree_root). Do not edit. */")
print("static const struct ssz_case {\n    const char *input;\n    const char *root;")
print("    unsigned ntx, nwd, nvh, nstate, ncodes, nheaders, ndep, nwr, ncons;\n    unsigned long long chain_id, gas_limit;\n} ssz_cases[] = {")
for data, root, m in cases:
    print(f'    {{"{data.hex()}",\n     "{root.hex()}", {m["ntx"]}, {m["nwd"]}, {m["nvh"]}, {m["nstate"]}, {m["ncodes"]}, '
          f'{m["nheaders"]}, {m["ndep"]}, {m["nwr"]}, {m["ncons"]}, {m["chain_id"]}ull, {m["gas_limit"]}ull}},')
print("};")
