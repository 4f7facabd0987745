/* BLS12-381 (EIP-2537) edge cases. */
#include <stdlib.h>

#include "test_util.h"

void group_bls12(void)
{
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
