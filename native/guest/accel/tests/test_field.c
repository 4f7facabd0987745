/* Internal field-layer checks: the variable-time binary inversion against Fermat inversion, square
 * roots, and Montgomery round trips, over the six moduli in use. Values come from a fixed-seed
 * generator (seed printed on failure). */
#include "../fp.h"
#include "test_util.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const MODULI[] = {
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", /* secp256k1 p */
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", /* secp256k1 n */
    "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", /* P-256 p */
    "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", /* bn254 p */
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
    "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", /* BLS12-381 r */
};

void group_field_cyclotomic(void);

void group_field(void)
{
    for (size_t m = 0; m < sizeof MODULI / sizeof MODULI[0]; m++) {
        fp_ctx c;
        fp_ctx_init_hex(&c, MODULI[m]);
        for (int i = 0; i < 200; i++) {
            uint8_t b[48];
            for (size_t j = 0; j < sizeof b; j++)
                b[j] = (uint8_t)rnd();
            if (i < 3) { /* 0, 1 and p − 1 */
                memset(b, 0, sizeof b);
                if (i == 1)
                    b[c.bytes - 1] = 1;
            }
            fe a, x, y, one, back;
            fp_from_bytes_reduce(&c, &a, b + 48 - c.bytes, c.bytes > 32 ? 32 : c.bytes);
            if (i == 2) {
                fp_set_one(&c, &one);
                fp_neg(&c, &a, &one);
            }
            fp_inv(&c, &x, &a);
            fp_inv_fermat(&c, &y, &a);
            CHECK(fp_eq(&c, &x, &y));
            fp_mul(&c, &y, &x, &a);
            fp_set_one(&c, &one);
            CHECK(fp_is_zero(&c, &a) || fp_eq(&c, &y, &one));
            uint8_t enc[48];
            fp_to_bytes(&c, enc, &a);
            CHECK(fp_from_bytes(&c, &back, enc) && fp_eq(&c, &back, &a));
            fp_sqr(&c, &x, &a);
            if ((c.p[0] & 3) == 3) {
                CHECK(fp_sqrt(&c, &y, &x));
                fp_sqr(&c, &y, &y);
                CHECK(fp_eq(&c, &y, &x));
            }
        }
        if (t_case_failed)
            printf("  modulus %zu, generator state %016llx\n", m, (unsigned long long)rng_state);
    }
    t_end_case("field.inverse-sqrt-roundtrip");
    group_field_cyclotomic();
}

#include "../pairing.h"

/* Cyclotomic squaring equals the Fp12 squaring on elements of the cyclotomic subgroup, made here
 * as g = f^((p^6 − 1)(p^2 + 1)) with the powers computed by plain exponentiation. Both towers. */
void group_field_cyclotomic(void);
void group_field_cyclotomic(void)
{
    static const char *const P[2] = {
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"};
    static const uint64_t XI[2] = {9, 1};
    for (int c = 0; c < 2; c++) {
        fp_ctx ctx;
        fp_ctx_init_hex(&ctx, P[c]);
        tower t = {&ctx, XI[c]};
        fe12 f, g, h, u;
        fe *coeffs = &f.c0.c0.c0;
        for (int i = 0; i < 12; i++) {
            uint8_t b[32];
            for (int j = 0; j < 32; j++)
                b[j] = (uint8_t)rnd();
            fp_from_bytes_reduce(&ctx, &coeffs[i], b, 32);
        }
        fp12_inv(&t, &u, &f);
        fp12_conj(&t, &g, &f);
        fp12_mul(&t, &g, &g, &u); /* f^(p^6 − 1) */
        uint64_t p2[12] = {0};    /* p^2 */
        for (size_t i = 0; i < ctx.n; i++) {
            uint64_t carry = 0;
            for (size_t j = 0; j < ctx.n; j++) {
                u128 s = (u128)ctx.p[i] * ctx.p[j] + p2[i + j] + carry;
                p2[i + j] = (uint64_t)s;
                carry = (uint64_t)(s >> 64);
            }
            p2[i + ctx.n] = carry;
        }
        fp12_pow(&t, &h, &g, p2, 2 * ctx.n);
        fp12_mul(&t, &g, &h, &g); /* ^(p^2 + 1) */
        fp12_sqr(&t, &h, &g);
        pairing_cyclotomic_sqr(&t, &u, &g);
        CHECK(fp12_eq(&t, &h, &u));
        CHECK(!fp12_is_one(&t, &g));
    }
    t_end_case("field.cyclotomic-square");
}
