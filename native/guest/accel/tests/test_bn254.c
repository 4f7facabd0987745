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

    /* The Miller loops run in batches of four pairs (pairing_batch_add): products of more pairs than one batch, and
     * an input that stops at an invalid pair after valid ones must not leave pairs for the next call. */
    const struct bn_pair_vec *yes = NULL, *no = NULL;
    for (size_t i = 0; i < COUNT(bn_pair_vectors); i++) {
        const struct bn_pair_vec *v = &bn_pair_vectors[i];
        if (v->want && v->n >= 2 && yes == NULL)
            yes = v;
        if (!v->want && no == NULL)
            no = v;
    }
    CHECK(yes != NULL && no != NULL);
    if (yes != NULL && no != NULL) {
        size_t n = 3 * yes->n + no->n;
        uint8_t *in = malloc(192 * n);
        for (int k = 0; k < 3; k++)
            t_hex(yes->pairs, in + 192 * yes->n * k, 192 * yes->n);
        one = false;
        CHECK(zkvm_bn254_pairing(in, 3 * yes->n, &one) == ZKVM_EOK && one); /* 1 · 1 · 1 */
        t_hex(no->pairs, in + 192 * 3 * yes->n, 192 * no->n);
        one = true;
        CHECK(zkvm_bn254_pairing(in, n, &one) == ZKVM_EOK && !one); /* 1 · 1 · 1 · (≠ 1) */
        memcpy(in + 192 * (3 * yes->n), pair, 192); /* G1 off the curve after the valid pairs */
        CHECK(zkvm_bn254_pairing(in, 3 * yes->n + 1, &one) == ZKVM_EINVAL);
        /* five valid (G1, G2) pairs (e ≠ 1), then the invalid one: one pair is still unflushed when it stops */
        uint8_t *in5 = malloc(192 * 6);
        for (int k = 0; k < 5; k++) {
            t_hex(bn_g1_gen, in5 + 192 * k, 64);
            t_hex(bn_g2_gen, in5 + 192 * k + 64, 128);
        }
        memcpy(in5 + 192 * 5, pair, 192);
        CHECK(zkvm_bn254_pairing(in5, 6, &one) == ZKVM_EINVAL);
        free(in5);
        t_hex(yes->pairs, in, 192 * yes->n);
        one = false;
        CHECK(zkvm_bn254_pairing(in, yes->n, &one) == ZKVM_EOK && one);
        t_hex(no->pairs, in, 192 * no->n);
        one = true;
        CHECK(zkvm_bn254_pairing(in, no->n, &one) == ZKVM_EOK && !one);
        t_hex(yes->pairs, in, 192 * yes->n);
        one = false;
        CHECK(zkvm_bn254_pairing(in, yes->n, &one) == ZKVM_EOK && one);
        free(in);
    }
    t_end_case("bn254.pairing-batches");
}
