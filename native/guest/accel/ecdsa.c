/* ECDSA over secp256k1 (SEC 2) and secp256r1 / P-256 (FIPS 186-4 D.1.2.3): verification, and public
 * key recovery for secp256k1 (SEC 1 v2 §4.1.6). All inputs are public (signatures, hashes, keys), so
 * the scalar multiplications are variable-time; see docs/design.md. */
#include "fp.h"

#define EC_FE fe
#define EC_F(op) fp_##op
#define EC_PT ecp_pt
#define EC_CURVE ecp_curve
#define EC_P(fn) ecp_##fn
#include "ec_impl.h"

typedef struct ecdsa_curve {
    fp_ctx fp, fn;
    ecp_curve cv;
    ecp_pt g;
    bool ready;
    bool glv;           /* secp256k1: the endomorphism (x, y) -> (βx, y) = λ·(x, y) is used */
    fe beta;            /* cube root of unity mod p (Montgomery) */
    fe lambda, nb1, b2; /* mod n: λ, −b1, b2 of the lattice basis */
    uint64_t g1[4], g2[4]; /* round(2^384·b2/n), round(2^384·(−b1)/n) */
} ecdsa_curve;

static void ecdsa_init(ecdsa_curve *c, const char *p, const char *n, const char *a, const char *b,
                       const char *gx, const char *gy)
{
    fp_ctx_init_hex(&c->fp, p);
    fp_ctx_init_hex(&c->fn, n);
    c->cv.f = &c->fp;
    fp_from_hex(&c->fp, &c->cv.a, a);
    fp_from_hex(&c->fp, &c->cv.b, b);
    c->cv.a_zero = fp_is_zero(&c->fp, &c->cv.a);
    fe x, y;
    fp_from_hex(&c->fp, &x, gx);
    fp_from_hex(&c->fp, &y, gy);
    ecp_from_affine(&c->cv, &c->g, &x, &y);
    c->ready = true;
}

static ecdsa_curve k1, r1;

static const ecdsa_curve *secp256k1(void)
{
    if (!k1.ready) {
        ecdsa_init(&k1, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
                   "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "0", "7",
                   "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
                   "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
        /* GLV constants (Gallant, Lambert, Vanstone 2001; the secp256k1 values as in SEC 2 / the
         * "Guide to ECC" example), checked in Python: λ^3 = 1 mod n, β^3 = 1 mod p, λ·G = (βGx, Gy),
         * a_i + b_i λ = 0 mod n, and |k1|, |k2| < 2^128 for random k. */
        fp_from_hex(&k1.fp, &k1.beta, "7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee");
        fp_from_hex(&k1.fn, &k1.lambda, "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72");
        fp_from_hex(&k1.fn, &k1.nb1, "e4437ed6010e88286f547fa90abfe4c3");
        fp_from_hex(&k1.fn, &k1.b2, "3086d221a7d46bcde86c90e49284eb15");
        mp_from_hex(k1.g1, 4, "3086d221a7d46bcde86c90e49284eb153daa8a1471e8ca7fe893209a45dbb031");
        mp_from_hex(k1.g2, 4, "e4437ed6010e88286f547fa90abfe4c4221208ac9df506c61571b4ae8ac47f71");
        k1.glv = true;
    }
    return &k1;
}

/* round(k·g / 2^384) for 4-limb k and g (at most 128 bits here) */
static void mul_shift384(uint64_t out[4], const uint64_t k[4], const uint64_t g[4])
{
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 s = (u128)k[i] * g[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + 4] = carry;
    }
    /* + 2^383 for rounding, then keep limbs 6, 7 */
    u128 s = (u128)t[5] + ((uint64_t)1 << 63);
    uint64_t carry = (uint64_t)(s >> 64);
    s = (u128)t[6] + carry;
    out[0] = (uint64_t)s;
    out[1] = t[7] + (uint64_t)(s >> 64);
    out[2] = out[3] = 0;
}

/* k = k1 + k2·λ (mod n) with |k1|, |k2| < 2^129: magnitudes in ks[0], ks[1], signs in neg[0], neg[1]. */
static void glv_split(const ecdsa_curve *c, uint64_t ks[2][4], bool neg[2], const fe *k)
{
    uint64_t kl[4], c1[4], c2[4];
    fp_to_limbs(&c->fn, kl, k);
    mul_shift384(c1, kl, c->g1);
    mul_shift384(c2, kl, c->g2);
    fe c1m, c2m, k2, k1, t;
    fp_from_bytes_reduce_limbs(&c->fn, &c1m, c1);
    fp_from_bytes_reduce_limbs(&c->fn, &c2m, c2);
    fp_mul(&c->fn, &k2, &c1m, &c->nb1);
    fp_mul(&c->fn, &t, &c2m, &c->b2);
    fp_sub(&c->fn, &k2, &k2, &t);       /* k2 = −c1 b1 − c2 b2 */
    fp_mul(&c->fn, &t, &k2, &c->lambda);
    fp_sub(&c->fn, &k1, k, &t);         /* k1 = k − λ k2 */
    const fe *parts[2] = {&k1, &k2};
    for (int i = 0; i < 2; i++) {
        fe m;
        neg[i] = fp_is_lex_largest(&c->fn, parts[i]); /* > (n − 1)/2: use n − k_i and −P */
        if (neg[i])
            fp_neg(&c->fn, &m, parts[i]);
        else
            m = *parts[i];
        fp_to_limbs(&c->fn, ks[i], &m);
    }
}

