/* bn254 (alt_bn128) precompiles, EIP-196 (ECADD, ECMUL) and EIP-197 (pairing check).
 * Fp elements are 32-byte big-endian and must be below p; G1 (0, 0) and G2 all-zero are infinity.
 * G2 encodes each Fp2 coordinate as (imaginary, real). Gas (EIP-1108) is the caller's. */
#include "pairing.h"

#define EC_FE fe
#define EC_F(op) fp_##op
#define EC_PT g1_pt
#define EC_CURVE g1_curve
#define EC_P(fn) g1_##fn
#include "ec_impl.h"
#undef EC_FE
#undef EC_F
#undef EC_PT
#undef EC_CURVE
#undef EC_P
#define EC_FE fe2
#define EC_F(op) fp2_##op
#define EC_PT g2_pt
#define EC_CURVE g2_curve
#define EC_P(fn) g2_##fn
#include "ec_impl.h"
#include "ec_affine.h"

/* Derived by tools/gen_pairing_constants.py from p, r and x = 4965661367192848881. */
static const char BN_P[] = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
static const char BN_R[] = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
static const char BN_TWIST_B0[] = "2b149d40ceb8aaae81be18991be06ac3b5b4c5e559dbefa33267e6dc24a138e5";
static const char BN_TWIST_B1[] = "9713b03af0fed4cd2cafadeed8fdf4a74fa084e52d1852e4a2bd0685c315d2";
static const char BN_FROB_X0[] = "2fb347984f7911f74c0bec3cf559b143b78cc310c2c3330c99e39557176f553d";
static const char BN_FROB_X1[] = "16c9e55061ebae204ba4cc8bd75a079432ae2a1d0b7c9dce1665d51c640fcba2";
static const char BN_FROB_Y0[] = "63cf305489af5dcdc5ec698b6e2f9b9dbaae0eda9c95998dc54014671a0135a";
static const char BN_FROB_Y1[] = "7c03cbcac41049a0704b5a7ec796f2b21807dc98fa25bd282d37f632623b0e3";
/* 6x + 2, and its non-adjacent form (least significant digit first: 22 non-zero digits instead of
 * 37 one bits, so 15 fewer addition steps in the Miller loop) */
static const uint64_t BN_LOOP[2] = {0x9d797039be763ba8ULL, 0x1ULL};
static const int8_t BN_LOOP_NAF[66] = {
    0, 0, 0, 1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 0, 0, 0, -1, 0, 0,
    1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 1};
/* the seed x */
static const uint64_t BN_X[1] = {4965661367192848881ULL};
/* ξ^((p − 1)/6), ξ^((p^2 − 1)/6) */
static const char BN_FROB1_W0[] = "1284b71c2865a7dfe8b99fdd76e68b605c521e08292f2176d60b35dadcc9e470";
static const char BN_FROB1_W1[] = "246996f3b4fae7e6a6327cfe12150b8e747992778eeec7e5ca5cf05f80f362ac";
static const char BN_FROB2_W0[] = "30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd49";
static const char BN_FROB2_W1[] = "0";


static struct {
    bool ready;
    fp_ctx fp;
    g1_curve g1;
    g2_curve g2;
    uint64_t r[4];
    pairing_params pp;
} bn;

