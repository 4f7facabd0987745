/* The state-dump build (evm-guest-dump.elf, and evm-host-dump on the host; never proven): the validator unchanged, plus, after a
 * block found valid, its complete post-state appended to the public output, as witness material for
 * the next block of a chain (the C# converter's chained BlockchainTests blocks, docs/design.md).
 *
 * Output: the 43-byte StatelessValidationResult exactly as the validator writes it, then (valid block
 * only) the dump, little-endian:
 *   "PSD1" | post_state_root[32] | u32 node_count | node_count × (u32 len | RLP node)
 *          | u32 code_count | code_count × (u32 len | code)
 * The nodes are every node reachable from the post-state root: the account trie, and for each account
 * its storage trie (hash-referenced nodes only; embedded ones travel inside their parents), each once.
 * The codes are those of every account, each once. A node reachable from the root lives either in
 * memory (paths the block changed or read, re-encoded by state_commit) or in the block's witness; when
 * it is in neither, the witness was not a complete state and the dump stops with exit code 5. */
#include "guest.h"

#include "execute.h"
#include "rlp.h"
#include "state.h"
#include "trie.h"

typedef struct dump_ctx {
    node_store *fresh, *fresh_codes;
    const node_store *witness, *witness_codes;
    node_store *seen_accounts, *seen_storage, *seen_codes; /* by hash; separate so a kind never hides another */
    rlp_buf nodes, codes;
    uint32_t node_count, code_count;
} dump_ctx;

static state *g_post;
static uint8_t g_post_root[32];

static void remember_post_state(state *s, const uint8_t post_root[32])
{
    g_post = s;
    memcpy(g_post_root, post_root, 32);
}

static void put_u32(rlp_buf *b, size_t v)
{
    if (v > 0xffffffffu)
        guest_fail(GUEST_EXIT_INTERNAL, "dump: item longer than 2^32 bytes");
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    buf_append(b, t, 4);
}

_Noreturn static void bad(void)
{
    guest_fail(GUEST_EXIT_BAD_WITNESS, "dump: post-state node does not decode");
}

static void walk_node(dump_ctx *c, bytes enc, bool accounts);

static void walk_hash(dump_ctx *c, const uint8_t hash[32], bool accounts)
{
    node_store *seen = accounts ? c->seen_accounts : c->seen_storage;
    bytes enc;
    if (store_get(seen, hash, &enc))
        return;
    if (!store_get(c->fresh, hash, &enc) && !store_get(c->witness, hash, &enc))
        guest_fail(GUEST_EXIT_MISSING_NODE, "dump: post-state node missing (the block's witness was not a whole state)");
    store_add_hashed(seen, hash, enc);
    put_u32(&c->nodes, enc.len);
    buf_append(&c->nodes, enc.ptr, enc.len);
    c->node_count++;
    walk_node(c, enc, accounts);
}

/* A child reference: empty (none), a 32-byte hash, or an embedded node (a list under 32 bytes). */
static void walk_ref(dump_ctx *c, bytes *cur, bool accounts)
{
    rlp_item it;
    if (!rlp_next(cur, &it))
        bad();
    if (it.is_list) {
        bytes emb = {it.payload.ptr - (it.encoded_len - it.payload.len), it.encoded_len};
        walk_node(c, emb, accounts);
    } else if (it.payload.len == 32) {
        walk_hash(c, it.payload.ptr, accounts);
    } else if (it.payload.len != 0) {
        bad();
    }
}

static void walk_account(dump_ctx *c, bytes value)
{
    rlp_item acc;
    uint64_t nonce;
    u256 balance;
    uint8_t storage_root[32], code_hash[32];
    if (!rlp_single(value, &acc) || !acc.is_list)
        bad();
    bytes cur = acc.payload;
    if (!rlp_next_u64(&cur, &nonce) || !rlp_next_u256(&cur, &balance) || !rlp_next_fixed(&cur, storage_root, 32) ||
        !rlp_next_fixed(&cur, code_hash, 32) || cur.len != 0)
        bad();
    if (memcmp(storage_root, TRIE_EMPTY_ROOT, 32) != 0)
        walk_hash(c, storage_root, false);
    bytes code;
    if (memcmp(code_hash, EMPTY_CODE_HASH, 32) == 0 || store_get(c->seen_codes, code_hash, &code))
        return;
    if (!store_get(c->fresh_codes, code_hash, &code) && !store_get(c->witness_codes, code_hash, &code))
        guest_fail(GUEST_EXIT_MISSING_NODE, "dump: post-state code missing (the block's witness was not a whole state)");
    store_add_hashed(c->seen_codes, code_hash, code);
    put_u32(&c->codes, code.len);
    buf_append(&c->codes, code.ptr, code.len);
    c->code_count++;
}

static void walk_node(dump_ctx *c, bytes enc, bool accounts)
{
    rlp_item top;
    if (!rlp_single(enc, &top) || !top.is_list)
        bad();
    long count = rlp_count(top.payload);
    bytes cur = top.payload;
    if (count == 17) {
        for (int i = 0; i < 16; i++)
            walk_ref(c, &cur, accounts);
        return; /* keys have a fixed length, so a branch value is never an account */
    }
    if (count != 2)
        bad();
    bytes path, value;
    if (!rlp_next_string(&cur, &path) || path.len == 0)
        bad();
    if ((path.ptr[0] >> 4) >= 2) { /* leaf */
        if (!rlp_next_string(&cur, &value))
            bad();
        if (accounts)
            walk_account(c, value);
    } else {
        walk_ref(c, &cur, accounts);
    }
}

static void dump_post_state(void)
{
    dump_ctx c;
    memset(&c, 0, sizeof c);
    c.fresh = store_new(1024);
    c.fresh_codes = store_new(64);
    c.seen_accounts = store_new(1024);
    c.seen_storage = store_new(1024);
    c.seen_codes = store_new(64);
    state_collect_post(g_post, c.fresh, c.fresh_codes, &c.witness, &c.witness_codes);
    buf_init(&c.nodes, 1 << 16);
    buf_init(&c.codes, 1 << 12);
    if (memcmp(g_post_root, TRIE_EMPTY_ROOT, 32) != 0)
        walk_hash(&c, g_post_root, true);

    rlp_buf head;
    buf_init(&head, 48);
    buf_append(&head, (const uint8_t *)"PSD1", 4);
    buf_append(&head, g_post_root, 32);
    put_u32(&head, c.node_count);
    write_output(head.ptr, head.len);
    write_output(c.nodes.ptr, c.nodes.len);
    rlp_buf tail;
    buf_init(&tail, 4);
    put_u32(&tail, c.code_count);
    write_output(tail.ptr, tail.len);
    write_output(c.codes.ptr, c.codes.len);
}

int guest_dump_main(void)
{
    execute_post_state_hook = remember_post_state;
    int code = guest_main();
    if (code == GUEST_EXIT_OK && g_post != NULL)
        dump_post_state();
    return code;
}

#ifndef GUEST_HOST_DUMP
int main(void)
{
    return guest_dump_main();
}
#endif
