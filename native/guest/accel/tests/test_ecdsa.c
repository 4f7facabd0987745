/* secp256k1 verify / ecrecover and P-256 verify (EIP-7951) against OpenSSL-made signatures. */
#include "test_util.h"

struct ecdsa_vec {
    const char *hash, *r, *s, *x, *y;
    int recid;
};
#include "ecdsa_vectors.inc"

struct p256_vec {
    const char *input;
    int want;
};
#include "p256_eip7951_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char K1_N[] = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
static const char R1_N[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char R1_P[] = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

static void load(const struct ecdsa_vec *v, uint8_t h[32], uint8_t sig[64], uint8_t pub[64])
{
    t_hex(v->hash, h, 32);
    t_hex(v->r, sig, 32);
    t_hex(v->s, sig + 32, 32);
    t_hex(v->x, pub, 32);
    t_hex(v->y, pub + 32, 32);
}

/* n − s (big-endian 32-byte subtraction) */
static void negate_scalar(uint8_t out[32], const uint8_t s[32], const char *nhex)
{
    uint8_t n[32];
    t_hex(nhex, n, 32);
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = n[i] - s[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

void group_secp256k1(void)
{
    uint8_t h[32], sig[64], pub[64], out[64];
    bool valid;

    for (size_t i = 0; i < COUNT(k1_vectors); i++) {
        load(&k1_vectors[i], h, sig, pub);
        CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EOK && valid);
        CHECK(zkvm_secp256k1_ecrecover(h, sig, (uint8_t)k1_vectors[i].recid, out) == ZKVM_EOK);
        CHECK_MEM(out, pub, 64, "recovered key");
        /* the other recovery id yields a different key (or none) */
        zkvm_status st = zkvm_secp256k1_ecrecover(h, sig, (uint8_t)(1 - k1_vectors[i].recid), out);
        CHECK(st != ZKVM_EOK || memcmp(out, pub, 64) != 0);
    }
    t_end_case("secp256k1.openssl-signatures");

    /* high s (n − s) is a valid ECDSA signature too: no low-s rule here (EIP-2 is the caller's);
     * for recovery it flips the parity of R. */
    for (size_t i = 0; i < COUNT(k1_vectors); i++) {
        load(&k1_vectors[i], h, sig, pub);
        negate_scalar(sig + 32, sig + 32, K1_N);
        CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EOK && valid);
        CHECK(zkvm_secp256k1_ecrecover(h, sig, (uint8_t)(1 - k1_vectors[i].recid), out) == ZKVM_EOK);
        CHECK_MEM(out, pub, 64, "recovered key, high s");
    }
    t_end_case("secp256k1.high-s");

    /* wrong hash, wrong r, wrong key: verification fails without error */
    load(&k1_vectors[3], h, sig, pub);
    h[5] ^= 1;
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    CHECK(zkvm_secp256k1_ecrecover(h, sig, (uint8_t)k1_vectors[3].recid, out) != ZKVM_EOK || memcmp(out, pub, 64) != 0);
    load(&k1_vectors[3], h, sig, pub);
    sig[31] ^= 4;
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    load(&k1_vectors[3], h, sig, pub);
    load(&k1_vectors[4], h, sig, out); /* signature 4 against key 3 */
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    t_end_case("secp256k1.wrong-inputs");

    /* r, s out of range: 0 and n are rejected (verify: false; ecrecover: EINVAL) */
    load(&k1_vectors[2], h, sig, pub);
    uint8_t bad[64];
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    CHECK(zkvm_secp256k1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 0, out) == ZKVM_EINVAL);
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    CHECK(zkvm_secp256k1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 0, out) == ZKVM_EINVAL);
    memcpy(bad, sig, 64);
    t_hex(K1_N, bad, 32);
    CHECK(zkvm_secp256k1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 0, out) == ZKVM_EINVAL);
    memcpy(bad, sig, 64);
    t_hex(K1_N, bad + 32, 32);
    CHECK(zkvm_secp256k1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 1, out) == ZKVM_EINVAL);
    CHECK(zkvm_secp256k1_ecrecover(h, sig, 2, out) == ZKVM_EINVAL);
    /* r whose x^3 + 7 is not a square: no point to recover */
    memcpy(bad, sig, 64);
    t_hex(k1_r_not_on_curve, bad, 32);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 0, out) == ZKVM_EINVAL);
    CHECK(zkvm_secp256k1_ecrecover(h, bad, 1, out) == ZKVM_EINVAL);
    t_end_case("secp256k1.out-of-range");

    /* malformed public keys are errors for verify */
    load(&k1_vectors[2], h, sig, pub);
    pub[63] ^= 1;
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EINVAL && !valid);
    memset(pub, 0, 64);
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EINVAL);
    memset(pub, 0xff, 64);
    CHECK(zkvm_secp256k1_verify(h, sig, pub, &valid) == ZKVM_EINVAL);
    t_end_case("secp256k1.invalid-key");

    /* The ecrecover example from go-ethereum's precompile tests: v = 28, signer address
     * 0x7156526fbd7a3c72969b54f64e42c10fbb768c8a = keccak256(pubkey)[12..32]. */
    t_hex("456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3", h, 32);
    t_hex("9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac8038825608"
          "4f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada", sig, 64);
    uint8_t addr[32], want[20];
    t_hex("7156526fbd7a3c72969b54f64e42c10fbb768c8a", want, 20);
    CHECK(zkvm_secp256k1_ecrecover(h, sig, 1, out) == ZKVM_EOK);
    zkvm_keccak256(out, 64, addr);
    CHECK_MEM(addr + 12, want, 20, "signer address");
    t_end_case("secp256k1.geth-ecrecover-vector");
}

