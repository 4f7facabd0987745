/* Host test of the runtime's memcpy, memmove, memset and memcmp (runtime/libc.c, compiled here with its
 * symbols renamed to zk_*) against byte-at-a-time references, for every length up to 300 and a few
 * larger ones, every source and destination alignment, and overlaps in both directions. Sources are
 * heap blocks of exactly the bytes they hold and the build has AddressSanitizer on, so a word read past a
 * range's end (memory the guest may not have: the input region ends where the input does) fails.
 * Build and run: make -C native/guest libc-test. Prints "libc: N checks passed" or the first failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *zk_memcpy(void *dst, const void *src, size_t n);
void *zk_memmove(void *dst, const void *src, size_t n);
void *zk_memset(void *dst, int c, size_t n);
int zk_memcmp(const void *a, const void *b, size_t n);

/* libc.c's allocator needs these; the test does not allocate through it. */
char __heap_start[16], __heap_end[16];
void zkvm_debug_print(const char *text, size_t len) { (void)text; (void)len; }

enum { PAD = 64, MAXN = 4200, SIZE = MAXN + 2 * PAD + 64 };
static _Alignas(64) uint8_t src_buf[SIZE], dst_buf[SIZE], ref_buf[SIZE];
static long checks;

static void fail(const char *what, size_t n, size_t a, size_t b)
{
    printf("libc: FAIL %s n=%zu offsets %zu %zu\n", what, n, a, b);
    exit(1);
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static int same(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static const size_t lengths_big[] = {511, 512, 513, 1000, 1023, 4096, 4199};

static void check_len(size_t n)
{
    for (size_t so = 0; so < 8; so++)
        for (size_t d0 = 0; d0 < 8; d0++) {
            /* memcpy: only [dst, dst+n) changes, and it equals the source (an exact heap block). */
            fill(src_buf, SIZE, (uint32_t)(n * 64 + so * 8 + d0));
            uint8_t *exact = malloc(so + n + 1);
            for (size_t i = 0; i < so + n; i++)
                exact[i] = src_buf[PAD + i];
            fill(dst_buf, SIZE, (uint32_t)(n + 7));
            for (size_t i = 0; i < SIZE; i++)
                ref_buf[i] = dst_buf[i];
            for (size_t i = 0; i < n; i++)
                ref_buf[PAD + d0 + i] = src_buf[PAD + so + i];
            if (zk_memcpy(dst_buf + PAD + d0, exact + so, n) != dst_buf + PAD + d0 || !same(dst_buf, ref_buf, SIZE))
                fail("memcpy", n, so, d0);
            free(exact);
            checks++;

            /* memset */
            for (size_t i = 0; i < SIZE; i++)
                ref_buf[i] = dst_buf[i];
            int c = (int)(n * 31 + d0 * 7 + so) - 128; /* also negative values: only the low byte counts */
            for (size_t i = 0; i < n; i++)
                ref_buf[PAD + d0 + i] = (uint8_t)c;
            if (zk_memset(dst_buf + PAD + d0, c, n) != dst_buf + PAD + d0 || !same(dst_buf, ref_buf, SIZE))
                fail("memset", n, so, d0);
            checks++;

            /* memcmp: equal, then one differing byte at several positions, both signs; each operand also
             * as an exact heap block (ASan: no word read past its end). */
            for (size_t i = 0; i < n; i++)
                dst_buf[PAD + d0 + i] = src_buf[PAD + so + i];
            if (zk_memcmp(dst_buf + PAD + d0, src_buf + PAD + so, n) != 0)
                fail("memcmp equal", n, so, d0);
            uint8_t *ea = malloc(d0 + n + 1), *eb = malloc(so + n + 1);
            for (size_t i = 0; i < n; i++) {
                ea[d0 + i] = src_buf[PAD + so + i];
                eb[so + i] = src_buf[PAD + so + i];
            }
            if (zk_memcmp(ea + d0, eb + so, n) != 0 || zk_memcmp(eb + so, ea + d0, n) != 0)
                fail("memcmp equal (exact blocks)", n, so, d0);
            if (n > 0) {
                ea[d0 + n - 1] ^= 0x40;
                int want = ea[d0 + n - 1] < eb[so + n - 1] ? -1 : 1;
                if (zk_memcmp(ea + d0, eb + so, n) != want || zk_memcmp(eb + so, ea + d0, n) != -want)
                    fail("memcmp last byte (exact blocks)", n, so, d0);
            }
            free(ea);
            free(eb);
            checks++;
            size_t positions[] = {0, n / 3, n / 2, n - 1};
            for (int k = 0; k < 4 && n > 0; k++) {
                size_t at = positions[k];
                uint8_t saved = dst_buf[PAD + d0 + at];
                uint8_t other = src_buf[PAD + so + at];
                dst_buf[PAD + d0 + at] = (uint8_t)(other + 1 + (k & 1) * 0x80);
                int want = dst_buf[PAD + d0 + at] < other ? -1 : 1;
                int got = zk_memcmp(dst_buf + PAD + d0, src_buf + PAD + so, n);
                int back = zk_memcmp(src_buf + PAD + so, dst_buf + PAD + d0, n);
                if (got != want || back != -want)
                    fail("memcmp differing", n, so, d0);
                dst_buf[PAD + d0 + at] = saved;
                checks++;
            }
        }
    /* memmove within one buffer, source and destination overlapping or not, both directions. */
    for (size_t so = 0; so < 8; so++)
        for (int delta = -20; delta <= 20; delta++) {
            /* One heap block of exactly [0, max(s, d) + n). */
            size_t s = 24 + so, d = (size_t)((long)s + delta), size = (s > d ? s : d) + n;
            uint8_t *buf = malloc(size);
            fill(buf, size, (uint32_t)(n * 41 + so * 3 + (unsigned)(delta + 20)));
            for (size_t i = 0; i < size; i++)
                ref_buf[i] = buf[i];
            for (size_t i = 0; i < n; i++)
                src_buf[i] = buf[s + i];
            for (size_t i = 0; i < n; i++)
                ref_buf[d + i] = src_buf[i];
            if (zk_memmove(buf + d, buf + s, n) != buf + d || !same(buf, ref_buf, size))
                fail("memmove", n, so, (size_t)delta);
            free(buf);
            checks++;
        }
}

int main(void)
{
    for (size_t n = 0; n <= 300; n++)
        check_len(n);
    for (size_t i = 0; i < sizeof lengths_big / sizeof lengths_big[0]; i++)
        check_len(lengths_big[i]);
    printf("libc: %ld checks passed\n", checks);
    return 0;
}
