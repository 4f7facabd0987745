/* bn254: ECADD / ECMUL against Python affine arithmetic, pairing checks from bilinearity, and the
 * EIP-196/197 failure cases (coordinates >= p, points off the curve, G2 outside the subgroup). */
#include <stdlib.h>

#include "test_util.h"

struct bn_add_vec {
    const char *p, *q, *want;
};
struct bn_mul_vec {
    const char *p, *k, *want;
};
struct bn_pair_vec {
    const char *pairs;
    size_t n;
    int want;
};
#include "bn254_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
static const char BN_P[] = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

void group_bn254(void)
{
    uint8_t p[64], q[64], out[64], want[64], k[32];
    for (size_t i = 0; i < COUNT(bn_add_vectors); i++) {
        t_hex(bn_add_vectors[i].p, p, 64);
        t_hex(bn_add_vectors[i].q, q, 64);
        t_hex(bn_add_vectors[i].want, want, 64);
        CHECK(zkvm_bn254_g1_add(p, q, out) == ZKVM_EOK);
        CHECK_MEM(out, want, 64, "g1 add");
    }
    t_end_case("bn254.g1-add");

    for (size_t i = 0; i < COUNT(bn_mul_vectors); i++) {
        t_hex(bn_mul_vectors[i].p, p, 64);
        t_hex(bn_mul_vectors[i].k, k, 32);
        t_hex(bn_mul_vectors[i].want, want, 64);
        CHECK(zkvm_bn254_g1_mul(p, k, out) == ZKVM_EOK);
        CHECK_MEM(out, want, 64, "g1 mul");
    }
    t_end_case("bn254.g1-mul");

    /* invalid G1 inputs: x = p, y = p, (1, 3) off the curve, (0, 1) off the curve */
    t_hex(bn_g1_gen, q, 64);
    memset(p, 0, 64);
    t_hex(BN_P, p, 32);
    CHECK(zkvm_bn254_g1_add(p, q, out) == ZKVM_EINVAL);
    CHECK(zkvm_bn254_g1_add(q, p, out) == ZKVM_EINVAL);
    CHECK(zkvm_bn254_g1_mul(p, k, out) == ZKVM_EINVAL);
    memset(p, 0, 64);
    t_hex(BN_P, p + 32, 32);
    CHECK(zkvm_bn254_g1_add(p, q, out) == ZKVM_EINVAL);
    memset(p, 0, 64);
    p[31] = 1;
    p[63] = 3;
    CHECK(zkvm_bn254_g1_add(p, q, out) == ZKVM_EINVAL);
    CHECK(zkvm_bn254_g1_mul(p, k, out) == ZKVM_EINVAL);
    memset(p, 0, 64);
    p[63] = 1;
    CHECK(zkvm_bn254_g1_add(q, p, out) == ZKVM_EINVAL);
    /* (1, 2) + (1, p − 2) = O */
    t_hex(bn_g1_gen, p, 64);
    memcpy(q, p, 64);
    t_hex("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45", q + 32, 32);
    CHECK(zkvm_bn254_g1_add(p, q, out) == ZKVM_EOK);
    memset(want, 0, 64);
    CHECK_MEM(out, want, 64, "P + (−P)");
    t_end_case("bn254.g1-invalid");

    for (size_t i = 0; i < COUNT(bn_pair_vectors); i++) {
        const struct bn_pair_vec *v = &bn_pair_vectors[i];
        uint8_t *in = malloc(192 * v->n);
        CHECK(t_hex(v->pairs, in, 192 * v->n) == 192 * v->n);
        bool one = !v->want;
        CHECK(zkvm_bn254_pairing(in, v->n, &one) == ZKVM_EOK);
        if (one != (v->want != 0))
            printf("  pairing vector %zu: got %d want %d\n", i, one, v->want);
        CHECK(one == (v->want != 0));
        free(in);
    }
    t_end_case("bn254.pairing-bilinearity");

    bool one = false;
    CHECK(zkvm_bn254_pairing(NULL, 0, &one) == ZKVM_EOK && one);
    t_end_case("bn254.pairing-empty");

    uint8_t pair[192];
    t_hex(bn_g1_gen, pair, 64);
    t_hex(bn_g2_not_in_subgroup, pair + 64, 128);
    CHECK(zkvm_bn254_pairing(pair, 1, &one) == ZKVM_EINVAL);
    memset(pair, 0, 64); /* even with P at infinity the G2 point must be valid */
    CHECK(zkvm_bn254_pairing(pair, 1, &one) == ZKVM_EINVAL);
    t_hex(bn_g1_gen, pair, 64);
    t_hex(bn_g2_gen, pair + 64, 128);
    pair[191] ^= 1; /* off the twist */
    CHECK(zkvm_bn254_pairing(pair, 1, &one) == ZKVM_EINVAL);
    t_hex(bn_g2_gen, pair + 64, 128);
    t_hex(BN_P, pair + 64, 32); /* x.c1 = p */
    CHECK(zkvm_bn254_pairing(pair, 1, &one) == ZKVM_EINVAL);
    t_hex(bn_g2_gen, pair + 64, 128);
    pair[63] ^= 1; /* G1 off the curve */
    CHECK(zkvm_bn254_pairing(pair, 1, &one) == ZKVM_EINVAL);
    t_end_case("bn254.pairing-invalid");
}
