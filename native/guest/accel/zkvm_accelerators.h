/* The 19 EF standard accelerator functions, as this project declares them (our own header).
 *
 * Every function returns a zkvm_status: ZKVM_EOK when the call was well-formed and the outputs are
 * written, ZKVM_EINVAL when the input is malformed for the operation (bad encoding, a point not on
 * the curve or not in the subgroup, a coordinate not below the modulus, ...). Outcomes of checks
 * (signature valid, pairing product is one) are returned through a bool output, not as an error.
 * Byte strings are big-endian as in the EVM precompile encodings unless stated.
 *
 * Until a function has a chip in the prover it is implemented in plain RV64IM C (native/guest/accel);
 * a syscall without a chip would be unsound (docs/design.md).
 */
#ifndef ZKVM_ACCELERATORS_H
#define ZKVM_ACCELERATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum zkvm_status {
    ZKVM_EOK = 0,
    ZKVM_EINVAL = 1,
} zkvm_status;

/* Hashes. ripemd160 writes the 20-byte digest left-padded with zeros to 32 bytes (EVM 0x03). */
zkvm_status zkvm_keccak256(const uint8_t *data, size_t len, uint8_t out[32]);
zkvm_status zkvm_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
zkvm_status zkvm_ripemd160(const uint8_t *data, size_t len, uint8_t out[32]);

/* base^exp mod modulus, big-endian operands of any length; out has mod_len bytes (zero if mod is 0). */
zkvm_status zkvm_modexp(const uint8_t *base, size_t base_len, const uint8_t *exp, size_t exp_len,
                        const uint8_t *mod, size_t mod_len, uint8_t *out);

/* secp256k1. sig = r || s (32 + 32), pubkey = x || y (64, uncompressed without prefix).
 * verify: *valid = ECDSA verification of msg_hash (no low-s rule: the caller enforces EIP-2).
 * ecrecover: recid in {0, 1}; EINVAL when r or s is out of range or no point is recovered. */
zkvm_status zkvm_secp256k1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid);
zkvm_status zkvm_secp256k1_ecrecover(const uint8_t msg_hash[32], const uint8_t sig[64], uint8_t recid, uint8_t pubkey_out[64]);

/* secp256r1 (P-256) verification as EIP-7951 P256VERIFY: *valid false for any failing check. */
zkvm_status zkvm_secp256r1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid);

/* bn254 (alt_bn128), EIP-196/197 encodings: G1 = x || y (64), G2 = x.c1 || x.c0 || y.c1 || y.c0 (128),
 * the point at infinity is all zeros. pairing: pairs is num_pairs × (G1 64 || G2 128). */
zkvm_status zkvm_bn254_g1_add(const uint8_t p[64], const uint8_t q[64], uint8_t out[64]);
zkvm_status zkvm_bn254_g1_mul(const uint8_t p[64], const uint8_t scalar[32], uint8_t out[64]);
zkvm_status zkvm_bn254_pairing(const uint8_t *pairs, size_t num_pairs, bool *is_one);

/* EIP-152 BLAKE2b compression F: h updated in place; m, t as little-endian words. */
zkvm_status zkvm_blake2f(uint32_t rounds, uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final_block);

/* EIP-4844 point evaluation: verifies the KZG proof that p(z) = y for the commitment (48-byte
 * compressed G1). The versioned-hash check is the caller's. */
zkvm_status zkvm_kzg_point_eval(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                                const uint8_t proof[48], bool *valid);

/* BLS12-381 with EIP-2537 encodings: Fp = 64 bytes (16 zero bytes || 48), G1 = x || y (128),
 * G2 = x.c0 || x.c1 || y.c0 || y.c1 (256), infinity all zeros. MSM pairs are (point || scalar 32).
 * pairing pairs are (G1 128 || G2 256). */
zkvm_status zkvm_bls12_g1_add(const uint8_t p[128], const uint8_t q[128], uint8_t out[128]);
zkvm_status zkvm_bls12_g1_msm(const uint8_t *pairs, size_t num_pairs, uint8_t out[128]);
zkvm_status zkvm_bls12_g2_add(const uint8_t p[256], const uint8_t q[256], uint8_t out[256]);
zkvm_status zkvm_bls12_g2_msm(const uint8_t *pairs, size_t num_pairs, uint8_t out[256]);
zkvm_status zkvm_bls12_pairing(const uint8_t *pairs, size_t num_pairs, bool *is_one);
zkvm_status zkvm_bls12_map_fp_to_g1(const uint8_t fp[64], uint8_t out[128]);
zkvm_status zkvm_bls12_map_fp2_to_g2(const uint8_t fp2[128], uint8_t out[256]);

#ifdef __cplusplus
}
#endif

#endif