/* r = u1·G + u2·Q; with GLV as four half-length scalars over G, φ(G), Q, φ(Q). */
static void double_mul(const ecdsa_curve *c, ecp_pt *r, const fe *u1, const ecp_pt *q, const fe *u2)
{
    if (!c->glv) {
        uint64_t k1l[4], k2l[4];
        fp_to_limbs(&c->fn, k1l, u1);
        fp_to_limbs(&c->fn, k2l, u2);
        ecp_mul2_wnaf(&c->cv, r, &c->g, k1l, q, k2l, 4);
        return;
    }
    ecp_pt pts[4];
    uint64_t ks[4][4];
    bool neg[4];
    glv_split(c, ks, neg, u1);
    glv_split(c, ks + 2, neg + 2, u2);
    pts[0] = c->g;
    pts[2] = *q;
    for (int i = 0; i < 4; i += 2) {
        pts[i + 1] = pts[i];
        fp_mul(&c->fp, &pts[i + 1].x, &pts[i + 1].x, &c->beta); /* φ acts on Jacobian X as on x */
    }
    for (int i = 0; i < 4; i++)
        if (neg[i])
            ecp_neg(&c->cv, &pts[i], &pts[i]);
    ecp_mul_multi_wnaf(&c->cv, r, pts, (const uint64_t(*)[4])ks, 4);
}

#ifdef ACCEL_FP_MODMUL
/* The zkVM build's secp256k1 scalar multiplication (docs/design.md, "Accelerator chips"): affine points, every
 * addition and doubling one SECP256K1_ADD / SECP256K1_DOUBLE syscall (proved by the point chips), so no field
 * inversion or projective bookkeeping runs in RV64 code. The exceptional cases the syscalls leave out (the point at
 * infinity, P = ±Q, y = 0) are handled here. With ACCEL_FP_MODMUL the contexts have R = 1, so an fe's limbs are the
 * plain, fully reduced coordinate. ACCEL_EMULATE_MODMUL (host tests) emulates the two syscalls with the fp code. */
#define ACCEL_EC_SYSCALL 1

typedef struct aff_pt {
    uint64_t v[8]; /* x (limbs 0..3) then y (limbs 4..7), the syscalls' layout */
    bool inf;
} aff_pt;

#ifdef ACCEL_EMULATE_MODMUL
#include "ec_emulate.h"
static void emulated_point_op(uint64_t p[8], const uint64_t *q) { ecaff_emulated_op(&secp256k1()->fp, p, q); }
static void zkvm_secp256k1_add(uint64_t p[8], const uint64_t q[8]) { emulated_point_op(p, q); }
static void zkvm_secp256k1_double(uint64_t p[8]) { emulated_point_op(p, NULL); }
#endif

