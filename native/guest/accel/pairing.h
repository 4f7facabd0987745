/* Optimal ate Miller loop (projective twist points, lines folded into Fp12) and the final exponentiation,
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
    const int8_t *loop_naf;    /* optional signed-digit form of the loop scalar, least significant first */
    size_t loop_naf_len;
    const uint64_t *x_abs;     /* |x|, the curve seed, for the hard part */
    size_t x_limbs;
    bool x_negative;
    bool bn_frobenius_lines;   /* bn254: the two extra lines with π(Q) and −π²(Q) */
    fe2 frob_x, frob_y;        /* ξ^((p−1)/3), ξ^((p−1)/2) */
    fe2 twist_b3;              /* 3b' of the twist y^2 = x^3 + b' */
    fe half;                   /* 1/2 in Fp */
    /* hard part (p^4 − p^2 + 1)/r: BLS12-381 by the x-adic chain 3h = (x − 1)^2 (x + p)(x^2 + p^2 − 1) + 3;
     * bn254 by h = λ0 + λ1 p + λ2 p^2 + p^3 with λ_i polynomials in x (Scott et al. 2009) */
    bool hard_x_chain;
    fe2 frob1_w[6];            /* γ1^k, γ1 = ξ^((p − 1)/6): x ↦ x^p maps c w^k to conj(c) γ1^k w^k */
    fe2 frob2_w[6];            /* γ2^k, γ2 = ξ^((p^2 − 1)/6): x ↦ x^(p^2) maps c w^k to c γ2^k w^k */
} pairing_params;

/* Fills frob1_w / frob2_w from γ1 = ξ^((p − 1)/6) and γ2 = ξ^((p^2 − 1)/6). */
void pairing_set_frobenius(pairing_params *pp, const fe2 *gamma1, const fe2 *gamma2);
/* Squaring of an element of the cyclotomic subgroup (after the easy part). */
void pairing_cyclotomic_sqr(const tower *t, fe12 *r, const fe12 *a);
/* a^p */
void pairing_frob1(const pairing_params *pp, fe12 *r, const fe12 *a);
/* a^(p^2) */
void pairing_frob2(const pairing_params *pp, fe12 *r, const fe12 *a);

/* One line of the Miller loop of a point Q on the twist, before evaluation at P: the value at P is
 * c0 + cx·x_P + cy·y_P placed in Fp12 per twist type (pairing.c). on = false for a slot without a line (a
 * vertical line or T at infinity; it vanishes in the final exponentiation). */
typedef struct pairing_line {
    fe2 c0, cx, cy;
    bool on;
} pairing_line;

/* The number of line slots of one Miller loop (doublings, additions, bn254's two Frobenius additions). */
size_t pairing_line_slots(const pairing_params *pp);
/* Stores the line slots of Q's Miller loop (finite Q in the order-r subgroup) in out; returns their number, or 0
 * when more than cap. Depends on Q only: for a fixed Q (KZG's G2 points) it runs once. */
size_t pairing_lines_precompute(const pairing_params *pp, pairing_line *out, size_t cap, const fe2 *qx, const fe2 *qy);
/* f = f · Π_j f_{loop,Q_j}(P_j) from precomputed lines (lines[j] of pairing_lines_precompute for Q_j), with one
 * shared Fp12 squaring per loop step for all n pairs. Equal (as an Fp12 element) to n calls of
 * pairing_miller_acc. */
void pairing_miller_lines(const pairing_params *pp, fe12 *f, size_t n, const fe *px, const fe *py,
                          const pairing_line *const *lines);

/* f = f · f_{loop,Q}(P) for a pair with a variable Q, batched: the lines of up to four pairs are stored and their Miller
 * loops run together (pairing_miller_lines: one Fp12 squaring per step for all of them). pairing_batch_flush must run
 * before f is used (the final exponentiation); the result equals pairing_miller_acc's on every pair. */
/* Starts a batch, dropping pairs a previous call left when it stopped at an invalid input. */
void pairing_batch_begin(void);
void pairing_batch_add(const pairing_params *pp, fe12 *f, const fe *px, const fe *py, const fe2 *qx, const fe2 *qy);
void pairing_batch_flush(const pairing_params *pp, fe12 *f);

/* f = f · f_{loop,Q}(P) (and the bn254 Frobenius lines) for affine P in E(Fp), Q in E'(Fp2), both
 * finite and Q in the order-r subgroup. */
void pairing_miller_acc(const pairing_params *pp, fe12 *f, const fe *px, const fe *py, const fe2 *qx, const fe2 *qy);
void pairing_final_exp(const pairing_params *pp, fe12 *r, const fe12 *f);

#endif
