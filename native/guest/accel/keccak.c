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

/* Rotation offsets and the pi lane order, walking the rho-pi cycle starting at lane 1. */
static const uint8_t keccak_rotc[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
                                        27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
static const uint8_t keccak_piln[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
                                        15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

static void keccak_f1600(uint64_t st[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t bc[5];
        /* theta */
        for (int i = 0; i < 5; i++)
            bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        for (int i = 0; i < 5; i++) {
            uint64_t t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5)
                st[j + i] ^= t;
        }
        /* rho and pi */
        uint64_t t = st[1];
        for (int i = 0; i < 24; i++) {
            int j = keccak_piln[i];
            uint64_t tmp = st[j];
            st[j] = rotl64(t, keccak_rotc[i]);
            t = tmp;
        }
        /* chi */
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; i++)
                bc[i] = st[j + i];
            for (int i = 0; i < 5; i++)
                st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
        }
        /* iota */
        st[0] ^= keccak_rc[round];
    }
}

void accel_keccak256_pad(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32])
{
    enum { RATE = 136 };
    uint64_t st[25];
    memset(st, 0, sizeof st);
    while (len >= RATE) {
        for (int i = 0; i < RATE / 8; i++)
            st[i] ^= rd64le(data + 8 * i);
        keccak_f1600(st);
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
    keccak_f1600(st);
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
