#!/usr/bin/env python3
"""Derives the pairing constants used by bn254.c and bls12_381.c from the curve parameters alone
(printed as C string literals): twist coefficients, Frobenius coefficients on the twist and the
final exponent (p^12 − 1) / r. Plain Python integers; nothing here is an expected test output."""

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
    assert (p ** 12 - 1) % r == 0
    print('%s_FINAL_EXP = "%x"  /* %d bits */' % (name, (p ** 12 - 1) // r, ((p ** 12 - 1) // r).bit_length()))

p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
show("BN", "bn254", p, r, 4965661367192848881, (9, 1), 3)
p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
show("BLS", "bls12-381", p, r, -0xd201000000010000, (1, 1), 4)
