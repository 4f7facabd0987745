#!/usr/bin/env python3
"""Writes bls12_vectors.inc: EIP-2537 precompile inputs and expected outputs on BLS12-381, computed
with plain affine formulas over Python integers (no pairing: the PAIRING_CHECK cases are inputs whose
outcome follows from bilinearity, e(aP, bQ) · e(−abP, Q) = 1, and non-degeneracy, e(P, Q) ≠ 1).
The curve constants are the public BLS12-381 parameters; the generators are checked on the curve and
of order r here. Encodings (EIP-2537): Fp = 16 zero bytes || 48-byte big-endian value, G1 = x || y,
G2 = x.c0 || x.c1 || y.c0 || y.c1, the point at infinity = all zeros; MSM pairs = point || 32-byte
scalar; pairing pairs = G1 || G2. Failure cases (want NULL) are those EIP-2537 names as errors:
a coordinate >= p or with non-zero padding, a point not on the curve, a point outside the order-r
subgroup for MSM and pairing (ADD does no subgroup check: its non-subgroup sums are valid cases)."""
import random

p = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB
r = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
rng = random.Random(2537)

# Fp2 = Fp[u]/(u^2 + 1) as (c0, c1)
def m2(a, b): return ((a[0]*b[0] - a[1]*b[1]) % p, (a[0]*b[1] + a[1]*b[0]) % p)
def a2(a, b): return ((a[0]+b[0]) % p, (a[1]+b[1]) % p)
def s2(a, b): return ((a[0]-b[0]) % p, (a[1]-b[1]) % p)
def i2(a):
    n = pow(a[0]*a[0] + a[1]*a[1], -1, p)
    return (a[0]*n % p, -a[1]*n % p)

class F1:
    zero = 0
    add = staticmethod(lambda a, b: (a + b) % p)
    sub = staticmethod(lambda a, b: (a - b) % p)
    mul = staticmethod(lambda a, b: a * b % p)
    inv = staticmethod(lambda a: pow(a, -1, p))
    small = staticmethod(lambda k: k % p)
    b = 4
class F2:
    zero = (0, 0)
    add, sub, mul, inv = staticmethod(a2), staticmethod(s2), staticmethod(m2), staticmethod(i2)
    small = staticmethod(lambda k: (k % p, 0))
    b = (4, 4)  # 4(1 + u)

def on_curve(F, P):
    return P is None or F.mul(P[1], P[1]) == F.add(F.mul(F.mul(P[0], P[0]), P[0]), F.b)

def ec_add(F, P, Q):
    if P is None: return Q
    if Q is None: return P
    if P[0] == Q[0]:
        if F.add(P[1], Q[1]) == F.zero: return None
        l = F.mul(F.mul(F.small(3), F.mul(P[0], P[0])), F.inv(F.mul(F.small(2), P[1])))
    else:
        l = F.mul(F.sub(Q[1], P[1]), F.inv(F.sub(Q[0], P[0])))
    x = F.sub(F.sub(F.mul(l, l), P[0]), Q[0])
    return (x, F.sub(F.mul(l, F.sub(P[0], x)), P[1]))

def ec_mul(F, k, P):
    R = None
    while k:
        if k & 1: R = ec_add(F, R, P)
        P = ec_add(F, P, P); k >>= 1
    return R

def ec_neg(F, P): return None if P is None else (P[0], F.sub(F.zero, P[1]))

G1 = (0x17F1D3A73197D7942695638C4FA9AC0FC3688C4F9774B905A14E3A3F171BAC586C55E83FF97A1AEFFB3AF00ADB22C6BB,
      0x08B3F481E3AAA0F1A09E30ED741D8AE4FCF5E095D5D00AF600DB18CB2C04B3EDD03CC744A2888AE40CAA232946C5E7E1)
