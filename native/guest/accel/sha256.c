/* SHA-256 (FIPS 180-4). */
#include "accel_internal.h"

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = rd32be(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + sha256_k[i] + w[i];
        uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/* One compression. On the zkVM (rv64 build) the SHA256_COMPRESS syscall (a7 = 0x10030; docs/design.md "Guest ABI")
 * does it: a0 = the state as eight little-endian uint32 (8-aligned, writable RAM), a1 = the block's 16 message words
 * W_0..W_15 as little-endian uint32 (8-aligned, RAM); it returns 0 and the sha256 chip proves it in 64 table rows
 * instead of ~5,600 RV64IM cycles. The guest converts the block's big-endian bytes to words here (two words per
 * double word when the block is 8-aligned). Where the syscall is missing (qemu-user answers -ENOSYS, the accel rv64
 * counter does too) and on the host, the plain-C sha256_block above is the reference. */
#if defined(__riscv)
#define SHA256_SYS_COMPRESS 0x10030
typedef uint64_t __attribute__((may_alias)) sha256_u64a;

/* The big-endian 32-bit words of 8 bytes, as a little-endian pair: (word 1 << 32) | word 0. */
static inline uint64_t sha256_be_pair(uint64_t x)
{
    x = ((x & 0x00FF00FF00FF00FFull) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFull);
    return ((x & 0x0000FFFF0000FFFFull) << 16) | ((x >> 16) & 0x0000FFFF0000FFFFull);
}

/* The syscall on message words already in order; 1 when it ran. */
static int sha256_compress_words(uint32_t h[8], const uint64_t w[8])
{
    register long a0 __asm__("a0") = (long)h;
    register long a1 __asm__("a1") = (long)w;
    register long a7 __asm__("a7") = SHA256_SYS_COMPRESS;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
    return a0 == 0;
}
#endif

/* h must be 8-aligned (the syscall's rule). */
static void sha256_compress(uint32_t h[8], const uint8_t *p)
{
#if defined(__riscv)
    uint64_t w[8];
    if (((uintptr_t)p & 7) == 0) {
        const sha256_u64a *q = (const sha256_u64a *)p;
        for (int i = 0; i < 8; i++)
            w[i] = sha256_be_pair(q[i]);
    } else {
        for (int i = 0; i < 8; i++)
            w[i] = (uint64_t)rd32be(p + 8 * i) | (uint64_t)rd32be(p + 8 * i + 4) << 32;
    }
    if (sha256_compress_words(h, w))
        return;
#endif
    sha256_block(h, p);
}

zkvm_status zkvm_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    if (data == NULL && len != 0)
        return ZKVM_EINVAL;
    _Alignas(8) uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint64_t bits = (uint64_t)len * 8;
    size_t rest = len;
    while (rest >= 64) {
        sha256_compress(h, data);
        data += 64;
        rest -= 64;
    }
#if defined(__riscv)
    /* A whole number of blocks (SSZ's 64-byte pairs): the padding block's words are 0x80000000, zeros and the bit
     * length; they go to the syscall as words, without building and converting bytes. */
    if (rest == 0) {
        uint64_t w[8] = {0x80000000u, 0, 0, 0, 0, 0, 0, (bits >> 32) | (bits << 32)};
        if (sha256_compress_words(h, w)) {
            for (int i = 0; i < 8; i++)
                wr32be(out + 4 * i, h[i]);
            return ZKVM_EOK;
        }
    }
#endif
    _Alignas(8) uint8_t block[128];
    memset(block, 0, sizeof block);
    if (rest > 0)
        memcpy(block, data, rest);
    block[rest] = 0x80;
    size_t total = rest + 9 <= 64 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        block[total - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha256_compress(h, block);
    if (total == 128)
        sha256_compress(h, block + 64);
    for (int i = 0; i < 8; i++)
        wr32be(out + 4 * i, h[i]);
    return ZKVM_EOK;
}
