/* RLP: the encodings of the Ethereum wiki's examples, non-canonical and truncated inputs. */
#include "test.h"
#include "tests.h"

#include "../rlp.h"

static bytes hexbytes(const char *hex, unsigned char *buf, int cap)
{
    int n = test_hex(hex, buf, cap);
    bytes b = {buf, n < 0 ? 0 : (size_t)n};
    return b;
}

static bool buf_is(const rlp_buf *b, const char *hex)
{
    unsigned char want[256];
    int n = test_hex(hex, want, sizeof want);
    return n >= 0 && (size_t)n == b->len && memcmp(b->ptr, want, (size_t)n) == 0;
}

void test_rlp_encode(void)
{
    rlp_buf b;
    buf_init(&b, 4);
    rlp_put_bytes(&b, (const uint8_t *)"dog", 3);
    CHECK(buf_is(&b, "83646f67"));

    buf_init(&b, 4);
    size_t l = rlp_list_begin(&b);
    rlp_put_bytes(&b, (const uint8_t *)"cat", 3);
    rlp_put_bytes(&b, (const uint8_t *)"dog", 3);
    rlp_list_end(&b, l);
    CHECK(buf_is(&b, "c88363617483646f67"));

    buf_init(&b, 4);
    rlp_put_bytes(&b, NULL, 0);
    l = rlp_list_begin(&b);
    rlp_list_end(&b, l);
    rlp_put_u64(&b, 0);
    rlp_put_u64(&b, 15);
    rlp_put_u64(&b, 1024);
    rlp_put_u64(&b, 0xffffffffffffffffull);
    CHECK(buf_is(&b, "80c0800f82040088ffffffffffffffff"));

    /* The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ]. */
    buf_init(&b, 1);
    size_t a = rlp_list_begin(&b);
    size_t x = rlp_list_begin(&b);
    rlp_list_end(&b, x);
    x = rlp_list_begin(&b);
    size_t y = rlp_list_begin(&b);
    rlp_list_end(&b, y);
    rlp_list_end(&b, x);
    x = rlp_list_begin(&b);
    y = rlp_list_begin(&b);
    rlp_list_end(&b, y);
    y = rlp_list_begin(&b);
    size_t z = rlp_list_begin(&b);
    rlp_list_end(&b, z);
    rlp_list_end(&b, y);
    rlp_list_end(&b, x);
    rlp_list_end(&b, a);
    CHECK(buf_is(&b, "c7c0c1c0c3c0c1c0"));

    /* 56-byte string: long form. */
    const char *lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    buf_init(&b, 4);
    rlp_put_bytes(&b, (const uint8_t *)lorem, 56);
    CHECK(b.len == 58 && b.ptr[0] == 0xb8 && b.ptr[1] == 56 && memcmp(b.ptr + 2, lorem, 56) == 0);
    /* 56-byte list payload. */
    buf_init(&b, 4);
    l = rlp_list_begin(&b);
    rlp_put_bytes(&b, (const uint8_t *)lorem, 55); /* 0xb7 + 55 bytes = 56 */
    rlp_list_end(&b, l);
    CHECK(b.len == 58 && b.ptr[0] == 0xf8 && b.ptr[1] == 56 && b.ptr[2] == 0xb7);

    u256 v = u256_from_u64(0);
    buf_init(&b, 4);
    rlp_put_u256(&b, &v);
    v.w[3] = 0x0100000000000000ull;
    rlp_put_u256(&b, &v);
    CHECK(b.len == 1 + 33 && b.ptr[0] == 0x80 && b.ptr[1] == 0xa0 && b.ptr[2] == 1 && b.ptr[33] == 0);

    /* A long payload with a 2-byte length. */
    static uint8_t big[1000];
    buf_init(&b, 4);
    rlp_put_bytes(&b, big, sizeof big);
    CHECK(b.len == 1003 && b.ptr[0] == 0xb9 && b.ptr[1] == 0x03 && b.ptr[2] == 0xe8);

    /* rlp_list_open/close (header written in front of the items, nothing moved) against rlp_list_begin/end, for
     * payloads with 1-, 2-, 3- and 4-byte headers, and every string length around the short/long boundary. */
    static uint8_t items[70000];
    for (size_t i = 0; i < sizeof items; i++)
        items[i] = (uint8_t)(i * 7 + 3);
    const size_t sizes[] = {0, 1, 2, 30, 53, 54, 55, 56, 57, 200, 253, 254, 255, 256, 1000, 65533, 65534, 65535, 65536, 69990};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        rlp_buf ref, fast;
        buf_init(&ref, 1);
        buf_init(&fast, 1);
        size_t r0 = rlp_list_begin(&ref), f0 = rlp_list_open(&fast);
        rlp_put_bytes(&ref, items, sizes[k]);
        rlp_put_bytes(&fast, items, sizes[k]);
        rlp_put_bytes(&ref, items + 1, 1); /* a single byte below 0x80 encodes itself */
        rlp_put_bytes(&fast, items + 1, 1);
        rlp_list_end(&ref, r0);
        bytes enc = rlp_list_close(&fast, f0);
        CHECK(enc.len == ref.len && memcmp(enc.ptr, ref.ptr, ref.len) == 0);
        CHECK(enc.ptr >= fast.ptr && enc.ptr + enc.len == fast.ptr + fast.len);
    }
    for (size_t n = 0; n < 70; n++) {
        rlp_buf b2;
        buf_init(&b2, 1);
        rlp_put_bytes(&b2, items, n);
        size_t hl = (n == 1 && items[0] < 0x80) ? 0 : n < 56 ? 1 : 2;
        CHECK(b2.len == hl + n && memcmp(b2.ptr + hl, items, n) == 0);
        CHECK(hl == 0 || b2.ptr[0] == (n < 56 ? 0x80 + n : 0xb8));
    }
}

