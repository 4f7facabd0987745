/* The pairing-friendly extension tower shared by bn254 and BLS12-381:
 *   Fp2 = Fp[u] / (u^2 + 1),  Fp6 = Fp2[v] / (v^3 − ξ),  Fp12 = Fp6[w] / (w^2 − v),
 * with ξ = 9 + u (bn254) or 1 + u (BLS12-381); both base primes are 3 mod 4, so −1 is a non-residue.
 * Fp2 operations take the base-field context (so the curve template can use them); Fp6 and Fp12
 * operations take a tower context carrying ξ. Multiplications are Karatsuba at each level. */
#ifndef ACCEL_TOWER_H
#define ACCEL_TOWER_H

#include "fp.h"

typedef struct fe2 {
    fe c0, c1;
} fe2;
typedef struct fe6 {
    fe2 c0, c1, c2;
} fe6;
typedef struct fe12 {
    fe6 c0, c1;
} fe12;

typedef struct tower {
    const fp_ctx *f;
    uint64_t xi_a; /* ξ = xi_a + u */
} tower;

void fp2_add(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b);
void fp2_sub(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b);
void fp2_dbl(const fp_ctx *f, fe2 *r, const fe2 *a);
void fp2_neg(const fp_ctx *f, fe2 *r, const fe2 *a);
void fp2_conj(const fp_ctx *f, fe2 *r, const fe2 *a);
void fp2_mul(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b);
void fp2_sqr(const fp_ctx *f, fe2 *r, const fe2 *a);
void fp2_mul_fp(const fp_ctx *f, fe2 *r, const fe2 *a, const fe *b);
void fp2_inv(const fp_ctx *f, fe2 *r, const fe2 *a);
bool fp2_is_zero(const fp_ctx *f, const fe2 *a);
bool fp2_eq(const fp_ctx *f, const fe2 *a, const fe2 *b);
void fp2_set_zero(fe2 *r);
void fp2_set_one(const fp_ctx *f, fe2 *r);
void fp2_pow(const fp_ctx *f, fe2 *r, const fe2 *a, const uint64_t *e, size_t elimbs);
/* Square root in Fp2 for p = 3 mod 4 (the "complex method"); false when a is not a square. */
bool fp2_sqrt(const fp_ctx *f, fe2 *r, const fe2 *a);
void fp2_mul_xi(const tower *t, fe2 *r, const fe2 *a);

void fp6_add(const tower *t, fe6 *r, const fe6 *a, const fe6 *b);
void fp6_sub(const tower *t, fe6 *r, const fe6 *a, const fe6 *b);
void fp6_neg(const tower *t, fe6 *r, const fe6 *a);
void fp6_mul(const tower *t, fe6 *r, const fe6 *a, const fe6 *b);
void fp6_mul_v(const tower *t, fe6 *r, const fe6 *a);
void fp6_inv(const tower *t, fe6 *r, const fe6 *a);

void fp12_set_one(const tower *t, fe12 *r);
bool fp12_is_one(const tower *t, const fe12 *a);
bool fp12_eq(const tower *t, const fe12 *a, const fe12 *b);
void fp12_mul(const tower *t, fe12 *r, const fe12 *a, const fe12 *b);
void fp12_sqr(const tower *t, fe12 *r, const fe12 *a);
void fp12_inv(const tower *t, fe12 *r, const fe12 *a);
void fp12_conj(const tower *t, fe12 *r, const fe12 *a);
void fp12_pow(const tower *t, fe12 *r, const fe12 *a, const uint64_t *e, size_t elimbs);

#endif
