#include "ssz.h"

#include "../accel/zkvm_accelerators.h"

/* ---- decoding ------------------------------------------------------------------------------ */

/* Splits a container whose field i has fixed size sizes[i], or is variable-size when sizes[i] == 0
 * (a 4-byte little-endian offset in the fixed part). */
bool ssz_split_container(bytes in, const uint32_t *sizes, size_t n, bytes *fields)
{
    size_t fixed = 0;
    for (size_t i = 0; i < n; i++)
        fixed += sizes[i] ? sizes[i] : 4;
    if (in.len < fixed)
        return false;
    size_t pos = 0, prev_off = 0;
    size_t last_var = n; /* index of the previous variable field */
    for (size_t i = 0; i < n; i++) {
        if (sizes[i]) {
            fields[i].ptr = in.ptr + pos;
            fields[i].len = sizes[i];
            pos += sizes[i];
            continue;
        }
        size_t off = load_le32(in.ptr + pos);
        pos += 4;
        if (last_var == n ? off != fixed : off < prev_off)
            return false;
        if (off > in.len)
            return false;
        if (last_var != n)
            fields[last_var].len = off - prev_off;
        fields[i].ptr = in.ptr + off;
        prev_off = off;
        last_var = i;
    }
    if (last_var == n)
        return in.len == fixed; /* no variable part: no trailing bytes */
    fields[last_var].len = in.len - prev_off;
    return true;
}

/* A list of variable-size elements: offsets then bodies. */
bool ssz_var_list(bytes in, size_t limit, size_t elem_limit, bytes **items, size_t *count)
{
    *count = 0;
    *items = NULL;
    if (in.len == 0)
        return true;
    if (in.len < 4)
        return false;
    size_t first = load_le32(in.ptr);
    if (first == 0 || first % 4 != 0 || first > in.len)
        return false;
    size_t n = first / 4;
    if (n > limit)
        return false;
    bytes *out = guest_alloc(n * sizeof(bytes));
    for (size_t i = 0; i < n; i++) {
        size_t start = load_le32(in.ptr + 4 * i);
        size_t end = i + 1 < n ? load_le32(in.ptr + 4 * (i + 1)) : in.len;
        if (start > end || end > in.len || end - start > elem_limit)
            return false;
        out[i].ptr = in.ptr + start;
        out[i].len = end - start;
    }
    *items = out;
    *count = n;
    return true;
}

static bool fixed_list(bytes in, size_t elem, size_t limit, size_t *count)
{
    if (in.len % elem != 0 || in.len / elem > limit)
        return false;
    *count = in.len / elem;
    return true;
}

/* Fields of the payload per fork: Bellatrix (Paris) ends at transactions (14 fields), Capella
 * (Shanghai) adds withdrawals (15), Deneb (Cancun) and later add the two blob gas fields (17). */
static size_t payload_field_count(enum fork fork)
{
    return fork == FORK_PARIS ? 14 : fork == FORK_SHANGHAI ? 15 : 17;
}

static bool decode_payload(bytes in, exec_payload *p, enum fork fork)
{
    static const uint32_t sizes[17] = {32, 20, 32, 32, 256, 32, 8, 8, 8, 8, 0, 32, 32, 0, 0, 8, 8};
    bytes f[17];
    size_t nf = payload_field_count(fork);
    if (!ssz_split_container(in, sizes, nf, f))
        return false;
    p->parent_hash = f[0].ptr;
    p->fee_recipient = f[1].ptr;
    p->state_root = f[2].ptr;
    p->receipts_root = f[3].ptr;
    p->logs_bloom = f[4].ptr;
    p->prev_randao = f[5].ptr;
    p->block_number = load_le64(f[6].ptr);
    p->gas_limit = load_le64(f[7].ptr);
    p->gas_used = load_le64(f[8].ptr);
    p->timestamp = load_le64(f[9].ptr);
    if (f[10].len > 32)
        return false;
    p->extra_data = f[10];
    for (int i = 0; i < 4; i++)
        p->base_fee_per_gas.w[i] = load_le64(f[11].ptr + 8 * i);
    p->block_hash = f[12].ptr;
    if (!ssz_var_list(f[13], (size_t)1 << 20, (size_t)1 << 30, &p->txs, &p->tx_count))
        return false;
    size_t nw = 0;
    if (nf > 14 && !fixed_list(f[14], 44, 16, &nw))
        return false;
    p->withdrawal_count = nw;
    p->withdrawals = guest_alloc(nw * sizeof(withdrawal) + 1);
    for (size_t i = 0; i < nw; i++) {
        const uint8_t *w = f[14].ptr + 44 * i;
        p->withdrawals[i].index = load_le64(w);
        p->withdrawals[i].validator_index = load_le64(w + 8);
        memcpy(p->withdrawals[i].address, w + 16, 20);
        p->withdrawals[i].amount = load_le64(w + 36);
    }
    if (nf > 15) {
        p->blob_gas_used = load_le64(f[15].ptr);
        p->excess_blob_gas = load_le64(f[16].ptr);
    }
    return true;
}

