/* Affine G1 arithmetic through the Weierstrass point syscalls (the zkVM build, ACCEL_FP_MODMUL; docs/design.md,
 * "Accelerator chips"), shared by bn254 and BLS12-381 G1 (a = 0, n = 4 or 6 limbs). Each addition and doubling is
 * one ADD / DOUBLE syscall, proved by the point chips, so no inversion or projective bookkeeping runs in RV64 code.
 * The cases the syscalls leave out (the point at infinity, P = ±Q, y = 0) are branches here; every input of these
 * precompiles is public. With ACCEL_FP_MODMUL the contexts have R = 1, so an fe's limbs are the plain, fully reduced
 * coordinate. ACCEL_EMULATE_MODMUL (make host-test-modmul) emulates the syscalls with the fp code. The host build's
 * Jacobian code (ec_impl.h) stays the reference: host-test and host-test-modmul run the same vectors.
 * Include after ec_impl.h (for ec_wnaf5). */
#ifndef ACCEL_EC_AFFINE_H
#define ACCEL_EC_AFFINE_H
#ifdef ACCEL_FP_MODMUL

typedef struct ecaff_curve {
    const fp_ctx *f; /* the coordinate field; n limbs per coordinate */
    long add_nr, dbl_nr; /* the ADD and DOUBLE syscall numbers */
} ecaff_curve;

typedef struct ecaff_pt {
    uint64_t v[2 * FP_MAX_LIMBS]; /* x (limbs 0..n−1) then y (limbs n..2n−1), the syscalls' layout */
    bool inf;
} ecaff_pt;

#include "ec_emulate.h"

static void ecaff_syscall(const ecaff_curve *c, bool add, uint64_t *p, const uint64_t *q)
{
#ifdef ACCEL_EMULATE_MODMUL
    ecaff_emulated_op(c->f, p, add ? q : NULL);
#else
    zkvm_point_op(add ? c->add_nr : c->dbl_nr, p, add ? q : NULL);
#endif
}

static bool ecaff_limbs_eq(const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

static bool ecaff_limbs_zero(const uint64_t *a, size_t n)
{
    uint64_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= a[i];
    return d == 0;
}

static __attribute__((unused)) void ecaff_from_fe(const ecaff_curve *c, ecaff_pt *r, const fe *x, const fe *y)
{
    size_t n = c->f->n;
    memcpy(r->v, x->l, n * sizeof(uint64_t));
    memcpy(r->v + n, y->l, n * sizeof(uint64_t));
    r->inf = false;
}

static void ecaff_dbl(const ecaff_curve *c, ecaff_pt *a)
{
    size_t n = c->f->n;
    if (a->inf)
        return;
    if (ecaff_limbs_zero(a->v + n, n)) {
        a->inf = true; /* y = 0: a point of order 2 (none on these prime-order groups, kept for completeness) */
        return;
    }
    ecaff_syscall(c, false, a->v, NULL);
}

/* a += b (b may not alias a) */
static void ecaff_add(const ecaff_curve *c, ecaff_pt *a, const ecaff_pt *b)
{
    size_t n = c->f->n;
    if (b->inf)
        return;
    if (a->inf) {
        *a = *b;
        return;
    }
    if (ecaff_limbs_eq(a->v, b->v, n)) {
        if (ecaff_limbs_eq(a->v + n, b->v + n, n))
            ecaff_dbl(c, a);
        else
            a->inf = true; /* P + (−P): with x equal and the curve y² = x³ + b, y_Q = −y_P */
        return;
    }
    ecaff_syscall(c, true, a->v, b->v);
}

static void ecaff_neg(const ecaff_curve *c, ecaff_pt *r, const ecaff_pt *a)
{
    size_t n = c->f->n;
    *r = *a;
    if (!a->inf && !ecaff_limbs_zero(a->v + n, n))
        mp_sub(r->v + n, c->f->p, a->v + n, n);
}

/* r = k·p for a 256-bit scalar k (4 little-endian limbs, not reduced), width-5 wNAF over the affine odd multiples
 * p, 3p, …, 15p: about 256 doublings and 50 additions, each one syscall. */
static __attribute__((unused)) void ecaff_mul(const ecaff_curve *c, ecaff_pt *r, const ecaff_pt *p, const uint64_t k[4])
{
    ecaff_pt tbl[8], two, acc, m;
    int8_t dg[260];
    size_t len = ec_wnaf5(dg, k, 4);
    acc.inf = true;
    if (!p->inf && len > 0) {
        tbl[0] = *p;
        two = *p;
        ecaff_dbl(c, &two);
        for (int i = 1; i < 8; i++) {
            tbl[i] = tbl[i - 1];
            ecaff_add(c, &tbl[i], &two);
        }
        for (size_t i = len; i-- > 0;) {
            ecaff_dbl(c, &acc);
            int d = dg[i];
            if (d > 0) {
                ecaff_add(c, &acc, &tbl[d / 2]);
            } else if (d < 0) {
                ecaff_neg(c, &m, &tbl[-d / 2]);
                ecaff_add(c, &acc, &m);
            }
        }
    }
    *r = acc;
}

#endif
#endif
