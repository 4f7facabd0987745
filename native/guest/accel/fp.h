/* Montgomery arithmetic over prime fields of up to 384 bits in 64-bit limbs (4 or 6 limbs), shared by
 * secp256k1, P-256, bn254 and BLS12-381 (base and scalar fields). See docs/design.md.
 *
 * Elements are little-endian limb arrays in Montgomery form (a·R mod p, R = 2^(64n)), always fully
 * reduced to [0, p). The multiplication is CIOS (Koç, Acar, Kaliski 1996) with 64×64→128 products
 * through unsigned __int128, which gcc lowers to MUL + MULHU on RV64IM. */
#ifndef ACCEL_FP_H
#define ACCEL_FP_H

#include "accel_internal.h"

#define FP_MAX_LIMBS 6

typedef struct fe {
    uint64_t l[FP_MAX_LIMBS];
} fe;

typedef struct fp_ctx {
    size_t n;                   /* limbs: 4 or 6 */
    size_t bytes;               /* canonical big-endian encoding length (32 or 48) */
    uint64_t p[FP_MAX_LIMBS];   /* the modulus */
    uint64_t pinv;              /* -p^-1 mod 2^64 */
    fe r2;                      /* R^2 mod p (plain limbs) */
    fe one;                     /* R mod p = Montgomery 1 */
    uint64_t pm2[FP_MAX_LIMBS]; /* p - 2 (Fermat inversion exponent) */
    uint64_t sqrt_exp[FP_MAX_LIMBS]; /* (p + 1) / 4, valid when p = 3 mod 4 */
    fe r3;                      /* R^3 mod p (plain limbs), for the binary inversion */
    uint64_t p2[2 * FP_MAX_LIMBS]; /* p^2, for lazily reduced Fp2 products */
} fp_ctx;

/* The zkVM build (rv64) multiplies through the MODMUL256/384 syscalls (docs/design.md, "Guest accelerator
 * library") with R = 1: the context's one, R^2 and R^3 are all 1, so "Montgomery form" is the plain value
 * and the Montgomery product a·b·R^-1 is one proved call x := a·b mod p. Every other function is shared
 * with the host build, whose CIOS code (R = 2^(64n)) stays the reference. Define ACCEL_NO_MODMUL to build
 * the plain-C path for rv64 too. */
#if defined(__riscv) && !defined(ACCEL_NO_MODMUL)
#define ACCEL_FP_MODMUL 1
#elif defined(ACCEL_EMULATE_MODMUL)
/* Host test of the zkVM path (make host-test-modmul): R = 1 contexts with the syscall emulated in C. */
#define ACCEL_FP_MODMUL 1
#endif

typedef unsigned __int128 u128;

/* Builds a context from the big-endian modulus; p must be odd and > 3. */
void fp_ctx_init(fp_ctx *ctx, const uint8_t *p_be, size_t bytes);

void fp_add(const fp_ctx *c, fe *r, const fe *a, const fe *b);
void fp_sub(const fp_ctx *c, fe *r, const fe *a, const fe *b);
void fp_neg(const fp_ctx *c, fe *r, const fe *a);
void fp_dbl(const fp_ctx *c, fe *r, const fe *a);
void fp_mul(const fp_ctx *c, fe *r, const fe *a, const fe *b);
void fp_sqr(const fp_ctx *c, fe *r, const fe *a);
/* r = a^e for a little-endian exponent of elimbs limbs (fixed square-and-multiply sequence per bit;
 * the exponent is treated as public). */
void fp_pow(const fp_ctx *c, fe *r, const fe *a, const uint64_t *e, size_t elimbs);
/* r = a^-1 (0 maps to 0) by the binary extended Euclidean algorithm: variable-time, for public data
 * only (every input of these precompiles is public; see docs/design.md). */
void fp_inv(const fp_ctx *c, fe *r, const fe *a);
/* r = a^(p−2): the same result in a fixed operation sequence (kept for comparison in the tests). */
void fp_inv_fermat(const fp_ctx *c, fe *r, const fe *a);
/* Square root for p = 3 mod 4; returns false when a is not a square (r is then unspecified). */
bool fp_sqrt(const fp_ctx *c, fe *r, const fe *a);

/* A fixed exponent's schedule (fp_pow.c): built once per exponent (n − 2, (p + 1)/4, ...), then run without per-bit
 * work. Eight slots hold powers of a. Step i squares the accumulator sq[i] times, multiplies it by slot idx[i]
 * unless idx[i] is FP_POW_NONE, then stores it into slot save[i] unless that is FP_POW_NONE; step 0 starts from
 * slot idx[0] (sq[0] = 0). A sliding-window plan (odd_table) preloads the slots with a, a^3, ..., a^15 (width-4
 * windows); an addition-chain plan starts with a in slot 0 and fills the others by its saves. */
