/* Test runner: `accel-tests [group...]` runs the named groups (all when none is given), prints
 * PASS/FAIL per case and a summary line, and exits 1 when any case failed or a group is unknown. */
#include <stdlib.h>

#include "test_util.h"

int t_case_failed;
static int t_pass, t_fail;

void t_print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t t_hex(const char *hex, uint8_t *out, size_t cap)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) {
        printf("  bad hex literal (length %zu, capacity %zu)\n", n, cap);
        exit(2);
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            printf("  bad hex digit\n");
            exit(2);
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return n / 2;
}

void t_end_case(const char *name)
{
    if (t_case_failed) {
        printf("FAIL %s\n", name);
        t_fail++;
    } else {
        printf("PASS %s\n", name);
        t_pass++;
    }
    t_case_failed = 0;
}

static const struct {
    const char *name;
    t_group_fn fn;
} groups[] = {
    {"field", group_field},
    {"keccak", group_keccak},
    {"sha256", group_sha256},
    {"ripemd160", group_ripemd160},
    {"modexp", group_modexp},
    {"secp256k1", group_secp256k1},
    {"ecrecover", group_ecrecover},
    {"p256", group_p256},
    {"bn254", group_bn254},
    {"blake2f", group_blake2f},
    {"bls12", group_bls12},
    {"kzg", group_kzg},
};

int main(int argc, char **argv)
{
    size_t ngroups = sizeof groups / sizeof groups[0];
    if (argc <= 1) {
        for (size_t g = 0; g < ngroups; g++)
            groups[g].fn();
    } else {
        for (int a = 1; a < argc; a++) {
            size_t g = 0;
            while (g < ngroups && strcmp(groups[g].name, argv[a]) != 0)
                g++;
            if (g == ngroups) {
                printf("FAIL unknown-group-%s\n", argv[a]);
                t_fail++;
                continue;
            }
            groups[g].fn();
        }
    }
    printf("SUMMARY %d passed, %d failed\n", t_pass, t_fail);
    return t_fail == 0 ? 0 : 1;
}
