/* Extension-field arithmetic for the pairings; see tower.h. */
#include "tower.h"

void fp2_add(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b)
{
#ifdef ACCEL_FP_MODMUL
    if (f->n == 6) {
        fp_add_pub_n(r->c0.l, a->c0.l, b->c0.l, f->p, 6);
        fp_add_pub_n(r->c1.l, a->c1.l, b->c1.l, f->p, 6);
        return;
    }
#endif
    fp_add(f, &r->c0, &a->c0, &b->c0);
    fp_add(f, &r->c1, &a->c1, &b->c1);
}

void fp2_sub(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b)
{
#ifdef ACCEL_FP_MODMUL
    if (f->n == 6) {
        fp_sub_pub_n(r->c0.l, a->c0.l, b->c0.l, f->p, 6);
        fp_sub_pub_n(r->c1.l, a->c1.l, b->c1.l, f->p, 6);
        return;
    }
#endif
    fp_sub(f, &r->c0, &a->c0, &b->c0);
    fp_sub(f, &r->c1, &a->c1, &b->c1);
}

void fp2_dbl(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    fp2_add(f, r, a, a);
}

void fp2_neg(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    fp_neg(f, &r->c0, &a->c0);
    fp_neg(f, &r->c1, &a->c1);
}

void fp2_conj(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    r->c0 = a->c0;
    fp_neg(f, &r->c1, &a->c1);
}

void fp2_mul(const fp_ctx *f, fe2 *r, const fe2 *a, const fe2 *b)
{
    /* (a0 + a1 u)(b0 + b1 u) = (a0 b0 − a1 b1) + ((a0 + a1)(b0 + b1) − a0 b0 − a1 b1) u, with the three
     * products kept double-width and two reductions (fp_mul2_lazy). */
    fe r0, r1;
    fp_mul2_lazy(f, &r0, &r1, &a->c0, &a->c1, &b->c0, &b->c1);
    r->c0 = r0;
    r->c1 = r1;
}

void fp2_sqr(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    /* (a0 + a1 u)^2 = (a0 + a1)(a0 − a1) + 2 a0 a1 u */
    fe s, d, m;
#ifdef ACCEL_FP_MODMUL
    /* the sums only feed products: unreduced operands below 2p (fp_add_nr) */
    fp_add_nr(f, &s, &a->c0, &a->c1);
    fp_sub(f, &d, &a->c0, &a->c1);
    fp_add_nr(f, &m, &a->c0, &a->c0);
    fp_mul(f, &r->c0, &s, &d);  /* r may alias a: a->c0 is no longer read */
    fp_mul(f, &r->c1, &m, &a->c1);
    return;
#endif
    fp_add(f, &s, &a->c0, &a->c1);
    fp_sub(f, &d, &a->c0, &a->c1);
    fp_mul(f, &m, &a->c0, &a->c1);
    fp_mul(f, &r->c0, &s, &d);
    fp_dbl(f, &r->c1, &m);
}

void fp2_mul_fp(const fp_ctx *f, fe2 *r, const fe2 *a, const fe *b)
{
    fp_mul(f, &r->c0, &a->c0, b);
    fp_mul(f, &r->c1, &a->c1, b);
}

void fp2_inv(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    /* 1 / (a0 + a1 u) = (a0 − a1 u) / (a0^2 + a1^2) */
    fe n, t;
    fp_sqr(f, &n, &a->c0);
    fp_sqr(f, &t, &a->c1);
    fp_add(f, &n, &n, &t);
    fp_inv(f, &n, &n);
    fp_mul(f, &r->c0, &a->c0, &n);
    fp_mul(f, &t, &a->c1, &n);
    fp_neg(f, &r->c1, &t);
}

bool fp2_is_zero(const fp_ctx *f, const fe2 *a)
{
    return fp_is_zero(f, &a->c0) && fp_is_zero(f, &a->c1);
}

bool fp2_eq(const fp_ctx *f, const fe2 *a, const fe2 *b)
{
    return fp_eq(f, &a->c0, &b->c0) && fp_eq(f, &a->c1, &b->c1);
}

void fp2_set_zero(fe2 *r)
{
    fp_set_zero(&r->c0);
    fp_set_zero(&r->c1);
}

