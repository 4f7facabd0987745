/* BLS12-381 (EIP-2537): ADD/MSM outputs from plain-Python affine arithmetic, MAP outputs from a
 * plain-Python simplified SWU + isogeny + cofactor clearing, pairing checks from bilinearity,
 * EIP-2537 failure cases (gen_bls12_vectors.py), map-to-curve properties and edge cases. */
#include <stdlib.h>

#include "test_util.h"

enum bls_op { OP_G1ADD, OP_G2ADD, OP_G1MSM, OP_G2MSM, OP_PAIRING, OP_MAPG1, OP_MAPG2 };
struct bls_vec {
    enum bls_op op;
    const char *name, *input, *want; /* want NULL: the precompile must fail */
};
#include "bls12_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs one vector; returns false on mismatch. */
static bool run_vec(const struct bls_vec *v)
{
    size_t n = strlen(v->input) / 2;
    uint8_t *in = malloc(n), out[256], want[256];
    t_hex(v->input, in, n);
    size_t out_len = 0;
    zkvm_status st = ZKVM_EINVAL;
    bool one = false;
    switch (v->op) {
    case OP_G1ADD: st = zkvm_bls12_g1_add(in, in + 128, out); out_len = 128; break;
    case OP_G2ADD: st = zkvm_bls12_g2_add(in, in + 256, out); out_len = 256; break;
    case OP_G1MSM: st = zkvm_bls12_g1_msm(in, n / 160, out); out_len = 128; break;
    case OP_G2MSM: st = zkvm_bls12_g2_msm(in, n / 288, out); out_len = 256; break;
    case OP_PAIRING:
        st = zkvm_bls12_pairing(in, n / 384, &one);
        memset(out, 0, 32);
        out[31] = one;
        out_len = 32;
        break;
    case OP_MAPG1: st = zkvm_bls12_map_fp_to_g1(in, out); out_len = 128; break;
    case OP_MAPG2: st = zkvm_bls12_map_fp2_to_g2(in, out); out_len = 256; break;
    }
    free(in);
    bool ok;
    if (v->want == NULL) {
        ok = st == ZKVM_EINVAL;
        if (!ok)
            printf("  %s: expected failure, got status %d\n", v->name, (int)st);
    } else {
        CHECK(t_hex(v->want, want, sizeof want) == out_len);
        ok = st == ZKVM_EOK && memcmp(out, want, out_len) == 0;
        if (!ok) {
            printf("  %s: status %d\n    got  ", v->name, (int)st);
            t_print_hex(out, out_len);
            printf("\n    want %s\n", v->want);
        }
    }
    return ok;
}

static void run_op(enum bls_op op, bool failing, const char *case_name)
{
    int count = 0;
    for (size_t i = 0; i < COUNT(bls12_vectors); i++) {
        const struct bls_vec *v = &bls12_vectors[i];
        if (v->op != op || (v->want == NULL) != failing)
            continue;
        count++;
        CHECK(run_vec(v));
    }
    CHECK(count > 0);
    t_end_case(case_name);
}

/* A field element for the map tests: 16 zero bytes || 48 bytes derived from seed, kept below p by a
 * zero top byte (p > 2^376). */
static void fp_input(uint8_t out[64], unsigned seed)
{
    memset(out, 0, 64);
    for (int i = 17; i < 64; i++)
        out[i] = (uint8_t)(seed * 167u + (unsigned)i * 29u + (seed >> 3) * (unsigned)i);
}

/* Checks that pt (a G1 or G2 encoding) is a point of the order-r subgroup and not infinity, through
 * the MSM precompile (which rejects points off the curve or outside the subgroup): [1]pt = pt and
 * [r]pt = infinity. */
static void check_subgroup_point(const uint8_t *pt, size_t len, const char *what)
{
    uint8_t pair[288], out[256], zero[256] = {0};
    CHECK(memcmp(pt, zero, len) != 0);
    memcpy(pair, pt, len);
    memset(pair + len, 0, 32);
    pair[len + 31] = 1;
    zkvm_status st = len == 128 ? zkvm_bls12_g1_msm(pair, 1, out) : zkvm_bls12_g2_msm(pair, 1, out);
    CHECK(st == ZKVM_EOK);
    CHECK_MEM(out, pt, len, what);
    t_hex(bls12_r, pair + len, 32);
    st = len == 128 ? zkvm_bls12_g1_msm(pair, 1, out) : zkvm_bls12_g2_msm(pair, 1, out);
    CHECK(st == ZKVM_EOK);
    CHECK_MEM(out, zero, len, "[r] map output");
}

