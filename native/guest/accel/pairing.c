/* Miller loop and final exponentiation; see pairing.h.
 *
 * T runs over the twist E'(Fp2) in affine coordinates. A line with twist slope λ through T,
 * evaluated at P and mapped to Fp12 through the untwisting ψ, is
 *   D-type:  y_P − λ x_P · w + (λ x_T − y_T) · w^3
 *   M-type:  (y_P − λ x_P w^-1 + (λ x_T − y_T) w^-3) · w^3 = (λ x_T − y_T) − λ x_P · w^2 + y_P · w^3
 * (the factor w^3 lies in Fp4 and vanishes under the final exponentiation, as do vertical lines, whose
 * values lie in Fp6). In the Fp6[w] representation 1 → c0.c0, w^2 = v → c0.c1, w → c1.c0,
 * w^3 = v w → c1.c1. */
#include "pairing.h"

static void line_mul(const pairing_params *pp, fe12 *f, const fe2 *lambda, const fe2 *xt, const fe2 *yt,
                     const fe *px, const fe *py)
{
    const fp_ctx *fc = pp->t.f;
    fe12 l;
    memset(&l, 0, sizeof l);
    fe2 a, b;
    fp2_mul_fp(fc, &a, lambda, px);
    fp2_neg(fc, &a, &a);               /* −λ x_P */
    fp2_mul(fc, &b, lambda, xt);
    fp2_sub(fc, &b, &b, yt);           /* λ x_T − y_T */
    if (pp->d_type) {
        l.c0.c0.c0 = *py;
        l.c1.c0 = a;
        l.c1.c1 = b;
    } else {
        l.c0.c0 = b;
        l.c0.c1 = a;
        l.c1.c1.c0 = *py;
    }
    fp12_mul(&pp->t, f, f, &l);
}

typedef struct tpt {
    fe2 x, y;
    bool inf;
} tpt;

/* f *= line tangent at T; T = 2T */
static void step_dbl(const pairing_params *pp, fe12 *f, tpt *T, const fe *px, const fe *py)
{
    const fp_ctx *fc = pp->t.f;
    if (T->inf || fp2_is_zero(fc, &T->y)) { /* vertical or no line: contributes nothing */
        T->inf = true;
        return;
    }
    fe2 lam, num, den, x3, y3;
    fp2_sqr(fc, &num, &T->x);
    fp2_add(fc, &den, &num, &num);
    fp2_add(fc, &num, &den, &num);     /* 3 x^2 (a = 0 on both twists) */
    fp2_dbl(fc, &den, &T->y);
    fp2_inv(fc, &den, &den);
    fp2_mul(fc, &lam, &num, &den);
    line_mul(pp, f, &lam, &T->x, &T->y, px, py);
    fp2_sqr(fc, &x3, &lam);
    fp2_sub(fc, &x3, &x3, &T->x);
    fp2_sub(fc, &x3, &x3, &T->x);
    fp2_sub(fc, &y3, &T->x, &x3);
    fp2_mul(fc, &y3, &y3, &lam);
    fp2_sub(fc, &y3, &y3, &T->y);
    T->x = x3;
    T->y = y3;
}

/* f *= line through T and Q; T = T + Q */
static void step_add(const pairing_params *pp, fe12 *f, tpt *T, const fe2 *qx, const fe2 *qy, const fe *px,
                     const fe *py)
{
    const fp_ctx *fc = pp->t.f;
    if (T->inf) {
        T->x = *qx;
        T->y = *qy;
        T->inf = false;
        return;
    }
    if (fp2_eq(fc, &T->x, qx)) {
        if (fp2_eq(fc, &T->y, qy))
            step_dbl(pp, f, T, px, py);
        else
            T->inf = true; /* T = −Q: vertical line */
        return;
    }
    fe2 lam, num, den, x3, y3;
    fp2_sub(fc, &num, qy, &T->y);
    fp2_sub(fc, &den, qx, &T->x);
    fp2_inv(fc, &den, &den);
    fp2_mul(fc, &lam, &num, &den);
    line_mul(pp, f, &lam, &T->x, &T->y, px, py);
    fp2_sqr(fc, &x3, &lam);
    fp2_sub(fc, &x3, &x3, &T->x);
    fp2_sub(fc, &x3, &x3, qx);
    fp2_sub(fc, &y3, &T->x, &x3);
    fp2_mul(fc, &y3, &y3, &lam);
    fp2_sub(fc, &y3, &y3, &T->y);
    T->x = x3;
    T->y = y3;
}

/* π on the D-type twist: (x, y) -> (conj(x) ξ^((p−1)/3), conj(y) ξ^((p−1)/2)) */
static void frobenius_twist(const pairing_params *pp, fe2 *rx, fe2 *ry, const fe2 *x, const fe2 *y)
{
    const fp_ctx *fc = pp->t.f;
    fp2_conj(fc, rx, x);
    fp2_mul(fc, rx, rx, &pp->frob_x);
    fp2_conj(fc, ry, y);
    fp2_mul(fc, ry, ry, &pp->frob_y);
}

void pairing_miller_acc(const pairing_params *pp, fe12 *f, const fe *px, const fe *py, const fe2 *qx, const fe2 *qy)
{
    fe12 acc;
    fp12_set_one(&pp->t, &acc);
    tpt T = {*qx, *qy, false};
    size_t top = 64 * pp->loop_limbs;
    while (top > 0 && ((pp->loop[(top - 1) / 64] >> ((top - 1) % 64)) & 1) == 0)
        top--;
    for (size_t i = top - 1; i-- > 0;) {
        fp12_sqr(&pp->t, &acc, &acc);
        step_dbl(pp, &acc, &T, px, py);
        if ((pp->loop[i / 64] >> (i % 64)) & 1)
            step_add(pp, &acc, &T, qx, qy, px, py);
    }
    if (pp->loop_negative)
        fp12_conj(&pp->t, &acc, &acc);
    if (pp->bn_frobenius_lines) {
        fe2 q1x, q1y, q2x, q2y;
        frobenius_twist(pp, &q1x, &q1y, qx, qy);
        frobenius_twist(pp, &q2x, &q2y, &q1x, &q1y);
        fp2_neg(pp->t.f, &q2y, &q2y);
        step_add(pp, &acc, &T, &q1x, &q1y, px, py);
        step_add(pp, &acc, &T, &q2x, &q2y, px, py);
    }
    fp12_mul(&pp->t, f, f, &acc);
}

void pairing_final_exp(const pairing_params *pp, fe12 *r, const fe12 *f)
{
    /* f^((p^12 − 1)/r) by plain square-and-multiply over the precomputed exponent. Slow but simple;
     * the easy/hard split with Frobenius maps is listed as an optimisation in docs/benchmarks.md. */
    fp12_pow(&pp->t, r, f, pp->final_exp, pp->final_exp_limbs);
}
