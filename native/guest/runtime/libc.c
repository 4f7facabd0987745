/* The tiny libc subset of zkvm.h. The attribute keeps GCC from turning these loops back into calls
 * to themselves (-ftree-loop-distribute-patterns), whatever flags a guest is built with. */
#include "zkvm.h"

#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Whole-word access to byte buffers: may_alias keeps it valid under strict aliasing. */
typedef uint64_t __attribute__((may_alias)) word;

/* Word copies. The destination is brought to 8-byte alignment first; a source of the same alignment is
 * then copied a word at a time, any other one by shifting two aligned source words together (little
 * endian), so no access is misaligned (misaligned ones would also work, Zicclsm, but cost the prover more).
 * Every aligned source word read holds at least one byte of the source range, so no read leaves the
 * aligned words the range touches. */
/* Inlined into memcpy and memmove, so that a profile by function still names memcpy for its copies. */
NO_LIBCALLS __attribute__((always_inline)) static inline uint8_t *copy_forward(uint8_t *d, const uint8_t *s, size_t n)
{
    if (n >= 16) {
        while (((uintptr_t)d & 7) != 0) {
            *d++ = *s++;
            n--;
        }
        unsigned k = (uintptr_t)s & 7;
        if (k == 0) {
            for (; n >= 32; n -= 32, d += 32, s += 32) {
                uint64_t a = ((const word *)s)[0], b = ((const word *)s)[1];
                uint64_t c = ((const word *)s)[2], e = ((const word *)s)[3];
                ((word *)d)[0] = a;
                ((word *)d)[1] = b;
                ((word *)d)[2] = c;
                ((word *)d)[3] = e;
            }
            for (; n >= 8; n -= 8, d += 8, s += 8)
                *(word *)d = *(const word *)s;
        } else {
            /* Bytes s .. s+7 lie in the aligned words at s-k and s-k+8 (k in 1..7). A word is read only
             * if it ends within the range (n + k >= 16), since memory past the range's end may not exist
             * (the input region ends where the input does); the first one starts at or after the aligned
             * word holding s. */
            const word *w = (const word *)(s - k);
            unsigned lo_shift = 8 * k, hi_shift = 64 - 8 * k;
            uint64_t lo = *w++;
            for (; n + k >= 16; n -= 8, d += 8, s += 8) {
                uint64_t hi = *w++;
                *(word *)d = (lo >> lo_shift) | (hi << hi_shift);
                lo = hi;
            }
        }
    }
    while (n-- > 0)
        *d++ = *s++;
    return d;
}

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

/* dst > src overlapping: the same word scheme from the end down. Each store at [d-8, d) lies above
 * every source byte still to be read (below s-8), so nothing is overwritten before it is read. */
NO_LIBCALLS static void copy_backward(uint8_t *d, const uint8_t *s, size_t n)
{
    d += n;
    s += n;
    if (n >= 16) {
        while (((uintptr_t)d & 7) != 0) {
            *--d = *--s;
            n--;
        }
        unsigned k = (uintptr_t)s & 7;
        if (k == 0) {
            for (; n >= 8; n -= 8) {
                d -= 8;
                s -= 8;
                *(word *)d = *(const word *)s;
            }
        } else {
            /* Bytes s-8 .. s-1 lie in the aligned words at s-k-8 and s-k (k in 1..7). The top word ends at
             * s-k+8 <= d: d is aligned and d - s = delta > 0 with delta = -k (mod 8), so delta + k >= 8;
             * it stays inside the destination range. Each word read below it holds s-8, a source byte. */
            const word *w = (const word *)(s - k);
            unsigned lo_shift = 8 * k, hi_shift = 64 - 8 * k;
            uint64_t hi = *w;
            for (; n >= 8; n -= 8) {
                uint64_t lo = *--w;
                d -= 8;
                s -= 8;
                *(word *)d = (lo >> lo_shift) | (hi << hi_shift);
                hi = lo;
            }
        }
    }
    while (n-- > 0)
        *--d = *--s;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        copy_forward(d, s, n);
    else
        copy_backward(d, s, n);
    return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t v = (uint8_t)c;
    v |= v << 8;
    v |= v << 16;
    v |= v << 32;
    if (n >= 8) {
        while (((uintptr_t)d & 7) != 0) {
            *d++ = (uint8_t)c;
            n--;
        }
        for (; n >= 32; n -= 32, d += 32) {
            ((word *)d)[0] = v;
            ((word *)d)[1] = v;
            ((word *)d)[2] = v;
            ((word *)d)[3] = v;
        }
        for (; n >= 8; n -= 8, d += 8)
            *(word *)d = v;
    }
    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}

/* Words while they are equal: the first pointer is brought to 8-byte alignment, the second one's words are
 * loaded whole or shifted together from two aligned words as in copy_forward (never past the range's end). The
 * first differing word, or the tail, is settled byte by byte, so the sign is the first differing byte's. */
NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    if (n >= 16) {
        while (((uintptr_t)p & 7) != 0) {
            if (*p != *q)
                return *p < *q ? -1 : 1;
            p++;
            q++;
            n--;
        }
        unsigned k = (uintptr_t)q & 7;
        if (k == 0) {
            for (; n >= 8 && *(const word *)p == *(const word *)q; n -= 8, p += 8, q += 8)
                ;
        } else {
            const word *w = (const word *)(q - k);
            unsigned lo_shift = 8 * k, hi_shift = 64 - 8 * k;
            uint64_t lo = *w++;
            for (; n + k >= 16; n -= 8, p += 8, q += 8) {
                uint64_t hi = *w++;
                if (*(const word *)p != ((lo >> lo_shift) | (hi << hi_shift)))
                    break;
                lo = hi;
            }
        }
    }
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
