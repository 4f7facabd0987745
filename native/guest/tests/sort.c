/* sort: merge sort of pseudo-random 32-bit keys (malloc'd buffers); outputs the count, a hash of the
 * sorted keys, the minimum and the maximum. Exit 1 if the result is not sorted. */
#include "common.h"

static void merge_sort(uint32_t *a, uint32_t *tmp, size_t n)
{
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int main(void)
{
    const size_t n = 20000;
    uint64_t s = seed_from_input(0x9E3779B97F4A7C15ULL);
    uint32_t *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = (uint32_t)(xorshift64(&s) >> 16);
    zkvm_region_begin("sort");
    merge_sort(a, tmp, n);
    zkvm_region_end("sort");
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 1;
    write_u64(n);
    write_u64(fnv1a(FNV_OFFSET, a, n * sizeof *a));
    write_u64(a[0]);
    write_u64(a[n - 1]);
    return 0;
}