#define FP_POW_PLAN_MAX (64 * FP_MAX_LIMBS + 2)
#define FP_POW_NONE 0xff
#define FP_POW_NO_MUL FP_POW_NONE
typedef struct fp_pow_plan {
    size_t steps;
    bool odd_table;
    uint16_t sq[FP_POW_PLAN_MAX];
    uint8_t idx[FP_POW_PLAN_MAX];
    uint8_t save[FP_POW_PLAN_MAX];
} fp_pow_plan;
/* The sliding-window plan of e: little-endian, elimbs ≤ FP_MAX_LIMBS limbs (treated as public). */
void fp_pow_plan_init(fp_pow_plan *pl, const uint64_t *e, size_t elimbs);
/* The addition chain for (p + 1)/4 with p = 2^256 − 2^32 − 977 (secp256k1's base field; 253 squarings and 13
 * products: the x^(2^k − 1) chain for the blocks of 1 bits of lengths 2, 22 and 223, as in libsecp256k1). */
void fp_pow_plan_init_k1_sqrt(fp_pow_plan *pl);
/* r = a^e for the plan's e (the same value as fp_pow; 0^0 = 1). In the zkVM build a 4-limb context runs every product
 * as one MODMUL256 call on fixed buffers (about 12 cycles per product instead of fp_mul's ~100). */
void fp_pow_plan_run(const fp_ctx *c, fe *r, const fe *a, const fp_pow_plan *pl);
#ifdef ACCEL_FP_MODMUL
/* x := x·y mod m (ym = y ‖ m, 4 limbs each; y < m): the MODMUL256 syscall, or its emulation in the host test build. */
#if defined(__riscv)
#define fp_modmul4(x, ym) zkvm_modmul256((x), (ym))
#else
void fp_emulated_modmul256(uint64_t x[4], const uint64_t ym[8]);
#define fp_modmul4(x, ym) fp_emulated_modmul256((x), (ym))
#endif
#endif
bool fp_is_zero(const fp_ctx *c, const fe *a);
bool fp_eq(const fp_ctx *c, const fe *a, const fe *b);
void fp_set_zero(fe *r);
void fp_set_one(const fp_ctx *c, fe *r);
/* Small constant in Montgomery form. */
void fp_set_u64(const fp_ctx *c, fe *r, uint64_t v);
/* Reads ctx->bytes big-endian bytes; false (and r unchanged) when the value is not below p. */
bool fp_from_bytes(const fp_ctx *c, fe *r, const uint8_t *be);
/* Reads 32 big-endian bytes and reduces modulo p (for hashes and scalars; needs 2^256 < 2p·R). */
void fp_from_bytes_reduce(const fp_ctx *c, fe *r, const uint8_t *be, size_t len);
/* n plain limbs (any value below R) into Montgomery form, reduced modulo p. */
void fp_from_bytes_reduce_limbs(const fp_ctx *c, fe *r, const uint64_t *limbs);
void fp_to_bytes(const fp_ctx *c, uint8_t *be, const fe *a);
/* Converts out of Montgomery form into plain little-endian limbs. */
void fp_to_limbs(const fp_ctx *c, uint64_t *out, const fe *a);
/* Parity of the canonical value (for point compression and recovery ids). */
bool fp_is_odd(const fp_ctx *c, const fe *a);
/* Lexicographically "larger" as in the BLS12-381 compressed encoding: a > (p-1)/2. */
bool fp_is_lex_largest(const fp_ctx *c, const fe *a);

/* Fp2 product (a0 + a1 u)(b0 + b1 u), u^2 = −1, with two Montgomery reductions instead of three:
 * the three Karatsuba products are kept double-width (a0b0 − a1b1 + p^2 and a0b1 + a1b0 are both
 * below 2p^2 < pR since p < R/2), then reduced. Used by tower.c. */
void fp_mul2_lazy(const fp_ctx *c, fe *r0, fe *r1, const fe *a0, const fe *a1, const fe *b0, const fe *b1);

/* Unreduced helpers for operands of fp_mul. fp_mul needs only a·b < p·2^(64n) (the CIOS bound on the host, the
 * modmul syscall's bound in the zkVM build), not a, b < p, so a sum that feeds only a product can skip its
 * reduction. The caller states the bound at each use (both operands below 2p is always within it: 4p < 2^(64n)
 * for bn254 and BLS12-381). r may alias a or b. */
