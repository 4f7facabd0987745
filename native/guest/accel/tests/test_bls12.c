/* BLS12-381: the EIP-2537 test vectors (valid and failing cases) plus a few edge cases. */
#include <stdlib.h>

#include "test_util.h"

enum bls_op { OP_G1ADD, OP_G2ADD, OP_G1MSM, OP_G2MSM, OP_PAIRING, OP_MAPG1, OP_MAPG2 };
struct bls_vec {
    enum bls_op op;
    const char *name, *input, *want; /* want NULL: the precompile must fail */
};
#include "bls_eip2537_vectors.inc"

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
    for (size_t i = 0; i < COUNT(bls_eip2537_vectors); i++) {
        const struct bls_vec *v = &bls_eip2537_vectors[i];
        if (v->op != op || (v->want == NULL) != failing)
            continue;
        count++;
        CHECK(run_vec(v));
    }
    CHECK(count > 0);
    t_end_case(case_name);
}

void group_bls12(void)
{
    run_op(OP_G1ADD, false, "bls12.eip2537-g1add");
    run_op(OP_G1ADD, true, "bls12.eip2537-g1add-fail");
    run_op(OP_G2ADD, false, "bls12.eip2537-g2add");
    run_op(OP_G2ADD, true, "bls12.eip2537-g2add-fail");
    run_op(OP_G1MSM, false, "bls12.eip2537-g1msm");
    run_op(OP_G1MSM, true, "bls12.eip2537-g1msm-fail");
    run_op(OP_G2MSM, false, "bls12.eip2537-g2msm");
    run_op(OP_G2MSM, true, "bls12.eip2537-g2msm-fail");
    run_op(OP_PAIRING, false, "bls12.eip2537-pairing");
    run_op(OP_PAIRING, true, "bls12.eip2537-pairing-fail");
    run_op(OP_MAPG1, false, "bls12.eip2537-map-fp-to-g1");
    run_op(OP_MAPG1, true, "bls12.eip2537-map-fp-to-g1-fail");
    run_op(OP_MAPG2, false, "bls12.eip2537-map-fp2-to-g2");
    run_op(OP_MAPG2, true, "bls12.eip2537-map-fp2-to-g2-fail");

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