G2 = ((0x024AA2B2F08F0A91260805272DC51051C6E47AD4FA403B02B4510B647AE3D1770BAC0326A805BBEFD48056C8C121BDB8,
       0x13E02B6052719F607DACD3A088274F65596BD0D09920B61AB5DA61BBDC7F5049334CF11213945D57E5AC7D055D042B7E),
      (0x0CE5D527727D6E118CC9CDC6DA2E351AADFD9BAA8CBDD3A76D429A695160D12C923AC9CC3BACA289E193548608B82801,
       0x0606C4A02EA734CC32ACD2B02BC28B99CB3E287E85A763AF267492AB572E99AB3F370D275CEC1DA1AAA9075FF05F79BE))
assert on_curve(F1, G1) and on_curve(F2, G2)
assert ec_mul(F1, r, G1) is None and ec_mul(F2, r, G2) is None

def fp(v): return "00" * 16 + "%096x" % v
def g1(P): return "00" * 128 if P is None else fp(P[0]) + fp(P[1])
def g2(Q): return "00" * 256 if Q is None else fp(Q[0][0]) + fp(Q[0][1]) + fp(Q[1][0]) + fp(Q[1][1])
def sc(k): return "%064x" % k

# points outside the order-r subgroup. G1: (0, 2) has order 3 (y^2 = 0 + 4).
N1 = (0, 2)
assert on_curve(F1, N1) and ec_mul(F1, 3, N1) is None and ec_mul(F1, r, N1) is not None
def sqrt2(a):  # square root in Fp2 (p = 3 mod 4) via the norm; None when a is not a square
    n = (a[0]*a[0] + a[1]*a[1]) % p
    s = pow(n, (p + 1) // 4, p)
    if s * s % p != n: return None
    for t in ((a[0] + s) * pow(2, -1, p) % p, (a[0] - s) * pow(2, -1, p) % p):
        x0 = pow(t, (p + 1) // 4, p)
        if x0 * x0 % p == t and x0 != 0:
            c = (x0, a[1] * pow(2 * x0, -1, p) % p)
            if m2(c, c) == a: return c
    return None
k = 1
while True:
    x = (k, 1)
    y = sqrt2(a2(m2(m2(x, x), x), F2.b))
    if y is not None: break
    k += 1
N2 = (x, y)
assert on_curve(F2, N2) and ec_mul(F2, r, N2) is not None
# a G1 point of the curve with x = k, the first k > 0 on the curve; almost surely outside the subgroup
k = 1
while pow((k**3 + 4) % p, (p - 1) // 2, p) != 1: k += 1
N1b = (k, pow((k**3 + 4) % p, (p + 1) // 4, p))
assert on_curve(F1, N1b) and ec_mul(F1, r, N1b) is not None
# points off the curve: y + 1
def off1(P): return (P[0], (P[1] + 1) % p)
def off2(Q): return (Q[0], a2(Q[1], (1, 0)))

rows = []
def add(op, name, inp, want):
    rows.append('    {%s, "%s", "%s", %s},' % (op, name, inp, "NULL" if want is None else '"%s"' % want))

def rnd1(): return ec_mul(F1, rng.randrange(1, r), G1)
def rnd2(): return ec_mul(F2, rng.randrange(1, r), G2)

# ---- G1ADD / G2ADD
for F, op, gen, rnd, enc, N, off in [(F1, "OP_G1ADD", G1, rnd1, g1, N1b, off1), (F2, "OP_G2ADD", G2, rnd2, g2, N2, off2)]:
    t = op[3:].lower()
    for i in range(5):
        P, Q = rnd(), rnd()
        add(op, "%s-random-%d" % (t, i), enc(P) + enc(Q), enc(ec_add(F, P, Q)))
    P = rnd()
    for nm, A, B in [("double", P, P), ("p-plus-neg-p", P, ec_neg(F, P)), ("inf-plus-p", None, P),
                     ("p-plus-inf", P, None), ("inf-plus-inf", None, None), ("gen-double", gen, gen),
                     ("non-subgroup", N, P), ("non-subgroup-double", N, N)]:
        add(op, "%s-%s" % (t, nm), enc(A) + enc(B), enc(ec_add(F, A, B)))
    if F is F1:
        add(op, "g1add-order-3", g1(N1) + g1(N1), g1(ec_add(F1, N1, N1)))
    size = len(enc(P)) // 2
    good = enc(P) + enc(gen)
    add(op, "%s-off-curve" % t, enc(off(P)) + enc(gen), None)
    add(op, "%s-off-curve-second" % t, enc(P) + enc(off(gen)), None)
    bad = bytearray.fromhex(good); bad[0] = 1  # non-zero padding of x (c0)
    add(op, "%s-padding" % t, bad.hex(), None)
    bad = bytearray.fromhex(good); bad[size + 64 * (2 if F is F2 else 1) - 64 + 15] = 1  # padding of y (c0)
    add(op, "%s-padding-y" % t, bad.hex(), None)
    # x + p: the same residue, out of range
    xp = bytearray.fromhex(good); xp[16:64] = ((P[0] if F is F1 else P[0][0]) + p).to_bytes(48, "big")
    add(op, "%s-x-plus-p" % t, xp.hex(), None)
    allp = bytearray.fromhex(good); allp[16:64] = p.to_bytes(48, "big")
    add(op, "%s-x-equals-p" % t, allp.hex(), None)
    if F is F2:  # x.c1 >= p
        c1 = bytearray.fromhex(good); c1[80:128] = p.to_bytes(48, "big")
        add(op, "g2add-x-c1-equals-p", c1.hex(), None)
    add(op, "%s-zero-x-only" % t, (("00" * 64) + enc(P)[128:] if F is F1 else "00" * 128 + enc(P)[256:]) + enc(gen), None)

# ---- G1MSM / G2MSM
for F, op, gen, rnd, enc, N, off in [(F1, "OP_G1MSM", G1, rnd1, g1, N1b, off1), (F2, "OP_G2MSM", G2, rnd2, g2, N2, off2)]:
    t = op[3:].lower()
    add(op, "%s-generator-times-2" % t, enc(gen) + sc(2), enc(ec_add(F, gen, gen)))  # first: the bench's input
    for i, k in enumerate([0, 1, 2, r - 1, r, r + 1, 2**256 - 1, rng.randrange(2**256), rng.randrange(r)]):
        P = rnd()
        add(op, "%s-single-%d" % (t, i), enc(P) + sc(k), enc(ec_mul(F, k, P)))
    add(op, "%s-generator" % t, enc(gen) + sc(12345), enc(ec_mul(F, 12345, gen)))
    add(op, "%s-infinity" % t, enc(None) + sc(777), enc(None))
    for n in (2, 3, 8) if F is F1 else (2, 4):
        pts = [rnd() for _ in range(n)]
        ks = [rng.randrange(2**256) for _ in range(n)]
        if n == 3: ks[1] = 0; pts[2] = None
        acc = None
        for P, k in zip(pts, ks): acc = ec_add(F, acc, ec_mul(F, k, P))
        add(op, "%s-sum-%d" % (t, n), "".join(enc(P) + sc(k) for P, k in zip(pts, ks)), enc(acc))
    P = rnd(); k = rng.randrange(1, r)
    add(op, "%s-cancel" % t, enc(P) + sc(k) + enc(ec_neg(F, P)) + sc(k), enc(None))
    add(op, "%s-non-subgroup" % t, enc(N) + sc(5), None)
    add(op, "%s-non-subgroup-zero-scalar" % t, enc(N) + sc(0), None)
    add(op, "%s-non-subgroup-second" % t, enc(gen) + sc(3) + enc(N) + sc(5), None)
    add(op, "%s-off-curve" % t, enc(off(P)) + sc(5), None)
    bad = bytearray.fromhex(enc(P) + sc(5)); bad[3] = 1
    add(op, "%s-padding" % t, bad.hex(), None)
    if F is F1:
        add(op, "g1msm-order-3", g1(N1) + sc(3), None)

# ---- PAIRING_CHECK: want 32 bytes 0...01 (true) or 0...00 (false)
T, Fz = "00" * 31 + "01", "00" * 32
def pair(P, Q): return g1(P) + g2(Q)
for i in range(3):
    a, b = rng.randrange(1, r), rng.randrange(1, r)
    ok = i != 1
    c = a * b % r if ok else (a * b + 1) % r
    inp = pair(ec_mul(F1, a, G1), ec_mul(F2, b, G2)) + pair(ec_neg(F1, ec_mul(F1, c, G1)), G2)
    add("OP_PAIRING", "pairing-bilinear-%d" % i if ok else "pairing-perturbed", inp, T if ok else Fz)
a, b = rng.randrange(1, r), rng.randrange(1, r)
add("OP_PAIRING", "pairing-three", pair(ec_mul(F1, a, G1), G2) + pair(G1, ec_mul(F2, b, G2))
    + pair(ec_neg(F1, ec_mul(F1, (a + b) % r, G1)), G2), T)
add("OP_PAIRING", "pairing-three-perturbed", pair(ec_mul(F1, a, G1), G2) + pair(G1, ec_mul(F2, b, G2))
    + pair(ec_neg(F1, ec_mul(F1, (a + b + 1) % r, G1)), G2), Fz)
add("OP_PAIRING", "pairing-e(G1,G2)", pair(G1, G2), Fz)  # non-degenerate
add("OP_PAIRING", "pairing-e(P,Q)e(-P,Q)", pair(G1, G2) + pair(ec_neg(F1, G1), G2), T)
add("OP_PAIRING", "pairing-e(P,Q)e(P,-Q)", pair(G1, G2) + pair(G1, ec_neg(F2, G2)), T)
add("OP_PAIRING", "pairing-infinities", pair(None, G2) + pair(G1, None), T)
add("OP_PAIRING", "pairing-infinity-and-generator", pair(None, G2) + pair(G1, G2), Fz)
add("OP_PAIRING", "pairing-infinity-only", pair(None, None), T)
add("OP_PAIRING", "pairing-g1-non-subgroup", pair(N1b, G2), None)
add("OP_PAIRING", "pairing-g1-order-3", pair(N1, G2), None)
add("OP_PAIRING", "pairing-g2-non-subgroup", pair(G1, N2), None)
add("OP_PAIRING", "pairing-g2-non-subgroup-with-g1-infinity", pair(None, N2), None)
add("OP_PAIRING", "pairing-g1-non-subgroup-with-g2-infinity", pair(N1b, None), None)
add("OP_PAIRING", "pairing-g1-off-curve", pair(off1(G1), G2), None)
add("OP_PAIRING", "pairing-g2-off-curve", pair(G1, off2(G2)), None)
bad = bytearray.fromhex(pair(G1, G2) + pair(ec_neg(F1, G1), G2)); bad[384 + 128 + 16:384 + 128 + 64] = p.to_bytes(48, "big")
add("OP_PAIRING", "pairing-second-g2-x-equals-p", bad.hex(), None)

# ---- MAP_FP_TO_G1 / MAP_FP2_TO_G2 errors (an element >= p, non-zero padding); outputs are tested
# by properties in test_bls12.c
add("OP_MAPG1", "map-g1-p", fp(p), None)
add("OP_MAPG1", "map-g1-max", "00" * 16 + "ff" * 48, None)
add("OP_MAPG1", "map-g1-padding", "01" + fp(5)[2:], None)
add("OP_MAPG2", "map-g2-c0-p", fp(p) + fp(1), None)
add("OP_MAPG2", "map-g2-c1-p", fp(1) + fp(p), None)
add("OP_MAPG2", "map-g2-padding", fp(1) + "00" * 15 + "01" + fp(1)[32:], None)

with open("bls12_vectors.inc", "w") as f:
    f.write("/* Generated by gen_bls12_vectors.py (plain Python affine arithmetic, bilinearity); do not edit. */\n")
    f.write("static const struct bls_vec bls12_vectors[] = {\n%s\n};\n" % "\n".join(rows))
    f.write('static const char bls12_p[] = "%096x";\n' % p)
    f.write('static const char bls12_r[] = "%064x";\n' % r)
    f.write('static const char bls12_g1_non_subgroup[] = "%s";\n' % g1(N1b))
    f.write('static const char bls12_g2_non_subgroup[] = "%s";\n' % g2(N2))
print(len(rows), "BLS12-381 vectors")
