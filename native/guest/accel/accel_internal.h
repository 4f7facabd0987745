/* Internal helpers shared by the accelerator sources (not part of the public contract).
 * Library code uses only the runtime's libc subset (memcpy, memset, memcmp, malloc, free), declared
 * in the runtime header; on the host build the system libc provides the same functions. */
#ifndef ACCEL_INTERNAL_H
#define ACCEL_INTERNAL_H

#include "zkvm_accelerators.h"
#include "../runtime/zkvm.h"

/* The plain-C secp256k1 recovery and verification (Jacobian GLV/wNAF, binary inversion; ecdsa.c). The zkVM build's
 * zkvm_secp256k1_ecrecover / zkvm_secp256k1_verify run the syscall path instead; these stay callable in every build
 * as the reference of the differential tests (tests/test_ecrecover.c). */
zkvm_status accel_secp256k1_ecrecover_ref(const uint8_t msg_hash[32], const uint8_t sig[64], uint8_t recid, uint8_t pubkey_out[64]);
zkvm_status accel_secp256k1_verify_ref(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid);

static inline uint32_t rd32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void wr32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void wr32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t rd64le(const uint8_t *p)
{
    return (uint64_t)rd32le(p) | ((uint64_t)rd32le(p + 4) << 32);
}

static inline void wr64le(uint8_t *p, uint64_t v)
{
    wr32le(p, (uint32_t)v); wr32le(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> ((32 - n) & 31)); }
static inline uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << ((32 - n) & 31)); }
static inline uint64_t rotl64(uint64_t x, unsigned n) { return (x << n) | (x >> ((64 - n) & 63)); }
static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << ((64 - n) & 63)); }

/* Keccak sponge with rate 136 and a configurable domain byte (0x01 Keccak-256, 0x06 SHA3-256);
 * exposed so the tests can check the permutation against SHA3-256 as well. */
void accel_keccak256_pad(const uint8_t *data, size_t len, uint8_t pad, uint8_t out[32]);

#endif
