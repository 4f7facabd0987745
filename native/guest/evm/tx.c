#include "tx.h"

#include "../accel/zkvm_accelerators.h"
#include "rlp.h"

static const uint8_t SECP256K1_N[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                        0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

static void keccak(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_keccak256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

bool recover_signer(const uint8_t hash[32], const u256 *r, const u256 *s, uint8_t parity, uint8_t pub_out[64])
{
    u256 n, half;
    u256_from_be(&n, SECP256K1_N, 32);
    half = u256_shr(&(u256){{1, 0, 0, 0}}, &n);
    if (parity > 1 || u256_is_zero(r) || u256_is_zero(s) || !u256_lt(r, &n) || u256_lt(&half, s))
        return false;
    uint8_t sig[64];
    u256_to_be32(r, sig);
    u256_to_be32(s, sig + 32);
    zkvm_region_begin("signatures"); /* transaction senders and EIP-7702 authorities */
    bool ok = zkvm_secp256k1_ecrecover(hash, sig, parity, pub_out) == ZKVM_EOK;
    zkvm_region_end("signatures");
    return ok;
}

static bool next_to(bytes *c, tx *t)
{
    bytes s;
    if (!rlp_next_string(c, &s))
        return false;
    if (s.len == 0) {
        t->is_create = true;
        return true;
    }
    if (s.len != 20)
        return false;
    memcpy(t->to, s.ptr, 20);
    return true;
}

static bool next_access_list(bytes *c, tx *t)
{
    bytes list;
    if (!rlp_next_list(c, &list))
        return false;
    long n = rlp_count(list);
    if (n < 0)
        return false;
    t->access_count = (size_t)n;
    t->access = guest_alloc((size_t)n * sizeof(access_entry) + 1);
    for (long i = 0; i < n; i++) {
        bytes item, keys;
        access_entry *a = &t->access[i];
        if (!rlp_next_list(&list, &item) || !rlp_next_fixed(&item, a->addr, 20) || !rlp_next_list(&item, &keys) || item.len)
            return false;
        long k = rlp_count(keys);
        if (k < 0)
            return false;
        /* Each key is exactly 33 bytes encoded (0xa0 + 32): the payload is then the keys at stride 33. */
        if ((size_t)k * 33 != keys.len)
            return false;
        uint8_t *flat = guest_alloc((size_t)k * 32 + 1);
        for (long j = 0; j < k; j++)
            if (!rlp_next_fixed(&keys, flat + 32 * j, 32))
                return false;
        a->key_count = (size_t)k;
        a->keys = flat;
    }
    return true;
}

static bool next_parity(bytes *c, uint8_t *out)
{
    uint64_t v;
    if (!rlp_next_u64(c, &v) || v > 1)
        return false;
    *out = (uint8_t)v;
    return true;
}

static bool next_auths(bytes *c, tx *t)
{
    bytes list;
    if (!rlp_next_list(c, &list))
        return false;
    long n = rlp_count(list);
    if (n < 0)
        return false;
    t->auth_count = (size_t)n;
    t->auths = guest_alloc((size_t)n * sizeof(authorization) + 1);
    for (long i = 0; i < n; i++) {
        bytes item;
        authorization *a = &t->auths[i];
        uint64_t parity;
        if (!rlp_next_list(&list, &item) || !rlp_next_u256(&item, &a->chain_id) || !rlp_next_fixed(&item, a->addr, 20) ||
            !rlp_next_u64(&item, &a->nonce) || !rlp_next_u64(&item, &parity) || !rlp_next_u256(&item, &a->r) ||
            !rlp_next_u256(&item, &a->s) || item.len)
            return false;
        /* y_parity is a uint8 in the spec: wider values do not decode; 2..255 fail recovery later. */
        if (parity > 255)
            return false;
        a->y_parity = (uint8_t)parity;
        a->nonce_ok = a->nonce != UINT64_MAX;
    }
    return true;
}

/* Hash of type || rlp(items before the signature), given the list payload and the signature start. */
static void typed_signing_hash(uint8_t type, const uint8_t *start, const uint8_t *sig_start, uint8_t out[32])
{
    rlp_buf b;
    size_t n = (size_t)(sig_start - start);
    buf_init(&b, n + 16);
    buf_append(&b, &type, 1);
    size_t l = rlp_list_begin(&b);
    buf_append(&b, start, n);
    rlp_list_end(&b, l);
    keccak(b.ptr, b.len, out);
}

bool tx_decode(bytes raw, tx *t)
{
    memset(t, 0, sizeof *t);
    if (raw.len == 0)
        return false;
    rlp_item top;
    bytes c;
    if (raw.ptr[0] >= 0xc0) {
        /* Legacy. */
        if (!rlp_single(raw, &top) || !top.is_list)
            return false;
        c = top.payload;
        const uint8_t *start = c.ptr;
        t->type = 0;
        if (!rlp_next_u64(&c, &t->nonce) || !rlp_next_u256(&c, &t->gas_price) || !rlp_next_u64(&c, &t->gas) ||
            !next_to(&c, t) || !rlp_next_u256(&c, &t->value) || !rlp_next_string(&c, &t->data))
            return false;
        const uint8_t *sig_start = c.ptr;
        u256 v;
        if (!rlp_next_u256(&c, &v) || !rlp_next_u256(&c, &t->r) || !rlp_next_u256(&c, &t->s) || c.len)
            return false;
        rlp_buf b;
        size_t n = (size_t)(sig_start - start);
        buf_init(&b, n + 48);
        size_t l = rlp_list_begin(&b);
        buf_append(&b, start, n);
        if (v.w[1] | v.w[2] | v.w[3])
            return false;
        if (v.w[0] == 27 || v.w[0] == 28) {
            t->y_parity = (uint8_t)(v.w[0] - 27);
        } else if (v.w[0] >= 35) {
            t->has_chain_id = true;
            t->chain_id = u256_from_u64((v.w[0] - 35) / 2);
            t->y_parity = (uint8_t)((v.w[0] - 35) % 2);
            rlp_put_u256(&b, &t->chain_id);
            rlp_put_bytes(&b, NULL, 0);
            rlp_put_bytes(&b, NULL, 0);
        } else {
            return false;
        }
        rlp_list_end(&b, l);
        keccak(b.ptr, b.len, t->signing_hash);
        t->max_fee = t->max_priority_fee = t->gas_price;
        return true;
    }
    t->type = raw.ptr[0];
    if (t->type < 1 || t->type > 4)
        return false;
    bytes body = {raw.ptr + 1, raw.len - 1};
    if (!rlp_single(body, &top) || !top.is_list)
        return false;
    c = top.payload;
    const uint8_t *start = c.ptr;
    t->has_chain_id = true;
    if (!rlp_next_u256(&c, &t->chain_id) || !rlp_next_u64(&c, &t->nonce))
        return false;
    if (t->type == 1) {
        if (!rlp_next_u256(&c, &t->gas_price))
            return false;
        t->max_fee = t->max_priority_fee = t->gas_price;
    } else if (!rlp_next_u256(&c, &t->max_priority_fee) || !rlp_next_u256(&c, &t->max_fee)) {
        return false;
    }
    if (!rlp_next_u64(&c, &t->gas) || !next_to(&c, t) || !rlp_next_u256(&c, &t->value) ||
        !rlp_next_string(&c, &t->data) || !next_access_list(&c, t))
        return false;
    if (t->type == 3) {
        bytes hashes;
        if (t->is_create || !rlp_next_u256(&c, &t->max_fee_per_blob_gas) || !rlp_next_list(&c, &hashes))
            return false;
        long n = rlp_count(hashes);
        if (n < 0 || (size_t)n * 33 != hashes.len)
            return false;
        uint8_t *flat = guest_alloc((size_t)n * 32 + 1);
        for (long i = 0; i < n; i++)
            if (!rlp_next_fixed(&hashes, flat + 32 * i, 32))
                return false;
        t->blob_count = (size_t)n;
        t->blob_hashes = flat;
    }
    if (t->type == 4 && (t->is_create || !next_auths(&c, t)))
        return false;
    const uint8_t *sig_start = c.ptr;
    if (!next_parity(&c, &t->y_parity) || !rlp_next_u256(&c, &t->r) || !rlp_next_u256(&c, &t->s) || c.len)
        return false;
    typed_signing_hash(t->type, start, sig_start, t->signing_hash);
    return true;
}
