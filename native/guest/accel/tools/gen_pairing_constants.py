#!/usr/bin/env python3
"""Derives the pairing constants used by bn254.c and bls12_381.c from the curve parameters alone
(printed as C string literals): twist coefficients, Frobenius coefficients on the twist and the
hard part (p^4 − p^2 + 1) / r of the final exponent and the p^2-Frobenius coefficient on w. Plain Python integers; nothing here is an expected test output."""

def f2mul(a, b, p):
    return ((a[0] * b[0] - a[1] * b[1]) % p, (a[0] * b[1] + a[1] * b[0]) % p)

def f2pow(a, e, p):
    r = (1, 0)
    while e:
        if e & 1: r = f2mul(r, a, p)
        a = f2mul(a, a, p); e >>= 1
    return r

def f2inv(a, p):
    n = pow(a[0] * a[0] + a[1] * a[1], -1, p)
    return (a[0] * n % p, -a[1] * n % p)

def show(name, curve, p, r, x, xi, b):
    print("/* %s */" % curve)
    if curve == "bn254":
        bt = f2mul((b, 0), f2inv(xi, p), p)      # D-type twist: b / xi
    else:
        bt = f2mul((b, 0), xi, p)                # M-type twist: b * xi
    print('%s_TWIST_B = "%x", "%x"' % (name, bt[0], bt[1]))
    gx = f2pow(xi, (p - 1) // 3, p)
    gy = f2pow(xi, (p - 1) // 2, p)
    print('%s_FROB_X = "%x", "%x"' % (name, gx[0], gx[1]))
    print('%s_FROB_Y = "%x", "%x"' % (name, gy[0], gy[1]))
    assert (p ** 12 - 1) % r == 0 and (p ** 4 - p ** 2 + 1) % r == 0
    g1 = f2pow(xi, (p - 1) // 6, p)             # w^p = w * xi^((p - 1)/6)
    print('%s_FROB1_W = "%x", "%x"' % (name, g1[0], g1[1]))
    g2 = f2pow(xi, (p * p - 1) // 6, p)         # w^(p^2) = w * xi^((p^2 - 1)/6)
    print('%s_FROB2_W = "%x", "%x"' % (name, g2[0], g2[1]))
    h = (p ** 4 - p ** 2 + 1) // r
    print('%s_HARD_EXP = "%x"  /* (p^4 - p^2 + 1) / r, %d bits */' % (name, h, h.bit_length()))
    if x > 0:
        # h = l0 + l1 p + l2 p^2 + p^3 (Scott et al. 2009), used by bn254's hard part
        l0 = -36 * x ** 3 - 30 * x ** 2 - 18 * x - 2
        l1 = -36 * x ** 3 - 18 * x ** 2 - 12 * x + 1
        l2 = 6 * x * x + 1
        assert l0 + l1 * p + l2 * p * p + p ** 3 == h
    if x < 0:
        # 3h = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3 (Hayashida, Hayasaka, Teruya 2020), used by bls12_381
        assert (x - 1) ** 2 * (x + p) * (x * x + p * p - 1) + 3 == 3 * h

p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
show("BN", "bn254", p, r, 4965661367192848881, (9, 1), 3)
p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
show("BLS", "bls12-381", p, r, -0xd201000000010000, (1, 1), 4)