static inline __attribute__((always_inline)) uint64_t fp_raw_add_n(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                                 size_t n)
{
    uint64_t carry = 0;
#pragma GCC unroll 6
    for (size_t i = 0; i < n; i++) {
        uint64_t t = a[i] + carry;
        carry = t < carry;
        uint64_t s = t + b[i];
        carry += s < t;
        r[i] = s;
    }
    return carry;
}
/* r = a − b on n limbs; returns the borrow out. r may alias a or b. */
static inline __attribute__((always_inline)) uint64_t fp_raw_sub_n(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                                 size_t n)
{
    uint64_t borrow = 0;
#pragma GCC unroll 6
    for (size_t i = 0; i < n; i++) {
        uint64_t t = a[i] - b[i];
        uint64_t bo = a[i] < b[i];
        r[i] = t - borrow;
        borrow = bo | (t < borrow);
    }
    return borrow;
}
/* r = a + b (no reduction; a + b < 2^(64n)); inline, it runs once per product operand */
static inline void fp_add_nr(const fp_ctx *c, fe *r, const fe *a, const fe *b)
{
    if (c->n == 6)
        fp_raw_add_n(r->l, a->l, b->l, 6);
    else
        fp_raw_add_n(r->l, a->l, b->l, 4);
}
/* r = a − b + p for b ≤ p (in [0, a + p)) */
static inline void fp_sub_nr(const fp_ctx *c, fe *r, const fe *a, const fe *b)
{
    /* a + (p − b): p − b does not borrow (b ≤ p) and the sum stays below 2^(64n) for a < 2^(64n) − p */
    uint64_t t[FP_MAX_LIMBS];
    size_t n = c->n;
    fp_raw_sub_n(t, c->p, b->l, n);
    if (n == 6)
        fp_raw_add_n(r->l, a->l, t, 6);
    else
        fp_raw_add_n(r->l, a->l, t, 4);
}

#ifdef ACCEL_FP_MODMUL
/* The zkVM build's addition and subtraction: the same results as add_core / sub_core, with the conditional
 * correction taken by a branch instead of a mask (about 40% fewer instructions on RV64IM). The branch depends
 * on the values, which is acceptable here because every input of these precompiles and of transaction sender
 * recovery is public (docs/design.md, "Guest accelerator library"). The host build keeps the masked code as
 * the reference; host-test-modmul runs these. r may alias a or b (limb i is read before it is written). */
static inline __attribute__((always_inline)) void fp_add_pub_n(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                             const uint64_t *p, size_t n)
{
    if (!fp_raw_add_n(r, a, b, n)) {
        /* r >= p? decided at the first limb from the top that differs (almost always the top one) */
        for (size_t i = n; i-- > 0;) {
            if (r[i] != p[i]) {
                if (r[i] < p[i])
                    return;
                break;
            }
        }
    }
    fp_raw_sub_n(r, r, p, n);
}

static inline __attribute__((always_inline)) void fp_sub_pub_n(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                             const uint64_t *p, size_t n)
{
    if (fp_raw_sub_n(r, a, b, n))
        fp_raw_add_n(r, r, p, n);
}
#endif

/* r = a mod p for a value a < 2^(64n) that is a small multiple of p at most (repeated subtraction; public data). */
void fp_reduce_small(const fp_ctx *c, fe *r, const fe *a);

/* Multi-precision helpers on little-endian limb arrays. */
uint64_t mp_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);
uint64_t mp_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);
/* -1, 0, 1 */
int mp_cmp(const uint64_t *a, const uint64_t *b, size_t n);
bool mp_is_zero(const uint64_t *a, size_t n);
/* Big-endian bytes (any length) into n limbs; false when the value does not fit. */
bool mp_from_be(uint64_t *r, size_t n, const uint8_t *be, size_t len);
void mp_to_be(uint8_t *be, size_t len, const uint64_t *a, size_t n);
/* Montgomery product of n-limb values (t: n + 2 limbs of scratch); r may alias a or b. */
void mp_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, uint64_t pinv,
                 size_t n, uint64_t *t);
/* Montgomery square of an n-limb value (t: 2n + 1 limbs of scratch); r may alias a. */
void mp_mont_sqr(uint64_t *r, const uint64_t *a, const uint64_t *p, uint64_t pinv, size_t n, uint64_t *t);
/* -p^-1 mod 2^64 for odd p0. */
uint64_t mp_neg_inv64(uint64_t p0);



/* Constants written as big-endian hex strings (no 0x) for readability of the curve definitions. */
void mp_from_hex(uint64_t *r, size_t n, const char *hex);
void fp_ctx_init_hex(fp_ctx *c, const char *hex);
/* Plain (non-Montgomery) hex value into Montgomery form; the value must be below p. */
void fp_from_hex(const fp_ctx *c, fe *r, const char *hex);
#endif
