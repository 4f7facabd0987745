#include "state.h"

#include "../accel/zkvm_accelerators.h"
#include "rlp.h"

const uint8_t EMPTY_CODE_HASH[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                     0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                     0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

enum jkind { J_BALANCE, J_NONCE, J_CODE, J_STORAGE, J_TRANSIENT, J_WARM_ACCOUNT, J_WARM_SLOT, J_TOUCH, J_CREATED,
             J_DESTRUCTED };

typedef struct jentry {
    uint8_t kind;
    account *acct;
    slot *sl;
    u256 old_value;
    uint64_t old_nonce;
    bytes old_code;
    uint8_t old_code_hash[32];
    bool old_flag, old_exists, old_dirty;
    bool was_loaded; /* the account was read when the entry was made (old_exists, old_dirty are real) */
} jentry;

struct state {
    const node_store *nodes, *codes;
    trie accounts_trie;
    account **accounts; /* open addressing by address */
    size_t acct_cap, acct_count;
    account **all;      /* the accounts read, in the order they were read: a deterministic commit */
    size_t all_count, all_cap;
    account **tx_accounts;
    size_t tx_count, tx_cap;
    slot **tx_slots;
    size_t tx_slot_count, tx_slot_cap;
    jentry *journal;
    size_t jlen, jcap;
    int64_t refund;
};

static void keccak(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_keccak256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

/* Grows a pointer array by doubling. */
static void push_ptr(void ***arr, size_t *count, size_t *cap, void *p)
{
    if (*count == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void **n = guest_alloc(nc * sizeof(void *));
        if (*count)
            memcpy(n, *arr, *count * sizeof(void *));
        *arr = n;
        *cap = nc;
    }
    (*arr)[(*count)++] = p;
}

state *state_new(const node_store *nodes, const node_store *codes, const uint8_t root[32])
{
    state *s = guest_zalloc(sizeof *s);
    s->nodes = nodes;
    s->codes = codes;
    trie_init(&s->accounts_trie, nodes, root);
    s->acct_cap = 64;
    s->accounts = guest_zalloc(s->acct_cap * sizeof(account *));
    return s;
}

static size_t addr_slot(const uint8_t addr[20], size_t cap)
{
    uint64_t h = load_le64(addr) ^ load_le64(addr + 8) * 0x9e3779b97f4a7c15ull ^ load_le32(addr + 16);
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void acct_insert(account **tab, size_t cap, account *a)
{
    size_t i = addr_slot(a->addr, cap);
    while (tab[i])
        i = (i + 1) & (cap - 1);
    tab[i] = a;
}

/* Reads the account from the trie and lists it for the commit (only a read account can change). */
static void load_account(state *s, account *a)
{
    a->loaded = true;
    push_ptr((void ***)&s->all, &s->all_count, &s->all_cap, a);
    uint8_t h[32];
    keccak(a->addr, 20, h);
    bytes v;
    memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
    memcpy(a->storage_root, TRIE_EMPTY_ROOT, 32);
    if (!trie_get(&s->accounts_trie, h, 32, &v))
        return;
    rlp_item it;
    bytes c;
    if (!rlp_single(v, &it) || !it.is_list)
        guest_fail(GUEST_EXIT_BAD_WITNESS, "account does not decode");
    c = it.payload;
    if (!rlp_next_u64(&c, &a->nonce) || !rlp_next_u256(&c, &a->balance) || !rlp_next_fixed(&c, a->storage_root, 32) ||
        !rlp_next_fixed(&c, a->code_hash, 32) || c.len != 0)
        guest_fail(GUEST_EXIT_BAD_WITNESS, "account does not decode");
    a->exists = true;
}

/* Account records that are not read (state_account_ref). A record is made without reading the
 * account trie only where nothing the block computes depends on the account's fields:
 *   - warming (EIP-2929) sets a flag of the transaction and reads nothing;
 *   - touching (EIP-161) deletes the account at the end of the transaction only if it exists and is
 *     empty. Every fork this guest runs is post-merge (enum fork starts at Paris, ssz.h), and
 *     EIP-7523 states that no post-merge state holds an empty account. A record nobody has read is
 *     unchanged since the pre-state (every change reads it first), so the account is absent or not
 *     empty, and the touch deletes nothing. Once the account is read, state_end_tx applies the
 *     EIP-161 rule to its real fields, as for any other account.
 * Where a pre-Paris fork is ever added, its touches must read the account (empty accounts existed).
 * So a witness without such an account (recorded by a client that never read it, e.g. a revm host
 * for a precompile it only warmed) gives the verdict a full one gives. Everything that needs a field
 * reads the account (state_account, the accessors and mutators below), and a node the witness lacks
 * then still ends the guest with GUEST_EXIT_MISSING_NODE: nothing here guesses a value. */
static account *account_record(state *s, const uint8_t addr[20])
{
    size_t i = addr_slot(addr, s->acct_cap);
    while (s->accounts[i]) {
        if (memcmp(s->accounts[i]->addr, addr, 20) == 0)
            return s->accounts[i];
        i = (i + 1) & (s->acct_cap - 1);
    }
    account *a = guest_zalloc(sizeof *a);
    memcpy(a->addr, addr, 20);
    if ((s->acct_count + 1) * 2 > s->acct_cap) {
        size_t nc = s->acct_cap * 2;
        account **nt = guest_zalloc(nc * sizeof(account *));
        for (size_t k = 0; k < s->acct_cap; k++)
            if (s->accounts[k])
                acct_insert(nt, nc, s->accounts[k]);
        s->accounts = nt;
        s->acct_cap = nc;
    }
    acct_insert(s->accounts, s->acct_cap, a);
    s->acct_count++;
    return a;
}

account *state_account_ref(state *s, const uint8_t addr[20])
{
    return account_record(s, addr);
}

static void ensure_loaded(state *s, account *a)
{
    if (!a->loaded)
        load_account(s, a);
}

account *state_account(state *s, const uint8_t addr[20])
{
    account *a = account_record(s, addr);
    ensure_loaded(s, a);
    return a;
}

static void require_loaded(const account *a)
{
    if (!a->loaded)
        guest_fail(GUEST_EXIT_INTERNAL, "account fields read before the account was loaded");
}

bool account_is_empty(const account *a)
{
    require_loaded(a);
    return a->nonce == 0 && u256_is_zero(&a->balance) && memcmp(a->code_hash, EMPTY_CODE_HASH, 32) == 0;
}

bool account_is_alive(const account *a)
{
    require_loaded(a);
    return a->exists && !account_is_empty(a);
}

bytes account_code(state *s, account *a)
{
    ensure_loaded(s, a);
    if (!a->code_loaded) {
        a->code.ptr = NULL;
        a->code.len = 0;
        if (memcmp(a->code_hash, EMPTY_CODE_HASH, 32) != 0 && !store_get(s->codes, a->code_hash, &a->code))
            guest_fail(GUEST_EXIT_MISSING_NODE, "contract code missing from the witness");
        a->code_loaded = true;
    }
    return a->code;
}

static size_t key_slot(const uint8_t key[32], size_t cap)
{
    uint64_t h = load_le64(key) ^ load_le64(key + 8) * 0x9e3779b97f4a7c15ull ^ load_le64(key + 16) ^ load_le64(key + 24);
    return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

static void slot_insert(slot **tab, size_t cap, slot *sl)
{
    size_t i = key_slot(sl->key, cap);
    while (tab[i])
        i = (i + 1) & (cap - 1);
    tab[i] = sl;
}

static void slot_load(state *s, account *a, slot *sl)
{
    if (sl->loaded)
        return;
    sl->loaded = true;
    if (!a->storage_ready) {
        trie_init(&a->storage, s->nodes, a->storage_root);
        a->storage_ready = true;
    }
    uint8_t h[32];
    keccak(sl->key, 32, h);
    bytes v;
    if (trie_get(&a->storage, h, 32, &v)) {
        bytes c = v;
        if (!rlp_next_u256(&c, &sl->current) || c.len != 0 || u256_is_zero(&sl->current))
            guest_fail(GUEST_EXIT_BAD_WITNESS, "storage value does not decode");
    }
    sl->original = sl->current;
}

slot *account_slot(state *s, account *a, const uint8_t key[32], bool load)
{
    if (load) /* the storage root comes from the account (a warm or transient slot needs neither) */
        ensure_loaded(s, a);
    if (a->slot_cap) {
        size_t i = key_slot(key, a->slot_cap);
        while (a->slots[i]) {
            if (memcmp(a->slots[i]->key, key, 32) == 0) {
                if (load)
                    slot_load(s, a, a->slots[i]);
                return a->slots[i];
            }
            i = (i + 1) & (a->slot_cap - 1);
        }
    }
    slot *sl = guest_zalloc(sizeof *sl);
    memcpy(sl->key, key, 32);
    if (load)
        slot_load(s, a, sl);
    if ((a->slot_count + 1) * 2 > a->slot_cap) {
        size_t nc = a->slot_cap ? a->slot_cap * 2 : 8;
        slot **nt = guest_zalloc(nc * sizeof(slot *));
        for (size_t k = 0; k < a->slot_cap; k++)
            if (a->slots[k])
                slot_insert(nt, nc, a->slots[k]);
        a->slots = nt;
        a->slot_cap = nc;
    }
    slot_insert(a->slots, a->slot_cap, sl);
    a->slot_count++;
    return sl;
}

bool account_has_storage(state *s, account *a)
{
    ensure_loaded(s, a);
    for (size_t i = 0; i < a->slot_cap; i++)
        if (a->slots[i] && a->slots[i]->loaded && !u256_is_zero(&a->slots[i]->current))
            return true;
    if (memcmp(a->storage_root, TRIE_EMPTY_ROOT, 32) == 0)
        return false;
    /* Every cached slot is zero but the block-start trie is not empty: apply the cached writes to a
     * second, independent view of the same trie (resolving decodes fresh nodes, so the account's own
     * trie is untouched) and see whether anything is left. */
    trie view;
    trie_init(&view, s->nodes, a->storage_root);
    for (size_t i = 0; i < a->slot_cap; i++) {
        slot *sl = a->slots[i];
        if (sl == NULL || !sl->loaded || !sl->dirty)
            continue;
        uint8_t h[32];
        keccak(sl->key, 32, h);
        trie_delete(&view, h, 32); /* the current value is zero */
    }
    uint8_t root[32];
    trie_root(&view, root);
    return memcmp(root, TRIE_EMPTY_ROOT, 32) != 0;
}

/* ---- journal -------------------------------------------------------------------------------- */

static jentry *jpush(state *s, uint8_t kind, account *a)
{
    if (s->jlen == s->jcap) {
        size_t nc = s->jcap ? s->jcap * 2 : 256;
        jentry *n = guest_alloc(nc * sizeof(jentry));
        if (s->jlen)
            memcpy(n, s->journal, s->jlen * sizeof(jentry));
        s->journal = n;
        s->jcap = nc;
    }
    jentry *e = &s->journal[s->jlen++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->acct = a;
    e->old_exists = a->exists;
    e->old_dirty = a->dirty;
    e->was_loaded = a->loaded;
    return e;
}

static void note_tx_account(state *s, account *a)
{
    if (!a->in_tx_list) {
        a->in_tx_list = true;
        push_ptr((void ***)&s->tx_accounts, &s->tx_count, &s->tx_cap, a);
    }
}

static void note_tx_slot(state *s, slot *sl)
{
    if (!sl->in_tx_list) {
        sl->in_tx_list = true;
        push_ptr((void ***)&s->tx_slots, &s->tx_slot_count, &s->tx_slot_cap, sl);
    }
}

void state_set_balance(state *s, account *a, const u256 *v)
{
    ensure_loaded(s, a);
    jentry *e = jpush(s, J_BALANCE, a);
    e->old_value = a->balance;
    a->balance = *v;
    a->exists = true;
    a->dirty = true;
    note_tx_account(s, a);
}

void state_set_nonce(state *s, account *a, uint64_t v)
{
    ensure_loaded(s, a);
    jentry *e = jpush(s, J_NONCE, a);
    e->old_nonce = a->nonce;
    a->nonce = v;
    a->exists = true;
    a->dirty = true;
    note_tx_account(s, a);
}

void state_set_code(state *s, account *a, bytes code)
{
    ensure_loaded(s, a);
    jentry *e = jpush(s, J_CODE, a);
    (void)account_code(s, a);
    e->old_code = a->code;
    memcpy(e->old_code_hash, a->code_hash, 32);
    uint8_t *copy = guest_alloc(code.len + 1);
    if (code.len)
        memcpy(copy, code.ptr, code.len);
    a->code.ptr = copy;
    a->code.len = code.len;
    keccak(copy, code.len, a->code_hash);
    a->exists = true;
    a->dirty = true;
    note_tx_account(s, a);
}

void state_set_storage(state *s, account *a, slot *sl, const u256 *v)
{
    ensure_loaded(s, a);
    jentry *e = jpush(s, J_STORAGE, a);
    e->sl = sl;
    e->old_value = sl->current;
    e->old_flag = sl->dirty;
    sl->current = *v;
    sl->dirty = true;
    a->dirty = true;
    note_tx_account(s, a);
    note_tx_slot(s, sl);
}

void state_set_transient(state *s, account *a, slot *sl, const u256 *v)
{
    jentry *e = jpush(s, J_TRANSIENT, a);
    e->sl = sl;
    e->old_value = sl->transient;
    sl->transient = *v;
    note_tx_slot(s, sl);
}

void state_warm_account(state *s, account *a)
{
    if (a->warm)
        return;
    jpush(s, J_WARM_ACCOUNT, a);
    a->warm = true;
    note_tx_account(s, a);
}

void state_warm_slot(state *s, account *a, slot *sl)
{
    if (sl->warm)
        return;
    jentry *e = jpush(s, J_WARM_SLOT, a);
    e->sl = sl;
    sl->warm = true;
    note_tx_slot(s, sl);
}

void state_touch(state *s, account *a)
{
    if (a->touched)
        return;
    jpush(s, J_TOUCH, a);
    a->touched = true;
    note_tx_account(s, a);
}

void state_mark_created(state *s, account *a)
{
    ensure_loaded(s, a);
    jentry *e = jpush(s, J_CREATED, a);
    e->old_flag = a->created_in_tx;
    a->created_in_tx = true;
    a->exists = true;
    a->dirty = true;
    note_tx_account(s, a);
}

void state_mark_destructed(state *s, account *a)
{
    ensure_loaded(s, a);
    if (a->destructed)
        return;
    jpush(s, J_DESTRUCTED, a);
    a->destructed = true;
    note_tx_account(s, a);
}

bool state_transfer(state *s, account *from, account *to, const u256 *value)
{
    ensure_loaded(s, from);
    ensure_loaded(s, to);
    if (u256_lt(&from->balance, value))
        return false;
    u256 fb = u256_sub(&from->balance, value);
    state_set_balance(s, from, &fb);
    u256 tb = u256_add(&to->balance, value);
    state_set_balance(s, to, &tb);
    return true;
}

int64_t *state_refund(state *s)
{
    return &s->refund;
}

snapshot state_snapshot(state *s, size_t log_count)
{
    snapshot snap = {s->jlen, log_count, s->refund};
    return snap;
}

void state_revert(state *s, snapshot snap)
{
    while (s->jlen > snap.journal_len) {
        jentry *e = &s->journal[--s->jlen];
        account *a = e->acct;
        switch (e->kind) {
        case J_BALANCE: a->balance = e->old_value; break;
        case J_NONCE: a->nonce = e->old_nonce; break;
        case J_CODE:
            a->code = e->old_code;
            memcpy(a->code_hash, e->old_code_hash, 32);
            break;
        case J_STORAGE:
            e->sl->current = e->old_value;
            e->sl->dirty = e->old_flag;
            break;
        case J_TRANSIENT: e->sl->transient = e->old_value; break;
        case J_WARM_ACCOUNT: a->warm = false; break;
        case J_WARM_SLOT: e->sl->warm = false; break;
        case J_TOUCH: a->touched = false; break;
        case J_CREATED: a->created_in_tx = e->old_flag; break;
        case J_DESTRUCTED: a->destructed = false; break;
        }
        /* An entry made while the account was only a record (a warm or touch flag) holds the record's
         * placeholders; every change since then read the account first and made its own entry, which
         * is undone before this one, so exists and dirty already hold their values from before. */
        if (e->was_loaded) {
            a->exists = e->old_exists;
            a->dirty = e->old_dirty;
        }
    }
    s->refund = snap.refund;
}

static void wipe_account(account *a)
{
    a->exists = false;
    a->nonce = 0;
    a->balance = u256_from_u64(0);
    memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
    a->code.ptr = NULL;
    a->code.len = 0;
    a->code_loaded = true;
    memcpy(a->storage_root, TRIE_EMPTY_ROOT, 32);
    trie_init_empty(&a->storage);
    a->storage_ready = true;
    for (size_t i = 0; i < a->slot_cap; i++) /* drop cached slots: the storage is gone */
        a->slots[i] = NULL;
    a->slot_count = 0;
    a->dirty = true;
}

void state_end_tx(state *s)
{
    for (size_t i = 0; i < s->tx_count; i++) {
        account *a = s->tx_accounts[i];
        /* A touched record that was never read is absent or not empty (EIP-7523, above). */
        if (a->destructed || (a->touched && a->loaded && a->exists && account_is_empty(a)))
            wipe_account(a);
        a->warm = a->touched = a->created_in_tx = a->destructed = a->in_tx_list = false;
    }
    for (size_t i = 0; i < s->tx_slot_count; i++) {
        slot *sl = s->tx_slots[i];
        sl->original = sl->current;
        sl->transient = u256_from_u64(0);
        sl->warm = sl->in_tx_list = false;
    }
    s->tx_count = s->tx_slot_count = 0;
    s->jlen = 0;
    s->refund = 0;
}

void state_commit(state *s, uint8_t root[32])
{
    for (size_t i = 0; i < s->all_count; i++) {
        account *a = s->all[i];
        if (!a->dirty)
            continue;
        uint8_t h[32];
        keccak(a->addr, 20, h);
        if (!a->exists) {
            trie_delete(&s->accounts_trie, h, 32);
            continue;
        }
        if (!a->storage_ready) {
            trie_init(&a->storage, s->nodes, a->storage_root);
            a->storage_ready = true;
        }
        for (size_t k = 0; k < a->slot_cap; k++) {
            slot *sl = a->slots[k];
            if (sl == NULL || !sl->dirty)
                continue;
            uint8_t kh[32];
            keccak(sl->key, 32, kh);
            if (u256_is_zero(&sl->current)) {
                trie_delete(&a->storage, kh, 32);
            } else {
                rlp_buf b;
                buf_init(&b, 40);
                rlp_put_u256(&b, &sl->current);
                bytes v = {b.ptr, b.len};
                trie_put(&a->storage, kh, 32, v);
            }
        }
        uint8_t sroot[32];
        trie_root(&a->storage, sroot);
        rlp_buf b;
        buf_init(&b, 110);
        size_t l = rlp_list_begin(&b);
        rlp_put_u64(&b, a->nonce);
        rlp_put_u256(&b, &a->balance);
        rlp_put_bytes(&b, sroot, 32);
        rlp_put_bytes(&b, a->code_hash, 32);
        rlp_list_end(&b, l);
        bytes v = {b.ptr, b.len};
        trie_put(&s->accounts_trie, h, 32, v);
    }
    trie_root(&s->accounts_trie, root);
}

void state_collect_post(state *s, node_store *nodes_out, node_store *codes_out, const node_store **witness_nodes,
                        const node_store **witness_codes)
{
    trie_collect_nodes(&s->accounts_trie, nodes_out);
    for (size_t i = 0; i < s->all_count; i++) {
        account *a = s->all[i];
        if (a->storage_ready)
            trie_collect_nodes(&a->storage, nodes_out);
        if (a->code_loaded && a->code.len > 0)
            store_add(codes_out, a->code);
    }
    *witness_nodes = s->nodes;
    *witness_codes = s->codes;
}
