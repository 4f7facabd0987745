/* The fixed-exponent powers (fp_pow.c) against fp_pow / fp_inv, and secp256k1 recovery and verification
 * (zkvm_secp256k1_ecrecover / _verify) against the plain-C reference (accel_secp256k1_ecrecover_ref / _verify_ref:
 * Jacobian GLV/wNAF, binary inversion). In `make host-test-modmul` the public functions run the zkVM build's syscall
 * path (MODMUL256 powers, affine point syscalls, emulated), so these cases compare the two implementations; in
 * `make host-test` both sides are the reference and the known answers below still hold. Values come from a
 * fixed-seed generator. */
#include "../accel_internal.h"
#include "../fp.h"
#include "test_util.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void rnd_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)rnd();
}

static const char *const MODULI[] = {
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", /* secp256k1 p */
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", /* secp256k1 n */
    "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", /* P-256 p */
    "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", /* bn254 p */
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
    "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", /* BLS12-381 r */
};

static const char K1_N[] = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
static const char K1_GX[] = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

/* Inversion a^(p−2), square root a^((p+1)/4) and random exponents by plan against fp_inv / fp_pow, on 0, 1, 2, p − 1,
 * squares, non-squares and random values, for every modulus in use (4- and 6-limb contexts). */
static void case_pow_plans(void)
{
    for (size_t m = 0; m < sizeof MODULI / sizeof MODULI[0]; m++) {
        fp_ctx c;
        fp_ctx_init_hex(&c, MODULI[m]);
        static fp_pow_plan inv, sq, rp;
        fp_pow_plan_init(&inv, c.pm2, c.n);
        fp_pow_plan_init(&sq, c.sqrt_exp, c.n);
        int squares = 0, nonsquares = 0;
        for (int i = 0; i < 120; i++) {
            fe a, x, y, one;
            fp_set_one(&c, &one);
            if (i == 0)
                fp_set_zero(&a);
            else if (i == 1)
                a = one;
            else if (i == 2)
                fp_set_u64(&c, &a, 2);
            else if (i == 3)
                fp_neg(&c, &a, &one);
            else {
                uint8_t b[32];
                rnd_bytes(b, sizeof b);
                fp_from_bytes_reduce(&c, &a, b, sizeof b);
            }
            fp_inv(&c, &x, &a);
            fp_pow_plan_run(&c, &y, &a, &inv);
            CHECK(fp_eq(&c, &x, &y));
            if ((c.p[0] & 3) == 3) {
                fe s, s2;
                fp_pow(&c, &x, &a, c.sqrt_exp, c.n);
                fp_pow_plan_run(&c, &s, &a, &sq);
                CHECK(fp_eq(&c, &x, &s));
                fp_sqr(&c, &s2, &s);
                bool is_sq = fp_sqrt(&c, &y, &a);
                CHECK(is_sq == fp_eq(&c, &s2, &a));
                if (is_sq)
                    squares++;
                else
                    nonsquares++;
            }
            /* a random exponent (some with zero top limbs, one all ones, one zero) */
            uint64_t e[FP_MAX_LIMBS];
            for (size_t j = 0; j < c.n; j++)
                e[j] = rnd();
            if (i % 7 == 1)
                for (size_t j = c.n / 2; j < c.n; j++)
                    e[j] = 0;
            if (i == 5)
                memset(e, 0xff, sizeof e);
            if (i == 6)
                memset(e, 0, sizeof e);
            if (i == 8)
                memset(e, 0, sizeof e), e[0] = 1;
            fp_pow_plan_init(&rp, e, c.n);
            fp_pow(&c, &x, &a, e, c.n);
            fp_pow_plan_run(&c, &y, &a, &rp);
            CHECK(fp_eq(&c, &x, &y));
        }
        CHECK((c.p[0] & 3) != 3 || (squares > 20 && nonsquares > 20));
        if (m == 0) { /* the secp256k1 square-root chain against the same exponent by fp_pow */
            static fp_pow_plan chain;
            fp_pow_plan_init_k1_sqrt(&chain);
            for (int i = 0; i < 60; i++) {
                fe a, x, y;
                uint8_t b[32];
                rnd_bytes(b, sizeof b);
                if (i < 2)
                    memset(b, 0, sizeof b), b[31] = (uint8_t)i;
                fp_from_bytes_reduce(&c, &a, b, sizeof b);
                fp_pow(&c, &x, &a, c.sqrt_exp, c.n);
                fp_pow_plan_run(&c, &y, &a, &chain);
                CHECK(fp_eq(&c, &x, &y));
            }
        }
    }
    t_end_case("ecrecover.pow-plans");
}

