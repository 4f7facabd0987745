/* EIP-4844 point evaluation: verify_kzg_proof(commitment, z, y, proof) of the Deneb polynomial
 * commitments spec. The versioned-hash check and the return value (FIELD_ELEMENTS_PER_BLOB ||
 * BLS_MODULUS) are the caller's. Errors (ZKVM_EINVAL), as the spec's assertions: z or y not below the
 * scalar-field modulus r; a commitment or proof that is not a valid compressed G1 point in the
 * order-r subgroup (the infinity encoding 0xc0 00..00 is allowed). A failing pairing check is
 * *valid = false. */
#include "bls12_381.h"

/* [τ]_2 from the Ethereum KZG ceremony: KZG_SETUP_G2_MONOMIAL[1] (consensus-specs
 * trusted_setup_4096.json, c-kzg-4844 trusted_setup.txt), in the compressed ZCash encoding. */
static const char KZG_SETUP_G2_1[] =
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
    "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2";

/* Line slots of the BLS12-381 Miller loop (63 doublings and 5 additions for |x| = 0xd201000000010000). */
#define KZG_LINE_CAP 72

static struct {
    bool ready, ok;
    bg2_pt tau_g2;
    /* the Miller-loop lines of the two fixed G2 arguments (see zkvm_kzg_point_eval) */
    pairing_line lines_neg_g2[KZG_LINE_CAP], lines_tau[KZG_LINE_CAP];
} kzg;

static unsigned nib(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
}

/* The ZCash serialization flags of the first byte. */
#define FLAG_COMPRESSED 0x80
#define FLAG_INFINITY 0x40
#define FLAG_SIGN 0x20

/* Compressed G1 (48 bytes): on the curve and in the subgroup; false on any malformation. */
bool bls_g1_decompress(bg1_pt *P, const uint8_t in[48])
{
    uint8_t flags = in[0] & 0xe0;
    if (!(flags & FLAG_COMPRESSED))
        return false;
    if (flags & FLAG_INFINITY) {
        if (flags & FLAG_SIGN || (in[0] & 0x1f) != 0)
            return false;
        for (int i = 1; i < 48; i++)
            if (in[i] != 0)
                return false;
        bg1_set_inf(&accel_bls.g1, P);
        return true;
    }
    uint8_t xb[48];
    memcpy(xb, in, 48);
    xb[0] &= 0x1f;
    fe x, y, rhs;
    if (!fp_from_bytes(&accel_bls.fp, &x, xb))
        return false; /* x >= p */
    fp_sqr(&accel_bls.fp, &rhs, &x);
    fp_mul(&accel_bls.fp, &rhs, &rhs, &x);
    fp_add(&accel_bls.fp, &rhs, &rhs, &accel_bls.g1.b);
    if (!fp_sqrt(&accel_bls.fp, &y, &rhs))
        return false; /* not on the curve */
    if (fp_is_lex_largest(&accel_bls.fp, &y) != ((flags & FLAG_SIGN) != 0))
        fp_neg(&accel_bls.fp, &y, &y);
    bg1_from_affine(&accel_bls.g1, P, &x, &y);
    return bls_g1_in_subgroup(P);
}

/* Compressed G2 (96 bytes: x.c1 with the flags, then x.c0); the sign is that of y.c1, or of y.c0 when
 * y.c1 = 0. */
static bool g2_decompress(bg2_pt *Q, const uint8_t in[96])
{
    uint8_t flags = in[0] & 0xe0;
    if (!(flags & FLAG_COMPRESSED) || (flags & FLAG_INFINITY))
        return false; /* infinity is never needed here */
    uint8_t b[96];
    memcpy(b, in, 96);
    b[0] &= 0x1f;
    fe2 x, y, rhs;
    if (!fp_from_bytes(&accel_bls.fp, &x.c1, b) || !fp_from_bytes(&accel_bls.fp, &x.c0, b + 48))
        return false;
    fp2_sqr(&accel_bls.fp, &rhs, &x);
    fp2_mul(&accel_bls.fp, &rhs, &rhs, &x);
    fp2_add(&accel_bls.fp, &rhs, &rhs, &accel_bls.g2.b);
    if (!fp2_sqrt(&accel_bls.fp, &y, &rhs))
        return false;
    bool larger = fp_is_zero(&accel_bls.fp, &y.c1) ? fp_is_lex_largest(&accel_bls.fp, &y.c0) : fp_is_lex_largest(&accel_bls.fp, &y.c1);
    if (larger != ((flags & FLAG_SIGN) != 0))
        fp2_neg(&accel_bls.fp, &y, &y);
    bg2_from_affine(&accel_bls.g2, Q, &x, &y);
    return bls_g2_in_subgroup(Q);
}

