/* A tiny test framework for the accelerator library: each check prints FAIL with its location; each
 * test case prints PASS or FAIL name; the runner prints a summary and exits non-zero on failure. */
#ifndef ACCEL_TEST_UTIL_H
#define ACCEL_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../zkvm_accelerators.h"

extern int t_case_failed;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            printf("  check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            t_case_failed = 1;                                                                \
        }                                                                                     \
    } while (0)

#define CHECK_MEM(a, b, n, what)                                                              \
    do {                                                                                      \
        if (memcmp((a), (b), (n)) != 0) {                                                     \
            printf("  mismatch at %s:%d (%s)\n    got  ", __FILE__, __LINE__, (what));         \
            t_print_hex((const uint8_t *)(a), (n));                                           \
            printf("\n    want ");                                                            \
            t_print_hex((const uint8_t *)(b), (n));                                           \
            printf("\n");                                                                     \
            t_case_failed = 1;                                                                \
        }                                                                                     \
    } while (0)

void t_print_hex(const uint8_t *p, size_t n);
/* Parses a hex string (optional 0x) into out; returns the byte count, or aborts the test on bad hex. */
size_t t_hex(const char *hex, uint8_t *out, size_t cap);
/* Registers the outcome of one named case: prints PASS/FAIL and counts it. */
void t_end_case(const char *name);

typedef void (*t_group_fn)(void);

void group_keccak(void);
void group_sha256(void);
void group_ripemd160(void);
void group_modexp(void);
void group_secp256k1(void);
void group_p256(void);
void group_bn254(void);
void group_blake2f(void);
void group_bls12(void);
void group_kzg(void);
void group_field(void);
void group_ecrecover(void);

#endif
