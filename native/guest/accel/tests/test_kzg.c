/* KZG point evaluation (EIP-4844): generated cases whose outcome follows from the definition without
 * the setup secret (gen_kzg_vectors.py: constant and zero polynomials, malformed inputs), and the real
 * proof of the EF point-evaluation fixture, read at run time from the shared folder (PROVER_SHARED, or
 * ../shared beside the repository; the case is reported as SKIP when it is absent), with negative
 * cases derived from it. */
#include <stdlib.h>

#include "../bls12_381.h"
#include "test_util.h"

struct kzg_vec {
    const char *name, *commitment, *z, *y, *proof;
    int want; /* 1 valid, 0 invalid proof, -1 error */
};
#include "kzg_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int compared; /* cases where the fast path was checked against the reference */

/* zkvm_kzg_point_eval (fixed G2 arguments, precomputed lines; in host-test-modmul G1 through the emulated point
 * syscalls), checked on every case against the spec-form reference (G2 scalar multiplication, Miller loops on
 * the fly). */
static int run(const uint8_t c[48], const uint8_t z[32], const uint8_t y[32], const uint8_t pi[48])
{
    bool valid = false, ref_valid = false;
    zkvm_status st = zkvm_kzg_point_eval(c, z, y, pi, &valid);
    zkvm_status ref = accel_kzg_point_eval_reference(c, z, y, pi, &ref_valid);
    int got = st != ZKVM_EOK ? -1 : valid ? 1 : 0;
    int want = ref != ZKVM_EOK ? -1 : ref_valid ? 1 : 0;
    if (got != want) {
        printf("  fast path %d, reference %d\n", got, want);
        t_case_failed = 1;
    }
    compared++;
    return got;
}

/* The Miller loop from precomputed lines with shared squarings equals the on-the-fly loops' product exactly (as
 * an Fp12 element, before the final exponentiation), for one and two pairs. */
static void miller_lines_case(void)
{
    bls_init();
    const pairing_params *pp = &accel_bls.pp;
    static pairing_line lines[2][80];
    CHECK(pairing_line_slots(pp) == 68);
    const uint64_t ks[4][4] = {{5, 0, 0, 0}, {0x1234567890abcdefULL, 7, 0, 0}, {3, 0, 0, 0},
                              {0xfedcba9876543210ULL, 0x0123456789abcdefULL, 1, 0}};
    fe px[2], py[2];
    fe2 qx[2], qy[2];
    for (int j = 0; j < 2; j++) {
        bg1_pt P;
        bg2_pt Q;
        bg1_mul(&accel_bls.g1, &P, &accel_bls.g1_gen, ks[2 * j], 4);
        bg2_mul(&accel_bls.g2, &Q, &accel_bls.g2_gen, ks[2 * j + 1], 4);
        bg1_to_affine(&accel_bls.g1, &px[j], &py[j], &P);
        bg2_to_affine(&accel_bls.g2, &qx[j], &qy[j], &Q);
        CHECK(pairing_lines_precompute(pp, lines[j], 80, &qx[j], &qy[j]) == 68);
        CHECK(pairing_lines_precompute(pp, lines[j], 67, &qx[j], &qy[j]) == 0); /* too small: refused */
        CHECK(pairing_lines_precompute(pp, lines[j], 80, &qx[j], &qy[j]) == 68);
    }
    const pairing_line *lp[2] = {lines[0], lines[1]};
    for (size_t n = 1; n <= 2; n++) {
        fe12 a, b;
        fp12_set_one(&pp->t, &a);
        fp12_set_one(&pp->t, &b);
        for (size_t j = 0; j < n; j++)
            pairing_miller_acc(pp, &a, &px[j], &py[j], &qx[j], &qy[j]);
        pairing_miller_lines(pp, &b, n, px, py, lp);
        CHECK(fp12_eq(&pp->t, &a, &b));
        CHECK(!fp12_is_one(&pp->t, &b));
    }
    t_end_case("kzg.miller-lines-match-on-the-fly");
}

static const char FIXTURE[] = "fixtures/ethereum/prague_witness/test_worst_precompile_fixed_cost-point_evaluation.json";

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *more = realloc(buf, 2 * cap + 1);
            if (more == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = 0;
    *len = n;
    return buf;
}