void fp2_set_one(const fp_ctx *f, fe2 *r)
{
    fp_set_one(f, &r->c0);
    fp_set_zero(&r->c1);
}

void fp2_pow(const fp_ctx *f, fe2 *r, const fe2 *a, const uint64_t *e, size_t elimbs)
{
    fe2 acc, base = *a;
    fp2_set_one(f, &acc);
    for (size_t i = elimbs; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            fp2_sqr(f, &acc, &acc);
            if ((e[i] >> b) & 1)
                fp2_mul(f, &acc, &acc, &base);
        }
    }
    *r = acc;
}

bool fp2_sqrt(const fp_ctx *f, fe2 *r, const fe2 *a)
{
    /* For a = a0 + a1 u with norm N = a0^2 + a1^2: a square root is x0 + x1 u with
     * x0^2 = (a0 ± sqrt(N)) / 2 and x1 = a1 / (2 x0) (or x0 = 0, x1^2 = −a0 when a1 = 0). */
    if (fp2_is_zero(f, a)) {
        fp2_set_zero(r);
        return true;
    }
    fe n, t, s, half, x0, x1;
    if (fp_is_zero(f, &a->c1)) {
        if (fp_sqrt(f, &x0, &a->c0)) {
            r->c0 = x0;
            fp_set_zero(&r->c1);
            return true;
        }
        fp_neg(f, &t, &a->c0);
        if (!fp_sqrt(f, &x1, &t))
            return false;
        fp_set_zero(&r->c0);
        r->c1 = x1;
        return true;
    }
    fp_sqr(f, &n, &a->c0);
    fp_sqr(f, &t, &a->c1);
    fp_add(f, &n, &n, &t);
    if (!fp_sqrt(f, &s, &n))
        return false;
    fp_set_u64(f, &half, 2);
    fp_inv(f, &half, &half);
    fp_add(f, &t, &a->c0, &s);
    fp_mul(f, &t, &t, &half);
    if (!fp_sqrt(f, &x0, &t)) {
        fp_sub(f, &t, &a->c0, &s);
        fp_mul(f, &t, &t, &half);
        if (!fp_sqrt(f, &x0, &t))
            return false;
    }
    fp_dbl(f, &t, &x0);
    fp_inv(f, &t, &t);
    fp_mul(f, &x1, &a->c1, &t);
    fe2 cand = {x0, x1}, chk;
    fp2_sqr(f, &chk, &cand);
    if (!fp2_eq(f, &chk, a))
        return false;
    *r = cand;
    return true;
}

void fp2_mul_xi(const tower *t, fe2 *r, const fe2 *a)
{
    /* (a0 + a1 u)(k + u) = (k a0 − a1) + (a0 + k a1) u for the small k of ξ (1 or 9), with k·a by
     * doublings and additions (9a = 8a + a) rather than Montgomery products. */
    const fp_ctx *f = t->f;
    fe ka0, ka1;
    if (t->xi_a == 1) {
        ka0 = a->c0;
        ka1 = a->c1;
    } else if (t->xi_a == 9) {
        fp_dbl(f, &ka0, &a->c0);
        fp_dbl(f, &ka0, &ka0);
        fp_dbl(f, &ka0, &ka0);
        fp_add(f, &ka0, &ka0, &a->c0);
        fp_dbl(f, &ka1, &a->c1);
        fp_dbl(f, &ka1, &ka1);
        fp_dbl(f, &ka1, &ka1);
        fp_add(f, &ka1, &ka1, &a->c1);
    } else {
        fe k;
        fp_set_u64(f, &k, t->xi_a);
        fp_mul(f, &ka0, &a->c0, &k);
        fp_mul(f, &ka1, &a->c1, &k);
    }
    fe c0;
#ifdef ACCEL_FP_MODMUL
    if (f->n == 6) {
        fp_sub_pub_n(c0.l, ka0.l, a->c1.l, f->p, 6);
        fp_add_pub_n(r->c1.l, a->c0.l, ka1.l, f->p, 6);
        r->c0 = c0;
        return;
    }
#endif
    fp_sub(f, &c0, &ka0, &a->c1);
    fp_add(f, &r->c1, &a->c0, &ka1);
    r->c0 = c0;
}

