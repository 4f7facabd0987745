/* Block headers: reconstruction of the header from the execution payload (difficulty 0, nonce 0,
 * empty ommers, mix_hash = prev_randao, roots computed from the payload's lists, EIP-7685 requests
 * hash) and decoding of the witness's ancestor headers. */
#ifndef GUEST_BLOCK_H
#define GUEST_BLOCK_H

#include "common.h"
#include "ssz.h"
#include "u256.h"

typedef struct header {
    uint8_t hash[32];
    uint8_t parent_hash[32], ommers_hash[32], coinbase[20], state_root[32], tx_root[32], receipts_root[32];
    uint8_t logs_bloom[256], mix_hash[32], nonce[8];
    u256 difficulty;
    uint64_t number, gas_limit, gas_used, timestamp;
    bytes extra_data;
    bool has_base_fee, has_withdrawals_root, has_blob_gas, has_parent_beacon_root, has_requests_hash;
    u256 base_fee;
    uint8_t withdrawals_root[32];
    uint64_t blob_gas_used, excess_blob_gas;
    uint8_t parent_beacon_root[32], requests_hash[32];
} header;

/* Decodes an RLP header (London and later: 16 to 21 fields) and computes its hash. */
bool header_decode(bytes rlp, header *out);

/* The header the payload describes; tx_root, withdrawals_root and requests_hash are computed. */
void header_from_payload(const stateless_input *in, header *out);
/* RLP of a header (fields present per its has_* flags). */
bytes header_encode(const header *h);
/* keccak256(header_encode(h)). */
void header_hash(const header *h, uint8_t out[32]);

/* EIP-7685 requests hash of the payload's execution requests. */
void requests_hash(const stateless_input *in, uint8_t out[32]);

#endif
