/* SSZ decoding of the EF canonical StatelessInput (shared/docs/ETHEREUM.md) and hash_tree_root of its
 * NewPayloadRequest. Decoding is zero-copy: slices point into the input buffer. Every offset is
 * checked (first offset equals the fixed part, offsets non-decreasing and inside the parent),
 * every list limit is enforced, and trailing bytes or truncation are rejected. */
#ifndef GUEST_SSZ_H
#define GUEST_SSZ_H

#include "common.h"
#include "u256.h"

enum fork {
    FORK_PARIS = 0x0e,    /* Bellatrix payload, engine newPayloadV1: no withdrawals, no blobs */
    FORK_SHANGHAI = 0x0f, /* Capella payload (+ withdrawals), newPayloadV2 */
    FORK_CANCUN = 0x10,
    FORK_PRAGUE = 0x11,
    FORK_OSAKA = 0x12,
    FORK_BPO1 = 0x13,
    FORK_BPO2 = 0x14,
};

typedef struct withdrawal {
    uint64_t index, validator_index;
    uint8_t address[20];
    uint64_t amount; /* gwei */
} withdrawal;

typedef struct exec_payload {
    const uint8_t *parent_hash, *fee_recipient, *state_root, *receipts_root, *logs_bloom, *prev_randao;
    uint64_t block_number, gas_limit, gas_used, timestamp;
    bytes extra_data;
    u256 base_fee_per_gas;
    const uint8_t *block_hash;
    size_t tx_count;
    bytes *txs;
    size_t withdrawal_count;
    withdrawal *withdrawals;
    uint64_t blob_gas_used, excess_blob_gas;
} exec_payload;

/* Sizes of the fixed-size request elements (EIP-6110, 7002, 7251 as SSZ containers). */
#define SSZ_DEPOSIT_SIZE 192
#define SSZ_WITHDRAWAL_REQUEST_SIZE 76
#define SSZ_CONSOLIDATION_SIZE 116

typedef struct stateless_input {
    uint16_t schema_id;
    enum fork fork;
    bytes new_payload_request; /* its SSZ bytes */
    exec_payload payload;
    size_t versioned_hash_count;     /* 0 before Cancun (the request has no such field) */
    const uint8_t *versioned_hashes; /* count × 32 */
    const uint8_t *parent_beacon_block_root; /* NULL before Cancun */
    bool has_requests;               /* Prague and later */
    bytes deposits, withdrawal_requests, consolidations; /* concatenated fixed-size elements */
    size_t state_count, code_count, header_count;
    bytes *state, *codes, *headers;
    uint64_t chain_id;
    size_t public_key_count;
    const uint8_t *public_keys; /* count × 65 */
} stateless_input;

typedef enum ssz_result {
    SSZ_OK = 0,
    SSZ_MALFORMED = 1,
    SSZ_UNSUPPORTED_FORK = 2,
} ssz_result;

/* Decodes schema_id (u16 big-endian) || SSZ(StatelessInput). */
ssz_result ssz_decode_input(const uint8_t *data, size_t len, stateless_input *out);

/* hash_tree_root(NewPayloadRequest) of a decoded input. */
void ssz_new_payload_request_root(const stateless_input *in, uint8_t out[32]);

/* Building blocks (exposed for tests). */
bool ssz_split_container(bytes in, const uint32_t *sizes, size_t n, bytes *fields);
bool ssz_var_list(bytes in, size_t limit, size_t elem_limit, bytes **items, size_t *count);
void ssz_merkleize(const uint8_t *chunks, size_t count, uint64_t limit, uint8_t out[32]);
void ssz_mix_in_length(uint8_t root[32], uint64_t len);
void ssz_bytes_root(bytes data, uint64_t limit_bytes, bool is_list, uint8_t out[32]);

#endif
