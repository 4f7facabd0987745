#include "block.h"

#include "../accel/zkvm_accelerators.h"
#include "rlp.h"
#include "trie.h"

static const uint8_t EMPTY_OMMERS_HASH[32] = {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                              0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                              0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

static void keccak(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_keccak256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_sha256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "sha256 failed");
}

bool header_decode(bytes rlp, header *h)
{
    memset(h, 0, sizeof *h);
    rlp_item top;
    if (!rlp_single(rlp, &top) || !top.is_list)
        return false;
    long n = rlp_count(top.payload);
    if (n < 16 || n > 21)
        return false;
    bytes c = top.payload;
    if (!rlp_next_fixed(&c, h->parent_hash, 32) || !rlp_next_fixed(&c, h->ommers_hash, 32) ||
        !rlp_next_fixed(&c, h->coinbase, 20) || !rlp_next_fixed(&c, h->state_root, 32) ||
        !rlp_next_fixed(&c, h->tx_root, 32) || !rlp_next_fixed(&c, h->receipts_root, 32) ||
        !rlp_next_fixed(&c, h->logs_bloom, 256) || !rlp_next_u256(&c, &h->difficulty) ||
        !rlp_next_u64(&c, &h->number) || !rlp_next_u64(&c, &h->gas_limit) || !rlp_next_u64(&c, &h->gas_used) ||
        !rlp_next_u64(&c, &h->timestamp) || !rlp_next_string(&c, &h->extra_data) ||
        !rlp_next_fixed(&c, h->mix_hash, 32) || !rlp_next_fixed(&c, h->nonce, 8) ||
        !rlp_next_u256(&c, &h->base_fee))
        return false;
    h->has_base_fee = true;
    if (n >= 17) {
        if (!rlp_next_fixed(&c, h->withdrawals_root, 32))
            return false;
        h->has_withdrawals_root = true;
    }
    if (n == 18)
        return false; /* blob gas fields come in pairs */
    if (n >= 19) {
        if (!rlp_next_u64(&c, &h->blob_gas_used) || !rlp_next_u64(&c, &h->excess_blob_gas))
            return false;
        h->has_blob_gas = true;
    }
    if (n >= 20) {
        if (!rlp_next_fixed(&c, h->parent_beacon_root, 32))
            return false;
        h->has_parent_beacon_root = true;
    }
    if (n >= 21) {
        if (!rlp_next_fixed(&c, h->requests_hash, 32))
            return false;
        h->has_requests_hash = true;
    }
    keccak(rlp.ptr, rlp.len, h->hash);
    return true;
}

bytes header_encode(const header *h)
{
    rlp_buf b;
    buf_init(&b, 640);
    size_t l = rlp_list_begin(&b);
    rlp_put_bytes(&b, h->parent_hash, 32);
    rlp_put_bytes(&b, h->ommers_hash, 32);
    rlp_put_bytes(&b, h->coinbase, 20);
    rlp_put_bytes(&b, h->state_root, 32);
    rlp_put_bytes(&b, h->tx_root, 32);
    rlp_put_bytes(&b, h->receipts_root, 32);
    rlp_put_bytes(&b, h->logs_bloom, 256);
    rlp_put_u256(&b, &h->difficulty);
    rlp_put_u64(&b, h->number);
    rlp_put_u64(&b, h->gas_limit);
    rlp_put_u64(&b, h->gas_used);
    rlp_put_u64(&b, h->timestamp);
    rlp_put_bytes(&b, h->extra_data.ptr, h->extra_data.len);
    rlp_put_bytes(&b, h->mix_hash, 32);
    rlp_put_bytes(&b, h->nonce, 8);
    if (h->has_base_fee)
        rlp_put_u256(&b, &h->base_fee);
    if (h->has_withdrawals_root)
        rlp_put_bytes(&b, h->withdrawals_root, 32);
    if (h->has_blob_gas) {
        rlp_put_u64(&b, h->blob_gas_used);
        rlp_put_u64(&b, h->excess_blob_gas);
    }
    if (h->has_parent_beacon_root)
        rlp_put_bytes(&b, h->parent_beacon_root, 32);
    if (h->has_requests_hash)
        rlp_put_bytes(&b, h->requests_hash, 32);
    rlp_list_end(&b, l);
    bytes out = {b.ptr, b.len};
    return out;
}