static void kzg_init(void)
{
    if (kzg.ready)
        return;
    bls_init();
    uint8_t b[96];
    for (int i = 0; i < 96; i++)
        b[i] = (uint8_t)(nib(KZG_SETUP_G2_1[2 * i]) << 4 | nib(KZG_SETUP_G2_1[2 * i + 1]));
    kzg.ok = g2_decompress(&kzg.tau_g2, b);
    if (kzg.ok) {
        /* once per guest run: the lines of −G2 and [τ]G2 (pairing_lines_precompute) */
        const bg2_curve *c2 = &accel_bls.g2;
        fe2 qx, qy;
        bg2_pt ng;
        bg2_neg(c2, &ng, &accel_bls.g2_gen);
        bg2_to_affine(c2, &qx, &qy, &ng);
        size_t n1 = pairing_lines_precompute(&accel_bls.pp, kzg.lines_neg_g2, KZG_LINE_CAP, &qx, &qy);
        bg2_to_affine(c2, &qx, &qy, &kzg.tau_g2);
        size_t n2 = pairing_lines_precompute(&accel_bls.pp, kzg.lines_tau, KZG_LINE_CAP, &qx, &qy);
        kzg.ok = n1 != 0 && n2 != 0;
    }
    kzg.ready = true;
}

/* 32-byte big-endian scalar below r (the spec's bytes_to_bls_field) */
static bool read_scalar(uint64_t out[4], const uint8_t in[32])
{
    mp_from_be(out, 4, in, 32);
    return mp_cmp(out, accel_bls.r, 4) < 0;
}

/* verify_kzg_proof as the consensus spec writes it: e(C − [y]G1, −G2) · e(π, [τ]G2 − [z]G2) == 1, with a G2
 * scalar multiplication and both Miller loops on the fly. The tests compare zkvm_kzg_point_eval with it. */
zkvm_status accel_kzg_point_eval_reference(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                                           const uint8_t proof[48], bool *valid)
{
    *valid = false;
    kzg_init();
    if (!kzg.ok)
        return ZKVM_EINVAL; /* unreachable unless the setup constant is corrupted (tested) */
    uint64_t zs[4], ys[4];
    bg1_pt C, Pi;
    if (!read_scalar(zs, z) || !read_scalar(ys, y) || !bls_g1_decompress(&C, commitment) ||
        !bls_g1_decompress(&Pi, proof))
        return ZKVM_EINVAL;
    /* e(C − [y]G1, −G2) · e(π, [τ]G2 − [z]G2) == 1 */
    bg1_pt P[2], t1;
    bg2_pt Q[2], t2;
    bg1_mul(&accel_bls.g1, &t1, &accel_bls.g1_gen, ys, 4);
    bg1_neg(&accel_bls.g1, &t1, &t1);
    bg1_add(&accel_bls.g1, &P[0], &C, &t1);
    bg2_neg(&accel_bls.g2, &Q[0], &accel_bls.g2_gen);
    P[1] = Pi;
    bg2_mul(&accel_bls.g2, &t2, &accel_bls.g2_gen, zs, 4);
    bg2_neg(&accel_bls.g2, &t2, &t2);
    bg2_add(&accel_bls.g2, &Q[1], &kzg.tau_g2, &t2);
    *valid = bls_pairing_product_is_one(P, Q, 2);
    return ZKVM_EOK;
}

