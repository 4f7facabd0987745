/* The Weierstrass point syscalls emulated with the fp code, for make host-test-modmul (ACCEL_EMULATE_MODMUL): affine
 * add or double on y² = x³ + b with n-limb coordinates, faulting (trap) where the machine faults. Shared by ecdsa.c
 * (secp256k1) and ec_affine.h (bn254, BLS12-381 G1). */
#ifndef ACCEL_EC_EMULATE_H
#define ACCEL_EC_EMULATE_H
#ifdef ACCEL_EMULATE_MODMUL
/* p := p + q (q != NULL) or p := 2p on y² = x³ + b, faulting where the machine faults. */
static void ecaff_emulated_op(const fp_ctx *f, uint64_t *p, const uint64_t *q)
{
    size_t n = f->n, bytes = n * sizeof(uint64_t);
    fe x1 = {{0}}, y1 = {{0}}, x2 = {{0}}, y2 = {{0}}, l, t, x3, y3;
    memcpy(x1.l, p, bytes);
    memcpy(y1.l, p + n, bytes);
    if (q) {
        memcpy(x2.l, q, bytes);
        memcpy(y2.l, q + n, bytes);
        fp_sub(f, &t, &x2, &x1);
        if (fp_is_zero(f, &t))
            __builtin_trap(); /* the machine faults: x_P = x_Q */
        fp_inv(f, &t, &t);
        fp_sub(f, &l, &y2, &y1);
        fp_mul(f, &l, &l, &t);
    } else {
        if (fp_is_zero(f, &y1))
            __builtin_trap(); /* the machine faults: y = 0 */
        fp_dbl(f, &t, &y1);
        fp_inv(f, &t, &t);
        fp_sqr(f, &l, &x1);
        fp_mul(f, &l, &l, &t);
        fp_dbl(f, &t, &l);
        fp_add(f, &l, &l, &t); /* 3·x² / 2y */
        x2 = x1;
    }
    fp_sqr(f, &x3, &l);
    fp_sub(f, &x3, &x3, &x1);
    fp_sub(f, &x3, &x3, &x2);
    fp_sub(f, &t, &x1, &x3);
    fp_mul(f, &t, &t, &l);
    fp_sub(f, &y3, &t, &y1);
    memcpy(p, x3.l, bytes);
    memcpy(p + n, y3.l, bytes);
}
#endif
#endif
