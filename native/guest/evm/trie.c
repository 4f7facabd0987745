#include "trie.h"

#include "../accel/zkvm_accelerators.h"
#include "rlp.h"

const uint8_t TRIE_EMPTY_ROOT[32] = {0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                     0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                     0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

static void keccak(const uint8_t *data, size_t len, uint8_t out[32])
{
    if (zkvm_keccak256(data, len, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

/* ---- node store: open addressing on the first 8 bytes of the hash ------------------------- */

typedef struct store_entry {
    uint8_t hash[32];
    bytes data;
    bool used;
} store_entry;

struct node_store {
    store_entry *slots;
    size_t cap, count;
};

node_store *store_new(size_t expected)
{
    node_store *s = guest_alloc(sizeof *s);
    size_t cap = 16;
    while (cap < expected * 2 + 16)
        cap *= 2;
    s->slots = guest_zalloc(cap * sizeof(store_entry));
    s->cap = cap;
    s->count = 0;
    return s;
}

static size_t slot_of(const node_store *s, const uint8_t hash[32])
{
    return (size_t)load_le64(hash) & (s->cap - 1);
}

static void store_grow(node_store *s)
{
    store_entry *old = s->slots;
    size_t old_cap = s->cap;
    s->cap *= 2;
    s->slots = guest_zalloc(s->cap * sizeof(store_entry));
    s->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].used)
            store_add_hashed(s, old[i].hash, old[i].data);
    free(old);
}

void store_add_hashed(node_store *s, const uint8_t hash[32], bytes data)
{
    if ((s->count + 1) * 2 > s->cap)
        store_grow(s);
    size_t i = slot_of(s, hash);
    while (s->slots[i].used) {
        if (memcmp(s->slots[i].hash, hash, 32) == 0)
            return; /* duplicate (same bytes, by the hash) */
        i = (i + 1) & (s->cap - 1);
    }
    memcpy(s->slots[i].hash, hash, 32);
    s->slots[i].data = data;
    s->slots[i].used = true;
    s->count++;
}

void store_add(node_store *s, bytes data)
{
    uint8_t h[32];
    keccak(data.ptr, data.len, h);
    store_add_hashed(s, h, data);
}

bool store_get(const node_store *s, const uint8_t hash[32], bytes *out)
{
    size_t i = slot_of(s, hash);
    while (s->slots[i].used) { /* the load factor stays below 1/2, so an empty slot exists */
        if (memcmp(s->slots[i].hash, hash, 32) == 0) {
            *out = s->slots[i].data;
            return true;
        }
        i = (i + 1) & (s->cap - 1);
    }
    return false;
}

/* ---- nodes ---------------------------------------------------------------------------------- */

enum { N_LEAF = 1, N_EXT, N_BRANCH, N_HASH };

struct trie_node {
    uint8_t type;
    bool cached;        /* enc (and hash when enc is >= 32 bytes) are valid */
    uint8_t path_len;   /* leaf, extension: nibbles */
    uint8_t path[64];
    trie_node *child;   /* extension */
    trie_node *children[16];
    bytes value;        /* leaf; branch (len 0 = none) */
    uint8_t hash[32];   /* the cached hash when enc >= 32 bytes; N_HASH made by hash_ref: the reference */
    const uint8_t *ref; /* N_HASH: the reference's 32 bytes (hash, or inside an encoding that never changes) */
    bytes enc;          /* cached encoding */
};

/* Nodes come zeroed from slabs of 64 (one allocation instead of one per node: a decoded branch makes up to 16
 * hash references at once). Nodes are never freed, like every guest allocation. */
static trie_node *new_node(uint8_t type)
{
    enum { SLAB = 64 };
    static trie_node *slab;
    static size_t left;
    if (left == 0) {
        slab = guest_zalloc(SLAB * sizeof *slab);
        left = SLAB;
    }
    trie_node *n = slab++;
    left--;
    n->type = type;
    return n;
}

static trie_node *hash_ref(const uint8_t hash[32])
{
    trie_node *n = new_node(N_HASH);
    memcpy(n->hash, hash, 32);
    n->ref = n->hash;
    return n;
}

_Noreturn static void bad_node(void)
{
    guest_fail(GUEST_EXIT_BAD_WITNESS, "trie: witness node does not decode");
}

static trie_node *decode_node(bytes enc, const uint8_t *known_hash);

/* A child reference inside a node: empty string (none), a 32-byte hash, or an embedded node. */
static trie_node *decode_ref(bytes *cur)
{
    rlp_item it;
    if (!rlp_next(cur, &it))
        bad_node();
    if (it.is_list) {
        bytes emb = {it.payload.ptr - (it.encoded_len - it.payload.len), it.encoded_len};
        if (emb.len >= 32)
            bad_node(); /* nodes of 32 bytes or more are referenced by hash */
        return decode_node(emb, NULL);
    }
    if (it.payload.len == 0)
        return NULL;
    if (it.payload.len != 32)
        bad_node();
    /* The reference points into the node's encoding (witness bytes or an encode() buffer, neither of which is
     * written again) instead of copying its 32 bytes. */
    trie_node *n = new_node(N_HASH);
    n->ref = it.payload.ptr;
    return n;
}

/* known_hash: keccak256(enc) when the caller has it (a node looked up in the store by its hash), else NULL. */
static trie_node *decode_node(bytes enc, const uint8_t *known_hash)
{
    rlp_item top;
    if (!rlp_single(enc, &top) || !top.is_list)
        bad_node();
    /* Two items make a leaf or an extension, 17 a branch, anything else is malformed. The list is not counted
     * first: two items are skipped, and a branch is decoded in full and must then end (exactly 17 items). */
    bytes cur = top.payload;
    rlp_item skip;
    if (!rlp_next(&cur, &skip) || !rlp_next(&cur, &skip))
        bad_node();
    bool two = cur.len == 0;
    cur = top.payload;
    trie_node *n;
    if (!two) {
        n = new_node(N_BRANCH);
        for (int i = 0; i < 16; i++)
            n->children[i] = decode_ref(&cur);
        if (!rlp_next_string(&cur, &n->value) || cur.len != 0)
            bad_node();
    } else {
        bytes path;
        if (!rlp_next_string(&cur, &path) || path.len == 0 || path.len > 33)
            bad_node();
        unsigned flag = path.ptr[0] >> 4;
        if (flag > 3 || ((flag & 1) == 0 && (path.ptr[0] & 15) != 0))
            bad_node();
        n = new_node(flag >= 2 ? N_LEAF : N_EXT);
        unsigned len = 0;
        if (flag & 1)
            n->path[len++] = path.ptr[0] & 15;
        for (size_t i = 1; i < path.len; i++) {
            n->path[len++] = path.ptr[i] >> 4;
            n->path[len++] = path.ptr[i] & 15;
        }
        if (len > 64)
            bad_node();
        n->path_len = (uint8_t)len;
        if (n->type == N_LEAF) {
            if (!rlp_next_string(&cur, &n->value) || n->value.len == 0)
                bad_node();
        } else {
            if (len == 0)
                bad_node();
            n->child = decode_ref(&cur);
            if (n->child == NULL)
                bad_node();
        }
    }
    n->enc = enc;
    n->cached = true;
    if (enc.len >= 32) {
        if (known_hash)
            memcpy(n->hash, known_hash, 32);
        else
            keccak(enc.ptr, enc.len, n->hash);
    }
    return n;
}

/* Replaces a hash reference by the decoded node from the store. */
static trie_node *resolve(const trie *t, trie_node *n)
{
    if (n == NULL || n->type != N_HASH)
        return n;
    bytes enc;
    if (t->store == NULL || !store_get(t->store, n->ref, &enc))
        guest_fail(GUEST_EXIT_MISSING_NODE, "trie: node missing from the witness");
    /* The store holds each node under keccak256 of its bytes (store_add; trie.h), and the lookup matched all 32
     * bytes, so n->ref is the node's hash: it is not computed again. */
    trie_node *d = decode_node(enc, n->ref);
    if (enc.len < 32)
        bad_node(); /* a hash-referenced node must be at least 32 bytes */
    return d;
}

void trie_init(trie *t, const node_store *store, const uint8_t root_hash[32])
{
    t->store = store;
    t->root = memcmp(root_hash, TRIE_EMPTY_ROOT, 32) == 0 ? NULL : hash_ref(root_hash);
}

void trie_init_empty(trie *t)
{
    t->store = NULL;
    t->root = NULL;
}

static unsigned to_nibbles(const uint8_t *key, size_t len, uint8_t *out)
{
    if (len > 32)
        guest_fail(GUEST_EXIT_INTERNAL, "trie: key longer than 32 bytes");
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = key[i] >> 4;
        out[2 * i + 1] = key[i] & 15;
    }
    return (unsigned)(2 * len);
}

bool trie_get(trie *t, const uint8_t *key, size_t key_len, bytes *value)
{
    uint8_t nib[64];
    unsigned len = to_nibbles(key, key_len, nib), pos = 0;
    trie_node **slot = &t->root;
    for (;;) { /* each step consumes at least one nibble or ends: at most 65 iterations */
        trie_node *n = *slot = resolve(t, *slot);
        if (n == NULL)
            return false;
        if (n->type == N_LEAF) {
            if (n->path_len != len - pos || memcmp(n->path, nib + pos, n->path_len) != 0)
                return false;
            *value = n->value;
            return true;
        }
        if (n->type == N_EXT) {
            if (n->path_len > len - pos || memcmp(n->path, nib + pos, n->path_len) != 0)
                return false;
            pos += n->path_len;
            slot = &n->child;
            continue;
        }
        if (pos == len) {
            *value = n->value;
            return n->value.len != 0;
        }
        slot = &n->children[nib[pos++]];
    }
}

static trie_node *make_leaf(const uint8_t *path, unsigned len, bytes value)
{
    trie_node *n = new_node(N_LEAF);
    if (len)
        memcpy(n->path, path, len);
    n->path_len = (uint8_t)len;
    n->value = value;
    return n;
}

/* A node at path[0..len) above child: child itself when len is 0, else an extension. */
static trie_node *make_ext(const uint8_t *path, unsigned len, trie_node *child)
{
    if (len == 0)
        return child;
    trie_node *n = new_node(N_EXT);
    memcpy(n->path, path, len);
    n->path_len = (uint8_t)len;
    n->child = child;
    return n;
}

static unsigned common_prefix(const uint8_t *a, unsigned alen, const uint8_t *b, unsigned blen)
{
    unsigned i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    return i;
}

static trie_node *insert(const trie *t, trie_node *n, const uint8_t *key, unsigned len, bytes value)
{
    n = resolve(t, n);
    if (n == NULL)
        return make_leaf(key, len, value);
    if (n->type == N_BRANCH) {
        n->cached = false;
        if (len == 0)
            n->value = value;
        else
            n->children[key[0]] = insert(t, n->children[key[0]], key + 1, len - 1, value);
        return n;
    }
    unsigned cp = common_prefix(n->path, n->path_len, key, len);
    if (n->type == N_LEAF && cp == n->path_len && cp == len) {
        n->value = value;
        n->cached = false;
        return n;
    }
    if (n->type == N_EXT && cp == n->path_len) {
        n->child = insert(t, n->child, key + cp, len - cp, value);
        n->cached = false;
        return n;
    }
    /* Split at cp: a branch holding the old node's remainder and the new key's remainder. */
    trie_node *br = new_node(N_BRANCH);
    if (n->type == N_LEAF) {
        if (cp == n->path_len)
            br->value = n->value;
        else
            br->children[n->path[cp]] = make_leaf(n->path + cp + 1, n->path_len - cp - 1, n->value);
    } else {
        br->children[n->path[cp]] = make_ext(n->path + cp + 1, n->path_len - cp - 1, n->child);
    }
    if (cp == len)
        br->value = value;
    else
        br->children[key[cp]] = make_leaf(key + cp + 1, len - cp - 1, value);
    return make_ext(key, cp, br);
}

/* Prefixes nibbles onto a node (used when a branch or extension collapses). */
static trie_node *prefix_node(const trie *t, const uint8_t *pre, unsigned plen, trie_node *child)
{
    child = resolve(t, child);
    if (child->type == N_BRANCH)
        return make_ext(pre, plen, child);
    trie_node *n = new_node(child->type);
    if (plen + child->path_len > 64)
        guest_fail(GUEST_EXIT_BAD_WITNESS, "trie: path longer than 64 nibbles");
    memcpy(n->path, pre, plen);
    memcpy(n->path + plen, child->path, child->path_len);
    n->path_len = (uint8_t)(plen + child->path_len);
    n->child = child->child;
    n->value = child->value;
    return n;
}

/* Removes key below n; *changed tells whether anything was removed (nodes change in place). */
static trie_node *remove_key(const trie *t, trie_node *n, const uint8_t *key, unsigned len, bool *changed)
{
    n = resolve(t, n);
    if (n == NULL)
        return NULL;
    if (n->type == N_LEAF) {
        if (n->path_len == len && memcmp(n->path, key, len) == 0) {
            *changed = true;
            return NULL;
        }
        return n;
    }
    if (n->type == N_EXT) {
        if (n->path_len > len || memcmp(n->path, key, n->path_len) != 0)
            return n;
        bool ch = false;
        trie_node *c = remove_key(t, n->child, key + n->path_len, len - n->path_len, &ch);
        if (!ch) {
            n->child = c; /* may now be resolved */
            return n;
        }
        *changed = true;
        if (c == NULL)
            guest_fail(GUEST_EXIT_BAD_WITNESS, "trie: extension above an emptied node");
        return prefix_node(t, n->path, n->path_len, c);
    }
    /* Branch. */
    if (len == 0) {
        if (n->value.len == 0)
            return n;
        n->value.len = 0;
    } else {
        bool ch = false;
        trie_node *c = remove_key(t, n->children[key[0]], key + 1, len - 1, &ch);
        n->children[key[0]] = c;
        if (!ch)
            return n;
    }
    *changed = true;
    n->cached = false;
    int count = 0, last = -1;
    for (int i = 0; i < 16; i++)
        if (n->children[i]) {
            count++;
            last = i;
        }
    if (count + (n->value.len != 0) >= 2)
        return n;
    if (count == 0)
        return n->value.len ? make_leaf(NULL, 0, n->value) : NULL;
    uint8_t nib = (uint8_t)last;
    return prefix_node(t, &nib, 1, n->children[last]);
}

void trie_put(trie *t, const uint8_t *key, size_t key_len, bytes value)
{
    if (value.len == 0) {
        trie_delete(t, key, key_len);
        return;
    }
    uint8_t nib[64];
    unsigned len = to_nibbles(key, key_len, nib);
    uint8_t *copy = guest_alloc(value.len);
    memcpy(copy, value.ptr, value.len);
    bytes v = {copy, value.len};
    t->root = insert(t, t->root, nib, len, v);
}

void trie_delete(trie *t, const uint8_t *key, size_t key_len)
{
    uint8_t nib[64];
    unsigned len = to_nibbles(key, key_len, nib);
    bool changed = false;
    t->root = remove_key(t, t->root, nib, len, &changed);
}

/* ---- encoding ------------------------------------------------------------------------------- */

static void put_hex_prefix(rlp_buf *b, const uint8_t *path, unsigned len, bool leaf)
{
    uint8_t hp[33];
    unsigned flag = leaf ? 2 : 0, n = 0, i = 0;
    if (len % 2) {
        hp[n++] = (uint8_t)((flag + 1) << 4 | path[0]);
        i = 1;
    } else {
        hp[n++] = (uint8_t)(flag << 4);
    }
    for (; i < len; i += 2)
        hp[n++] = (uint8_t)(path[i] << 4 | path[i + 1]);
    rlp_put_bytes(b, hp, n);
}

static void encode(trie_node *n);

/* Appends the reference to n (embedded encoding when under 32 bytes, else its hash). */
static void put_ref(rlp_buf *b, trie_node *n)
{
    if (n == NULL) {
        rlp_put_bytes(b, NULL, 0);
        return;
    }
    if (n->type == N_HASH) {
        rlp_put_bytes(b, n->ref, 32);
        return;
    }
    encode(n);
    if (n->enc.len < 32)
        buf_append(b, n->enc.ptr, n->enc.len);
    else
        rlp_put_bytes(b, n->hash, 32);
}

static void encode(trie_node *n)
{
    if (n->cached)
        return;
    /* Room for a branch of 16 hashes without regrowing: header, 16 x 33 bytes, a short value. */
    rlp_buf b;
    buf_init(&b, n->type == N_BRANCH ? 576 + n->value.len : 96 + n->value.len);
    size_t l = rlp_list_open(&b);
    if (n->type == N_LEAF) {
        put_hex_prefix(&b, n->path, n->path_len, true);
        rlp_put_bytes(&b, n->value.ptr, n->value.len);
    } else if (n->type == N_EXT) {
        put_hex_prefix(&b, n->path, n->path_len, false);
        put_ref(&b, n->child);
    } else {
        for (int i = 0; i < 16; i++)
            put_ref(&b, n->children[i]);
        rlp_put_bytes(&b, n->value.ptr, n->value.len);
    }
    n->enc = rlp_list_close(&b, l);
    if (n->enc.len >= 32)
        keccak(n->enc.ptr, n->enc.len, n->hash);
    n->cached = true;
}

void trie_root(trie *t, uint8_t out[32])
{
    trie_node *n = t->root;
    if (n == NULL) {
        memcpy(out, TRIE_EMPTY_ROOT, 32);
        return;
    }
    if (n->type == N_HASH) {
        memcpy(out, n->ref, 32);
        return;
    }
    encode(n);
    if (n->enc.len >= 32)
        memcpy(out, n->hash, 32);
    else
        keccak(n->enc.ptr, n->enc.len, out); /* the root is always hashed */
}

static void collect(trie_node *n, node_store *out)
{
    if (n == NULL || n->type == N_HASH)
        return;
    encode(n);
    if (n->enc.len >= 32)
        store_add_hashed(out, n->hash, n->enc);
    if (n->type == N_EXT)
        collect(n->child, out);
    if (n->type == N_BRANCH)
        for (int i = 0; i < 16; i++)
            collect(n->children[i], out);
}

void trie_collect_nodes(trie *t, node_store *out)
{
    uint8_t root[32];
    trie_root(t, root);
    if (t->root == NULL)
        return;
    collect(t->root, out);
    if (t->root->type != N_HASH && t->root->enc.len < 32)
        store_add(out, t->root->enc); /* a short root is still referenced by its hash */
}