static bool limbs4_eq(const uint64_t *a, const uint64_t *b)
{
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

static void aff_dbl(aff_pt *a)
{
    if (a->inf)
        return;
    if ((a->v[4] | a->v[5] | a->v[6] | a->v[7]) == 0) {
        a->inf = true; /* y = 0: a point of order 2 (none on secp256k1, kept for completeness) */
        return;
    }
    zkvm_secp256k1_double(a->v);
}

/* a += b (b may not alias a) */
static void aff_add(aff_pt *a, const aff_pt *b)
{
    if (b->inf)
        return;
    if (a->inf) {
        *a = *b;
        return;
    }
    if (limbs4_eq(a->v, b->v)) {
        if (limbs4_eq(a->v + 4, b->v + 4))
            aff_dbl(a);
        else
            a->inf = true; /* P + (−P) */
        return;
    }
    zkvm_secp256k1_add(a->v, b->v);
}

static void aff_neg(const ecdsa_curve *c, aff_pt *r, const aff_pt *a)
{
    *r = *a;
    if (!a->inf && (a->v[4] | a->v[5] | a->v[6] | a->v[7]) != 0)
        mp_sub(r->v + 4, c->fp.p, a->v + 4, 4);
}

static void aff_from_fe(aff_pt *r, const fe *x, const fe *y)
{
    memcpy(r->v, x->l, 32);
    memcpy(r->v + 4, y->l, 32);
    r->inf = false;
}

/* r = u1·G + u2·(qx, qy) with the GLV split (four half-length scalars over G, φ(G), Q, φ(Q)) and joint width-5 wNAF
 * over affine odd-multiple tables: about 130 doublings and 90 additions, each one syscall. */
static void double_mul_affine(const ecdsa_curve *c, aff_pt *r, const fe *u1, const fe *qx, const fe *qy, const fe *u2)
{
    uint64_t ks[4][4];
    bool neg[4];
    glv_split(c, ks, neg, u1);
    glv_split(c, ks + 2, neg + 2, u2);
    aff_pt tbl[4][8], two, acc, m;
    int8_t dg[4][260];
    size_t len[4], top = 0;
    aff_from_fe(&tbl[0][0], &c->g.x, &c->g.y);
    aff_from_fe(&tbl[2][0], qx, qy);
    for (int i = 0; i < 4; i += 2) {
        fe bx;
        memcpy(bx.l, tbl[i][0].v, 32);
        memset(bx.l + 4, 0, sizeof(bx.l) - 32);
        fp_mul(&c->fp, &bx, &bx, &c->beta); /* φ(x, y) = (βx, y) */
        tbl[i + 1][0] = tbl[i][0];
        memcpy(tbl[i + 1][0].v, bx.l, 32);
    }
    for (int j = 0; j < 4; j++) {
        if (neg[j])
            aff_neg(c, &tbl[j][0], &tbl[j][0]);
        len[j] = ec_wnaf5(dg[j], ks[j], 4);
        if (len[j] > top)
            top = len[j];
        two = tbl[j][0];
        aff_dbl(&two);
        for (int i = 1; i < 8; i++) {
            tbl[j][i] = tbl[j][i - 1];
            aff_add(&tbl[j][i], &two);
        }
    }
    acc.inf = true;
    for (size_t i = top; i-- > 0;) {
        aff_dbl(&acc);
        for (int j = 0; j < 4; j++) {
            int d = i < len[j] ? dg[j][i] : 0;
            if (d > 0) {
                aff_add(&acc, &tbl[j][d / 2]);
            } else if (d < 0) {
                aff_neg(c, &m, &tbl[j][-d / 2]);
                aff_add(&acc, &m);
            }
        }
    }
    *r = acc;
}
#endif

static const ecdsa_curve *secp256r1(void)
{
    if (!r1.ready)
        ecdsa_init(&r1, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
                   "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
                   "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc", /* a = −3 */
                   "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
                   "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
                   "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    return &r1;
}

/* Reads a scalar in [1, n − 1] into Montgomery form mod n; false when out of range. */
static bool scalar_nonzero(const ecdsa_curve *c, fe *r, const uint8_t be[32])
{
    return fp_from_bytes(&c->fn, r, be) && !fp_is_zero(&c->fn, r);
}

/* Reads an affine public key; false when a coordinate is >= p or the point is not on the curve
 * (this also excludes (0, 0), the encoding some libraries use for infinity, since b != 0). */
static bool read_point(const ecdsa_curve *c, ecp_pt *q, const uint8_t pub[64])
{
    fe x, y;
    if (!fp_from_bytes(&c->fp, &x, pub) || !fp_from_bytes(&c->fp, &y, pub + 32))
        return false;
    if (!ecp_on_curve_affine(&c->cv, &x, &y))
        return false;
    ecp_from_affine(&c->cv, q, &x, &y);
    return true;
}

/* x-coordinate of R (finite) reduced mod n equals r. x < p < 2n on both curves, and fp_from_bytes_reduce
 * reduces any 256-bit value mod n. */
static bool x_mod_n_equals(const ecdsa_curve *c, const ecp_pt *R, const fe *r_mont)
{
    fe x, y, xn;
    uint8_t xb[32];
    ecp_to_affine(&c->cv, &x, &y, R);
    fp_to_bytes(&c->fp, xb, &x);
    fp_from_bytes_reduce(&c->fn, &xn, xb, 32);
    return fp_eq(&c->fn, &xn, r_mont);
}

/* 1 valid, 0 invalid signature; the public key has already been validated. */
static bool ecdsa_verify(const ecdsa_curve *c, const uint8_t hash[32], const uint8_t sig[64], const ecp_pt *q)
{
    fe r, s, e, w, u1, u2;
    if (!scalar_nonzero(c, &r, sig) || !scalar_nonzero(c, &s, sig + 32))
        return false;
    /* e = hash mod n (the hash is 256 bits, the orders are 256 bits: no truncation) */
    fp_from_bytes_reduce(&c->fn, &e, hash, 32);
    fp_inv(&c->fn, &w, &s);
    fp_mul(&c->fn, &u1, &e, &w);
    fp_mul(&c->fn, &u2, &r, &w);
#ifdef ACCEL_EC_SYSCALL
    if (c->glv) {
        aff_pt A;
        double_mul_affine(c, &A, &u1, &q->x, &q->y, &u2); /* q is affine (Z = 1, read_point) */
        if (A.inf)
            return false;
        uint8_t xb[32];
        fe xn;
        mp_to_be(xb, 32, A.v, 4);
        fp_from_bytes_reduce(&c->fn, &xn, xb, 32);
        return fp_eq(&c->fn, &xn, &r);
    }
#endif
    ecp_pt R;
    double_mul(c, &R, &u1, q, &u2);
    if (ecp_is_inf(&c->cv, &R))
        return false;
    return x_mod_n_equals(c, &R, &r);
}

zkvm_status zkvm_secp256k1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid)
{
    const ecdsa_curve *c = secp256k1();
    ecp_pt q;
    *valid = false;
    if (!read_point(c, &q, pubkey))
        return ZKVM_EINVAL; /* malformed key: not a curve point */
    *valid = ecdsa_verify(c, msg_hash, sig, &q);
    return ZKVM_EOK;
}

zkvm_status zkvm_secp256r1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid)
{
    /* EIP-7951: every failing check (r, s outside [1, n), coordinates >= p, point off the curve or
     * at infinity, R' at infinity, R'.x mod n != r) is a verification failure, not an error. */
    const ecdsa_curve *c = secp256r1();
    ecp_pt q;
    *valid = read_point(c, &q, pubkey) && ecdsa_verify(c, msg_hash, sig, &q);
    return ZKVM_EOK;
}