void group_p256(void)
{
    uint8_t h[32], sig[64], pub[64];
    bool valid;

    /* EIP-7951's own vectors (Wycheproof secp256r1 cases): 160-byte input h || r || s || qx || qy */
    int mismatches = 0;
    for (size_t i = 0; i < COUNT(p256_eip7951_vectors); i++) {
        uint8_t in[160];
        CHECK(t_hex(p256_eip7951_vectors[i].input, in, sizeof in) == 160);
        valid = !p256_eip7951_vectors[i].want;
        CHECK(zkvm_secp256r1_verify(in, in + 32, in + 96, &valid) == ZKVM_EOK);
        if (valid != (p256_eip7951_vectors[i].want != 0) && mismatches++ < 5)
            printf("  eip7951 vector %zu: got %d want %d\n", i, valid, p256_eip7951_vectors[i].want);
    }
    CHECK(mismatches == 0);
    t_end_case("p256.eip7951-vectors");
    for (size_t i = 0; i < COUNT(r1_vectors); i++) {
        load(&r1_vectors[i], h, sig, pub);
        valid = false;
        CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && valid);
        negate_scalar(sig + 32, sig + 32, R1_N); /* EIP-7951 has no low-s rule either */
        valid = false;
        CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && valid);
    }
    t_end_case("p256.openssl-signatures");

    /* every failing check is valid = false with status EOK (EIP-7951 returns empty output) */
    load(&r1_vectors[5], h, sig, pub);
    h[0] ^= 0x80;
    CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    load(&r1_vectors[5], h, sig, pub);
    sig[40] ^= 1;
    CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    load(&r1_vectors[5], h, sig, pub);
    pub[10] ^= 1; /* off the curve */
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    load(&r1_vectors[5], h, sig, pub);
    memset(pub, 0, 64); /* (0, 0): the point at infinity is not an accepted key */
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    load(&r1_vectors[5], h, sig, pub);
    t_hex(R1_P, pub, 32); /* x = p is out of range */
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, sig, pub, &valid) == ZKVM_EOK && !valid);
    t_end_case("p256.failures");

    load(&r1_vectors[6], h, sig, pub);
    uint8_t bad[64];
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    memcpy(bad, sig, 64);
    t_hex(R1_N, bad, 32);
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    memcpy(bad, sig, 64);
    t_hex(R1_N, bad + 32, 32);
    valid = true;
    CHECK(zkvm_secp256r1_verify(h, bad, pub, &valid) == ZKVM_EOK && !valid);
    t_end_case("p256.scalar-range");
}