#ifdef ACCEL_FP_MODMUL
/* p := p + k·q through the point syscalls (k < r; the helpers handle infinity and P = ±Q) */
static void aff_add_mul(ecaff_pt *p, const ecaff_pt *q, const uint64_t k[4], bool negate)
{
    const ecaff_curve *c = bls_g1_aff();
    ecaff_pt t, u;
    ecaff_mul(c, &t, q, k);
    if (negate) {
        ecaff_neg(c, &u, &t);
        ecaff_add(c, p, &u);
    } else {
        ecaff_add(c, p, &t);
    }
}

static void aff_from(ecaff_pt *r, const bg1_pt *P)
{
    /* decompressed points and the generator have Z = 1; with R = 1 their limbs are the affine coordinates */
    r->inf = bg1_is_inf(&accel_bls.g1, P);
    if (!r->inf)
        ecaff_from_fe(bls_g1_aff(), r, &P->x, &P->y);
}
#endif

/* The same check with both G2 arguments fixed: e(π, [τ − z]G2) = e(π, [τ]G2) · e([z]π, −G2), so
 *   e(C − [y]G1 + [z]π, −G2) · e(π, [τ]G2) == 1.
 * All scalar multiplication is in G1 (through the point syscalls in the zkVM build, Jacobian code on the host),
 * the Miller-loop lines of −G2 and [τ]G2 are computed once per run (kzg_init), and the two Miller loops share
 * their Fp12 squarings and one final exponentiation. A pair with a G1 point at infinity contributes 1. */
zkvm_status zkvm_kzg_point_eval(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                                const uint8_t proof[48], bool *valid)
{
    *valid = false;
    kzg_init();
    if (!kzg.ok)
        return ZKVM_EINVAL; /* unreachable unless the setup constant is corrupted (tested) */
    uint64_t zs[4], ys[4];
    bg1_pt C, Pi;
    if (!read_scalar(zs, z) || !read_scalar(ys, y) || !bls_g1_decompress(&C, commitment) ||
        !bls_g1_decompress(&Pi, proof))
        return ZKVM_EINVAL;
    fe px[2], py[2];
    const pairing_line *lines[2];
    size_t n = 0;
#ifdef ACCEL_FP_MODMUL
    ecaff_pt A, G, P;
    aff_from(&A, &C);
    aff_from(&G, &accel_bls.g1_gen);
    aff_from(&P, &Pi);
    aff_add_mul(&A, &G, ys, true);  /* C − [y]G1 */
    aff_add_mul(&A, &P, zs, false); /* + [z]π */
    if (!A.inf) {
        fp_set_zero(&px[n]);
        fp_set_zero(&py[n]);
        memcpy(px[n].l, A.v, 48);
        memcpy(py[n].l, A.v + 6, 48);
        lines[n++] = kzg.lines_neg_g2;
    }
#else
    const bg1_curve *c1 = &accel_bls.g1;
    bg1_pt A, t;
    bg1_mul(c1, &t, &accel_bls.g1_gen, ys, 4);
    bg1_neg(c1, &t, &t);
    bg1_add(c1, &A, &C, &t);
    bg1_mul(c1, &t, &Pi, zs, 4);
    bg1_add(c1, &A, &A, &t);
    if (!bg1_is_inf(c1, &A)) {
        bg1_to_affine(c1, &px[n], &py[n], &A);
        lines[n++] = kzg.lines_neg_g2;
    }
#endif
    if (!bg1_is_inf(&accel_bls.g1, &Pi)) {
        bg1_to_affine(&accel_bls.g1, &px[n], &py[n], &Pi);
        lines[n++] = kzg.lines_tau;
    }
    if (n == 0) {
        *valid = true; /* both arguments at infinity: the product is 1 */
        return ZKVM_EOK;
    }
    fe12 f, e;
    fp12_set_one(&accel_bls.pp.t, &f);
    pairing_miller_lines(&accel_bls.pp, &f, n, px, py, lines);
    pairing_final_exp(&accel_bls.pp, &e, &f);
    *valid = fp12_is_one(&accel_bls.pp.t, &e);
    return ZKVM_EOK;
}
