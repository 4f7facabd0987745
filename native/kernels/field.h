/* 31-bit Montgomery field, R = 2^32, elements canonical in [0, p): exactly the arithmetic of
 * src/Prover.Core/Field/MontyField31.cs, so every result is the same word as on the CPU.
 * Needs FIELD_P (p) and FIELD_MU (p^-1 mod 2^32) defined by the host. */
#ifndef PROVER_FIELD_H
#define PROVER_FIELD_H

/* x < p·2^32  ->  x·2^-32 mod p in [0, p). u agrees with x in the low 32 bits, so (x − u)/2^32 is
 * exact and lies in (−p, p); one conditional add makes it canonical. */
DEVICE_FN uint32 f_reduce(uint64 x)
{
    uint32 t = (uint32)x * (uint32)FIELD_MU;
    uint64 u = (uint64)t * (uint64)FIELD_P;
    uint32 hi = (uint32)((x - u) >> 32);
    return x < u ? hi + (uint32)FIELD_P : hi;
}

DEVICE_FN uint32 f_add(uint32 a, uint32 b)
{
    uint32 s = a + b; /* < 2p < 2^32 */
    return s >= (uint32)FIELD_P ? s - (uint32)FIELD_P : s;
}

DEVICE_FN uint32 f_sub(uint32 a, uint32 b)
{
    uint32 d = a - b;
    return a < b ? d + (uint32)FIELD_P : d;
}

DEVICE_FN uint32 f_mul(uint32 a, uint32 b)
{
    return f_reduce((uint64)a * (uint64)b);
}

/* x/2 (linear, so exact in Montgomery form as well). */
DEVICE_FN uint32 f_halve(uint32 v)
{
    return (v & 1u) == 0u ? v >> 1 : (v + (uint32)FIELD_P) >> 1;
}

/* Reverses the low `bits` bits of x (bits in 0..32). */
DEVICE_FN uint32 bit_reverse(uint32 x, uint32 bits)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    x = (x >> 16) | (x << 16);
    return bits == 0u ? 0u : x >> (32u - bits);
}

#endif
