/* A tiny test framework: each test is a function registered in tests_main.c under "group/name".
 * CHECK records a failure (with file:line) and continues; the runner prints PASS/FAIL per test and
 * a summary, and exits non-zero if anything failed. */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failed_checks;

/* Set by a test that cannot run here (e.g. shared/ fixtures absent): the runner prints SKIP with the reason. */
extern const char *test_skip_reason;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            test_failed_checks++;                                                         \
            if (test_failed_checks <= 20)                                                 \
                fprintf(stderr, "  check failed %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                                 \
    } while (0)

#define CHECK_MSG(cond, ...)                                                      \
    do {                                                                          \
        if (!(cond)) {                                                            \
            test_failed_checks++;                                                 \
            if (test_failed_checks <= 20) {                                       \
                fprintf(stderr, "  check failed %s:%d: ", __FILE__, __LINE__);    \
                fprintf(stderr, __VA_ARGS__);                                     \
                fputc('\n', stderr);                                              \
            }                                                                     \
        }                                                                         \
    } while (0)

/* Parses hex (optional 0x, any even or odd length) into out; returns the byte count or -1. */
int test_hex(const char *hex, unsigned char *out, int cap);

/* Runs fn with zkvm_exit caught; returns the exit code it ended with, or -1 if it returned. */
int test_expect_exit(void (*fn)(void *), void *ctx);

#endif
