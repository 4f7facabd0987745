/* The tiny libc subset of zkvm.h. The attribute keeps GCC from turning these loops back into calls
 * to themselves (-ftree-loop-distribute-patterns), whatever flags a guest is built with. */
#include "zkvm.h"

#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    /* Word copies when both pointers share their alignment; misaligned ones would also work (Zicclsm)
     * but cost the prover more. */
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n > 0 && ((uintptr_t)d & 7) != 0) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uint64_t *)d = *(const uint64_t *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t v = (uint8_t)c;
    v |= v << 8;
    v |= v << 16;
    v |= v << 32;
    while (n > 0 && ((uintptr_t)d & 7) != 0) {
        *d++ = (uint8_t)c;
        n--;
    }
    for (; n >= 8; n -= 8, d += 8)
        *(uint64_t *)d = v;
    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}

NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}

NO_LIBCALLS size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Bump allocator over [__heap_start, __heap_end) (linker script). Each block has a 16-byte header
 * holding its size, so realloc can copy; free does nothing. */
extern char __heap_start[], __heap_end[];
static uintptr_t heap_next;

void *malloc(size_t n)
{
    if (heap_next == 0)
        heap_next = (uintptr_t)__heap_start;
    uintptr_t end = (uintptr_t)__heap_end;
    if (n > end - heap_next || ((n + 15) & ~(size_t)15) + 16 > end - heap_next) {
        static const char msg[] = "zkvm: out of heap memory\n";
        zkvm_debug_print(msg, sizeof msg - 1);
        abort();
    }
    size_t *header = (size_t *)heap_next;
    header[0] = n;
    heap_next += 16 + ((n + 15) & ~(size_t)15);
    return header + 2;
}

void *calloc(size_t count, size_t size)
{
    if (size != 0 && count > (size_t)-1 / size)
        abort();
    /* Fresh heap memory is zero (RAM starts zeroed and blocks are never reused). */
    return malloc(count * size);
}

void *realloc(void *p, size_t n)
{
    if (p == 0)
        return malloc(n);
    size_t old = ((size_t *)p)[-2];
    if (n <= old)
        return p;
    void *q = malloc(n);
    memcpy(q, p, old);
    return q;
}

void free(void *p)
{
    (void)p;
}