zkvm_status zkvm_secp256k1_ecrecover(const uint8_t msg_hash[32], const uint8_t sig[64], uint8_t recid, uint8_t pubkey_out[64])
{
    const ecdsa_curve *c = secp256k1();
    fe r, s, e, x, y, y2, rinv, u1, u2;
    if (recid > 1)
        return ZKVM_EINVAL;
    if (!scalar_nonzero(c, &r, sig) || !scalar_nonzero(c, &s, sig + 32))
        return ZKVM_EINVAL;
    /* R = (r, y) with y of parity recid; r < n < p so r is a valid x (recid 2, 3 with x = r + n are not
     * expressible in the EVM's v ∈ {27, 28}). */
    if (!fp_from_bytes(&c->fp, &x, sig))
        return ZKVM_EINVAL;
    fp_sqr(&c->fp, &y2, &x);
    fp_mul(&c->fp, &y2, &y2, &x);
    fp_add(&c->fp, &y2, &y2, &c->cv.b);
    if (!fp_sqrt(&c->fp, &y, &y2))
        return ZKVM_EINVAL; /* r is not the x-coordinate of a curve point */
    if (fp_is_odd(&c->fp, &y) != (recid & 1))
        fp_neg(&c->fp, &y, &y);
#ifdef ACCEL_EC_SYSCALL
    {
        fp_from_bytes_reduce(&c->fn, &e, msg_hash, 32);
        fp_inv(&c->fn, &rinv, &r);
        fp_mul(&c->fn, &u1, &e, &rinv);
        fp_neg(&c->fn, &u1, &u1);
        fp_mul(&c->fn, &u2, &s, &rinv);
        aff_pt A;
        double_mul_affine(c, &A, &u1, &x, &y, &u2);
        if (A.inf)
            return ZKVM_EINVAL;
        mp_to_be(pubkey_out, 32, A.v, 4);
        mp_to_be(pubkey_out + 32, 32, A.v + 4, 4);
        return ZKVM_EOK;
    }
#endif
    ecp_pt R, Q;
    ecp_from_affine(&c->cv, &R, &x, &y);
    /* Q = r^-1 (s·R − e·G) = (−e·r^-1)·G + (s·r^-1)·R */
    fp_from_bytes_reduce(&c->fn, &e, msg_hash, 32);
    fp_inv(&c->fn, &rinv, &r);
    fp_mul(&c->fn, &u1, &e, &rinv);
    fp_neg(&c->fn, &u1, &u1);
    fp_mul(&c->fn, &u2, &s, &rinv);
    double_mul(c, &Q, &u1, &R, &u2);
    if (ecp_is_inf(&c->cv, &Q))
        return ZKVM_EINVAL;
    ecp_to_affine(&c->cv, &x, &y, &Q);
    fp_to_bytes(&c->fp, pubkey_out, &x);
    fp_to_bytes(&c->fp, pubkey_out + 32, &y);
    return ZKVM_EOK;
}
