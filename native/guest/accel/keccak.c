/* Keccak-256 (the original Keccak padding 0x01, as Ethereum uses), FIPS 202 permutation Keccak-f[1600]. */
#include "accel_internal.h"

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Keccak-f[1600], fully unrolled with the 25 lanes in locals (lane (x, y) is a[x + 5y]); the unrolled
 * round was generated from the FIPS 202 step definitions (theta, rho, pi, chi, iota). */
static void keccak_f1600(uint64_t st[25])
{
    uint64_t a0 = st[0], a1 = st[1], a2 = st[2], a3 = st[3], a4 = st[4], a5 = st[5], a6 = st[6], a7 = st[7], a8 = st[8], a9 = st[9], a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14], a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19], a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];
    for (int round = 0; round < 24; round++) {
        uint64_t c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20, c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21, c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
        uint64_t c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23, c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
        uint64_t d0 = c4 ^ rotl64(c1, 1), d1 = c0 ^ rotl64(c2, 1), d2 = c1 ^ rotl64(c3, 1);
        uint64_t d3 = c2 ^ rotl64(c4, 1), d4 = c3 ^ rotl64(c0, 1);
        /* rho and pi: B[y][2x + 3y] = rot(A[x][y] ^ D[x], r[x][y]) */
        uint64_t b0 = a0 ^ d0; uint64_t b1 = rotl64(a6 ^ d1, 44); uint64_t b2 = rotl64(a12 ^ d2, 43);
        uint64_t b3 = rotl64(a18 ^ d3, 21); uint64_t b4 = rotl64(a24 ^ d4, 14); uint64_t b5 = rotl64(a3 ^ d3, 28);
        uint64_t b6 = rotl64(a9 ^ d4, 20); uint64_t b7 = rotl64(a10 ^ d0, 3); uint64_t b8 = rotl64(a16 ^ d1, 45);
        uint64_t b9 = rotl64(a22 ^ d2, 61); uint64_t b10 = rotl64(a1 ^ d1, 1); uint64_t b11 = rotl64(a7 ^ d2, 6);
        uint64_t b12 = rotl64(a13 ^ d3, 25); uint64_t b13 = rotl64(a19 ^ d4, 8); uint64_t b14 = rotl64(a20 ^ d0, 18);
        uint64_t b15 = rotl64(a4 ^ d4, 27); uint64_t b16 = rotl64(a5 ^ d0, 36); uint64_t b17 = rotl64(a11 ^ d1, 10);
        uint64_t b18 = rotl64(a17 ^ d2, 15); uint64_t b19 = rotl64(a23 ^ d3, 56); uint64_t b20 = rotl64(a2 ^ d2, 62);
        uint64_t b21 = rotl64(a8 ^ d3, 55); uint64_t b22 = rotl64(a14 ^ d4, 39); uint64_t b23 = rotl64(a15 ^ d0, 41);
        uint64_t b24 = rotl64(a21 ^ d1, 2);
        /* chi */
        a0 = b0 ^ (~b1 & b2); a1 = b1 ^ (~b2 & b3); a2 = b2 ^ (~b3 & b4);
        a3 = b3 ^ (~b4 & b0); a4 = b4 ^ (~b0 & b1);
        a5 = b5 ^ (~b6 & b7); a6 = b6 ^ (~b7 & b8); a7 = b7 ^ (~b8 & b9);
        a8 = b8 ^ (~b9 & b5); a9 = b9 ^ (~b5 & b6);
        a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14);
        a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19);
        a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24);
        a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21);
        a0 ^= keccak_rc[round]; /* iota */
    }
    st[0] = a0; st[1] = a1; st[2] = a2; st[3] = a3; st[4] = a4; st[5] = a5; st[6] = a6; st[7] = a7; st[8] = a8; st[9] = a9; st[10] = a10; st[11] = a11; st[12] = a12; st[13] = a13; st[14] = a14; st[15] = a15; st[16] = a16; st[17] = a17; st[18] = a18; st[19] = a19; st[20] = a20; st[21] = a21; st[22] = a22; st[23] = a23; st[24] = a24;
}

/* One permutation of the sponge. On the zkVM (rv64 build) the KECCAK_PERMUTE syscall (a7 = 0x10010, a0 = the
 * 8-aligned state in writable RAM; docs/design.md "Guest ABI") permutes the state in place and returns 0; the keccak
 * chip proves it in 24 table rows instead of ~9,300 RV64IM cycles. Where the syscall is missing (qemu-user answers
 * -ENOSYS, the accel rv64 counter does too) and on the host, the plain-C permutation above is the reference. */