void header_hash(const header *h, uint8_t out[32])
{
    bytes enc = header_encode(h);
    keccak(enc.ptr, enc.len, out);
}

/* Root of the trie mapping rlp(i) to item i. */
static void index_trie_root(const bytes *items, size_t n, uint8_t out[32])
{
    trie t;
    trie_init_empty(&t);
    for (size_t i = 0; i < n; i++) {
        rlp_buf k; /* over a stack buffer: rlp(i) is at most 9 bytes, so it never grows */
        uint8_t kb[16];
        k.ptr = kb;
        k.len = 0;
        k.cap = sizeof kb;
        rlp_put_u64(&k, i);
        trie_put(&t, k.ptr, k.len, items[i]);
    }
    trie_root(&t, out);
}

static void withdrawals_root(const exec_payload *p, uint8_t out[32])
{
    bytes *items = guest_alloc((p->withdrawal_count + 1) * sizeof(bytes));
    for (size_t i = 0; i < p->withdrawal_count; i++) {
        const withdrawal *w = &p->withdrawals[i];
        rlp_buf b;
        buf_init(&b, 64);
        size_t l = rlp_list_begin(&b);
        rlp_put_u64(&b, w->index);
        rlp_put_u64(&b, w->validator_index);
        rlp_put_bytes(&b, w->address, 20);
        rlp_put_u64(&b, w->amount);
        rlp_list_end(&b, l);
        items[i].ptr = b.ptr;
        items[i].len = b.len;
    }
    index_trie_root(items, p->withdrawal_count, out);
}

/* EIP-7685: sha256 over sha256(type || data) of each non-empty request list, in type order. The
 * request data of each type is the SSZ serialization of its list (consensus-specs Electra,
 * get_execution_requests_list), i.e. the concatenated fixed-size elements. */
void requests_hash(const stateless_input *in, uint8_t out[32])
{
    const bytes lists[3] = {in->deposits, in->withdrawal_requests, in->consolidations};
    uint8_t digests[3 * 32];
    size_t nd = 0;
    for (int type = 0; type < 3; type++) {
        if (lists[type].len == 0)
            continue;
        uint8_t *buf = guest_alloc(lists[type].len + 1);
        buf[0] = (uint8_t)type;
        memcpy(buf + 1, lists[type].ptr, lists[type].len);
        sha256(buf, lists[type].len + 1, digests + 32 * nd);
        free(buf);
        nd++;
    }
    sha256(digests, 32 * nd, out);
}

void header_from_payload(const stateless_input *in, header *h)
{
    const exec_payload *p = &in->payload;
    memset(h, 0, sizeof *h);
    memcpy(h->parent_hash, p->parent_hash, 32);
    memcpy(h->ommers_hash, EMPTY_OMMERS_HASH, 32);
    memcpy(h->coinbase, p->fee_recipient, 20);
    memcpy(h->state_root, p->state_root, 32);
    index_trie_root(p->txs, p->tx_count, h->tx_root);
    memcpy(h->receipts_root, p->receipts_root, 32);
    memcpy(h->logs_bloom, p->logs_bloom, 256);
    h->number = p->block_number;
    h->gas_limit = p->gas_limit;
    h->gas_used = p->gas_used;
    h->timestamp = p->timestamp;
    h->extra_data = p->extra_data;
    memcpy(h->mix_hash, p->prev_randao, 32);
    /* The header ends at base_fee_per_gas (Paris), withdrawals_root (Shanghai, EIP-4895), the
     * parent beacon root (Cancun, EIP-4844/4788) or the requests hash (Prague, EIP-7685). */
    h->has_base_fee = true;
    h->base_fee = p->base_fee_per_gas;
    if (in->fork >= FORK_SHANGHAI) {
        h->has_withdrawals_root = true;
        withdrawals_root(p, h->withdrawals_root);
    }
    if (in->fork >= FORK_CANCUN) {
        h->has_blob_gas = h->has_parent_beacon_root = true;
        h->blob_gas_used = p->blob_gas_used;
        h->excess_blob_gas = p->excess_blob_gas;
        memcpy(h->parent_beacon_root, in->parent_beacon_block_root, 32);
    }
    if (in->has_requests) {
        h->has_requests_hash = true;
        requests_hash(in, h->requests_hash);
    }
    header_hash(h, h->hash);
}