void fp6_add(const tower *t, fe6 *r, const fe6 *a, const fe6 *b)
{
    fp2_add(t->f, &r->c0, &a->c0, &b->c0);
    fp2_add(t->f, &r->c1, &a->c1, &b->c1);
    fp2_add(t->f, &r->c2, &a->c2, &b->c2);
}

void fp6_sub(const tower *t, fe6 *r, const fe6 *a, const fe6 *b)
{
    fp2_sub(t->f, &r->c0, &a->c0, &b->c0);
    fp2_sub(t->f, &r->c1, &a->c1, &b->c1);
    fp2_sub(t->f, &r->c2, &a->c2, &b->c2);
}

void fp6_neg(const tower *t, fe6 *r, const fe6 *a)
{
    fp2_neg(t->f, &r->c0, &a->c0);
    fp2_neg(t->f, &r->c1, &a->c1);
    fp2_neg(t->f, &r->c2, &a->c2);
}

void fp6_mul(const tower *t, fe6 *r, const fe6 *a, const fe6 *b)
{
    const fp_ctx *f = t->f;
    fe2 t0, t1, t2, s, u, c0, c1, c2;
    fp2_mul(f, &t0, &a->c0, &b->c0);
    fp2_mul(f, &t1, &a->c1, &b->c1);
    fp2_mul(f, &t2, &a->c2, &b->c2);
    /* c0 = t0 + ξ((a1 + a2)(b1 + b2) − t1 − t2) */
    fp2_add(f, &s, &a->c1, &a->c2);
    fp2_add(f, &u, &b->c1, &b->c2);
    fp2_mul(f, &s, &s, &u);
    fp2_sub(f, &s, &s, &t1);
    fp2_sub(f, &s, &s, &t2);
    fp2_mul_xi(t, &s, &s);
    fp2_add(f, &c0, &s, &t0);
    /* c1 = (a0 + a1)(b0 + b1) − t0 − t1 + ξ t2 */
    fp2_add(f, &s, &a->c0, &a->c1);
    fp2_add(f, &u, &b->c0, &b->c1);
    fp2_mul(f, &s, &s, &u);
    fp2_sub(f, &s, &s, &t0);
    fp2_sub(f, &s, &s, &t1);
    fp2_mul_xi(t, &u, &t2);
    fp2_add(f, &c1, &s, &u);
    /* c2 = (a0 + a2)(b0 + b2) − t0 − t2 + t1 */
    fp2_add(f, &s, &a->c0, &a->c2);
    fp2_add(f, &u, &b->c0, &b->c2);
    fp2_mul(f, &s, &s, &u);
    fp2_sub(f, &s, &s, &t0);
    fp2_sub(f, &s, &s, &t2);
    fp2_add(f, &c2, &s, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

void fp6_mul_v(const tower *t, fe6 *r, const fe6 *a)
{
    /* (c0 + c1 v + c2 v^2) v = ξ c2 + c0 v + c1 v^2 */
    fe2 c2;
    fp2_mul_xi(t, &c2, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = c2;
}

void fp6_inv(const tower *t, fe6 *r, const fe6 *a)
{
    const fp_ctx *f = t->f;
    fe2 A, B, C, s, F;
    /* A = a0^2 − ξ a1 a2, B = ξ a2^2 − a0 a1, C = a1^2 − a0 a2, F = a0 A + ξ(a2 B + a1 C) */
    fp2_sqr(f, &A, &a->c0);
    fp2_mul(f, &s, &a->c1, &a->c2);
    fp2_mul_xi(t, &s, &s);
    fp2_sub(f, &A, &A, &s);
    fp2_sqr(f, &B, &a->c2);
    fp2_mul_xi(t, &B, &B);
    fp2_mul(f, &s, &a->c0, &a->c1);
    fp2_sub(f, &B, &B, &s);
    fp2_sqr(f, &C, &a->c1);
    fp2_mul(f, &s, &a->c0, &a->c2);
    fp2_sub(f, &C, &C, &s);
    fp2_mul(f, &F, &a->c2, &B);
    fp2_mul(f, &s, &a->c1, &C);
    fp2_add(f, &F, &F, &s);
    fp2_mul_xi(t, &F, &F);
    fp2_mul(f, &s, &a->c0, &A);
    fp2_add(f, &F, &F, &s);
    fp2_inv(f, &F, &F);
    fp2_mul(f, &r->c0, &A, &F);
    fp2_mul(f, &r->c1, &B, &F);
    fp2_mul(f, &r->c2, &C, &F);
}

void fp12_set_one(const tower *t, fe12 *r)
{
    memset(r, 0, sizeof *r);
    fp_set_one(t->f, &r->c0.c0.c0);
}

bool fp12_eq(const tower *t, const fe12 *a, const fe12 *b)
{
    const fp_ctx *f = t->f;
    return fp2_eq(f, &a->c0.c0, &b->c0.c0) && fp2_eq(f, &a->c0.c1, &b->c0.c1) && fp2_eq(f, &a->c0.c2, &b->c0.c2) &&
           fp2_eq(f, &a->c1.c0, &b->c1.c0) && fp2_eq(f, &a->c1.c1, &b->c1.c1) && fp2_eq(f, &a->c1.c2, &b->c1.c2);
}

bool fp12_is_one(const tower *t, const fe12 *a)
{
    fe12 one;
    fp12_set_one(t, &one);
    return fp12_eq(t, a, &one);
}

void fp12_mul(const tower *t, fe12 *r, const fe12 *a, const fe12 *b)
{
    /* (a0 + a1 w)(b0 + b1 w) = (a0 b0 + a1 b1 v) + ((a0 + a1)(b0 + b1) − a0 b0 − a1 b1) w */
    fe6 t0, t1, s, u;
    fp6_mul(t, &t0, &a->c0, &b->c0);
    fp6_mul(t, &t1, &a->c1, &b->c1);
    fp6_add(t, &s, &a->c0, &a->c1);
    fp6_add(t, &u, &b->c0, &b->c1);
    fp6_mul(t, &s, &s, &u);
    fp6_sub(t, &s, &s, &t0);
    fp6_sub(t, &r->c1, &s, &t1);
    fp6_mul_v(t, &t1, &t1);
    fp6_add(t, &r->c0, &t0, &t1);
}

void fp12_sqr(const tower *t, fe12 *r, const fe12 *a)
{
    /* (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) − (1 + v) a0 a1 + 2 a0 a1 w (complex squaring) */
    fe6 m, s, u, mv;
    fp6_mul(t, &m, &a->c0, &a->c1);
    fp6_add(t, &s, &a->c0, &a->c1);
    fp6_mul_v(t, &u, &a->c1);
    fp6_add(t, &u, &u, &a->c0);
    fp6_mul(t, &s, &s, &u);
    fp6_mul_v(t, &mv, &m);
    fp6_sub(t, &s, &s, &m);
    fp6_sub(t, &r->c0, &s, &mv);
    fp6_add(t, &r->c1, &m, &m);
}

void fp12_inv(const tower *t, fe12 *r, const fe12 *a)
{
    /* 1 / (a0 + a1 w) = (a0 − a1 w) / (a0^2 − v a1^2) */
    fe6 n, s;
    fp6_mul(t, &n, &a->c0, &a->c0);
    fp6_mul(t, &s, &a->c1, &a->c1);
    fp6_mul_v(t, &s, &s);
    fp6_sub(t, &n, &n, &s);
    fp6_inv(t, &n, &n);
    fp6_mul(t, &r->c0, &a->c0, &n);
    fp6_mul(t, &s, &a->c1, &n);
    fp6_neg(t, &r->c1, &s);
}

void fp12_conj(const tower *t, fe12 *r, const fe12 *a)
{
    r->c0 = a->c0;
    fp6_neg(t, &r->c1, &a->c1);
}

void fp12_pow(const tower *t, fe12 *r, const fe12 *a, const uint64_t *e, size_t elimbs)
{
    fe12 acc, base = *a;
    fp12_set_one(t, &acc);
    bool started = false;
    for (size_t i = elimbs; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            if (started)
                fp12_sqr(t, &acc, &acc);
            if ((e[i] >> b) & 1) {
                fp12_mul(t, &acc, &acc, &base);
                started = true;
            }
        }
    }
    *r = acc;
}
