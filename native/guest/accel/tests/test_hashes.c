/* Known-answer tests for keccak256, sha256 and ripemd160. */
#include <stdlib.h>

#include "test_util.h"

void accel_keccak256_pad(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32]);
void accel_keccak256_pad_ref(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32]);

struct hash_vec {
    size_t len;
    const char *hex;
};
#include "hash_vectors.inc"

static uint8_t *make_msg(size_t n)
{
    uint8_t *m = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        m[i] = (uint8_t)(i * 131 + n);
    return m;
}

static void check_literal(zkvm_status (*fn)(const uint8_t *, size_t, uint8_t *), const char *text,
                          size_t repeat, const char *hex, size_t digest_len, const char *name)
{
    size_t tl = strlen(text), n = tl * repeat;
    uint8_t *m = malloc(n ? n : 1);
    for (size_t r = 0; r < repeat; r++)
        memcpy(m + r * tl, text, tl);
    uint8_t out[32], want[32];
    memset(want, 0, sizeof want);
    t_hex(hex, want + 32 - digest_len, digest_len);
    CHECK(fn(m, n, out) == ZKVM_EOK);
    CHECK_MEM(out, want, 32, name);
    free(m);
    t_end_case(name);
}

static void check_table(zkvm_status (*fn)(const uint8_t *, size_t, uint8_t *), const struct hash_vec *v,
                        size_t count, size_t digest_len, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        uint8_t *m = make_msg(v[i].len);
        uint8_t out[32], want[32];
        memset(want, 0, sizeof want);
        t_hex(v[i].hex, want + 32 - digest_len, digest_len);
        CHECK(fn(m, v[i].len, out) == ZKVM_EOK);
        CHECK_MEM(out, want, 32, name);
        free(m);
    }
    t_end_case(name);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void group_keccak(void)
{
    /* Keccak-256 as used by Ethereum (keccak256("") is the empty code hash). */
    check_literal(zkvm_keccak256, "", 1, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", 32, "keccak.empty");
    check_literal(zkvm_keccak256, "abc", 1, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", 32, "keccak.abc");
    /* The empty trie root is keccak256(rlp("")) = keccak256(0x80). */
    check_literal(zkvm_keccak256, "\x80", 1, "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", 32, "keccak.empty-trie-root");
    /* keccak256(rlp([])) = the empty ommers hash. */
    check_literal(zkvm_keccak256, "\xc0", 1, "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", 32, "keccak.empty-list");

    /* The same sponge with the SHA3 domain byte, against hashlib at every block boundary. */
    for (size_t i = 0; i < COUNT(sha3_256_vectors); i++) {
        uint8_t *m = make_msg(sha3_256_vectors[i].len);
        uint8_t out[32], want[32];
        t_hex(sha3_256_vectors[i].hex, want, 32);
        accel_keccak256_pad(m, sha3_256_vectors[i].len, 0x06, out);
        CHECK_MEM(out, want, 32, "sha3-256");
        free(m);
    }
    t_end_case("keccak.sha3-256-boundaries");

    uint8_t out[32];
    CHECK(zkvm_keccak256(NULL, 0, out) == ZKVM_EOK);
    CHECK(zkvm_keccak256(NULL, 1, out) == ZKVM_EINVAL);
    t_end_case("keccak.null-input");

    /* The lane-wise sponge against the byte-at-a-time one it replaced: every length up to four blocks and then
     * some, every input and output alignment. The input is a heap block of exactly its bytes, so ASan fails a
     * word read past its end (memory the guest may not have). */
    uint8_t outs[40], want_ref[32];
    for (size_t len = 0; len <= 4 * 136 + 20; len++)
        for (size_t off = 0; off < 8; off++) {
            uint8_t *buf = malloc(off + len + 1);
            for (size_t i = 0; i < off + len; i++)
                buf[i] = (uint8_t)(i * 167 + len * 13 + off);
            uint8_t pad = (len & 1) ? 0x01 : 0x06;
            accel_keccak256_pad_ref(buf + off, len, pad, want_ref);
            accel_keccak256_pad(buf + off, len, pad, outs + (len + off) % 8);
            CHECK_MEM(outs + (len + off) % 8, want_ref, 32, "keccak.lanes-vs-bytes");
            free(buf);
        }
    t_end_case("keccak.lanes-vs-bytes");
}

void group_sha256(void)
{
    /* FIPS 180-2 Appendix B examples. */
    check_literal(zkvm_sha256, "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32, "sha256.fips-abc");
    check_literal(zkvm_sha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 32, "sha256.fips-448bit");
    check_literal(zkvm_sha256, "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", 32, "sha256.fips-million-a");
    check_literal(zkvm_sha256, "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 32, "sha256.empty");
    check_table(zkvm_sha256, sha256_vectors, COUNT(sha256_vectors), 32, "sha256.hashlib-boundaries");
}

void group_ripemd160(void)
{
    /* Test vectors from the RIPEMD-160 paper (Dobbertin, Bosselaers, Preneel), left-padded to 32 bytes. */
    check_literal(zkvm_ripemd160, "", 1, "9c1185a5c5e9fc54612808977ee8f548b2258d31", 20, "ripemd160.empty");
    check_literal(zkvm_ripemd160, "abc", 1, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc", 20, "ripemd160.abc");
    check_literal(zkvm_ripemd160, "message digest", 1, "5d0689ef49d2fae572b881b123a85ffa21595f36", 20, "ripemd160.message-digest");
    check_literal(zkvm_ripemd160, "abcdefghijklmnopqrstuvwxyz", 1, "f71c27109c692c1b56bbdceb5b9d2865b3708dbc", 20, "ripemd160.alphabet");
    check_literal(zkvm_ripemd160, "1234567890", 8, "9b752e45573d4b39f4dbd3323cab82bf63326bfb", 20, "ripemd160.digits-x8");
    check_literal(zkvm_ripemd160, "a", 1000000, "52783243c1697bdbe16d37f97f68f08325dc1528", 20, "ripemd160.million-a");
    check_table(zkvm_ripemd160, ripemd160_vectors, COUNT(ripemd160_vectors), 20, "ripemd160.hashlib-boundaries");
}
