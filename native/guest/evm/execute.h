/* Block execution: system calls, transactions, withdrawals, requests, receipts and the post-state
 * root. Returns whether the block is valid; ends the guest with an exit code for witness gaps,
 * missing precompiles and unimplemented stages. */
#ifndef GUEST_EXECUTE_H
#define GUEST_EXECUTE_H

#include "block.h"
#include "fork.h"
#include "state.h"
#include "trie.h"

bool execute_block(const stateless_input *in, const header *h, const header *ancestors, size_t ancestor_count,
                   const fork_params *fp, node_store *nodes, node_store *codes);

/* Called once with the post-state of a block found valid, right after the state root check; NULL
 * (the default) in the validator. Only the state-dump build (dump_main.c, evm-guest-dump.elf) sets it;
 * nothing the validator decides or outputs depends on it. */
extern void (*execute_post_state_hook)(state *s, const uint8_t post_root[32]);

/* Exact length of rlp([header, transactions, [], withdrawals]) (EIP-7934). */
uint64_t rlp_block_size(const stateless_input *in, const header *h);

#endif
