/* KZG point evaluation (EIP-4844): the consensus-spec verify_kzg_proof vectors and the precompile
 * input of the EF point-evaluation benchmark fixture. */
#include "test_util.h"

struct kzg_vec {
    const char *name, *commitment, *z, *y, *proof;
    int want; /* 1 valid, 0 invalid proof, -1 error */
};
#include "kzg_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int run(const uint8_t c[48], const uint8_t z[32], const uint8_t y[32], const uint8_t pi[48])
{
    bool valid = false;
    zkvm_status st = zkvm_kzg_point_eval(c, z, y, pi, &valid);
    return st != ZKVM_EOK ? -1 : valid ? 1 : 0;
}

void group_kzg(void)
{
    const char *groups[] = {"correct_proof", "incorrect_proof", "invalid_"};
    const char *cases[] = {"kzg.spec-correct-proof", "kzg.spec-incorrect-proof", "kzg.spec-invalid-input"};
    for (int g = 0; g < 3; g++) {
        int count = 0;
        for (size_t i = 0; i < COUNT(kzg_vectors); i++) {
            const struct kzg_vec *v = &kzg_vectors[i];
            if (strncmp(v->name, groups[g], strlen(groups[g])) != 0)
                continue;
            uint8_t c[48], z[32], y[32], pi[48];
            /* fields of the wrong length cannot occur in the fixed 192-byte precompile input (the
             * caller checks the length): those spec cases are skipped */
            if (strlen(v->commitment) != 96 || strlen(v->z) != 64 || strlen(v->y) != 64 || strlen(v->proof) != 96)
                continue;
            t_hex(v->commitment, c, 48);
            t_hex(v->z, z, 32);
            t_hex(v->y, y, 32);
            t_hex(v->proof, pi, 48);
            count++;
            int got = run(c, z, y, pi);
            if (got != v->want) {
                printf("  %s: got %d want %d\n", v->name, got, v->want);
                t_case_failed = 1;
            }
        }
        CHECK(count > 0);
        t_end_case(cases[g]);
    }

    /* The 192-byte precompile input of shared/fixtures/ethereum/prague_witness/
     * test_worst_precompile_fixed_cost-point_evaluation.json (versioned hash || z || y || commitment
     * || proof); its versioned hash is 0x01 || sha256(commitment)[1..]. */
    uint8_t in[192], h[32];
    t_hex("01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b"
          "564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306"
          "24d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a1"
          "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7"
          "873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a",
          in, sizeof in);
    zkvm_sha256(in + 96, 48, h);
    h[0] = 0x01;
    CHECK(memcmp(h, in, 32) == 0);
    CHECK(run(in + 96, in + 32, in + 64, in + 144) == 1);
    in[95] ^= 1; /* another y */
    CHECK(run(in + 96, in + 32, in + 64, in + 144) == 0);
    t_end_case("kzg.fixture-point-evaluation");
}
