/* blake2f: EIP-152 test vectors (213-byte precompile inputs, decoded here as the EVM would) and the
 * full BLAKE2b-512 hash built on F, against Python hashlib. */
#include <stdlib.h>

#include "test_util.h"

struct hash_vec {
    size_t len;
    const char *hex;
};
#include "blake2b_vectors.inc"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void eip152_case(const char *input_hex, const char *want_hex, const char *name)
{
    uint8_t in[213], want[64], out[64];
    CHECK(t_hex(input_hex, in, sizeof in) == 213);
    t_hex(want_hex, want, 64);
    uint32_t rounds = ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | in[3];
    uint64_t h[8], m[16], t[2];
    for (int i = 0; i < 8; i++)
        h[i] = le64(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++)
        m[i] = le64(in + 68 + 8 * i);
    t[0] = le64(in + 196);
    t[1] = le64(in + 204);
    CHECK(zkvm_blake2f(rounds, h, m, t, in[212] == 1) == ZKVM_EOK);
    for (int i = 0; i < 8; i++)
        put_le64(out + 8 * i, h[i]);
    CHECK_MEM(out, want, 64, name);
    t_end_case(name);
}

static const uint64_t iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* BLAKE2b-512 (unkeyed) over F, per RFC 7693 §3.3. */
static void blake2b512(const uint8_t *msg, size_t len, uint8_t out[64])
{
    uint64_t h[8], m[16], t[2] = {0, 0};
    memcpy(h, iv, sizeof h);
    h[0] ^= 0x01010000ULL ^ 64;
    size_t off = 0;
    do {
        size_t take = len - off > 128 ? 128 : len - off;
        bool last = off + take == len;
        uint8_t block[128] = {0};
        if (take)
            memcpy(block, msg + off, take);
        for (int i = 0; i < 16; i++)
            m[i] = le64(block + 8 * i);
        t[0] += take;
        zkvm_blake2f(12, h, m, t, last);
        off += take;
        if (last)
            break;
    } while (1);
    for (int i = 0; i < 8; i++)
        put_le64(out + 8 * i, h[i]);
}

#define EIP152_H "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"
#define EIP152_M "6162630000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
#define EIP152_T "03000000000000000000000000000000"

void group_blake2f(void)
{
    /* EIP-152 vectors 4-7 (vector 8, 2^32 − 1 rounds, is too slow for a unit test). */
    eip152_case("0000000c" EIP152_H EIP152_M EIP152_T "01",
                "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
                "blake2f.eip152-vector4");
    eip152_case("0000000c" EIP152_H EIP152_M EIP152_T "00",
                "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735",
                "blake2f.eip152-vector5");
    eip152_case("00000001" EIP152_H EIP152_M EIP152_T "01",
                "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421",
                "blake2f.eip152-vector6");
    eip152_case("00000000" EIP152_H EIP152_M EIP152_T "01",
                "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b",
                "blake2f.eip152-vector7-zero-rounds");

    for (size_t i = 0; i < sizeof blake2b_vectors / sizeof blake2b_vectors[0]; i++) {
        size_t n = blake2b_vectors[i].len;
        uint8_t *msg = malloc(n ? n : 1), out[64], want[64];
        for (size_t j = 0; j < n; j++)
            msg[j] = (uint8_t)(j * 131 + n);
        t_hex(blake2b_vectors[i].hex, want, 64);
        blake2b512(msg, n, out);
        CHECK_MEM(out, want, 64, "blake2b-512");
        free(msg);
    }
    t_end_case("blake2f.blake2b512-hashlib");

    /* 20 rounds = the 10-entry sigma schedule twice: check it differs from 10 and from 12 rounds */
    uint64_t h1[8], h2[8], m[16] = {1, 2, 3}, t[2] = {128, 0};
    memcpy(h1, iv, sizeof h1);
    memcpy(h2, iv, sizeof h2);
    zkvm_blake2f(10, h1, m, t, false);
    zkvm_blake2f(20, h2, m, t, false);
    CHECK(memcmp(h1, h2, sizeof h1) != 0);
    t_end_case("blake2f.rounds-matter");
}
