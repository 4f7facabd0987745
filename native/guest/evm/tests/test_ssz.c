/* SSZ: decoding of StatelessInput encodings and hash_tree_root(NewPayloadRequest) against an
 * independent Python implementation (gen_ssz_vectors.py); malformed encodings are rejected. */
#include <stdlib.h>

#include "test.h"
#include "tests.h"

#include "../ssz.h"

#include "ssz_vectors.inc"

#define NCASES (sizeof ssz_cases / sizeof ssz_cases[0])

static unsigned char *load_case(size_t i, size_t *len)
{
    size_t cap = strlen(ssz_cases[i].input) / 2 + 8;
    unsigned char *buf = malloc(cap);
    int n = test_hex(ssz_cases[i].input, buf, (int)cap);
    *len = n < 0 ? 0 : (size_t)n;
    return buf;
}

void test_ssz_decode(void)
{
    for (size_t i = 0; i < NCASES; i++) {
        size_t len;
        unsigned char *buf = load_case(i, &len);
        stateless_input in;
        CHECK_MSG(ssz_decode_input(buf, len, &in) == SSZ_OK, "case %zu does not decode", i);
        const struct ssz_case *c = &ssz_cases[i];
        CHECK(in.payload.tx_count == c->ntx && in.payload.withdrawal_count == c->nwd);
        CHECK(in.versioned_hash_count == c->nvh && in.state_count == c->nstate && in.code_count == c->ncodes);
        CHECK(in.header_count == c->nheaders && in.chain_id == c->chain_id && in.public_key_count == c->ntx);
        CHECK(in.deposits.len == c->ndep * SSZ_DEPOSIT_SIZE && in.withdrawal_requests.len == c->nwr * SSZ_WITHDRAWAL_REQUEST_SIZE);
        CHECK(in.consolidations.len == c->ncons * SSZ_CONSOLIDATION_SIZE);
        CHECK(in.payload.gas_limit == c->gas_limit);
        free(buf);
    }
}

void test_ssz_hash_tree_root(void)
{
    for (size_t i = 0; i < NCASES; i++) {
        size_t len;
        unsigned char *buf = load_case(i, &len);
        stateless_input in;
        if (ssz_decode_input(buf, len, &in) != SSZ_OK) {
            CHECK_MSG(0, "case %zu does not decode", i);
            free(buf);
            continue;
        }
        uint8_t root[32], want[32];
        ssz_new_payload_request_root(&in, root);
        test_hex(ssz_cases[i].root, want, 32);
        CHECK_MSG(memcmp(root, want, 32) == 0, "case %zu root differs", i);
        free(buf);
    }
}

void test_ssz_reject(void)
{
    for (size_t i = 0; i < NCASES; i++) {
        size_t len;
        unsigned char *buf = load_case(i, &len);
        unsigned char *copy = malloc(len + 1);
        stateless_input in;
        /* Truncated by one byte, or one trailing byte: the public-key list is no longer a multiple of 65. */
        CHECK_MSG(ssz_decode_input(buf, len - 1, &in) == SSZ_MALFORMED, "case %zu truncated accepted", i);
        memcpy(copy, buf, len);
        copy[len] = 0;
        CHECK_MSG(ssz_decode_input(copy, len + 1, &in) == SSZ_MALFORMED, "case %zu trailing accepted", i);
        /* First offset of the container not equal to its fixed size. */
        memcpy(copy, buf, len);
        copy[2] ^= 1;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        /* Witness offset past the end. */
        memcpy(copy, buf, len);
        copy[2 + 4 + 3] = 0x7f;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        /* Offsets out of order: swap witness and public-key offsets. */
        memcpy(copy, buf, len);
        memcpy(copy + 2 + 4, buf + 2 + 16, 4);
        memcpy(copy + 2 + 16, buf + 2 + 4, 4);
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        /* Schema id: low byte must be 1; forks before Paris and after BPO2 are unsupported. */
        memcpy(copy, buf, len);
        copy[1] = 2;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        copy[1] = 1;
        copy[0] = 0x0d;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_UNSUPPORTED_FORK);
        copy[0] = 0x00;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_UNSUPPORTED_FORK);
        /* Paris and Shanghai have their own (smaller) request shapes: a Deneb/Electra input does not decode. */
        copy[0] = 0x0e;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        copy[0] = 0x0f;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED);
        copy[0] = 0x15;
        CHECK(ssz_decode_input(copy, len, &in) == SSZ_UNSUPPORTED_FORK);
        /* The other shape (Cancun <-> Prague) does not decode. */
        copy[0] = buf[0] == 0x10 ? 0x11 : 0x10;
        CHECK_MSG(ssz_decode_input(copy, len, &in) == SSZ_MALFORMED, "case %zu decodes as the other fork", i);
        /* Every strict prefix shorter than the fixed part fails. */
        for (size_t k = 0; k < 2 + 20 && k < len; k++)
            CHECK(ssz_decode_input(buf, k, &in) != SSZ_OK);
        free(copy);
        free(buf);
    }
}

