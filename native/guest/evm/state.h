/* World state over the witness: an account cache in front of the account trie, per-account storage
 * caches in front of the storage tries, a journal for call-frame reverts, EIP-2929 warm flags,
 * EIP-1153 transient storage, and the final commit into a post-state root. */
#ifndef GUEST_STATE_H
#define GUEST_STATE_H

#include "common.h"
#include "trie.h"
#include "u256.h"

typedef struct slot {
    uint8_t key[32];
    u256 original; /* value at the start of the transaction (EIP-2200 "original") */
    u256 current;
    u256 transient;
    bool warm;
    bool in_tx_list;
    bool dirty;    /* differs from the pre-block trie value, or written */
    bool loaded;   /* original/current read from the storage trie */
} slot;

typedef struct account {
    uint8_t addr[20];
    bool loaded;          /* read from the account trie; false for a record from state_account_ref (its
                           * nonce, balance, code and storage are then unknown, only its flags are used) */
    bool exists;          /* present in the state (the trie, or created) */
    uint64_t nonce;
    u256 balance;
    uint8_t code_hash[32];
    bytes code;
    bool code_loaded;
    uint8_t storage_root[32]; /* pre-block storage root (empty after a destruction) */
    trie storage;
    bool storage_ready;
    slot **slots;         /* open addressing */
    size_t slot_cap, slot_count;
    bool warm;
    bool touched;
    bool created_in_tx;   /* EIP-6780 */
    bool destructed;      /* SELFDESTRUCT scheduled (deleted at the end of the transaction) */
    bool dirty;
    bool in_tx_list;
} account;

typedef struct state state;

state *state_new(const node_store *nodes, const node_store *codes, const uint8_t root[32]);
/* The account, read from the account trie the first time (a node the witness lacks ends the guest
 * with GUEST_EXIT_MISSING_NODE). */
account *state_account(state *s, const uint8_t addr[20]);
/* The account's record without reading it from the trie, for the uses that depend on none of its
 * fields: warming it (EIP-2929) and touching it (EIP-161) when nothing moves to it (state.c says why
 * that is exact). Any later state_account, mutation or accessor below reads it first. */
account *state_account_ref(state *s, const uint8_t addr[20]);
bool account_is_empty(const account *a);   /* nonce 0, balance 0, no code; the account must be loaded */
bool account_is_alive(const account *a);   /* exists and not empty; the account must be loaded */
bytes account_code(state *s, account *a);
/* The cache entry of a slot; its storage value is read from the trie only when load is set (transient
 * storage never needs the trie). */
slot *account_slot(state *s, account *a, const uint8_t key[32], bool load);
bool account_has_storage(state *s, account *a); /* any non-zero slot (pre-block trie or cache) */

/* Journaled mutations (each reads the account first if it is only a record). */
void state_set_balance(state *s, account *a, const u256 *v);
void state_set_nonce(state *s, account *a, uint64_t v);
void state_set_code(state *s, account *a, bytes code);
void state_set_storage(state *s, account *a, slot *sl, const u256 *v);
void state_set_transient(state *s, account *a, slot *sl, const u256 *v);
void state_warm_account(state *s, account *a);
void state_warm_slot(state *s, account *a, slot *sl);
void state_touch(state *s, account *a);
void state_mark_created(state *s, account *a);  /* EIP-6780 bookkeeping; creates the account */
void state_mark_destructed(state *s, account *a);
/* Moves value; returns false (and changes nothing) when the sender's balance is short. */
bool state_transfer(state *s, account *from, account *to, const u256 *value);

typedef struct snapshot {
    size_t journal_len, log_count;
    int64_t refund;
} snapshot;

/* The transaction-level counters live in the state so that reverts restore them. */
int64_t *state_refund(state *s);
snapshot state_snapshot(state *s, size_t log_count);
void state_revert(state *s, snapshot snap);

/* Ends a transaction: deletes destructed accounts and touched empty accounts, resets warm flags,
 * transient storage and original values, clears the journal. */
void state_end_tx(state *s);
/* Writes every change into the tries and returns the post-state root. */
void state_commit(state *s, uint8_t root[32]);

/* After state_commit: adds every post-state trie node held in memory (the account trie and each
 * storage trie the block opened, changed paths re-encoded) to nodes_out and every code loaded or set
 * to codes_out, and hands back the witness stores the state reads through. Nodes and codes the block
 * never touched stay in those stores only. For the state-dump build (dump_main.c). */
void state_collect_post(state *s, node_store *nodes_out, node_store *codes_out, const node_store **witness_nodes,
                        const node_store **witness_codes);

extern const uint8_t EMPTY_CODE_HASH[32];

#endif