static bool decode_new_payload_request(bytes in, stateless_input *out)
{
    static const uint32_t sizes[4] = {0, 0, 32, 0};
    bytes f[4];
    /* Paris and Shanghai: the one-field container { execution_payload } (engine newPayloadV1/V2). */
    size_t n = out->fork < FORK_CANCUN ? 1 : out->has_requests ? 4 : 3;
    if (!ssz_split_container(in, sizes, n, f))
        return false;
    if (!decode_payload(f[0], &out->payload, out->fork))
        return false;
    if (n == 1)
        return true;
    if (!fixed_list(f[1], 32, 4096, &out->versioned_hash_count))
        return false;
    out->versioned_hashes = f[1].ptr;
    out->parent_beacon_block_root = f[2].ptr;
    if (out->has_requests) {
        static const uint32_t rsizes[3] = {0, 0, 0};
        bytes r[3];
        size_t c;
        if (!ssz_split_container(f[3], rsizes, 3, r) || !fixed_list(r[0], SSZ_DEPOSIT_SIZE, 8192, &c) ||
            !fixed_list(r[1], SSZ_WITHDRAWAL_REQUEST_SIZE, 16, &c) || !fixed_list(r[2], SSZ_CONSOLIDATION_SIZE, 2, &c))
            return false;
        out->deposits = r[0];
        out->withdrawal_requests = r[1];
        out->consolidations = r[2];
    }
    return true;
}

ssz_result ssz_decode_input(const uint8_t *data, size_t len, stateless_input *out)
{
    memset(out, 0, sizeof *out);
    if (len < 2)
        return SSZ_MALFORMED;
    out->schema_id = (uint16_t)(data[0] << 8 | data[1]);
    if ((out->schema_id & 0xff) != 0x01)
        return SSZ_MALFORMED;
    unsigned fork = out->schema_id >> 8;
    if (fork < FORK_PARIS || fork > FORK_BPO2)
        return SSZ_UNSUPPORTED_FORK;
    out->fork = (enum fork)fork;
    out->has_requests = fork >= FORK_PRAGUE;

    bytes in = {data + 2, len - 2};
    static const uint32_t sizes[4] = {0, 0, 8, 0};
    bytes f[4];
    if (!ssz_split_container(in, sizes, 4, f))
        return SSZ_MALFORMED;
    out->new_payload_request = f[0];
    if (!decode_new_payload_request(f[0], out))
        return SSZ_MALFORMED;

    static const uint32_t wsizes[3] = {0, 0, 0};
    bytes w[3];
    if (!ssz_split_container(f[1], wsizes, 3, w) ||
        !ssz_var_list(w[0], SIZE_MAX, 1024, &out->state, &out->state_count) ||
        !ssz_var_list(w[1], SIZE_MAX, 65536, &out->codes, &out->code_count) ||
        !ssz_var_list(w[2], 256, 1024, &out->headers, &out->header_count))
        return SSZ_MALFORMED;
    out->chain_id = load_le64(f[2].ptr);
    if (!fixed_list(f[3], 65, SIZE_MAX, &out->public_key_count))
        return SSZ_MALFORMED;
    out->public_keys = f[3].ptr;
    return SSZ_OK;
}