void test_rlp_decode(void)
{
    unsigned char buf[256];
    rlp_item it;
    bytes in = hexbytes("c88363617483646f67", buf, sizeof buf);
    CHECK(rlp_single(in, &it) && it.is_list && it.payload.len == 8 && rlp_count(it.payload) == 2);
    bytes cur = it.payload, s;
    CHECK(rlp_next_string(&cur, &s) && s.len == 3 && memcmp(s.ptr, "cat", 3) == 0);
    CHECK(rlp_next_string(&cur, &s) && s.len == 3 && memcmp(s.ptr, "dog", 3) == 0);
    CHECK(cur.len == 0 && !rlp_next_string(&cur, &s));

    uint64_t u;
    in = hexbytes("800f82040088ffffffffffffffff", buf, sizeof buf);
    CHECK(rlp_next_u64(&in, &u) && u == 0);
    CHECK(rlp_next_u64(&in, &u) && u == 15);
    CHECK(rlp_next_u64(&in, &u) && u == 1024);
    CHECK(rlp_next_u64(&in, &u) && u == 0xffffffffffffffffull);
    CHECK(in.len == 0);

    in = hexbytes("c7c0c1c0c3c0c1c0", buf, sizeof buf);
    CHECK(rlp_single(in, &it) && it.is_list && rlp_count(it.payload) == 3);

    u256 v;
    in = hexbytes("a00100000000000000000000000000000000000000000000000000000000000000", buf, sizeof buf);
    CHECK(rlp_next_u256(&in, &v) && v.w[3] == 0x0100000000000000ull && v.w[0] == 0);

    uint8_t fixed[3];
    in = hexbytes("83646f67", buf, sizeof buf);
    CHECK(rlp_next_fixed(&in, fixed, 3) && memcmp(fixed, "dog", 3) == 0);
    in = hexbytes("83646f67", buf, sizeof buf);
    CHECK(!rlp_next_fixed(&in, fixed, 2));

    /* Long forms decode. */
    in = hexbytes("b838", buf, sizeof buf);
    static uint8_t longstr[58];
    memcpy(longstr, buf, 2);
    bytes l = {longstr, sizeof longstr};
    CHECK(rlp_single(l, &it) && !it.is_list && it.payload.len == 56);
}

void test_rlp_reject(void)
{
    static const char *const bad[] = {
        "",                   /* nothing */
        "8100",               /* single byte < 0x80 in a string header */
        "817f",               /* ditto */
        "b800",               /* long form for a short string */
        "b8020102",           /* long form, length 2 */
        "b90000",             /* leading zero in the length */
        "b9003801",           /* leading zero, truncated */
        "83646f",             /* truncated string */
        "c883636174",         /* truncated list */
        "f800",               /* long list form for an empty list */
        "bf0100000000000000", /* absurd length past the input */
        "ffffffffffffffffff", /* 8-byte length of 2^64-1 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned char buf[64];
        bytes in = hexbytes(bad[i], buf, sizeof buf);
        rlp_item it;
        CHECK_MSG(!rlp_single(in, &it), "accepted %s", bad[i]);
    }
    /* Trailing bytes after a single item. */
    unsigned char buf[8];
    rlp_item it;
    CHECK(!rlp_single(hexbytes("8000", buf, sizeof buf), &it));
    /* Integers with leading zeros, or too wide. */
    uint64_t u;
    u256 v;
    bytes in = hexbytes("820004", buf, sizeof buf);
    CHECK(!rlp_next_u64(&in, &u));
    in = hexbytes("00", buf, sizeof buf); /* zero must be 0x80 */
    CHECK(!rlp_next_u64(&in, &u));
    in = hexbytes("00", buf, sizeof buf);
    CHECK(!rlp_next_u256(&in, &v));
    in = hexbytes("89010000000000000000", buf, sizeof buf);
    CHECK(!rlp_next_u64(&in, &u));
    in = hexbytes("c0", buf, sizeof buf);
    CHECK(!rlp_next_u64(&in, &u));
    CHECK(rlp_count(hexbytes("8364", buf, sizeof buf)) == -1);
}