#define MAP_INPUTS 6

static void map_properties(void)
{
    uint8_t in[128], out[MAP_INPUTS][256], again[256];
    /* MAP_FP_TO_G1: 0, 1, p − 1 and pseudo-random elements */
    for (unsigned i = 0; i < MAP_INPUTS; i++) {
        if (i < 3) {
            memset(in, 0, 64);
            if (i == 1)
                in[63] = 1;
            if (i == 2) {
                t_hex(bls12_p, in + 16, 48);
                in[63]--; /* p ends in ...ab: no borrow */
            }
        } else {
            fp_input(in, i);
        }
        CHECK(zkvm_bls12_map_fp_to_g1(in, out[i]) == ZKVM_EOK);
        check_subgroup_point(out[i], 128, "map_fp_to_g1 output");
        CHECK(zkvm_bls12_map_fp_to_g1(in, again) == ZKVM_EOK);
        CHECK_MEM(again, out[i], 128, "map_fp_to_g1 deterministic");
        for (unsigned j = 0; j < i; j++)
            CHECK(memcmp(out[i], out[j], 128) != 0);
    }
    t_end_case("bls12.map-fp-to-g1-properties");

    for (unsigned i = 0; i < MAP_INPUTS; i++) {
        fp_input(in, 2 * i + 1);
        fp_input(in + 64, 2 * i + 2);
        if (i == 0)
            memset(in, 0, 128);      /* 0 */
        if (i == 1)
            memset(in + 64, 0, 64);  /* an element of Fp */
        CHECK(zkvm_bls12_map_fp2_to_g2(in, out[i]) == ZKVM_EOK);
        check_subgroup_point(out[i], 256, "map_fp2_to_g2 output");
        CHECK(zkvm_bls12_map_fp2_to_g2(in, again) == ZKVM_EOK);
        CHECK_MEM(again, out[i], 256, "map_fp2_to_g2 deterministic");
        for (unsigned j = 0; j < i; j++)
            CHECK(memcmp(out[i], out[j], 256) != 0);
    }
    t_end_case("bls12.map-fp2-to-g2-properties");
}

void group_bls12(void)
{
    run_op(OP_G1ADD, false, "bls12.g1add");
    run_op(OP_G1ADD, true, "bls12.g1add-fail");
    run_op(OP_G2ADD, false, "bls12.g2add");
    run_op(OP_G2ADD, true, "bls12.g2add-fail");
    run_op(OP_G1MSM, false, "bls12.g1msm");
    run_op(OP_G1MSM, true, "bls12.g1msm-fail");
    run_op(OP_G2MSM, false, "bls12.g2msm");
    run_op(OP_G2MSM, true, "bls12.g2msm-fail");
    run_op(OP_PAIRING, false, "bls12.pairing");
    run_op(OP_PAIRING, true, "bls12.pairing-fail");
    run_op(OP_MAPG1, false, "bls12.map-fp-to-g1");
    run_op(OP_MAPG1, true, "bls12.map-fp-to-g1-fail");
    run_op(OP_MAPG2, false, "bls12.map-fp2-to-g2");
    run_op(OP_MAPG2, true, "bls12.map-fp2-to-g2-fail");
    map_properties();

    /* empty MSM and pairing inputs are errors (EIP-2537 "Behavior on empty inputs") */
    uint8_t out[256];
    bool one = true;
    CHECK(zkvm_bls12_g1_msm(NULL, 0, out) == ZKVM_EINVAL);
    CHECK(zkvm_bls12_g2_msm(NULL, 0, out) == ZKVM_EINVAL);
    CHECK(zkvm_bls12_pairing(NULL, 0, &one) == ZKVM_EINVAL);
    /* infinity + infinity = infinity; a pairing of infinities is one */
    uint8_t zeros[512] = {0}, want[256] = {0};
    CHECK(zkvm_bls12_g1_add(zeros, zeros, out) == ZKVM_EOK);
    CHECK_MEM(out, want, 128, "O + O (G1)");
    CHECK(zkvm_bls12_g2_add(zeros, zeros + 256, out) == ZKVM_EOK);
    CHECK_MEM(out, want, 256, "O + O (G2)");
    one = false;
    CHECK(zkvm_bls12_pairing(zeros, 1, &one) == ZKVM_EOK && one);
    t_end_case("bls12.edge-cases");
}