/* big-endian 32-byte helpers over the scalar field n (through fp, so they work in both builds) */
typedef struct nctx {
    fp_ctx n;
} nctx;

static void n_from(const nctx *c, fe *r, const uint8_t b[32])
{
    fp_from_bytes_reduce(&c->n, r, b, 32);
}

static void n_to(const nctx *c, uint8_t b[32], const fe *a)
{
    fp_to_bytes(&c->n, b, a);
}

static int compare_recover(const uint8_t h[32], const uint8_t sig[64], uint8_t recid)
{
    uint8_t a[64], b[64];
    memset(a, 0x11, sizeof a);
    memset(b, 0x22, sizeof b);
    zkvm_status sa = zkvm_secp256k1_ecrecover(h, sig, recid, a);
    zkvm_status sb = accel_secp256k1_ecrecover_ref(h, sig, recid, b);
    CHECK(sa == sb);
    if (sa == ZKVM_EOK && sb == ZKVM_EOK)
        CHECK_MEM(a, b, 64, "recovered key against the reference");
    return sa == ZKVM_EOK;
}

/* Random and edge-case inputs: r, s in {0, 1, n − 1, n, n + 1, p − 1, 2^256 − 1, (n ± 1)/2, Gx} or random, random
 * hashes (0 and 2^256 − 1 included), recovery ids 0..3; status and key must equal the reference's. */
static void case_recover_differential(void)
{
    static const char *const EDGE[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", /* n − 1 */
        K1_N,
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142", /* n + 1 */
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e", /* p − 1 */
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", /* (n − 1)/2 */
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1", /* (n + 1)/2: the first high s */
        K1_GX,
    };
    const size_t ne = sizeof EDGE / sizeof EDGE[0];
    int recovered = 0, rejected = 0;
    for (int i = 0; i < 600; i++) {
        uint8_t h[32], sig[64];
        rnd_bytes(h, 32);
        rnd_bytes(sig, 64);
        if (i % 5 == 0)
            t_hex(EDGE[rnd() % ne], sig, 32);
        if (i % 5 == 1)
            t_hex(EDGE[rnd() % ne], sig + 32, 32);
        if (i % 11 == 0)
            memset(h, i % 22 ? 0xff : 0, 32);
        uint8_t recid = (uint8_t)(i % 13 == 0 ? 2 + rnd() % 254 : rnd() % 2);
        if (compare_recover(h, sig, recid))
            recovered++;
        else
            rejected++;
    }
    CHECK(recovered > 200 && rejected > 100);
    t_end_case("ecrecover.differential");
}

/* R = ±G (r = Gx; Gy is even, so recid 0 gives G) with u1 = a and u2 = b chosen through e = −a·r, s = b·r (mod n):
 * Q = a·G + b·R. Small and related a, b make the joint wNAF meet its exceptional additions (acc = T, acc = −T)
 * and the point at infinity. */
