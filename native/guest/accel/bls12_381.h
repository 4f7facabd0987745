/* BLS12-381 curve layer shared by the EIP-2537 precompiles (bls12_381.c) and KZG (kzg.c). */
#ifndef ACCEL_BLS12_381_H
#define ACCEL_BLS12_381_H

#include "pairing.h"

#define EC_FE fe
#define EC_F(op) fp_##op
#define EC_PT bg1_pt
#define EC_CURVE bg1_curve
#define EC_P(fn) bg1_##fn
#include "ec_impl.h"
#undef EC_FE
#undef EC_F
#undef EC_PT
#undef EC_CURVE
#undef EC_P
#define EC_FE fe2
#define EC_F(op) fp2_##op
#define EC_PT bg2_pt
#define EC_CURVE bg2_curve
#define EC_P(fn) bg2_##fn
#include "ec_impl.h"
#undef EC_FE
#undef EC_F
#undef EC_PT
#undef EC_CURVE
#undef EC_P

typedef struct bls_ctx {
    bool ready;
    fp_ctx fp;
    uint64_t r[4];
    bg1_curve g1;
    bg2_curve g2;
    bg1_pt g1_gen;
    bg2_pt g2_gen;
    pairing_params pp;
} bls_ctx;

extern bls_ctx accel_bls;

void bls_init(void);
/* 64-byte EIP-2537 field element: 16 zero bytes then a value below p. */
bool bls_read_fp(fe *r, const uint8_t in[64]);
bool bls_g1_in_subgroup(const bg1_pt *P);
bool bls_g2_in_subgroup(const bg2_pt *Q);
/* e(P[0], Q[0]) ··· e(P[n−1], Q[n−1]) == 1 for validated points (infinity allowed). */
bool bls_pairing_product_is_one(const bg1_pt *P, const bg2_pt *Q, size_t n);
void bls_map_to_g1(bg1_pt *out, const fe *u);
void bls_map_to_g2(bg2_pt *out, const fe2 *u);
/* Compressed (ZCash) G1 point, validated on the curve and in the subgroup; infinity allowed. */
bool bls_g1_decompress(bg1_pt *P, const uint8_t in[48]);

/* The verification of kzg.c before the fixed-argument pairing (G2 scalar multiplication, Miller loops on the fly):
 * kept as the reference that the tests compare zkvm_kzg_point_eval with. */
zkvm_status accel_kzg_point_eval_reference(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                                           const uint8_t proof[48], bool *valid);

#ifdef ACCEL_FP_MODMUL
#include "ec_affine.h"
/* BLS12-381 G1 for the affine point-syscall helpers (ec_affine.h). */
const ecaff_curve *bls_g1_aff(void);
#endif

#endif
