/* Montgomery prime-field arithmetic in 64-bit limbs; see fp.h. */
#include "fp.h"

uint64_t mp_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        u128 s = (u128)a[i] + b[i] + carry;
        r[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry;
}

uint64_t mp_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < n; i++) {
        u128 d = (u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

int mp_cmp(const uint64_t *a, const uint64_t *b, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

bool mp_is_zero(const uint64_t *a, size_t n)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= a[i];
    return acc == 0;
}

bool mp_from_be(uint64_t *r, size_t n, const uint8_t *be, size_t len)
{
    memset(r, 0, n * sizeof(uint64_t));
    for (size_t i = 0; i < len; i++) {
        size_t bit = 8 * (len - 1 - i); /* position of this byte's least significant bit */
        size_t limb = bit / 64;
        if (limb >= n) {
            if (be[i] != 0)
                return false;
            continue;
        }
        r[limb] |= (uint64_t)be[i] << (bit % 64);
    }
    return true;
}

void mp_to_be(uint8_t *be, size_t len, const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < len; i++) {
        size_t bit = 8 * (len - 1 - i);
        size_t limb = bit / 64;
        be[i] = limb < n ? (uint8_t)(a[limb] >> (bit % 64)) : 0;
    }
}

uint64_t mp_neg_inv64(uint64_t p0)
{
    /* Newton iteration x = x(2 - p x) doubles the correct low bits; p0·p0 = 1 mod 8 seeds 3 bits. */
    uint64_t x = p0;
    for (int i = 0; i < 5; i++)
        x *= 2 - p0 * x;
    return (uint64_t)0 - x;
}

/* CIOS Montgomery multiplication: r = a·b·R^-1 mod p for a·b < p·R; result fully reduced. */
static inline void mont_mul_core(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p,
                                 uint64_t pinv, size_t n, uint64_t *t)
{
    #pragma GCC unroll 8
    for (size_t i = 0; i < n + 2; i++)
        t[i] = 0;
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        uint64_t carry = 0;
        uint64_t bi = b[i];
        #pragma GCC unroll 8
        for (size_t j = 0; j < n; j++) {
            u128 s = (u128)a[j] * bi + t[j] + carry;
            t[j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[n] + carry;
        t[n] = (uint64_t)s;
        t[n + 1] = (uint64_t)(s >> 64);

        uint64_t m = t[0] * pinv;
        s = (u128)m * p[0] + t[0];
        carry = (uint64_t)(s >> 64);
        #pragma GCC unroll 8
        for (size_t j = 1; j < n; j++) {
            s = (u128)m * p[j] + t[j] + carry;
            t[j - 1] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        s = (u128)t[n] + carry;
        t[n - 1] = (uint64_t)s;
        t[n] = t[n + 1] + (uint64_t)(s >> 64);
    }
    /* t < 2p: subtract p when t >= p, chosen by mask (no secret-dependent branch). */
    uint64_t borrow = 0;
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 d = (u128)t[i] - p[i] - borrow;
        r[i] = (uint64_t)d; /* r may alias a/b: a, b are no longer read */
        borrow = (uint64_t)(d >> 64) & 1;
    }
    /* keep t when it was below p, i.e. the subtraction borrowed past the top limb t[n] */
    uint64_t keep = (uint64_t)0 - (uint64_t)(borrow > t[n]);
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        r[i] = (t[i] & keep) | (r[i] & ~keep);
}

void mp_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, uint64_t pinv,
                 size_t n, uint64_t *t)
{
    mont_mul_core(r, a, b, p, pinv, n, t);
}

static inline void mont_sqr_core(uint64_t *r, const uint64_t *a, const uint64_t *p, uint64_t pinv, size_t n,
                                 uint64_t *t)
{
    /* Squaring with the cross products computed once (n(n−1)/2 instead of n^2 products), then a
     * separate Montgomery reduction (SOS order). t holds 2n + 1 limbs. */
#pragma GCC unroll 16
    for (size_t i = 0; i < 2 * n + 1; i++)
        t[i] = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t carry = 0;
#pragma GCC unroll 8
        for (size_t j = i + 1; j < n; j++) {
            u128 s = (u128)a[i] * a[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + n] = carry;
    }
    /* double the cross products, add the squares */
    uint64_t top = 0;
#pragma GCC unroll 16
    for (size_t i = 0; i < 2 * n; i++) {
        uint64_t v = t[i];
        t[i] = (v << 1) | top;
        top = v >> 63;
    }
    uint64_t carry = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 sq = (u128)a[i] * a[i];
        u128 s = (u128)t[2 * i] + (uint64_t)sq + carry;
        t[2 * i] = (uint64_t)s;
        s = (u128)t[2 * i + 1] + (uint64_t)(sq >> 64) + (uint64_t)(s >> 64);
        t[2 * i + 1] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    t[2 * n] = carry;
    /* reduction: add m_i·p·2^(64i) so that the low n limbs vanish */
    for (size_t i = 0; i < n; i++) {
        uint64_t m = t[i] * pinv;
        uint64_t c = 0;
#pragma GCC unroll 8
        for (size_t j = 0; j < n; j++) {
            u128 s = (u128)m * p[j] + t[i + j] + c;
            t[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        for (size_t k = i + n; c != 0 && k < 2 * n + 1; k++) {
            u128 s = (u128)t[k] + c;
            t[k] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
    }
    /* result t[n..2n] < 2p: subtract p once if needed */
    uint64_t borrow = 0;
    for (size_t i = 0; i < n; i++) {
        u128 d = (u128)t[n + i] - p[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (borrow > t[2 * n])
        for (size_t i = 0; i < n; i++)
            r[i] = t[n + i];
}

void mp_mont_sqr(uint64_t *r, const uint64_t *a, const uint64_t *p, uint64_t pinv, size_t n, uint64_t *t)
{
    mont_sqr_core(r, a, p, pinv, n, t);
}

/* Specialised copies with the limb count known at compile time (unrolled by the compiler). */
static void mont_mul4(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, uint64_t pinv)
{
    uint64_t t[6];
    mont_mul_core(r, a, b, p, pinv, 4, t);
}

static void mont_mul6(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, uint64_t pinv)
{
    uint64_t t[8];
    mont_mul_core(r, a, b, p, pinv, 6, t);
}

/* t = a·b (2n limbs) */
static inline void mul_wide(uint64_t *t, const uint64_t *a, const uint64_t *b, size_t n)
{
#pragma GCC unroll 8
    for (size_t i = 0; i < 2 * n; i++)
        t[i] = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        uint64_t carry = 0;
#pragma GCC unroll 8
        for (size_t j = 0; j < n; j++) {
            u128 s = (u128)a[i] * b[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + n] = carry;
    }
}

/* r = t·R^-1 mod p for t < p·R (2n limbs), fully reduced; t is clobbered. */
static inline void redc_wide(uint64_t *r, uint64_t *t, const uint64_t *p, uint64_t pinv, size_t n)
{
    uint64_t extra = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        uint64_t m = t[i] * pinv, carry = 0;
#pragma GCC unroll 8
        for (size_t j = 0; j < n; j++) {
            u128 s = (u128)m * p[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[i + n] + carry + extra;
        t[i + n] = (uint64_t)s;
        extra = (uint64_t)(s >> 64);
    }
    uint64_t borrow = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 d = (u128)t[n + i] - p[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    uint64_t keep = (uint64_t)0 - (uint64_t)(borrow > extra);
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        r[i] = (t[n + i] & keep) | (r[i] & ~keep);
}

static inline void mul2_lazy_core(const fp_ctx *c, fe *r0, fe *r1, const fe *a0, const fe *a1, const fe *b0,
                                  const fe *b1, size_t n)
{
    uint64_t t0[2 * FP_MAX_LIMBS], t1[2 * FP_MAX_LIMBS], s[2 * FP_MAX_LIMBS];
    uint64_t sa[FP_MAX_LIMBS] = {0}, sb[FP_MAX_LIMBS] = {0}; /* (initialised: silences a false -Wmaybe-uninitialized) */
    mul_wide(t0, a0->l, b0->l, n);
    mul_wide(t1, a1->l, b1->l, n);
    /* unreduced sums: a0 + a1 < 2p < R */
    uint64_t ca = 0, cb = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 x = (u128)a0->l[i] + a1->l[i] + ca;
        sa[i] = (uint64_t)x;
        ca = (uint64_t)(x >> 64);
        u128 y = (u128)b0->l[i] + b1->l[i] + cb;
        sb[i] = (uint64_t)y;
        cb = (uint64_t)(y >> 64);
    }
    mul_wide(s, sa, sb, n);
    /* s = a0b1 + a1b0 = s − t0 − t1 (exact, non-negative, < 2p^2) */
    uint64_t b1r = 0, b2r = 0;
#pragma GCC unroll 12
    for (size_t i = 0; i < 2 * n; i++) {
        u128 d = (u128)s[i] - t0[i] - b1r;
        b1r = (uint64_t)(d >> 64) & 1;
        u128 e = (u128)(uint64_t)d - t1[i] - b2r;
        b2r = (uint64_t)(e >> 64) & 1;
        s[i] = (uint64_t)e;
    }
    /* t0 = a0b0 − a1b1 + p^2 (in (0, 2p^2)) */
    uint64_t carry = 0, borrow = 0;
#pragma GCC unroll 12
    for (size_t i = 0; i < 2 * n; i++) {
        u128 x = (u128)t0[i] + c->p2[i] + carry;
        carry = (uint64_t)(x >> 64);
        u128 d = (u128)(uint64_t)x - t1[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
        t0[i] = (uint64_t)d;
    }
    redc_wide(r0->l, t0, c->p, c->pinv, n);
    redc_wide(r1->l, s, c->p, c->pinv, n);
}

#ifdef ACCEL_FP_MODMUL
#if defined(__riscv)
#include "../runtime/zkvm.h"
#else
/* Host emulation of the modmul syscalls (ACCEL_EMULATE_MODMUL, tests only): x := x·y mod m as two CIOS
 * products, (x·y·R^-1)·(R^2 mod m)·R^-1, with R^2 mod m cached per modulus. Needs m odd and y < m (the fp
 * layer's case: x·y < m·R is the CIOS bound). */
static void emulated_modmul(uint64_t *x, const uint64_t *ym, size_t n)
{
    enum { SLOTS = 8 };
    static uint64_t mods[SLOTS][FP_MAX_LIMBS], r2s[SLOTS][FP_MAX_LIMBS];
    static size_t ns[SLOTS], used;
    const uint64_t *m = ym + n;
    size_t s = 0;
    while (s < used && !(ns[s] == n && memcmp(mods[s], m, n * sizeof(uint64_t)) == 0))
        s++;
    if (s == used) {
        s = used < SLOTS ? used++ : 0;
        uint64_t v[FP_MAX_LIMBS] = {1};
        for (size_t i = 0; i < 2 * 64 * n; i++) {
            uint64_t d[FP_MAX_LIMBS];
            uint64_t carry = mp_add(v, v, v, n);
            uint64_t borrow = mp_sub(d, v, m, n);
            if (carry || !borrow)
                memcpy(v, d, n * sizeof(uint64_t));
        }
        memcpy(mods[s], m, n * sizeof(uint64_t));
        memcpy(r2s[s], v, n * sizeof(uint64_t));
        ns[s] = n;
    }
    uint64_t t[FP_MAX_LIMBS + 2], pinv = mp_neg_inv64(m[0]);
    mont_mul_core(x, x, ym, m, pinv, n, t);
    mont_mul_core(x, x, r2s[s], m, pinv, n, t);
}
static inline void zkvm_modmul256(uint64_t x[4], const uint64_t ym[8]) { emulated_modmul(x, ym, 4); }
static inline void zkvm_modmul384(uint64_t x[6], const uint64_t ym[12]) { emulated_modmul(x, ym, 6); }
void fp_emulated_modmul256(uint64_t x[4], const uint64_t ym[8]) { emulated_modmul(x, ym, 4); }
#endif

/* r = a·b mod p (the Montgomery product with R = 1) by one modmul syscall. b < p (elements and the context's
 * constants are reduced), so the quotient a·b / p < a < 2^(64n) fits even for an unreduced a. The product is
 * computed in place in r (the syscall's x): a is copied there first unless r is a, and b goes with the modulus
 * into the syscall's y || m block on the stack (so x and ym never overlap, even when r aliases b). Limb-count
 * specialised and unrolled: this glue runs once per field product. */
static inline __attribute__((always_inline)) void mont_mul_syscall_n(const fp_ctx *c, uint64_t *r, const uint64_t *a,
                                                                   const uint64_t *b, size_t n)
{
    uint64_t ym[2 * FP_MAX_LIMBS];
#pragma GCC unroll 6
    for (size_t i = 0; i < n; i++) {
        ym[i] = b[i];
        ym[n + i] = c->p[i];
    }
    if (r != a) {
#pragma GCC unroll 6
        for (size_t i = 0; i < n; i++)
            r[i] = a[i];
    }
    if (n == 4)
        zkvm_modmul256(r, ym);
    else
        zkvm_modmul384(r, ym);
}

static void mont_mul_syscall(const fp_ctx *c, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    if (c->n == 6)
        mont_mul_syscall_n(c, r, a, b, 6);
    else
        mont_mul_syscall_n(c, r, a, b, 4);
}
#endif

#ifdef ACCEL_FP_MODMUL

/* (r0, r1) = (a0 b0 − a1 b1, a0 b1 + a1 b0): the four products in place in x buffers (copies of a0, a1), with b0 and
 * b1 each copied once beside the modulus. The operands' bound is fp_mul's. r0, r1 may alias the inputs. */
static inline __attribute__((always_inline)) void mul2_syscall_n(const fp_ctx *c, fe *r0, fe *r1, const fe *a0,
                                                               const fe *a1, const fe *b0, const fe *b1, size_t n)
{
    uint64_t y0[2 * FP_MAX_LIMBS], y1[2 * FP_MAX_LIMBS];
    uint64_t x00[FP_MAX_LIMBS], x11[FP_MAX_LIMBS], x01[FP_MAX_LIMBS], x10[FP_MAX_LIMBS];
#pragma GCC unroll 6
    for (size_t i = 0; i < n; i++) {
        y0[i] = b0->l[i];
        y1[i] = b1->l[i];
        y0[n + i] = c->p[i];
        y1[n + i] = c->p[i];
        x00[i] = x01[i] = a0->l[i];
        x11[i] = x10[i] = a1->l[i];
    }
    if (n == 4) {
        zkvm_modmul256(x00, y0);
        zkvm_modmul256(x11, y1);
        zkvm_modmul256(x01, y1);
        zkvm_modmul256(x10, y0);
    } else {
        zkvm_modmul384(x00, y0);
        zkvm_modmul384(x11, y1);
        zkvm_modmul384(x01, y1);
        zkvm_modmul384(x10, y0);
    }
    fp_sub_pub_n(r0->l, x00, x11, c->p, n);
    fp_add_pub_n(r1->l, x01, x10, c->p, n);
}
#endif

void fp_mul2_lazy(const fp_ctx *c, fe *r0, fe *r1, const fe *a0, const fe *a1, const fe *b0, const fe *b1)
{
#ifdef ACCEL_FP_MODMUL
    /* Four proved products beat the lazy reduction's long arithmetic here; one limb-count specialised body (no
     * per-product or per-addition calls). */
    if (c->n == 6)
        mul2_syscall_n(c, r0, r1, a0, a1, b0, b1, 6);
    else
        mul2_syscall_n(c, r0, r1, a0, a1, b0, b1, 4);
    return;
#endif
    if (c->n == 4)
        mul2_lazy_core(c, r0, r1, a0, a1, b0, b1, 4);
    else
        mul2_lazy_core(c, r0, r1, a0, a1, b0, b1, 6);
}

void fp_mul(const fp_ctx *c, fe *r, const fe *a, const fe *b)
{
#ifdef ACCEL_FP_MODMUL
    mont_mul_syscall(c, r->l, a->l, b->l);
    return;
#endif
    if (c->n == 4)
        mont_mul4(r->l, a->l, b->l, c->p, c->pinv);
    else
        mont_mul6(r->l, a->l, b->l, c->p, c->pinv);
}

void fp_sqr(const fp_ctx *c, fe *r, const fe *a)
{
    /* The separate squaring (mont_sqr_core) measured slower than CIOS at 4 and 6 limbs on RV64
     * (its reduction pass carries through memory); it pays off only for modexp's long operands. */
    fp_mul(c, r, a, a);
}

/* Modular addition and subtraction, with limb-count-specialised copies (unrolled by the compiler). */
static inline void add_core(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, size_t n)
{
    uint64_t s[FP_MAX_LIMBS], d[FP_MAX_LIMBS];
    uint64_t carry = 0, borrow = 0;
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 t = (u128)a[i] + b[i] + carry;
        s[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 t = (u128)s[i] - p[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    /* keep s when s < p (borrow and no carry out) */
    uint64_t keep = (uint64_t)0 - (uint64_t)(borrow > carry);
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        r[i] = (s[i] & keep) | (d[i] & ~keep);
}

static inline void sub_core(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p, size_t n)
{
    uint64_t d[FP_MAX_LIMBS];
    uint64_t borrow = 0, carry = 0;
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 t = (u128)a[i] - b[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    uint64_t mask = (uint64_t)0 - borrow;
    #pragma GCC unroll 8
    for (size_t i = 0; i < n; i++) {
        u128 t = (u128)d[i] + (p[i] & mask) + carry;
        r[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}


void fp_add(const fp_ctx *c, fe *r, const fe *a, const fe *b)
{
#ifdef ACCEL_FP_MODMUL
    if (c->n == 6)
        fp_add_pub_n(r->l, a->l, b->l, c->p, 6);
    else
        fp_add_pub_n(r->l, a->l, b->l, c->p, 4);
    return;
#endif
    if (c->n == 4)
        add_core(r->l, a->l, b->l, c->p, 4);
    else
        add_core(r->l, a->l, b->l, c->p, 6);
}

void fp_dbl(const fp_ctx *c, fe *r, const fe *a)
{
    fp_add(c, r, a, a);
}

void fp_sub(const fp_ctx *c, fe *r, const fe *a, const fe *b)
{
#ifdef ACCEL_FP_MODMUL
    if (c->n == 6)
        fp_sub_pub_n(r->l, a->l, b->l, c->p, 6);
    else
        fp_sub_pub_n(r->l, a->l, b->l, c->p, 4);
    return;
#endif
    if (c->n == 4)
        sub_core(r->l, a->l, b->l, c->p, 4);
    else
        sub_core(r->l, a->l, b->l, c->p, 6);
}

static inline __attribute__((always_inline)) void reduce_small_n(const uint64_t *p, uint64_t *r, size_t n)
{
    for (;;) {
        for (size_t i = n; i-- > 0;) {
            if (r[i] != p[i]) {
                if (r[i] < p[i])
                    return;
                break;
            }
        }
        fp_raw_sub_n(r, r, p, n);
    }
}

void fp_reduce_small(const fp_ctx *c, fe *r, const fe *a)
{
    size_t n = c->n;
    if (r != a)
        memcpy(r->l, a->l, n * sizeof(uint64_t));
    if (n == 6)
        reduce_small_n(c->p, r->l, 6);
    else
        reduce_small_n(c->p, r->l, 4);
}

void fp_neg(const fp_ctx *c, fe *r, const fe *a)
{
    fe z;
    fp_set_zero(&z);
    fp_sub(c, r, &z, a);
}

void fp_set_zero(fe *r)
{
    memset(r, 0, sizeof *r);
}

void fp_set_one(const fp_ctx *c, fe *r)
{
    *r = c->one;
}

void fp_set_u64(const fp_ctx *c, fe *r, uint64_t v)
{
    fe x;
    fp_set_zero(&x);
    x.l[0] = v;
    fp_mul(c, r, &x, &c->r2);
}

bool fp_is_zero(const fp_ctx *c, const fe *a)
{
    return mp_is_zero(a->l, c->n);
}

bool fp_eq(const fp_ctx *c, const fe *a, const fe *b)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < c->n; i++)
        acc |= a->l[i] ^ b->l[i];
    return acc == 0;
}

void fp_pow(const fp_ctx *c, fe *r, const fe *a, const uint64_t *e, size_t elimbs)
{
    fe acc = c->one, base = *a;
    for (size_t i = elimbs; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            fp_sqr(c, &acc, &acc);
            if ((e[i] >> b) & 1)
                fp_mul(c, &acc, &acc, &base);
        }
    }
    *r = acc;
}

void fp_inv_fermat(const fp_ctx *c, fe *r, const fe *a)
{
    fp_pow(c, r, a, c->pm2, c->n);
}

/* x = x / 2 mod p for x < p: add p when x is odd (the carry becomes the top bit), then shift. */
static void half_mod(const fp_ctx *c, uint64_t *x)
{
    size_t n = c->n;
    uint64_t carry = 0;
    if (x[0] & 1)
        carry = mp_add(x, x, c->p, n);
    for (size_t i = 0; i < n; i++)
        x[i] = (x[i] >> 1) | (i + 1 < n ? x[i + 1] << 63 : carry << 63);
}

static void shr1(uint64_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (x[i] >> 1) | (i + 1 < n ? x[i + 1] << 63 : 0);
}

void fp_inv(const fp_ctx *c, fe *r, const fe *a)
{
    /* The Montgomery representative is A = aR. The binary algorithm (HAC 14.61 in its modular
     * form) keeps x1·A = u and x2·A = v (mod p) with u, v shrinking; it ends with u = 1 or v = 1,
     * giving A^-1 = a^-1 R^-1; one Montgomery product with R^3 yields a^-1 R. Each pass removes at
     * least one bit from u or v, so the loop runs at most 2·64·n times. */
    size_t n = c->n;
    if (fp_is_zero(c, a)) {
        fp_set_zero(r);
        return;
    }
    uint64_t u[FP_MAX_LIMBS], v[FP_MAX_LIMBS], x1[FP_MAX_LIMBS], x2[FP_MAX_LIMBS], one[FP_MAX_LIMBS] = {1};
    memcpy(u, a->l, n * sizeof(uint64_t));
    memcpy(v, c->p, n * sizeof(uint64_t));
    memset(x1, 0, sizeof x1);
    memset(x2, 0, sizeof x2);
    x1[0] = 1;
    for (size_t iter = 0; iter < 2 * 64 * FP_MAX_LIMBS + 2; iter++) {
        if (mp_cmp(u, one, n) == 0 || mp_cmp(v, one, n) == 0)
            break;
        while ((u[0] & 1) == 0) {
            shr1(u, n);
            half_mod(c, x1);
        }
        while ((v[0] & 1) == 0) {
            shr1(v, n);
            half_mod(c, x2);
        }
        if (mp_cmp(u, v, n) >= 0) {
            mp_sub(u, u, v, n);
            if (mp_sub(x1, x1, x2, n))
                mp_add(x1, x1, c->p, n);
        } else {
            mp_sub(v, v, u, n);
            if (mp_sub(x2, x2, x1, n))
                mp_add(x2, x2, c->p, n);
        }
    }
    fe inv;
    fp_set_zero(&inv);
    memcpy(inv.l, mp_cmp(u, one, n) == 0 ? x1 : x2, n * sizeof(uint64_t));
    fp_mul(c, r, &inv, &c->r3);
}

bool fp_sqrt(const fp_ctx *c, fe *r, const fe *a)
{
    fe s, chk;
    fp_pow(c, &s, a, c->sqrt_exp, c->n);
    fp_sqr(c, &chk, &s);
    if (!fp_eq(c, &chk, a))
        return false;
    *r = s;
    return true;
}

bool fp_from_bytes(const fp_ctx *c, fe *r, const uint8_t *be)
{
    fe x;
    fp_set_zero(&x);
    mp_from_be(x.l, c->n, be, c->bytes);
    if (mp_cmp(x.l, c->p, c->n) >= 0)
        return false;
    fp_mul(c, r, &x, &c->r2);
    return true;
}

void fp_from_bytes_reduce(const fp_ctx *c, fe *r, const uint8_t *be, size_t len)
{
    /* x < R and R^2 mod p < p, so x·(R^2 mod p) < p·R, within the CIOS bound. */
    fe x;
    fp_set_zero(&x);
    if (len > 8 * c->n) {
        be += len - 8 * c->n; /* callers never pass more than n limbs; keep the low part defined */
        len = 8 * c->n;
    }
    mp_from_be(x.l, c->n, be, len);
    fp_mul(c, r, &x, &c->r2);
}

void fp_from_bytes_reduce_limbs(const fp_ctx *c, fe *r, const uint64_t *limbs)
{
    fe x;
    fp_set_zero(&x);
    memcpy(x.l, limbs, c->n * sizeof(uint64_t));
    fp_mul(c, r, &x, &c->r2); /* x < R, R^2 mod p < p: within the CIOS bound */
}

void fp_to_limbs(const fp_ctx *c, uint64_t *out, const fe *a)
{
    fe one;
    fp_set_zero(&one);
    one.l[0] = 1;
    fe x;
    fp_mul(c, &x, a, &one);
    memcpy(out, x.l, c->n * sizeof(uint64_t));
}

void fp_to_bytes(const fp_ctx *c, uint8_t *be, const fe *a)
{
    uint64_t x[FP_MAX_LIMBS];
    fp_to_limbs(c, x, a);
    mp_to_be(be, c->bytes, x, c->n);
}

bool fp_is_odd(const fp_ctx *c, const fe *a)
{
    uint64_t x[FP_MAX_LIMBS];
    fp_to_limbs(c, x, a);
    return x[0] & 1;
}

bool fp_is_lex_largest(const fp_ctx *c, const fe *a)
{
    /* a > (p - 1) / 2  <=>  2a > p - 1  <=>  2a >= p (as integers, a < p) */
    uint64_t x[FP_MAX_LIMBS], d[FP_MAX_LIMBS];
    fp_to_limbs(c, x, a);
    uint64_t carry = mp_add(x, x, x, c->n);
    uint64_t borrow = mp_sub(d, x, c->p, c->n);
    return carry || !borrow;
}

void fp_ctx_init(fp_ctx *c, const uint8_t *p_be, size_t bytes)
{
    memset(c, 0, sizeof *c);
    c->bytes = bytes;
    c->n = bytes <= 32 ? 4 : 6;
    mp_from_be(c->p, c->n, p_be, bytes);
    c->pinv = mp_neg_inv64(c->p[0]);
    size_t n = c->n;
#ifdef ACCEL_FP_MODMUL
    /* R = 1: one, R^2 and R^3 are 1 (no set-up loop). */
    fp_set_zero(&c->one);
    c->one.l[0] = 1;
    c->r2 = c->one;
    c->r3 = c->one;
#else
    /* R^2 mod p by doubling 1 modulo p 2·64·n times (plain integers; one-time set-up). */
    fe x;
    fp_set_zero(&x);
    x.l[0] = 1;
    for (size_t i = 0; i < 2 * 64 * n; i++) {
        uint64_t d[FP_MAX_LIMBS];
        uint64_t carry = mp_add(x.l, x.l, x.l, n);
        uint64_t borrow = mp_sub(d, x.l, c->p, n);
        if (carry || !borrow)
            memcpy(x.l, d, n * sizeof(uint64_t));
        if (i + 1 == 64 * n)
            c->one = x;
    }
    c->r2 = x;
    fp_mul(c, &c->r3, &c->r2, &c->r2); /* R^2·R^2·R^-1 = R^3 */
#endif
    mul_wide(c->p2, c->p, c->p, n);
    uint64_t two[FP_MAX_LIMBS] = {2}, one[FP_MAX_LIMBS] = {1};
    mp_sub(c->pm2, c->p, two, n);
    uint64_t t[FP_MAX_LIMBS];
    mp_add(t, c->p, one, n); /* p + 1 fits: p < 2^(64n) - 1 for every modulus used here */
    for (size_t i = 0; i < n; i++)
        c->sqrt_exp[i] = (t[i] >> 2) | (i + 1 < n ? t[i + 1] << 62 : 0);
}

static unsigned hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9') return (unsigned)(ch - '0');
    if (ch >= 'a' && ch <= 'f') return (unsigned)(ch - 'a' + 10);
    return (unsigned)(ch - 'A' + 10);
}

void mp_from_hex(uint64_t *r, size_t n, const char *hex)
{
    size_t len = strlen(hex);
    memset(r, 0, n * sizeof(uint64_t));
    for (size_t i = 0; i < len; i++) {
        size_t bit = 4 * (len - 1 - i);
        if (bit / 64 < n)
            r[bit / 64] |= (uint64_t)hex_nibble(hex[i]) << (bit % 64);
    }
}

void fp_ctx_init_hex(fp_ctx *c, const char *hex)
{
    uint8_t be[48];
    uint64_t limbs[FP_MAX_LIMBS];
    size_t bytes = (strlen(hex) + 1) / 2 <= 32 ? 32 : 48;
    mp_from_hex(limbs, FP_MAX_LIMBS, hex);
    mp_to_be(be, bytes, limbs, FP_MAX_LIMBS);
    fp_ctx_init(c, be, bytes);
}

void fp_from_hex(const fp_ctx *c, fe *r, const char *hex)
{
    fe x;
    fp_set_zero(&x);
    mp_from_hex(x.l, c->n, hex);
    fp_mul(c, r, &x, &c->r2);
}
