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

static struct {
    bool ready, ok;
    bg2_pt tau_g2;
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
    kzg.ready = true;
}

/* 32-byte big-endian scalar below r (the spec's bytes_to_bls_field) */
static bool read_scalar(uint64_t out[4], const uint8_t in[32])
{
    mp_from_be(out, 4, in, 32);
    return mp_cmp(out, accel_bls.r, 4) < 0;
}

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