static void case_recover_exceptional(void)
{
    nctx c;
    fp_ctx_init_hex(&c.n, K1_N);
    uint8_t gx[32];
    t_hex(K1_GX, gx, 32);
    fe r;
    n_from(&c, &r, gx);
    static const struct {
        uint64_t a, b;
        int neg_a, neg_b; /* use n − a, n − b */
        int recid;
        int want; /* 0 EINVAL (infinity), 1 key equal to the reference's, 2: 2G, 3: 3G */
    } cases[] = {
        {1, 1, 0, 0, 0, 2},  {1, 1, 0, 1, 0, 0},  {2, 1, 0, 0, 0, 3},  {1, 2, 0, 0, 0, 3},  {3, 1, 1, 0, 0, 1},
        {1, 1, 0, 0, 1, 0},  {5, 7, 0, 0, 0, 1},  {7, 7, 0, 1, 0, 0},  {0, 1, 0, 0, 0, 1},  {1, 0, 0, 0, 0, 0},
        {15, 15, 0, 0, 0, 1}, {63, 63, 0, 1, 0, 0}, {64, 63, 0, 0, 1, 1}, {1, 3, 1, 0, 0, 2},
    };
    static const char G2[] = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
                             "1ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a";
    static const char G3[] = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
                             "388f7b0f632de8140fe337e62a37f3566500a99934c2231b6cb9fd7584b8e672";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fe a, b, e, s;
        fp_set_u64(&c.n, &a, cases[i].a);
        fp_set_u64(&c.n, &b, cases[i].b);
        if (cases[i].neg_a)
            fp_neg(&c.n, &a, &a);
        if (cases[i].neg_b)
            fp_neg(&c.n, &b, &b);
        fp_mul(&c.n, &e, &a, &r);
        fp_neg(&c.n, &e, &e);
        fp_mul(&c.n, &s, &b, &r);
        uint8_t h[32], sig[64], out[64], want[64];
        n_to(&c, h, &e);
        memcpy(sig, gx, 32);
        n_to(&c, sig + 32, &s);
        zkvm_status st = zkvm_secp256k1_ecrecover(h, sig, (uint8_t)cases[i].recid, out);
        if (cases[i].want == 0) {
            CHECK(st == ZKVM_EINVAL);
        } else {
            CHECK(st == ZKVM_EOK);
            if (cases[i].want >= 2) {
                t_hex(cases[i].want == 2 ? G2 : G3, want, 64);
                CHECK_MEM(out, want, 64, "a·G + b·G");
            }
        }
        compare_recover(h, sig, (uint8_t)cases[i].recid);
    }
    /* u2 = s·r^-1 with s = 0 is rejected before any arithmetic; random a = b over R = G (shared digits) */
    for (int i = 0; i < 40; i++) {
        uint8_t rb[32], h[32], sig[64];
        rnd_bytes(rb, 32);
        fe a, e, s;
        n_from(&c, &a, rb);
        fp_mul(&c.n, &e, &a, &r);
        fp_neg(&c.n, &e, &e);
        fp_mul(&c.n, &s, &a, &r);
        if (i & 1)
            fp_neg(&c.n, &s, &s); /* b = −a: infinity */
        n_to(&c, h, &e);
        memcpy(sig, gx, 32);
        n_to(&c, sig + 32, &s);
        int ok = compare_recover(h, sig, 0);
        CHECK(ok == !(i & 1));
    }
    t_end_case("ecrecover.exceptional");
}

/* Verification against the reference: keys recovered by the reference from random signatures verify on both paths;
 * a changed hash, r or s, r or s out of range, and a key that is not a curve point give the same verdicts. */
static void case_verify_differential(void)
{
    int checked = 0;
    for (int i = 0; i < 200 && checked < 60; i++) {
        uint8_t h[32], sig[64], pub[64];
        rnd_bytes(h, 32);
        rnd_bytes(sig, 64);
        sig[0] &= 0x7f; /* r, s < n */
        sig[32] &= 0x7f;
        if (accel_secp256k1_ecrecover_ref(h, sig, (uint8_t)(rnd() & 1), pub) != ZKVM_EOK)
            continue;
        checked++;
        for (int v = 0; v < 5; v++) {
            uint8_t hh[32], ss[64], pp[64];
            memcpy(hh, h, 32);
            memcpy(ss, sig, 64);
            memcpy(pp, pub, 64);
            if (v == 1)
                hh[rnd() % 32] ^= 1;
            if (v == 2)
                ss[rnd() % 64] ^= 2;
            if (v == 3)
                t_hex(K1_N, ss + 32 * (rnd() & 1), 32);
            if (v == 4)
                pp[63] ^= 1;
            bool va = !(v == 0), vb = !(v == 0);
            zkvm_status sa = zkvm_secp256k1_verify(hh, ss, pp, &va);
            zkvm_status sb = accel_secp256k1_verify_ref(hh, ss, pp, &vb);
            CHECK(sa == sb && va == vb);
            CHECK(v != 0 || (sa == ZKVM_EOK && va));
            CHECK(v == 0 || !va);
        }
    }
    CHECK(checked == 60);
    t_end_case("ecrecover.verify-differential");
}

void group_ecrecover(void)
{
    case_pow_plans();
    case_recover_differential();
    case_recover_exceptional();
    case_verify_differential();
}