static void bn_init(void)
{
    if (bn.ready)
        return;
    fp_ctx_init_hex(&bn.fp, BN_P);
    bn.g1.f = &bn.fp;
    fp_set_zero(&bn.g1.a);
    fp_set_u64(&bn.fp, &bn.g1.b, 3);
    bn.g1.a_zero = true;
    bn.g2.f = &bn.fp;
    fp2_set_zero(&bn.g2.a);
    fp_from_hex(&bn.fp, &bn.g2.b.c0, BN_TWIST_B0);
    fp_from_hex(&bn.fp, &bn.g2.b.c1, BN_TWIST_B1);
    bn.g2.a_zero = true;
    mp_from_hex(bn.r, 4, BN_R);
    bn.pp.t.f = &bn.fp;
    bn.pp.t.xi_a = 9;
    bn.pp.d_type = true;
    bn.pp.loop = BN_LOOP;
    bn.pp.loop_limbs = 2;
    bn.pp.loop_negative = false;
    bn.pp.bn_frobenius_lines = true;
    fp_from_hex(&bn.fp, &bn.pp.frob_x.c0, BN_FROB_X0);
    fp_from_hex(&bn.fp, &bn.pp.frob_x.c1, BN_FROB_X1);
    fp_from_hex(&bn.fp, &bn.pp.frob_y.c0, BN_FROB_Y0);
    fp_from_hex(&bn.fp, &bn.pp.frob_y.c1, BN_FROB_Y1);
    bn.pp.hard_x_chain = false;
    bn.pp.loop_naf = BN_LOOP_NAF;
    bn.pp.loop_naf_len = 66;
    bn.pp.x_abs = BN_X;
    bn.pp.x_limbs = 1;
    bn.pp.x_negative = false;
    fe2 gamma1, gamma2;
    fp_from_hex(&bn.fp, &gamma1.c0, BN_FROB1_W0);
    fp_from_hex(&bn.fp, &gamma1.c1, BN_FROB1_W1);
    fp_from_hex(&bn.fp, &gamma2.c0, BN_FROB2_W0);
    fp_from_hex(&bn.fp, &gamma2.c1, BN_FROB2_W1);
    pairing_set_frobenius(&bn.pp, &gamma1, &gamma2);
    fp2_dbl(&bn.fp, &bn.pp.twist_b3, &bn.g2.b);
    fp2_add(&bn.fp, &bn.pp.twist_b3, &bn.pp.twist_b3, &bn.g2.b);
    fp_set_u64(&bn.fp, &bn.pp.half, 2);
    fp_inv(&bn.fp, &bn.pp.half, &bn.pp.half);
    bn.ready = true;
}

/* G1 point: coordinates below p, (0, 0) is infinity, otherwise on y^2 = x^3 + 3 (the cofactor is 1,
 * so every curve point is in the subgroup). */
static bool read_g1(g1_pt *P, const uint8_t in[64])
{
    fe x, y;
    if (!fp_from_bytes(&bn.fp, &x, in) || !fp_from_bytes(&bn.fp, &y, in + 32))
        return false;
    if (fp_is_zero(&bn.fp, &x) && fp_is_zero(&bn.fp, &y)) {
        g1_set_inf(&bn.g1, P);
        return true;
    }
    if (!g1_on_curve_affine(&bn.g1, &x, &y))
        return false;
    g1_from_affine(&bn.g1, P, &x, &y);
    return true;
}

static void write_g1(uint8_t out[64], const g1_pt *P)
{
    if (g1_is_inf(&bn.g1, P)) {
        memset(out, 0, 64);
        return;
    }
    fe x, y;
    g1_to_affine(&bn.g1, &x, &y, P);
    fp_to_bytes(&bn.fp, out, &x);
    fp_to_bytes(&bn.fp, out + 32, &y);
}

/* G2 point: x.c1 || x.c0 || y.c1 || y.c0, each below p; all zero is infinity; otherwise on the twist
 * y^2 = x^3 + 3/(9 + u) and in the order-r subgroup (checked as r·Q = O; the twist has a large
 * cofactor, EIP-197 requires the check). */
static bool read_g2(g2_pt *Q, fe2 *x, fe2 *y, const uint8_t in[128])
{
    if (!fp_from_bytes(&bn.fp, &x->c1, in) || !fp_from_bytes(&bn.fp, &x->c0, in + 32) ||
        !fp_from_bytes(&bn.fp, &y->c1, in + 64) || !fp_from_bytes(&bn.fp, &y->c0, in + 96))
        return false;
    if (fp2_is_zero(&bn.fp, x) && fp2_is_zero(&bn.fp, y)) {
        g2_set_inf(&bn.g2, Q);
        return true;
    }
    if (!g2_on_curve_affine(&bn.g2, x, y))
        return false;
    g2_from_affine(&bn.g2, Q, x, y);
    g2_pt t;
    g2_mul(&bn.g2, &t, Q, bn.r, 4);
    return g2_is_inf(&bn.g2, &t);
}

