/* bench: a compute-heavy guest for emulator throughput (about 2.3e8 instructions): repeated 32-limb
 * big-integer squaring mod 2^2048 and a merge sort of 2^17 keys. Outputs hashes of both results.
 * Not run by the unit tests; see docs/benchmarks.md. */
#include "common.h"
#include "bigint.h"

static void sort_u32(uint32_t *a, uint32_t *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

int main(void)
{
    uint64_t s = seed_from_input(0xC0FFEE);
    uint64_t x[32], sq[64];
    for (int i = 0; i < 32; i++)
        x[i] = xorshift64(&s);
    zkvm_region_begin("bigint");
    for (int r = 0; r < 16000; r++) {
        big_mul(sq, x, 32, x, 32);
        memcpy(x, sq, sizeof x);
        x[0] ^= (uint64_t)r;
    }
    zkvm_region_end("bigint");
    write_u64(fnv1a(FNV_OFFSET, x, sizeof x));

    const size_t n = 1 << 17;
    uint32_t *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = (uint32_t)xorshift64(&s);
    zkvm_region_begin("sort");
    sort_u32(a, tmp, n);
    zkvm_region_end("sort");
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 1;
    write_u64(fnv1a(FNV_OFFSET, a, n * sizeof *a));
    return 0;
}