static int hexbyte(const char *s)
{
    int v = 0;
    for (int k = 0; k < 2; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The fixture's transaction target code starts by storing the 192-byte precompile input in memory:
 * six times PUSH32 <32 bytes> PUSH1 <offset> MSTORE (7f .. 60 oo 52), offsets 0, 0x20, .., 0xa0.
 * Returns false when the code does not have that shape. */
static bool fixture_input(const char *json, uint8_t in[192])
{
    const char *codes = strstr(json, "\"codes\"");
    const char *code = codes != NULL ? strstr(codes, "\"0x") : NULL;
    if (code == NULL)
        return false;
    const char *s = code + 3;
    for (int k = 0; k < 6; k++) {
        if (hexbyte(s) != 0x7f)
            return false;
        s += 2;
        for (int i = 0; i < 32; i++, s += 2) {
            int b = hexbyte(s);
            if (b < 0)
                return false;
            in[32 * k + i] = (uint8_t)b;
        }
        if (hexbyte(s) != 0x60 || hexbyte(s + 2) != 32 * k || hexbyte(s + 4) != 0x52)
            return false;
        s += 6;
    }
    return true;
}

/* Runs the fixture's cases; false when the fixture is absent (then only the embedded vectors are compared). */
static bool fixture_cases(void)
{
    const char *dir = getenv("PROVER_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir != NULL && dir[0] != 0 ? dir : "../../../../shared", FIXTURE);
    size_t len = 0;
    char *json = read_file(path, &len);
    if (json == NULL) {
        printf("SKIP kzg.fixture-point-evaluation: %s not found (set PROVER_SHARED to the shared folder)\n", path);
        return false;
    }
    /* versioned hash || z || y || commitment || proof */
    uint8_t in[192], h[32];
    CHECK(fixture_input(json, in));
    free(json);
    const uint8_t *z = in + 32, *y = in + 64, *c = in + 96, *pi = in + 144;
    zkvm_sha256(c, 48, h);
    h[0] = 0x01; /* versioned hash = 0x01 || sha256(commitment)[1..] */
    CHECK(memcmp(h, in, 32) == 0);
    CHECK(run(c, z, y, pi) == 1);
    t_end_case("kzg.fixture-point-evaluation");

    uint8_t t[192], r[32];
    t_hex(kzg_r, r, 32);
    struct {
        const char *what;
        int pos, xor_mask, want;
    } flips[] = {
        {"y low bit", 95, 0x01, 0}, {"y high byte", 64, 0x10, 0}, {"z low bit", 63, 0x01, 0},
        {"z high byte", 32, 0x08, 0}, {"commitment sign", 96, 0x20, 0}, {"proof sign", 144, 0x20, 0},
        {"commitment compressed flag", 96, 0x80, -1}, {"proof compressed flag", 144, 0x80, -1},
        {"commitment infinity flag", 96, 0x40, -1}, {"proof infinity flag", 144, 0x40, -1},
    };
    for (size_t i = 0; i < COUNT(flips); i++) {
        memcpy(t, in, 192);
        t[flips[i].pos] ^= (uint8_t)flips[i].xor_mask;
        int got = run(t + 96, t + 32, t + 64, t + 144);
        if (got != flips[i].want) {
            printf("  fixture, %s changed: got %d want %d\n", flips[i].what, got, flips[i].want);
            t_case_failed = 1;
        }
    }
    memcpy(t, in, 192);
    CHECK(run(pi, z, y, c) == 0); /* commitment and proof swapped: both valid points */
    CHECK(run(c, z, y, c) == 0);
    CHECK(run(pi, z, y, pi) == 0);
    memcpy(t + 32, r, 32); /* z = r */
    CHECK(run(c, t + 32, y, pi) == -1);
    memcpy(t + 64, r, 32); /* y = r */
    CHECK(run(c, z, t + 64, pi) == -1);
    memset(t + 64, 0xff, 32);
    CHECK(run(c, z, t + 64, pi) == -1);
    /* y + r (the same residue, out of range) when it fits in 32 bytes */
    int carry = 0;
    for (int i = 31; i >= 0; i--) {
        int s = y[i] + r[i] + carry;
        t[64 + i] = (uint8_t)s;
        carry = s >> 8;
    }
    if (carry == 0)
        CHECK(run(c, z, t + 64, pi) == -1);
    uint8_t bad[48];
    t_hex(kzg_not_in_subgroup, bad, 48);
    CHECK(run(bad, z, y, pi) == -1);
    CHECK(run(c, z, y, bad) == -1);
    t_hex(kzg_not_on_curve, bad, 48);
    CHECK(run(bad, z, y, pi) == -1);
    CHECK(run(c, z, y, bad) == -1);
    t_end_case("kzg.fixture-negative");
    return true;
}

void group_kzg(void)
{
    const char *prefixes[] = {"constant", "zero-poly", "z-", "y-", "commitment-", "proof-"};
    const char *cases[] = {"kzg.constant-polynomial", "kzg.zero-polynomial", "kzg.z-out-of-range",
                           "kzg.y-out-of-range", "kzg.invalid-commitment", "kzg.invalid-proof"};
    for (int g = 0; g < 6; g++) {
        int count = 0;
        for (size_t i = 0; i < COUNT(kzg_vectors); i++) {
            const struct kzg_vec *v = &kzg_vectors[i];
            if (strncmp(v->name, prefixes[g], strlen(prefixes[g])) != 0)
                continue;
            uint8_t c[48], z[32], y[32], pi[48];
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
    int before_fixture = compared;
    bool fixture = fixture_cases();
    printf("  kzg: fast path compared with the reference %d times (%d on the embedded vectors)\n", compared, before_fixture);
    /* the embedded vectors alone give 58 comparisons; the fixture's real proof and its negatives 22 more */
    CHECK(compared >= (fixture ? 80 : 58));
    t_end_case("kzg.fast-path-matches-reference");
    miller_lines_case();
}
