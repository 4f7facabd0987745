/* Merkle-Patricia trie (yellow paper appendix D) over witness nodes.
 *
 * A trie starts from a root hash; nodes are resolved lazily from a node store keyed by
 * keccak256(encoding) (the witness's `state` list). Reading or changing a path whose node is not in
 * the store ends the guest with GUEST_EXIT_MISSING_NODE: the witness cannot support the block.
 * Changes are made in place; trie_root re-encodes only the changed paths (hashes are cached). */
#ifndef GUEST_TRIE_H
#define GUEST_TRIE_H

#include "common.h"

typedef struct node_store node_store;
typedef struct trie_node trie_node;

/* A hash-keyed store of RLP nodes (or code). Entries borrow their bytes. */
node_store *store_new(size_t expected);
void store_add(node_store *s, bytes data); /* key = keccak256(data) */
void store_add_hashed(node_store *s, const uint8_t hash[32], bytes data); /* hash must be keccak256(data): tries trust it */
bool store_get(const node_store *s, const uint8_t hash[32], bytes *out);

typedef struct trie {
    trie_node *root; /* NULL: the empty trie */
    const node_store *store;
} trie;

/* keccak256(rlp("")): the root of the empty trie. */
extern const uint8_t TRIE_EMPTY_ROOT[32];

void trie_init(trie *t, const node_store *store, const uint8_t root_hash[32]);
void trie_init_empty(trie *t);
/* Looks up key (bytes); returns false when absent. The value aliases trie memory. */
bool trie_get(trie *t, const uint8_t *key, size_t key_len, bytes *value);
/* Sets key to value (copied); an empty value deletes. */
void trie_put(trie *t, const uint8_t *key, size_t key_len, bytes value);
void trie_delete(trie *t, const uint8_t *key, size_t key_len);
void trie_root(trie *t, uint8_t out[32]);
/* Adds every resolved node of t to out (as a witness would hold them); for tests and tools. */
void trie_collect_nodes(trie *t, node_store *out);

#endif