/* ---- merkleization ------------------------------------------------------------------------- */

#define MAX_DEPTH 64

static uint8_t zero_hashes[MAX_DEPTH + 1][32];
static unsigned zero_ready; /* zero_hashes[0 .. zero_ready] are computed */

static void hash_pair(const uint8_t *left, const uint8_t *right, uint8_t out[32])
{
    uint8_t buf[64];
    memcpy(buf, left, 32);
    memcpy(buf + 32, right, 32);
    if (zkvm_sha256(buf, 64, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "sha256 failed");
}

/* Roots of all-zero subtrees, computed on demand up to the depth asked for (each costs a sha256). */
static void init_zero_hashes(unsigned depth)
{
    while (zero_ready < depth) {
        hash_pair(zero_hashes[zero_ready], zero_hashes[zero_ready], zero_hashes[zero_ready + 1]);
        zero_ready++;
    }
}

/* Root of count chunks padded with zero chunks to the next power of two of limit (>= count). */
void ssz_merkleize(const uint8_t *chunks, size_t count, uint64_t limit, uint8_t out[32])
{
    if (count > limit)
        guest_fail(GUEST_EXIT_INTERNAL, "merkleize: count over limit");
    unsigned depth = 0;
    while (depth < MAX_DEPTH && ((uint64_t)1 << depth) < limit)
        depth++;
    init_zero_hashes(depth);
    if (count == 0) {
        memcpy(out, zero_hashes[depth], 32);
        return;
    }
    uint8_t *buf = guest_alloc(count * 32);
    memcpy(buf, chunks, count * 32);
    size_t n = count;
    for (unsigned level = 0; level < depth; level++) {
        size_t m = (n + 1) / 2;
        for (size_t i = 0; i < m; i++) {
            const uint8_t *right = 2 * i + 1 < n ? buf + 32 * (2 * i + 1) : zero_hashes[level];
            hash_pair(buf + 64 * i, right, buf + 32 * i);
        }
        n = m;
    }
    memcpy(out, buf, 32);
    free(buf);
}

void ssz_mix_in_length(uint8_t root[32], uint64_t len)
{
    uint8_t l[32] = {0};
    store_le64(l, len);
    hash_pair(root, l, root);
}

/* Root of a byte vector (is_list false) or of a List<u8, limit_bytes> (is_list true). */
void ssz_bytes_root(bytes data, uint64_t limit_bytes, bool is_list, uint8_t out[32])
{
    size_t chunks = (data.len + 31) / 32;
    uint8_t *buf = guest_zalloc(chunks * 32 + 1);
    if (data.len)
        memcpy(buf, data.ptr, data.len);
    uint64_t limit = is_list ? (limit_bytes + 31) / 32 : chunks;
    ssz_merkleize(buf, chunks, limit, out);
    free(buf);
    if (is_list)
        ssz_mix_in_length(out, data.len);
}

static void u64_root(uint64_t v, uint8_t out[32])
{
    memset(out, 0, 32);
    store_le64(out, v);
}

static void vec_root(const uint8_t *p, size_t n, uint8_t out[32])
{
    bytes b = {p, n};
    ssz_bytes_root(b, n, false, out);
}

/* Root of a list of composite elements given their roots. */
static void composite_list_root(const uint8_t *roots, size_t count, uint64_t limit, uint8_t out[32])
{
    ssz_merkleize(roots, count, limit, out);
    ssz_mix_in_length(out, count);
}

static void payload_root(const exec_payload *p, enum fork fork, uint8_t out[32])
{
    uint8_t f[17][32];
    vec_root(p->parent_hash, 32, f[0]);
    vec_root(p->fee_recipient, 20, f[1]);
    vec_root(p->state_root, 32, f[2]);
    vec_root(p->receipts_root, 32, f[3]);
    vec_root(p->logs_bloom, 256, f[4]);
    vec_root(p->prev_randao, 32, f[5]);
    u64_root(p->block_number, f[6]);
    u64_root(p->gas_limit, f[7]);
    u64_root(p->gas_used, f[8]);
    u64_root(p->timestamp, f[9]);
    ssz_bytes_root(p->extra_data, 32, true, f[10]);
    for (int i = 0; i < 4; i++)
        store_le64(f[11] + 8 * i, p->base_fee_per_gas.w[i]);
    vec_root(p->block_hash, 32, f[12]);
    uint8_t *roots = guest_alloc(p->tx_count * 32 + 1);
    for (size_t i = 0; i < p->tx_count; i++)
        ssz_bytes_root(p->txs[i], (uint64_t)1 << 30, true, roots + 32 * i);
    composite_list_root(roots, p->tx_count, (uint64_t)1 << 20, f[13]);
    free(roots);
    size_t nf = payload_field_count(fork);
    uint8_t wroots[16][32];
    for (size_t i = 0; i < p->withdrawal_count; i++) {
        uint8_t wf[4][32];
        const withdrawal *w = &p->withdrawals[i];
        u64_root(w->index, wf[0]);
        u64_root(w->validator_index, wf[1]);
        vec_root(w->address, 20, wf[2]);
        u64_root(w->amount, wf[3]);
        ssz_merkleize(&wf[0][0], 4, 4, wroots[i]);
    }
    composite_list_root(&wroots[0][0], p->withdrawal_count, 16, f[14]);
    u64_root(p->blob_gas_used, f[15]);
    u64_root(p->excess_blob_gas, f[16]);
    /* 14 and 15 fields merkleize over 16 leaves, 17 over 32. */
    ssz_merkleize(&f[0][0], nf, nf, out);
}

/* Roots of fixed-size request elements; layout gives each field's size and whether it is a u64. */
static void request_list_root(bytes list, size_t elem, const uint8_t *field_sizes, size_t nfields, uint64_t limit,
                              uint8_t out[32])
{
    size_t count = list.len / elem;
    uint8_t *roots = guest_alloc(count * 32 + 1);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *e = list.ptr + elem * i;
        uint8_t fr[5][32];
        size_t pos = 0;
        for (size_t k = 0; k < nfields; k++) {
            if (field_sizes[k] == 0) { /* u64 */
                u64_root(load_le64(e + pos), fr[k]);
                pos += 8;
            } else {
                vec_root(e + pos, field_sizes[k], fr[k]);
                pos += field_sizes[k];
            }
        }
        ssz_merkleize(&fr[0][0], nfields, nfields, roots + 32 * i);
    }
    composite_list_root(roots, count, limit, out);
    free(roots);
}

