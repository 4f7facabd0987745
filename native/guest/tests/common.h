/* Small helpers shared by the test guests (header only, so the build rule stays one file per guest). */
#ifndef TESTS_COMMON_H
#define TESTS_COMMON_H
#include "zkvm.h"

static inline uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static inline uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL

static inline void write_u64(uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    write_output(b, 8);
}

/* Seed from the first 8 input bytes when there are any (the zkVM), else a fixed one (also under qemu). */
static inline uint64_t seed_from_input(uint64_t fallback)
{
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    uint64_t s = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        s |= (uint64_t)in[i] << (8 * i);
    return s != 0 ? s : fallback;
}
#endif
