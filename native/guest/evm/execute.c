/* Block execution (execution-specs apply_body for Paris, Shanghai, Cancun, Prague and Osaka). */
#include "execute.h"

#include "../accel/zkvm_accelerators.h"
#include "evm.h"
#include "rlp.h"
#include "tx.h"
#include "validate.h"

#define SYSTEM_GAS 30000000
#define TX_GAS 21000
#define TX_CREATE_GAS 32000
#define TX_DATA_TOKEN 4
#define TX_FLOOR_PER_TOKEN 10
#define ACCESS_ADDRESS_GAS 2400
#define ACCESS_KEY_GAS 1900
#define PER_EMPTY_ACCOUNT_COST 25000
#define PER_AUTH_BASE_COST 12500
#define MAX_INITCODE_SIZE 49152
#define TX_GAS_CAP ((uint64_t)1 << 24)  /* EIP-7825 (Osaka) */
#define BLOB_COUNT_LIMIT 6               /* EIP-7594 (Osaka) */
#define MAX_RLP_BLOCK_SIZE (8 * 1024 * 1024) /* EIP-7934: 10 MiB - 2 MiB margin */

static const uint8_t SYSTEM_ADDRESS[20] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
static const uint8_t BEACON_ROOTS_ADDRESS[20] = {0x00, 0x0F, 0x3d, 0xf6, 0xD7, 0x32, 0x80, 0x7E, 0xf1, 0x31,
                                                 0x9f, 0xB7, 0xB8, 0xbB, 0x85, 0x22, 0xd0, 0xBe, 0xac, 0x02};
static const uint8_t HISTORY_STORAGE_ADDRESS[20] = {0x00, 0x00, 0xF9, 0x08, 0x27, 0xF1, 0xC5, 0x3a, 0x10, 0xcb,
                                                    0x7A, 0x02, 0x33, 0x5B, 0x17, 0x53, 0x20, 0x00, 0x29, 0x35};
static const uint8_t WITHDRAWAL_REQUEST_ADDRESS[20] = {0x00, 0x00, 0x09, 0x61, 0xEf, 0x48, 0x0E, 0xb5, 0x5e, 0x80,
                                                       0xD1, 0x9a, 0xd8, 0x35, 0x79, 0xA6, 0x4c, 0x00, 0x70, 0x02};
static const uint8_t CONSOLIDATION_REQUEST_ADDRESS[20] = {0x00, 0x00, 0xBB, 0xdD, 0xc7, 0xCE, 0x48, 0x86, 0x42, 0xfb,
                                                          0x57, 0x9F, 0x8B, 0x00, 0xf3, 0xa5, 0x90, 0x00, 0x72, 0x51};
static const uint8_t DEPOSIT_CONTRACT_ADDRESS[20] = {0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                                                     0xBB, 0x83, 0x9C, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xFa};
static const uint8_t DEPOSIT_EVENT_TOPIC[32] = {0x64, 0x9b, 0xbc, 0x62, 0xd0, 0xe3, 0x13, 0x42, 0xaf, 0xea, 0x4e,
                                                0x5c, 0xd8, 0x2d, 0x40, 0x49, 0xe7, 0xe1, 0xee, 0x91, 0x2f, 0xc0,
                                                0x88, 0x9a, 0xa7, 0x90, 0x80, 0x3b, 0xe3, 0x90, 0x38, 0xc5};