#ifdef ACCEL_FP_MODMUL
/* The zkVM build's G1 arithmetic: affine points through BN254_ADD / BN254_DOUBLE (ec_affine.h). read_g1 leaves
 * a finite point with Z = 1, and R = 1 makes its limbs the plain coordinates. */
static const ecaff_curve *bn_aff(void)
{
    static ecaff_curve c;
    c.f = &bn.fp;
#if defined(__riscv)
    c.add_nr = ZKVM_SYS_BN254_ADD;
    c.dbl_nr = ZKVM_SYS_BN254_DOUBLE;
#endif
    return &c;
}

static void aff_from_g1(ecaff_pt *r, const g1_pt *P)
{
    r->inf = g1_is_inf(&bn.g1, P);
    if (!r->inf)
        ecaff_from_fe(bn_aff(), r, &P->x, &P->y);
}

static void write_aff(uint8_t out[64], const ecaff_pt *A)
{
    if (A->inf) {
        memset(out, 0, 64);
        return;
    }
    mp_to_be(out, 32, A->v, 4);
    mp_to_be(out + 32, 32, A->v + 4, 4);
}
#endif

zkvm_status zkvm_bn254_g1_add(const uint8_t p[64], const uint8_t q[64], uint8_t out[64])
{
    bn_init();
    g1_pt P, Q, R;
    if (!read_g1(&P, p) || !read_g1(&Q, q))
        return ZKVM_EINVAL;
#ifdef ACCEL_FP_MODMUL
    {
        ecaff_pt A, B;
        aff_from_g1(&A, &P);
        aff_from_g1(&B, &Q);
        ecaff_add(bn_aff(), &A, &B);
        write_aff(out, &A);
        return ZKVM_EOK;
    }
#endif
    g1_add(&bn.g1, &R, &P, &Q);
    write_g1(out, &R);
    return ZKVM_EOK;
}

zkvm_status zkvm_bn254_g1_mul(const uint8_t p[64], const uint8_t scalar[32], uint8_t out[64])
{
    bn_init();
    g1_pt P, R;
    if (!read_g1(&P, p))
        return ZKVM_EINVAL;
    uint64_t k[4];
    mp_from_be(k, 4, scalar, 32); /* the full 256-bit scalar, not reduced (same point: r·P = O) */
#ifdef ACCEL_FP_MODMUL
    {
        ecaff_pt A, Rk;
        aff_from_g1(&A, &P);
        ecaff_mul(bn_aff(), &Rk, &A, k);
        write_aff(out, &Rk);
        return ZKVM_EOK;
    }
#endif
    g1_mul(&bn.g1, &R, &P, k, 4);
    write_g1(out, &R);
    return ZKVM_EOK;
}

zkvm_status zkvm_bn254_pairing(const uint8_t *pairs, size_t num_pairs, bool *is_one)
{
    bn_init();
    *is_one = false;
    if (pairs == NULL && num_pairs != 0)
        return ZKVM_EINVAL;
    fe12 f;
    fp12_set_one(&bn.pp.t, &f);
    pairing_batch_begin();
    bool any = false;
    for (size_t i = 0; i < num_pairs; i++) {
        const uint8_t *in = pairs + 192 * i;
        g1_pt P;
        g2_pt Q;
        fe2 qx, qy;
        if (!read_g1(&P, in) || !read_g2(&Q, &qx, &qy, in + 64))
            return ZKVM_EINVAL;
        if (g1_is_inf(&bn.g1, &P) || g2_is_inf(&bn.g2, &Q))
            continue; /* e(O, Q) = e(P, O) = 1 */
        fe px, py;
        g1_to_affine(&bn.g1, &px, &py, &P);
        pairing_batch_add(&bn.pp, &f, &px, &py, &qx, &qy);
        any = true;
    }
    pairing_batch_flush(&bn.pp, &f);
    if (!any) { /* empty input or only infinities: the empty product is 1 */
        *is_one = true;
        return ZKVM_EOK;
    }
    fe12 e;
    pairing_final_exp(&bn.pp, &e, &f);
    *is_one = fp12_is_one(&bn.pp.t, &e);
    return ZKVM_EOK;
}