static void keccak_permute(uint64_t st[25])
{
#if defined(__riscv)
    register long a0 __asm__("a0") = (long)st;
    register long a7 __asm__("a7") = 0x10010;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    if (a0 == 0)
        return;
#endif
    keccak_f1600(st);
}

/* The sponge reads its input a 64-bit lane at a time. Aligned lanes are loaded whole; misaligned ones are two
 * aligned words shifted together (little endian), so no access is misaligned (those would cost the prover more).
 * A word is read only where it lies inside the aligned words that hold bytes of the input: lane j of a block at
 * p = a + k (a aligned, k in 1..7) takes the words at a + 8j and a + 8j + 8, and the second ends at p + 8j + 16 - k,
 * which must not pass the input's end (memory beyond it may not exist: the input region ends with the input). */
typedef uint64_t __attribute__((may_alias)) keccak_word;

enum { KECCAK_RATE = 136, KECCAK_LANES = KECCAK_RATE / 8 };

/* XORs lanes 0 .. count-1 of p into st; every byte read is below `end`, bytes past p + 8 count are not used. */
static void absorb_lanes(uint64_t *st, const uint8_t *p, unsigned count, const uint8_t *end)
{
    unsigned k = (unsigned)((uintptr_t)p & 7);
    if (count == 0)
        return;
    if (k == 0) {
        const keccak_word *w = (const keccak_word *)p;
        for (unsigned j = 0; j < count; j++)
            st[j] ^= w[j];
        return;
    }
    const keccak_word *w = (const keccak_word *)(p - k);
    unsigned lo_shift = 8 * k, hi_shift = 64 - 8 * k;
    uint64_t lo = w[0];
    unsigned j = 0;
    for (; j < count && (size_t)(end - p) >= 8 * (size_t)j + 16 - k; j++) {
        uint64_t hi = w[j + 1];
        st[j] ^= (lo >> lo_shift) | (hi << hi_shift);
        lo = hi;
    }
    for (; j < count; j++)
        st[j] ^= rd64le(p + 8 * j);
}

void accel_keccak256_pad(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32])
{
    uint64_t st[25] = {0};
    const uint8_t *end = len ? data + len : data;
    while (len >= KECCAK_RATE) {
        absorb_lanes(st, data, KECCAK_LANES, end);
        keccak_permute(st);
        data += KECCAK_RATE;
        len -= KECCAK_RATE;
    }
    /* The last block: len < 136 bytes, then the domain byte and the final 0x80 (multi-rate padding). */
    unsigned full = (unsigned)(len / 8), rest = (unsigned)(len % 8);
    absorb_lanes(st, data, full, end);
    uint64_t tail = (uint64_t)pad << (8 * rest);
    for (unsigned i = 0; i < rest; i++)
        tail ^= (uint64_t)data[8 * full + i] << (8 * i);
    st[full] ^= tail;
    st[KECCAK_LANES - 1] ^= 0x80ULL << 56;
    keccak_permute(st);
    if (((uintptr_t)out & 7) == 0) {
        keccak_word *o = (keccak_word *)out;
        o[0] = st[0];
        o[1] = st[1];
        o[2] = st[2];
        o[3] = st[3];
    } else {
        for (int i = 0; i < 4; i++)
            wr64le(out + 8 * i, st[i]);
    }
}

/* The byte-at-a-time sponge the one above replaced: the tests compare both at every length and alignment. */
void accel_keccak256_pad_ref(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32]);
void accel_keccak256_pad_ref(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32])
{
    enum { RATE = 136 };
    uint64_t st[25];
    memset(st, 0, sizeof st);
    while (len >= RATE) {
        for (int i = 0; i < RATE / 8; i++)
            st[i] ^= rd64le(data + 8 * i);
        keccak_permute(st);
        data += RATE;
        len -= RATE;
    }
    uint8_t block[RATE];
    memset(block, 0, sizeof block);
    if (len > 0)
        memcpy(block, data, len);
    block[len] ^= pad;
    block[RATE - 1] ^= 0x80;
    for (int i = 0; i < RATE / 8; i++)
        st[i] ^= rd64le(block + 8 * i);
    keccak_permute(st);
    for (int i = 0; i < 4; i++)
        wr64le(out + 8 * i, st[i]);
}

zkvm_status zkvm_keccak256(const uint8_t *data, size_t len, uint8_t out[32])
{
    if (data == NULL && len != 0)
        return ZKVM_EINVAL;
    accel_keccak256_pad(data, len, 0x01, out);
    return ZKVM_EOK;
}