static void keccak(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_keccak256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

#define INVALID(msg)                                                \
    do {                                                            \
        zkvm_debug_print("invalid block: " msg "\n", sizeof("invalid block: " msg "\n") - 1); \
        return false;                                               \
    } while (0)

typedef struct block_ctx {
    const stateless_input *in;
    const header *h;
    const fork_params *fp;
    state *st;
    evm_env env;
    evm e;
    uint64_t gas_used, blob_gas_used;
    trie receipts;
    uint8_t bloom[256];
    rlp_buf deposits;
} block_ctx;

static void bloom_add(uint8_t bloom[256], const uint8_t *data, size_t n)
{
    uint8_t h[32];
    keccak(data, n, h);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

/* A system call (EIP-4788, 2935, 7002, 7251): SYSTEM_ADDRESS calls target with data, 30M gas, no
 * warm addresses. checked: the block is invalid if the target has no code or the call fails. */
static bool system_call(block_ctx *b, const uint8_t target[20], bytes data, bool checked, bytes *output)
{
    account *a = state_account(b->st, target);
    bytes code = account_code(b->st, a);
    if (checked && code.len == 0)
        return false;
    memcpy(b->env.origin, SYSTEM_ADDRESS, 20);
    b->env.gas_price = b->env.base_fee;
    b->env.blob_hash_count = 0;
    message m;
    memset(&m, 0, sizeof m);
    memcpy(m.caller, SYSTEM_ADDRESS, 20);
    memcpy(m.target, target, 20);
    memcpy(m.code_address, target, 20);
    m.data = data;
    m.code = code;
    m.gas = SYSTEM_GAS;
    size_t logs_before = b->e.log_count;
    call_result r = evm_call(&b->e, &m);
    b->e.log_count = logs_before; /* system calls emit no receipts */
    state_end_tx(b->st);
    if (output)
        *output = r.output;
    return !checked || r.success;
}

/* EIP-6110: a deposit log's data (ABI: five dynamic byte arrays) into the 192-byte request. */
static bool parse_deposit(const log_entry *le, rlp_buf *out)
{
    bytes d = le->data;
    static const uint32_t offsets[5] = {160, 256, 320, 384, 512};
    static const uint32_t sizes[5] = {48, 32, 8, 96, 8};
    if (d.len != 576)
        return false;
    for (int i = 0; i < 5; i++) {
        uint64_t off = load_be64(d.ptr + 32 * i + 24);
        for (int k = 0; k < 24; k++)
            if (d.ptr[32 * i + k])
                return false;
        if (off != offsets[i])
            return false;
        uint64_t sz = load_be64(d.ptr + off + 24);
        for (int k = 0; k < 24; k++)
            if (d.ptr[off + k])
                return false;
        if (sz != sizes[i])
            return false;
    }
    for (int i = 0; i < 5; i++)
        buf_append(out, d.ptr + offsets[i] + 32, sizes[i]);
    return true;
}

static void intrinsic_gas(const tx *t, const fork_params *fp, uint64_t *intrinsic, uint64_t *floor)
{
    uint64_t zeros = 0;
    for (size_t i = 0; i < t->data.len; i++)
        zeros += t->data.ptr[i] == 0;
    uint64_t tokens = zeros + ((uint64_t)t->data.len - zeros) * 4;
    unsigned __int128 g = TX_GAS + (unsigned __int128)tokens * TX_DATA_TOKEN;
    if (t->is_create) {
        g += TX_CREATE_GAS;
        if (fp->shanghai)
            g += 2 * (((uint64_t)t->data.len + 31) / 32); /* EIP-3860 initcode word cost */
    }
    for (size_t i = 0; i < t->access_count; i++)
        g += ACCESS_ADDRESS_GAS + (unsigned __int128)ACCESS_KEY_GAS * t->access[i].key_count;
    g += (unsigned __int128)PER_EMPTY_ACCOUNT_COST * t->auth_count;
    *intrinsic = g > UINT64_MAX ? UINT64_MAX : (uint64_t)g;
    unsigned __int128 fl = TX_GAS + (unsigned __int128)tokens * TX_FLOOR_PER_TOKEN;
    *floor = fp->prague ? (fl > UINT64_MAX ? UINT64_MAX : (uint64_t)fl) : 0;
}

/* EIP-7702 set_delegation; returns the refund. */
static int64_t set_delegation(block_ctx *b, const tx *t)
{
    int64_t refund = 0;
    u256 chain = u256_from_u64(b->in->chain_id);
    for (size_t i = 0; i < t->auth_count; i++) {
        const authorization *a = &t->auths[i];
        if (!u256_is_zero(&a->chain_id) && !u256_eq(&a->chain_id, &chain))
            continue;
        if (!a->nonce_ok)
            continue;
        rlp_buf mb;
        buf_init(&mb, 64);
        uint8_t magic = 0x05;
        buf_append(&mb, &magic, 1);
        size_t l = rlp_list_begin(&mb);
        rlp_put_u256(&mb, &a->chain_id);
        rlp_put_bytes(&mb, a->addr, 20);
        rlp_put_u64(&mb, a->nonce);
        rlp_list_end(&mb, l);
        uint8_t h[32], pub[64], ah[32];
        keccak(mb.ptr, mb.len, h);
        if (!recover_signer(h, &a->r, &a->s, a->y_parity, pub))
            continue;
        keccak(pub, 64, ah);
        account *auth = state_account(b->st, ah + 12);
        state_warm_account(b->st, auth);
        bytes code = account_code(b->st, auth);
        if (code.len && !evm_delegation(code, NULL))
            continue;
        if (auth->nonce != a->nonce)
            continue;
        if (auth->exists)
            refund += PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST;
        static const uint8_t zero20[20] = {0};
        uint8_t designator[23] = {0xef, 0x01, 0x00};
        memcpy(designator + 3, a->addr, 20);
        bytes nc = {designator, memcmp(a->addr, zero20, 20) == 0 ? 0 : 23};
        state_set_code(b->st, auth, nc);
        state_set_nonce(b->st, auth, auth->nonce + 1);
    }
    return refund;
}

static void put_receipt(block_ctx *b, size_t index, uint8_t type, bool success, size_t log_start, size_t log_end)
{
    uint8_t bloom[256];
    memset(bloom, 0, sizeof bloom);
    for (size_t i = log_start; i < log_end; i++) {
        const log_entry *le = &b->e.logs[i];
        bloom_add(bloom, le->addr, 20);
        for (unsigned k = 0; k < le->topic_count; k++)
            bloom_add(bloom, le->topics[k], 32);
    }
    for (int i = 0; i < 256; i++)
        b->bloom[i] |= bloom[i];
    rlp_buf r;
    buf_init(&r, 512);
    if (type)
        buf_append(&r, &type, 1);
    size_t l = rlp_list_begin(&r);
    uint8_t one = 1;
    rlp_put_bytes(&r, &one, success ? 1 : 0);
    rlp_put_u64(&r, b->gas_used);
    rlp_put_bytes(&r, bloom, 256);
    size_t ll = rlp_list_begin(&r);
    for (size_t i = log_start; i < log_end; i++) {
        const log_entry *le = &b->e.logs[i];
        size_t one_log = rlp_list_begin(&r);
        rlp_put_bytes(&r, le->addr, 20);
        size_t tl = rlp_list_begin(&r);
        for (unsigned k = 0; k < le->topic_count; k++)
            rlp_put_bytes(&r, le->topics[k], 32);
        rlp_list_end(&r, tl);
        rlp_put_bytes(&r, le->data.ptr, le->data.len);
        rlp_list_end(&r, one_log);
    }
    rlp_list_end(&r, ll);
    rlp_list_end(&r, l);
    rlp_buf k;
    buf_init(&k, 9);
    rlp_put_u64(&k, index);
    bytes v = {r.ptr, r.len};
    trie_put(&b->receipts, k.ptr, k.len, v);
}

static bool process_tx(block_ctx *b, size_t index)
{
    const stateless_input *in = b->in;
    const fork_params *fp = b->fp;
    state *st = b->st;
    tx t;
    if (!tx_decode(in->payload.txs[index], &t))
        INVALID("transaction does not decode");
    /* Types 0-2 up to Shanghai, 3 from Cancun (EIP-4844), 4 from Prague (EIP-7702). */
    if ((t.type == 3 && !fp->cancun) || (t.type == 4 && !fp->prague))
        INVALID("transaction type not active in this fork");
    /* validate_transaction */
    uint64_t intrinsic, floor;
    intrinsic_gas(&t, fp, &intrinsic, &floor);
    if ((intrinsic > floor ? intrinsic : floor) > t.gas)
        INVALID("intrinsic gas above the gas limit");
    if (t.nonce == UINT64_MAX)
        INVALID("nonce overflow");
    if (fp->shanghai && t.is_create && t.data.len > MAX_INITCODE_SIZE) /* EIP-3860 */
        INVALID("init code too large");
    if (fp->osaka && t.gas > TX_GAS_CAP)
        INVALID("transaction gas above 2^24 (EIP-7825)");
    /* Sender: the signature must recover the public key given for this transaction. */
    u256 chain = u256_from_u64(in->chain_id);
    if (t.has_chain_id && !u256_eq(&t.chain_id, &chain))
        INVALID("wrong chain id");
    uint8_t pub[64];
    if (!recover_signer(t.signing_hash, &t.r, &t.s, t.y_parity, pub))
        INVALID("invalid signature");
    const uint8_t *given = in->public_keys + 65 * index;
    if (given[0] != 0x04 || memcmp(given + 1, pub, 64) != 0)
        INVALID("signature does not match the given public key");
    uint8_t ph[32], sender_addr[20];
    keccak(pub, 64, ph);
    memcpy(sender_addr, ph + 12, 20);
    /* check_transaction */
    if (t.gas > b->h->gas_limit - b->gas_used)
        INVALID("transaction gas above the block's remaining gas");
    uint64_t tx_blob_gas = (uint64_t)t.blob_count * GAS_PER_BLOB;
    if (tx_blob_gas > fp->max_blobs * GAS_PER_BLOB - b->blob_gas_used)
        INVALID("blob gas above the block's limit");
    account *sender = state_account(st, sender_addr);
    u256 price, max_fee_total, gas_u = u256_from_u64(t.gas);
    const u256 *base_fee = &b->env.base_fee;
    if (t.type >= 2) {
        if (u256_lt(&t.max_fee, &t.max_priority_fee))
            INVALID("priority fee above max fee");
        if (u256_lt(&t.max_fee, base_fee))
            INVALID("max fee below base fee");
        u256 room = u256_sub(&t.max_fee, base_fee);
        u256 prio = u256_lt(&t.max_priority_fee, &room) ? t.max_priority_fee : room;
        price = u256_add(&prio, base_fee);
        if (u256_mul_overflow(&gas_u, &t.max_fee, &max_fee_total))
            INVALID("max fee overflows");
    } else {
        if (u256_lt(&t.gas_price, base_fee))
            INVALID("gas price below base fee");
        price = t.gas_price;
        if (u256_mul_overflow(&gas_u, &t.gas_price, &max_fee_total))
            INVALID("fee overflows");
    }
    u256 blob_fee = u256_from_u64(0);
    if (t.type == 3) {
        if (t.blob_count == 0)
            INVALID("blob transaction without blobs");
        if (fp->osaka && t.blob_count > BLOB_COUNT_LIMIT)
            INVALID("too many blobs in a transaction (EIP-7594)");
        for (size_t i = 0; i < t.blob_count; i++)
            if (t.blob_hashes[32 * i] != 0x01)
                INVALID("blob versioned hash version");
        if (u256_lt(&t.max_fee_per_blob_gas, &b->env.blob_base_fee))
            INVALID("max fee per blob gas below the blob base fee");
        u256 bg = u256_from_u64(tx_blob_gas), worst;
        if (u256_mul_overflow(&bg, &t.max_fee_per_blob_gas, &worst))
            INVALID("blob fee overflows");
        u256 sum = u256_add(&max_fee_total, &worst);
        if (u256_lt(&sum, &max_fee_total))
            INVALID("fee overflows");
        max_fee_total = sum;
        blob_fee = u256_mul(&bg, &b->env.blob_base_fee);
    }
    if (t.type == 4 && t.auth_count == 0)
        INVALID("set-code transaction without authorizations");
    if (sender->nonce != t.nonce)
        INVALID("nonce mismatch");
    u256 need = u256_add(&max_fee_total, &t.value);
    if (u256_lt(&need, &max_fee_total) || u256_lt(&sender->balance, &need))
        INVALID("insufficient balance");
    bytes scode = account_code(st, sender);
    if (scode.len && !(fp->prague && evm_delegation(scode, NULL))) /* EIP-7702 delegations from Prague */
        INVALID("sender has code (EIP-3607)");

    /* process_transaction */
    u256 gas_fee = u256_mul(&gas_u, &price);
    state_set_nonce(st, sender, sender->nonce + 1);
    u256 bal = u256_sub(&sender->balance, &gas_fee);
    bal = u256_sub(&bal, &blob_fee);
    state_set_balance(st, sender, &bal);
    b->env.gas_price = price;
    memcpy(b->env.origin, sender_addr, 20);
    b->env.blob_hashes = t.blob_hashes;
    b->env.blob_hash_count = t.blob_count;

    /* Warm set: coinbase (EIP-3651, from Shanghai), access list, sender, target, precompiles. Warming
     * reads no account: the coinbase, access-list and precompile accounts are records until something
     * needs their fields (state_account_ref, state.c), as in clients that only mark them warm. */
    if (fp->shanghai)
        state_warm_account(st, state_account_ref(st, b->env.coinbase));
    for (size_t i = 0; i < t.access_count; i++) {
        account *a = state_account_ref(st, t.access[i].addr);
        state_warm_account(st, a);
        for (size_t k = 0; k < t.access[i].key_count; k++)
            state_warm_slot(st, a, account_slot(st, a, t.access[i].keys + 32 * k, false));
    }
    state_warm_account(st, sender);
    uint8_t target[20];
    if (t.is_create)
        evm_create_address(sender_addr, sender->nonce - 1, target);
    else
        memcpy(target, t.to, 20);
    account *ta = state_account(st, target);
    state_warm_account(st, ta);
    for (unsigned p = 1; p <= (fp->prague ? 0x11u : fp->cancun ? 0x0au : 0x09u); p++) {
        uint8_t pa[20] = {0};
        pa[19] = (uint8_t)p;
        state_warm_account(st, state_account_ref(st, pa));
    }
    if (fp->osaka) {
        uint8_t pa[20] = {0};
        pa[18] = 0x01;
        state_warm_account(st, state_account_ref(st, pa));
    }

    message m;
    memset(&m, 0, sizeof m);
    memcpy(m.caller, sender_addr, 20);
    memcpy(m.target, target, 20);
    memcpy(m.code_address, target, 20);
    m.value = t.value;
    m.transfer_value = true;
    m.gas = t.gas - intrinsic;
    size_t log_start = b->e.log_count;
    call_result r;
    if (t.is_create) {
        m.is_create = true;
        m.code = t.data;
        if (ta->nonce != 0 || account_code(st, ta).len != 0 || account_has_storage(st, ta)) {
            memset(&r, 0, sizeof r); /* address collision: all gas is consumed */
        } else {
            r = evm_create(&b->e, &m);
        }
    } else {
        *state_refund(st) += set_delegation(b, &t);
        m.data = t.data;
        m.code = account_code(st, ta);
        uint8_t dt[20];
        if (fp->prague && evm_delegation(m.code, dt)) {
            account *d = state_account(st, dt);
            state_warm_account(st, d);
            m.code = account_code(st, d);
            memcpy(m.code_address, dt, 20);
            m.disable_precompiles = true;
        }
        r = evm_call(&b->e, &m);
    }
    if (!r.success)
        b->e.log_count = log_start;
    /* Gas accounting with the EIP-3529 refund cap and the EIP-7623 floor. */
    uint64_t used = t.gas - r.gas_left;
    int64_t refund_counter = *state_refund(st);
    uint64_t refund = refund_counter > 0 ? (uint64_t)refund_counter : 0;
    if (refund > used / 5)
        refund = used / 5;
    used -= refund;
    if (used < floor)
        used = floor;
    u256 left = u256_from_u64(t.gas - used), back = u256_mul(&left, &price);
    bal = u256_add(&sender->balance, &back);
    state_set_balance(st, sender, &bal);
    u256 prio = u256_sub(&price, base_fee), used_u = u256_from_u64(used);
    u256 fee = u256_mul(&used_u, &prio);
    if (!u256_is_zero(&fee)) {
        account *cb = state_account(st, b->env.coinbase);
        u256 cbb = u256_add(&cb->balance, &fee);
        state_set_balance(st, cb, &cbb);
    } else {
        /* A zero fee only touches the coinbase, which needs no read after the merge (state.c). */
        state_touch(st, state_account_ref(st, b->env.coinbase));
    }
    state_end_tx(st);
    b->gas_used += used;
    b->blob_gas_used += tx_blob_gas;
    put_receipt(b, index, t.type, r.success, log_start, b->e.log_count);
    /* Deposit requests (EIP-6110) come from the logs of successful transactions. */
    if (fp->prague) {
        for (size_t i = log_start; i < b->e.log_count; i++) {
            const log_entry *le = &b->e.logs[i];
            if (memcmp(le->addr, DEPOSIT_CONTRACT_ADDRESS, 20) == 0 && le->topic_count > 0 &&
                memcmp(le->topics[0], DEPOSIT_EVENT_TOPIC, 32) == 0 && !parse_deposit(le, &b->deposits))
                INVALID("malformed deposit event");
        }
    }
    return true;
}

/* Length of an RLP header for a payload of n bytes. */
static uint64_t rlp_header_len(uint64_t n)
{
    uint64_t k = 1;
    if (n < 56)
        return 1;
    while (n) {
        k++;
        n >>= 8;
    }
    return k;
}

/* Exact length of the block's RLP encoding (typed transactions are RLP strings, legacy ones lists;
 * rlp([header, transactions, ommers]) before Shanghai). */
uint64_t rlp_block_size(const stateless_input *in, const header *h)
{
    uint64_t txs = 0;
    for (size_t i = 0; i < in->payload.tx_count; i++) {
        bytes t = in->payload.txs[i];
        bool legacy = t.len > 0 && t.ptr[0] >= 0xc0;
        bool self_encoding = t.len == 1 && t.ptr[0] < 0x80;
        txs += legacy || self_encoding ? t.len : t.len + rlp_header_len(t.len);
    }
    uint64_t wds = 0;
    for (size_t i = 0; i < in->payload.withdrawal_count; i++) {
        const withdrawal *w = &in->payload.withdrawals[i];
        rlp_buf b;
        buf_init(&b, 64);
        size_t l = rlp_list_begin(&b);
        rlp_put_u64(&b, w->index);
        rlp_put_u64(&b, w->validator_index);
        rlp_put_bytes(&b, w->address, 20);
        rlp_put_u64(&b, w->amount);
        rlp_list_end(&b, l);
        wds += b.len;
    }
    uint64_t payload = header_encode(h).len + txs + rlp_header_len(txs) + 1; /* + the empty ommers list */
    if (in->fork >= FORK_SHANGHAI) /* the withdrawals list (EIP-4895) */
        payload += wds + rlp_header_len(wds);
    return payload + rlp_header_len(payload);
}

static bool requests_match(bytes got, bytes want)
{
    return got.len == want.len && (got.len == 0 || memcmp(got.ptr, want.ptr, got.len) == 0);
}

void (*execute_post_state_hook)(state *s, const uint8_t post_root[32]) = NULL;

bool execute_block(const stateless_input *in, const header *h, const header *ancestors, size_t ancestor_count,
                   const fork_params *fp, node_store *nodes, node_store *codes)
{
    const header *parent = &ancestors[ancestor_count - 1];
    block_ctx bc;
    block_ctx *b = &bc;
    memset(b, 0, sizeof bc);
    b->in = in;
    b->h = h;
    b->fp = fp;
    b->st = state_new(nodes, codes, parent->state_root);
    b->env.fp = fp;
    memcpy(b->env.coinbase, h->coinbase, 20);
    b->env.number = h->number;
    b->env.timestamp = h->timestamp;
    b->env.gas_limit = h->gas_limit;
    b->env.chain_id = in->chain_id;
    b->env.base_fee = h->base_fee;
    b->env.blob_base_fee = blob_base_fee(h->excess_blob_gas, fp);
    memcpy(b->env.prev_randao, h->mix_hash, 32);
    b->env.ancestors = ancestors;
    b->env.ancestor_count = ancestor_count;
    evm_init(&b->e, b->st, &b->env);
    trie_init_empty(&b->receipts);
    buf_init(&b->deposits, 64);

    /* Osaka EIP-7934: the RLP block size cap on rlp([header, transactions, [], withdrawals]). */
    if (fp->osaka && rlp_block_size(in, h) > MAX_RLP_BLOCK_SIZE)
        INVALID("block RLP larger than the EIP-7934 cap");

    /* Blob versioned hashes of the transactions must be the payload's list (engine API). */
    size_t vh = 0;
    for (size_t i = 0; i < in->payload.tx_count; i++) {
        bytes raw = in->payload.txs[i];
        if (raw.len && raw.ptr[0] == 3) {
            tx t;
            if (!tx_decode(raw, &t))
                INVALID("transaction does not decode");
            for (size_t k = 0; k < t.blob_count; k++, vh++)
                if (vh >= in->versioned_hash_count || memcmp(t.blob_hashes + 32 * k, in->versioned_hashes + 32 * vh, 32) != 0)
                    INVALID("blob versioned hashes differ from the payload's");
        }
    }
    if (vh != in->versioned_hash_count)
        INVALID("blob versioned hash count differs from the payload's");

    /* System calls before the transactions (EIP-4788 from Cancun, EIP-2935 from Prague). */
    if (fp->cancun) {
        bytes root = {in->parent_beacon_block_root, 32};
        system_call(b, BEACON_ROOTS_ADDRESS, root, false, NULL);
    }
    if (fp->prague) {
        bytes ph = {h->parent_hash, 32};
        system_call(b, HISTORY_STORAGE_ADDRESS, ph, false, NULL);
    }
    for (size_t i = 0; i < in->payload.tx_count; i++)
        if (!process_tx(b, i))
            return false;

    /* Withdrawals (EIP-4895, from Shanghai; a Paris payload has none): gwei to wei. */
    for (size_t i = 0; i < in->payload.withdrawal_count; i++) {
        const withdrawal *w = &in->payload.withdrawals[i];
        if (w->amount == 0) {
            /* Nothing moves: only a touch, which needs no read after the merge (state.c). */
            state_touch(b->st, state_account_ref(b->st, w->address));
        } else {
            account *a = state_account(b->st, w->address);
            u256 amount = u256_from_u64(w->amount), gwei = u256_from_u64(1000000000);
            amount = u256_mul(&amount, &gwei);
            u256 nb = u256_add(&a->balance, &amount);
            state_set_balance(b->st, a, &nb);
            state_touch(b->st, a);
        }
        state_end_tx(b->st);
    }

    if (fp->prague) {
        bytes none = {NULL, 0}, wr, cr;
        if (!system_call(b, WITHDRAWAL_REQUEST_ADDRESS, none, true, &wr))
            INVALID("withdrawal request system call failed");
        if (!system_call(b, CONSOLIDATION_REQUEST_ADDRESS, none, true, &cr))
            INVALID("consolidation request system call failed");
        bytes dep = {b->deposits.ptr, b->deposits.len};
        if (!requests_match(dep, in->deposits) || !requests_match(wr, in->withdrawal_requests) ||
            !requests_match(cr, in->consolidations))
            INVALID("execution requests differ from the payload's");
    }

    if (b->gas_used != h->gas_used)
        INVALID("gas used differs from the header");
    if (b->blob_gas_used != h->blob_gas_used)
        INVALID("blob gas used differs from the header");
    uint8_t rr[32];
    trie_root(&b->receipts, rr);
    if (memcmp(rr, h->receipts_root, 32) != 0)
        INVALID("receipts root differs from the header");
    if (memcmp(b->bloom, h->logs_bloom, 256) != 0)
        INVALID("logs bloom differs from the header");
    uint8_t post[32];
    zkvm_region_begin("post_state_root");
    state_commit(b->st, post);
    zkvm_region_end("post_state_root");
    if (memcmp(post, h->state_root, 32) != 0)
        INVALID("state root differs from the header");
    if (execute_post_state_hook != NULL)
        execute_post_state_hook(b->st, post);
    return true;
}
