/* The EVM interpreter (Paris through Osaka rules selected by fork_params): message calls and
 * creations with the journal, exact gas (memory expansion, EIP-2929 warm/cold, EIP-2200/3529
 * SSTORE, 63/64 forwarding), logs, and the precompiles of this issue. */
#ifndef GUEST_EVM_H
#define GUEST_EVM_H

#include "block.h"
#include "fork.h"
#include "state.h"

typedef struct evm_env {
    const fork_params *fp;
    uint8_t coinbase[20];
    uint64_t number, timestamp, gas_limit, chain_id;
    u256 base_fee, blob_base_fee;
    uint8_t prev_randao[32];
    const header *ancestors; /* oldest first; the last is the parent */
    size_t ancestor_count;
    /* Transaction. */
    uint8_t origin[20];
    u256 gas_price;
    const uint8_t *blob_hashes;
    size_t blob_hash_count;
} evm_env;

typedef struct log_entry {
    uint8_t addr[20];
    uint8_t topics[4][32];
    unsigned topic_count;
    bytes data;
} log_entry;

/* A code's JUMPDEST bitmap, kept for the block (evm.c, jumpdests_of). */
typedef struct jumpdest_entry {
    const uint8_t *code;
    size_t len;
    uint8_t *map;
} jumpdest_entry;

/* Per opcode under one fork: stack items needed (pop < 0: undefined), net stack growth, static gas. */
typedef struct op_shape {
    signed char pop, grow;
    unsigned char gas;
} op_shape;

typedef struct evm {
    state *st;
    const evm_env *env;
    log_entry *logs;
    size_t log_count, log_cap;
    u256 *stacks[1025];
    jumpdest_entry *jumpdests; /* open addressing by code pointer; jumpdest_cap a power of two or 0 */
    size_t jumpdest_count, jumpdest_cap;
    const fork_params *shape_fp; /* the fork `shape` was built for (evm.c, op_shapes) */
    op_shape shape[256];
} evm;

typedef struct message {
    uint8_t caller[20];
    uint8_t target[20];       /* the address whose storage and balance the code acts on */
    uint8_t code_address[20];
    u256 value;
    bool transfer_value;
    bytes data;
    bytes code;
    uint64_t gas;
    int depth;
    bool is_static;
    bool is_create;
    bool disable_precompiles; /* EIP-7702 delegated call */
} message;

typedef struct call_result {
    bool success;
    uint64_t gas_left;
    bytes output;
    uint8_t created[20];
} call_result;

void evm_init(evm *e, state *st, const evm_env *env);
/* A message call at any depth (process_message). */
call_result evm_call(evm *e, const message *m);
/* A contract creation (process_create_message): m->target is the new address. */
call_result evm_create(evm *e, const message *m);
bool evm_is_precompile(const evm *e, const uint8_t addr[20]);
/* keccak(rlp([sender, nonce]))[12:] */
void evm_create_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20]);
/* EIP-7702 delegation designator: 0xef0100 || address. */
bool evm_delegation(bytes code, uint8_t target[20]);

#endif
