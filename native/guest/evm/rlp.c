#include "rlp.h"

static bool read_be_len(const uint8_t *p, size_t n, size_t *out)
{
    /* n in 1..8; no leading zero byte (canonical). */
    if (n == 0 || n > 8 || p[0] == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    if (v > (uint64_t)SIZE_MAX)
        return false;
    *out = (size_t)v;
    return true;
}

bool rlp_next(bytes *in, rlp_item *out)
{
    if (in->len == 0)
        return false;
    const uint8_t *p = in->ptr;
    uint8_t b = p[0];
    size_t hdr, len;
    bool list = false;
    if (b < 0x80) {
        hdr = 0;
        len = 1;
    } else if (b <= 0xb7) {
        hdr = 1;
        len = b - 0x80;
        if (len == 1 && (in->len < 2 || p[1] < 0x80))
            return false; /* a single byte below 0x80 encodes itself */
    } else if (b <= 0xbf) {
        size_t ll = b - 0xb7;
        if (in->len < 1 + ll || !read_be_len(p + 1, ll, &len) || len < 56)
            return false;
        hdr = 1 + ll;
    } else if (b <= 0xf7) {
        list = true;
        hdr = 1;
        len = b - 0xc0;
    } else {
        size_t ll = b - 0xf7;
        list = true;
        if (in->len < 1 + ll || !read_be_len(p + 1, ll, &len) || len < 56)
            return false;
        hdr = 1 + ll;
    }
    if (len > in->len - hdr)
        return false;
    out->is_list = list;
    out->payload.ptr = p + hdr;
    out->payload.len = len;
    out->encoded_len = hdr + len;
    in->ptr += hdr + len;
    in->len -= hdr + len;
    return true;
}

bool rlp_single(bytes in, rlp_item *out)
{
    return rlp_next(&in, out) && in.len == 0;
}

bool rlp_next_string(bytes *in, bytes *out)
{
    rlp_item it;
    if (!rlp_next(in, &it) || it.is_list)
        return false;
    *out = it.payload;
    return true;
}

bool rlp_next_list(bytes *in, bytes *payload)
{
    rlp_item it;
    if (!rlp_next(in, &it) || !it.is_list)
        return false;
    *payload = it.payload;
    return true;
}

bool rlp_next_u64(bytes *in, uint64_t *out)
{
    bytes s;
    if (!rlp_next_string(in, &s) || s.len > 8 || (s.len > 0 && s.ptr[0] == 0))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++)
        v = (v << 8) | s.ptr[i];
    *out = v;
    return true;
}

bool rlp_next_u256(bytes *in, u256 *out)
{
    bytes s;
    if (!rlp_next_string(in, &s) || s.len > 32 || (s.len > 0 && s.ptr[0] == 0))
        return false;
    u256_from_be(out, s.ptr, (unsigned)s.len);
    return true;
}

bool rlp_next_fixed(bytes *in, uint8_t *out, size_t n)
{
    bytes s;
    if (!rlp_next_string(in, &s) || s.len != n)
        return false;
    memcpy(out, s.ptr, n);
    return true;
}

long rlp_count(bytes payload)
{
    long n = 0;
    while (payload.len > 0) {
        rlp_item it;
        if (!rlp_next(&payload, &it))
            return -1;
        n++;
    }
    return n;
}

void buf_init(rlp_buf *b, size_t cap)
{
    b->cap = cap ? cap : 16;
    b->ptr = guest_alloc(b->cap);
    b->len = 0;
}

static void buf_reserve(rlp_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return;
    size_t cap = b->cap ? b->cap : 16;
    while (cap - b->len < extra) {
        if (cap > SIZE_MAX / 2)
            guest_fail(ZKVM_EXIT_ABORT, "buffer too large");
        cap *= 2;
    }
    uint8_t *p = guest_alloc(cap);
    if (b->len)
        memcpy(p, b->ptr, b->len);
    free(b->ptr);
    b->ptr = p;
    b->cap = cap;
}

void buf_append(rlp_buf *b, const uint8_t *data, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
}

/* Header for a payload of n bytes with short-form base 0x80 (string) or 0xc0 (list). */
static size_t header(uint8_t *out, uint8_t base, size_t n)
{
    if (n < 56) {
        out[0] = (uint8_t)(base + n);
        return 1;
    }
    size_t ll = 0;
    for (size_t t = n; t; t >>= 8)
        ll++;
    out[0] = (uint8_t)(base + 55 + ll);
    for (size_t i = 0; i < ll; i++)
        out[1 + i] = (uint8_t)(n >> (8 * (ll - 1 - i)));
    return 1 + ll;
}

void rlp_put_bytes(rlp_buf *b, const uint8_t *data, size_t n)
{
    /* One reservation for header and bytes; a short header is written in place. */
    buf_reserve(b, n + 9);
    uint8_t *out = b->ptr + b->len;
    if (n == 1 && data[0] < 0x80) {
        out[0] = data[0];
        b->len += 1;
        return;
    }
    size_t hl = n < 56 ? (out[0] = (uint8_t)(0x80 + n), 1) : header(out, 0x80, n);
    if (n)
        memcpy(out + hl, data, n);
    b->len += hl + n;
}

void rlp_put_u64(rlp_buf *b, uint64_t v)
{
    uint8_t be[8];
    store_be64(be, v);
    unsigned skip = 0;
    while (skip < 8 && be[skip] == 0)
        skip++;
    rlp_put_bytes(b, be + skip, 8 - skip);
}

void rlp_put_u256(rlp_buf *b, const u256 *v)
{
    uint8_t be[32];
    u256_to_be32(v, be);
    unsigned skip = 32 - u256_byte_len(v);
    rlp_put_bytes(b, be + skip, 32 - skip);
}

size_t rlp_list_begin(rlp_buf *b)
{
    return b->len;
}

void rlp_list_end(rlp_buf *b, size_t start)
{
    size_t n = b->len - start;
    uint8_t h[9];
    size_t hl = header(h, 0xc0, n);
    buf_reserve(b, hl);
    memmove(b->ptr + start + hl, b->ptr + start, n);
    memcpy(b->ptr + start, h, hl);
    b->len += hl;
}

size_t rlp_list_open(rlp_buf *b)
{
    buf_reserve(b, RLP_LIST_ROOM);
    memset(b->ptr + b->len, 0, RLP_LIST_ROOM);
    b->len += RLP_LIST_ROOM;
    return b->len;
}

bytes rlp_list_close(rlp_buf *b, size_t items)
{
    uint8_t h[RLP_MAX_HEADER];
    size_t hl = header(h, 0xc0, b->len - items);
    uint8_t *start = b->ptr + items - hl;
    memcpy(start, h, hl);
    bytes r = {start, b->len - items + hl};
    return r;
}
