/* Merkle-Patricia trie against roots computed in Python from the yellow paper's definition
 * (gen_trie_vectors.py), witness-backed lookups and updates, and missing-node failures. */
#include <stdlib.h>

#include "test.h"
#include "tests.h"

#include "../common.h"
#include "../trie.h"
#include "../../accel/zkvm_accelerators.h"

#include "trie_vectors.inc"

static bytes hexdup(const char *hex)
{
    size_t cap = strlen(hex) / 2 + 1;
    unsigned char *buf = malloc(cap);
    int n = test_hex(hex, buf, (int)cap);
    bytes b = {buf, n < 0 ? 0 : (size_t)n};
    return b;
}

void test_trie_sequences(void)
{
    trie t;
    trie_init_empty(&t);
    uint8_t root[32];
    trie_root(&t, root);
    CHECK(memcmp(root, TRIE_EMPTY_ROOT, 32) == 0);
    size_t checks = 0;
    for (size_t i = 0; i < sizeof trie_ops / sizeof trie_ops[0]; i++) {
        bytes k = hexdup(trie_ops[i][1]), v = hexdup(trie_ops[i][2]);
        switch (trie_ops[i][0][0]) {
        case 'p':
            trie_put(&t, k.ptr, k.len, v);
            bytes got;
            CHECK(trie_get(&t, k.ptr, k.len, &got) && got.len == v.len && memcmp(got.ptr, v.ptr, v.len) == 0);
            break;
        case 'd':
            trie_delete(&t, k.ptr, k.len);
            CHECK(!trie_get(&t, k.ptr, k.len, &got));
            break;
        default:
            trie_root(&t, root);
            checks++;
            CHECK_MSG(memcmp(root, k.ptr, 32) == 0, "root after op %zu differs", i);
        }
        free((void *)k.ptr);
        free((void *)v.ptr);
    }
    CHECK(checks > 10);
}

static node_store *witness_store(size_t skip)
{
    size_t n = sizeof witness_nodes / sizeof witness_nodes[0];
    node_store *s = store_new(n);
    for (size_t i = 0; i < n; i++)
        if (i != skip)
            store_add(s, hexdup(witness_nodes[i]));
    return s;
}

void test_trie_witness(void)
{
    node_store *s = witness_store((size_t)-1);
    bytes root = hexdup(witness_root);
    trie t;
    trie_init(&t, s, root.ptr);
    uint8_t r[32];
    trie_root(&t, r);
    CHECK(memcmp(r, root.ptr, 32) == 0);
    for (size_t i = 0; i < sizeof witness_kv / sizeof witness_kv[0]; i++) {
        bytes k = hexdup(witness_kv[i][0]), v = hexdup(witness_kv[i][1]), got;
        CHECK(trie_get(&t, k.ptr, k.len, &got) && got.len == v.len && memcmp(got.ptr, v.ptr, v.len) == 0);
        k.ptr = NULL;
    }
    /* Unchanged after reads (resolved nodes keep their hashes). */
    trie_root(&t, r);
    CHECK(memcmp(r, root.ptr, 32) == 0);
    /* An absent key is absent (a proof of exclusion from the witness nodes). */
    uint8_t absent[32] = {1, 2, 3};
    bytes got;
    CHECK(!trie_get(&t, absent, 32, &got));
    for (size_t i = 0; i < sizeof witness_updates / sizeof witness_updates[0]; i++) {
        bytes k = hexdup(witness_updates[i][0]), v = hexdup(witness_updates[i][1]);
        trie_put(&t, k.ptr, k.len, v);
    }
    bytes want = hexdup(witness_updated_root);
    trie_root(&t, r);
    CHECK(memcmp(r, want.ptr, 32) == 0);
}

struct missing_ctx {
    node_store *store;
    const uint8_t *root;
};

static void read_all(void *p)
{
    struct missing_ctx *c = p;
    trie t;
    trie_init(&t, c->store, c->root);
    for (size_t i = 0; i < sizeof witness_kv / sizeof witness_kv[0]; i++) {
        bytes k = hexdup(witness_kv[i][0]), got;
        (void)trie_get(&t, k.ptr, k.len, &got);
    }
}

void test_trie_missing_node(void)
{
    bytes root = hexdup(witness_root);
    size_t n = sizeof witness_nodes / sizeof witness_nodes[0];
    /* Dropping any node from the witness makes reading every key fail with the missing-node code. */
    for (size_t skip = 0; skip < n; skip++) {
        struct missing_ctx c = {witness_store(skip), root.ptr};
        CHECK_MSG(test_expect_exit(read_all, &c) == GUEST_EXIT_MISSING_NODE, "node %zu dropped", skip);
    }
    struct missing_ctx ok = {witness_store((size_t)-1), root.ptr};
    CHECK(test_expect_exit(read_all, &ok) == -1);
}

static void read_bad(void *p)
{
    bytes *node = p;
    node_store *s = store_new(1);
    store_add(s, *node);
    uint8_t h[32];
    zkvm_keccak256(node->ptr, node->len, h);
    trie t;
    trie_init(&t, s, h);
    uint8_t key[32] = {0};
    bytes got;
    (void)trie_get(&t, key, 32, &got);
}

void test_trie_bad_nodes(void)
{
    static const char *const bad[] = {
        /* a 3-item list */
        "f843a00000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000080",
        /* leaf with an empty value */
        "e3a1200000000000000000000000000000000000000000000000000000000000000080",
        /* bad hex-prefix flag 4 */
        "e5a1400000000000000000000000000000000000000000000000000000000000000082aabb",
        /* branch child 0 is a 5-byte string (neither empty, a hash, nor a list) */
        "f68501020304058080808080808080808080808080a0000000000000000000000000000000000000000000000000000000000000000080",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bytes node = hexdup(bad[i]);
        CHECK_MSG(test_expect_exit(read_bad, &node) == GUEST_EXIT_BAD_WITNESS, "bad node %zu", i);
    }
}
