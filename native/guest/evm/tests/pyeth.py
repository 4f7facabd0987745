"""Ethereum helpers for the test generators only (run at test-authoring time, never by the guest):
RLP, the Merkle-Patricia trie root from the yellow paper's definition, SSZ encoding/merkleization
pieces, and secp256k1 public-key recovery. Plain Python, written from the specifications."""
import hashlib

from pykeccak import keccak256

# ---- RLP --------------------------------------------------------------------------------------


def _hdr(base, n):
    if n < 56:
        return bytes([base + n])
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([base + 55 + len(ln)]) + ln


class Raw(bytes):
    """An already-encoded RLP item."""


def rlp(x):
    if isinstance(x, Raw):
        return bytes(x)
    if isinstance(x, int):
        x = x.to_bytes((x.bit_length() + 7) // 8, "big")
    if isinstance(x, bytes):
        if len(x) == 1 and x[0] < 0x80:
            return x
        return _hdr(0x80, len(x)) + x
    payload = b"".join(rlp(e) for e in x)
    return _hdr(0xC0, len(payload)) + payload


def rlp_decode(data):
    """Returns (item, rest); lists are Python lists, strings bytes."""
    b = data[0]
    if b < 0x80:
        return data[:1], data[1:]
    if b < 0xB8:
        n = b - 0x80
        return data[1:1 + n], data[1 + n:]
    if b < 0xC0:
        ll = b - 0xB7
        n = int.from_bytes(data[1:1 + ll], "big")
        return data[1 + ll:1 + ll + n], data[1 + ll + n:]
    if b < 0xF8:
        n, off = b - 0xC0, 1
    else:
        ll = b - 0xF7
        n, off = int.from_bytes(data[1:1 + ll], "big"), 1 + ll
    payload, rest = data[off:off + n], data[off + n:]
    items = []
    while payload:
        it, payload = rlp_decode(payload)
        items.append(it)
    return items, rest


def rlp_item_encodings(data):
    """The raw encodings of the items of the list encoded in data."""
    b = data[0]
    off = 1 if b < 0xF8 else 1 + (b - 0xF7)
    payload = data[off:]
    out = []
    while payload:
        _, rest = rlp_decode(payload)
        out.append(payload[:len(payload) - len(rest)])
        payload = rest
    return out

# ---- trie --------------------------------------------------------------------------------------


def _nibbles(key):
    out = []
    for b in key:
        out += [b >> 4, b & 15]
    return out


def _hp(path, leaf):
    flag = 2 if leaf else 0
    nib = ([flag + 1] + path) if len(path) % 2 else ([flag, 0] + path)
    return bytes(16 * nib[i] + nib[i + 1] for i in range(0, len(nib), 2))


def _structure(items, i, nodes):
    if len(items) == 1:
        k, v = items[0]
        return rlp([_hp(k[i:], True), v])
    j = i
    while all(len(k) > j for k, _ in items) and len({k[j] for k, _ in items}) == 1:
        j += 1
    if j > i:
        return rlp([_hp(items[0][0][i:j], False), Raw(_ref(items, j, nodes))])
    children = []
    for n in range(16):
        sub = [(k, v) for k, v in items if len(k) > i and k[i] == n]
        children.append(Raw(_ref(sub, i + 1, nodes)) if sub else b"")
    value = [v for k, v in items if len(k) == i]
    return rlp(children + [value[0] if value else b""])


def _ref(items, i, nodes):
    enc = _structure(items, i, nodes)
    if len(enc) < 32:
        return enc
    nodes.add(enc)
    return rlp(keccak256(enc))


def trie_root(kv, nodes=None):
    """Root of {key bytes: value bytes}; adds every hashed node to nodes."""
    nodes = set() if nodes is None else nodes
    items = [(_nibbles(k), v) for k, v in sorted(kv.items()) if v]
    if not items:
        return keccak256(rlp(b"")), nodes
    enc = _structure(items, 0, nodes)
    nodes.add(enc)
    return keccak256(enc), nodes

# ---- SSZ ---------------------------------------------------------------------------------------


def sha(a):
    return hashlib.sha256(a).digest()


def merkleize(chunks, limit=None):
    size = 1
    while size < (limit if limit is not None else len(chunks)):
        size *= 2
    zero = [b"\0" * 32]
    for _ in range(64):
        zero.append(sha(zero[-1] + zero[-1]))
    depth = size.bit_length() - 1
    if not chunks:
        return zero[depth]
    layer = list(chunks)
    for d in range(depth):
        if len(layer) % 2:
            layer.append(zero[d])
        layer = [sha(layer[i] + layer[i + 1]) for i in range(0, len(layer), 2)]
    return layer[0]


def pack(data):
    data = data + b"\0" * (-len(data) % 32)
    return [data[i:i + 32] for i in range(0, len(data), 32)]


def mix(root, n):
    return sha(root + n.to_bytes(32, "little"))


def u64(v):
    return v.to_bytes(8, "little")


def root_u64(v):
    return v.to_bytes(32, "little")


def root_vec(b):
    return merkleize(pack(b))


def root_bytelist(b, limit):
    return mix(merkleize(pack(b), (limit + 31) // 32), len(b))


def container(fields):
    """fields: list of (fixed_bytes, None) or (None, variable_bytes)."""
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
    offs, pos = b"", 4 * len(items)
    for x in items:
        offs += pos.to_bytes(4, "little")
        pos += len(x)
    return offs + b"".join(items)

# ---- secp256k1 ---------------------------------------------------------------------------------


P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def _add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        lam = 3 * p[0] * p[0] * pow(2 * p[1], -1, P) % P
    else:
        lam = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (lam * lam - p[0] - q[0]) % P
    return x, (lam * (p[0] - x) - p[1]) % P


def _mul(k, p):
    r = None
    while k:
        if k & 1:
            r = _add(r, p)
        p = _add(p, p)
        k >>= 1
    return r


def ecrecover(msg_hash, r, s, y_parity):
    """Uncompressed public key (0x04 || x || y) of a signature, or None."""
    if not (0 < r < N and 0 < s < N):
        return None
    y2 = (pow(r, 3, P) + 7) % P
    y = pow(y2, (P + 1) // 4, P)
    if y * y % P != y2:
        return None
    if y % 2 != y_parity:
        y = P - y
    z = int.from_bytes(msg_hash, "big")
    rinv = pow(r, -1, N)
    q = _add(_mul(s * rinv % N, (r, y)), _mul((-z * rinv) % N, G))
    if q is None:
        return None
    return b"\x04" + q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")


def tx_sender_key(tx_enc, chain_id):
    """Public key of a transaction as it appears in a payload (typed: type byte + RLP)."""
    if tx_enc[0] >= 0xC0:
        f, _ = rlp_decode(tx_enc)
        v = int.from_bytes(f[6], "big")
        r, s = int.from_bytes(f[7], "big"), int.from_bytes(f[8], "big")
        if v in (27, 28):
            msg = keccak256(rlp(f[:6]))
            parity = v - 27
        else:
            cid = (v - 35) // 2
            msg = keccak256(rlp(f[:6] + [cid, b"", b""]))
            parity = (v - 35) % 2
        return ecrecover(msg, r, s, parity)
    f, _ = rlp_decode(tx_enc[1:])
    parity = int.from_bytes(f[-3], "big")
    r, s = int.from_bytes(f[-2], "big"), int.from_bytes(f[-1], "big")
    msg = keccak256(tx_enc[:1] + rlp(f[:-3]))
    return ecrecover(msg, r, s, parity)
