/* Test runner: runs every registered test (or those whose name starts with argv[1]), prints
 * "PASS group/name" or "FAIL group/name" per test and a summary; exits 1 if any failed. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "tests.h"

#include "../../host/host_runtime.h"

int test_failed_checks;
const char *test_skip_reason;

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
#define T(group, name) {#group "/" #name, test_##group##_##name},
    TEST_LIST
#undef T
};

int test_hex(const char *hex, unsigned char *out, int cap)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t len = strlen(hex);
    int n = (int)((len + 1) / 2);
    if (n > cap)
        return -1;
    for (int i = 0; i < n; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            /* An odd-length string has an implicit leading zero nibble. */
            long idx = (long)(2 * i + k) - (long)(len % 2);
            int c = idx < 0 ? '0' : hex[idx];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return n;
}

int test_expect_exit(void (*fn)(void *), void *ctx)
{
    static jmp_buf jump;
    host_set_debug_quiet(1);
    host_catch_exit(&jump);
    int code = -1;
    if (setjmp(jump) == 0)
        fn(ctx);
    else
        code = host_last_exit_code();
    host_catch_exit(NULL);
    host_set_debug_quiet(0);
    return code;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strncmp(tests[i].name, argv[1], strlen(argv[1])) != 0)
            continue;
        test_failed_checks = 0;
        test_skip_reason = NULL;
        tests[i].fn();
        if (test_skip_reason != NULL && test_failed_checks == 0) {
            printf("SKIP %s (%s)\n", tests[i].name, test_skip_reason);
            skipped++;
        } else if (test_failed_checks == 0) {
            printf("PASS %s\n", tests[i].name);
            passed++;
        } else {
            printf("FAIL %s (%d failed checks)\n", tests[i].name, test_failed_checks);
            failed++;
        }
        fflush(stdout);
    }
    printf("SUMMARY %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
