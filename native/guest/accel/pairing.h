/* Optimal ate Miller loop (affine twist points, lines folded into Fp12) and the final exponentiation,
 * shared by bn254 and BLS12-381. See docs/design.md for the derivation of the line embeddings. */
#ifndef ACCEL_PAIRING_H
#define ACCEL_PAIRING_H

#include "tower.h"

typedef struct pairing_params {
    tower t;
    bool d_type;               /* D-type twist (bn254): ψ(x, y) = (x w^2, y w^3); else M-type (BLS12-381) */
    const uint64_t *loop;      /* |loop scalar| little-endian limbs: 6x + 2 (bn254) or |x| (BLS12-381) */
    size_t loop_limbs;
    bool loop_negative;        /* BLS12-381: x < 0, f is conjugated */
    bool bn_frobenius_lines;   /* bn254: the two extra lines with π(Q) and −π²(Q) */
    fe2 frob_x, frob_y;        /* ξ^((p−1)/3), ξ^((p−1)/2) */
    const uint64_t *final_exp; /* (p^12 − 1) / r */
    size_t final_exp_limbs;
} pairing_params;

/* f = f · f_{loop,Q}(P) (and the bn254 Frobenius lines) for affine P in E(Fp), Q in E'(Fp2), both
 * finite and Q in the order-r subgroup. */
void pairing_miller_acc(const pairing_params *pp, fe12 *f, const fe *px, const fe *py, const fe2 *qx, const fe2 *qy);
void pairing_final_exp(const pairing_params *pp, fe12 *r, const fe12 *f);

#endif