void test_ssz_building_blocks(void)
{
    /* Container: fixed 2 bytes, a variable field, fixed 1 byte, a variable field. */
    static const uint32_t sizes[4] = {2, 0, 1, 0};
    unsigned char enc[] = {0xaa, 0xbb, 11, 0, 0, 0, 0xcc, 13, 0, 0, 0, 1, 2, 3};
    bytes f[4];
    bytes in = {enc, sizeof enc};
    CHECK(ssz_split_container(in, sizes, 4, f));
    CHECK(f[1].len == 2 && f[1].ptr[0] == 1 && f[3].len == 1 && f[3].ptr[0] == 3 && f[2].ptr[0] == 0xcc);
    enc[2] = 12; /* first offset must equal the fixed size (11) */
    CHECK(!ssz_split_container(in, sizes, 4, f));
    enc[2] = 11;
    enc[7] = 10; /* second offset before the first */
    CHECK(!ssz_split_container(in, sizes, 4, f));
    enc[7] = 13;
    static const uint32_t fixed_only[2] = {2, 1};
    bytes three = {enc, 3}, four = {enc, 4};
    CHECK(ssz_split_container(three, fixed_only, 2, f) && !ssz_split_container(four, fixed_only, 2, f));

    /* Variable list: offsets 8, 9 over "x" "yz". */
    unsigned char lst[] = {8, 0, 0, 0, 9, 0, 0, 0, 'x', 'y', 'z'};
    bytes *items;
    size_t n;
    bytes l = {lst, sizeof lst};
    CHECK(ssz_var_list(l, 2, 2, &items, &n) && n == 2 && items[1].len == 2 && items[0].ptr[0] == 'x');
    CHECK(!ssz_var_list(l, 1, 2, &items, &n));  /* over the count limit */
    CHECK(!ssz_var_list(l, 2, 1, &items, &n));  /* element over its limit */
    lst[0] = 7;
    CHECK(!ssz_var_list(l, 2, 2, &items, &n));  /* offset not a multiple of 4 */
    lst[0] = 8;
    lst[4] = 12;
    CHECK(!ssz_var_list(l, 2, 2, &items, &n));  /* offset past the end */
    bytes empty = {lst, 0};
    CHECK(ssz_var_list(empty, 2, 2, &items, &n) && n == 0);

    /* Zero-chunk roots: merkleize of nothing with limit 1 is the zero chunk; limit 2 is sha256(0^64). */
    uint8_t root[32], zero[32] = {0}, want[32];
    ssz_merkleize(NULL, 0, 1, root);
    CHECK(memcmp(root, zero, 32) == 0);
    ssz_merkleize(NULL, 0, 2, root);
    test_hex("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b", want, 32);
    CHECK(memcmp(root, want, 32) == 0);
}