void ssz_new_payload_request_root(const stateless_input *in, uint8_t out[32])
{
    uint8_t f[4][32];
    payload_root(&in->payload, in->fork, f[0]);
    if (in->fork < FORK_CANCUN) {
        /* A one-field container's root is its field's root. */
        memcpy(out, f[0], 32);
        return;
    }
    ssz_merkleize(in->versioned_hashes, in->versioned_hash_count, 4096, f[1]);
    ssz_mix_in_length(f[1], in->versioned_hash_count);
    memcpy(f[2], in->parent_beacon_block_root, 32);
    if (!in->has_requests) {
        ssz_merkleize(&f[0][0], 3, 3, out);
        return;
    }
    static const uint8_t deposit_fields[5] = {48, 32, 0, 96, 0};
    static const uint8_t withdrawal_fields[3] = {20, 48, 0};
    static const uint8_t consolidation_fields[3] = {20, 48, 48};
    uint8_t r[3][32];
    request_list_root(in->deposits, SSZ_DEPOSIT_SIZE, deposit_fields, 5, 8192, r[0]);
    request_list_root(in->withdrawal_requests, SSZ_WITHDRAWAL_REQUEST_SIZE, withdrawal_fields, 3, 16, r[1]);
    request_list_root(in->consolidations, SSZ_CONSOLIDATION_SIZE, consolidation_fields, 3, 2, r[2]);
    ssz_merkleize(&r[0][0], 3, 3, f[3]);
    ssz_merkleize(&f[0][0], 4, 4, out);
}
