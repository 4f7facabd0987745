/* Transactions of types 0-4: canonical decoding, signing hashes and sender checks. */
#ifndef GUEST_TX_H
#define GUEST_TX_H

#include "common.h"
#include "u256.h"

typedef struct access_entry {
    uint8_t addr[20];
    size_t key_count;
    const uint8_t *keys; /* key_count × 32 (into the transaction bytes) */
} access_entry;

typedef struct authorization {
    u256 chain_id;
    uint8_t addr[20];
    uint64_t nonce;
    uint8_t y_parity;
    u256 r, s;
    bool nonce_ok; /* nonce < 2^64 - 1 */
} authorization;

typedef struct tx {
    uint8_t type;
    u256 chain_id;
    bool has_chain_id;    /* legacy: EIP-155 */
    uint64_t nonce;
    u256 gas_price;       /* legacy, 2930 */
    u256 max_priority_fee, max_fee;
    uint64_t gas;
    bool is_create;
    uint8_t to[20];
    u256 value;
    bytes data;
    size_t access_count;
    access_entry *access;
    u256 max_fee_per_blob_gas;
    size_t blob_count;
    const uint8_t *blob_hashes; /* blob_count × 32 */
    size_t auth_count;
    authorization *auths;
    uint8_t y_parity;
    u256 r, s;
    uint8_t signing_hash[32];
} tx;

/* Decodes a payload transaction (typed: type byte || RLP; legacy: RLP list). */
bool tx_decode(bytes raw, tx *out);
/* Recovers the signer of hash (r, s, parity) with the low-s rule; false when invalid. */
bool recover_signer(const uint8_t hash[32], const u256 *r, const u256 *s, uint8_t parity, uint8_t pub_out[64]);

#endif
