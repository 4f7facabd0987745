/* Header reconstruction, block hash, and the whole guest end to end on the first block of every
 * Cancun BlockchainTests fixture and the EEST Prague blocks (gen_block_vectors.py): the reconstructed
 * header must hash to the hash the fixture states, hash_tree_root must match the Python SSZ reference,
 * and the guest's verdict must equal the fixture's (valid blocks valid, expectException blocks
 * invalid). Every case must be judged: no exit code other than 0 is accepted. */
#include <stdlib.h>

#include "test.h"
#include "tests.h"

#include "../block.h"
#include "../execute.h"
#include "../guest.h"
#include "../ssz.h"
#include "../validate.h"

#include "block_vectors.inc" /* generated at build time from shared/fixtures (Makefile) */

#ifdef BLOCK_VECTORS_UNAVAILABLE
#define BLOCK_VECTORS_SKIP() (test_skip_reason = "shared/fixtures/ethereum not found beside the repository (set PROVER_SHARED)", 1)
#else
#define BLOCK_VECTORS_SKIP() 0
#endif

#define NBLOCKS (sizeof block_cases / sizeof block_cases[0])

static unsigned char *load(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 8;
    unsigned char *buf = malloc(cap);
    int n = test_hex(hex, buf, (int)cap);
    *len = n < 0 ? 0 : (size_t)n;
    return buf;
}

void test_block_hash(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    for (size_t i = 0; i < NBLOCKS; i++) {
        const struct block_case *c = &block_cases[i];
        size_t len;
        unsigned char *buf = load(c->input, &len);
        stateless_input in;
        if (ssz_decode_input(buf, len, &in) != SSZ_OK) {
            CHECK_MSG(0, "%s does not decode", c->name);
            free(buf);
            continue;
        }
        uint8_t root[32], want[32];
        ssz_new_payload_request_root(&in, root);
        test_hex(c->npr_root, want, 32);
        CHECK_MSG(memcmp(root, want, 32) == 0, "%s: hash_tree_root differs", c->name);
        header h;
        header_from_payload(&in, &h);
        test_hex(c->block_hash, want, 32);
        if (c->valid)
            CHECK_MSG(memcmp(h.hash, want, 32) == 0, "%s: reconstructed header hash differs", c->name);
        /* The witness header decodes and re-encodes to the same bytes. */
        header parent;
        CHECK(header_decode(in.headers[0], &parent));
        bytes enc = header_encode(&parent);
        CHECK_MSG(enc.len == in.headers[0].len && memcmp(enc.ptr, in.headers[0].ptr, enc.len) == 0,
                  "%s: parent header does not round-trip", c->name);
        free(buf);
    }
}

struct run_ctx {
    const unsigned char *data;
    size_t len;
    uint8_t root[32];
    bool valid;
    int code;
};

static void run_guest(void *p)
{
    struct run_ctx *c = p;
    c->code = guest_validate(c->data, c->len, c->root, &c->valid);
}

/* Blocks too slow for the default run (CALLBlake2f_MaxRounds executes 2^32 - 1 BLAKE2F rounds, about
 * two minutes under the sanitizers): judged only with EVM_ALL_FIXTURES=1 in the environment. */
static bool slow_case(const char *name)
{
    return strcmp(name, "CALLBlake2f_MaxRounds.json") == 0;
}

void test_block_guest_verdicts(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    int judged = 0, skipped = 0;
    const char *all = getenv("EVM_ALL_FIXTURES");
    bool run_slow = all != NULL && strcmp(all, "1") == 0;
    for (size_t i = 0; i < NBLOCKS; i++) {
        const struct block_case *bc = &block_cases[i];
        if (!run_slow && slow_case(bc->name)) {
            skipped++;
            continue;
        }
        size_t len;
        unsigned char *buf = load(bc->input, &len);
        struct run_ctx ctx = {buf, len, {0}, false, -1};
        int exit_code = test_expect_exit(run_guest, &ctx);
        CHECK_MSG(exit_code == -1 && ctx.code == GUEST_EXIT_OK, "%s: exit %d", bc->name, exit_code);
        if (exit_code == -1) {
            CHECK_MSG(ctx.valid == (bc->valid != 0), "%s: verdict %d, fixture says %d", bc->name, ctx.valid, bc->valid);
            judged += ctx.valid == (bc->valid != 0);
        }
        free(buf);
    }
    printf("  block verdicts: %d of %zu judged as the fixture says, %d slow ones skipped (EVM_ALL_FIXTURES=1 runs them)\n",
           judged, NBLOCKS, skipped);
    CHECK(judged + skipped == (int)NBLOCKS);
}

void test_block_header_rules(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    header parent;
    memset(&parent, 0, sizeof parent);
    parent.gas_limit = 30000000;
    parent.gas_used = 15000000;
    parent.base_fee = u256_from_u64(1000000000);
    /* At target: unchanged. Above: +1/8 at full; below: -1/8 at empty. */
    u256 bf = expected_base_fee(&parent);
    CHECK(bf.w[0] == 1000000000);
    parent.gas_used = 30000000;
    bf = expected_base_fee(&parent);
    CHECK(bf.w[0] == 1125000000);
    parent.gas_used = 0;
    bf = expected_base_fee(&parent);
    CHECK(bf.w[0] == 875000000);
    /* Minimum increase of 1 wei. */
    parent.base_fee = u256_from_u64(7);
    parent.gas_used = 15000001;
    bf = expected_base_fee(&parent);
    CHECK(bf.w[0] == 8);

    /* fake_exponential values from the EIP-4844 formula (computed by hand for small inputs). */
    u256 e = fake_exponential(1, 0, 3338477);
    CHECK(e.w[0] == 1);
    e = fake_exponential(1, 3338477, 3338477); /* ~ e = 2.718 -> 2 */
    CHECK(e.w[0] == 2);
    e = fake_exponential(1, (uint64_t)1 << 62, 3338477); /* saturates */
    CHECK(e.w[3] == ~(uint64_t)0);

    fork_params cancun = fork_params_of(FORK_CANCUN), osaka = fork_params_of(FORK_OSAKA);
    header p;
    memset(&p, 0, sizeof p);
    p.has_blob_gas = true;
    p.blob_gas_used = 6 * GAS_PER_BLOB;
    p.excess_blob_gas = 0;
    p.base_fee = u256_from_u64(1);
    CHECK(expected_excess_blob_gas(&p, &cancun) == 3 * GAS_PER_BLOB);
    p.blob_gas_used = 2 * GAS_PER_BLOB;
    CHECK(expected_excess_blob_gas(&p, &cancun) == 0);
    /* EIP-7918: with a high execution base fee and a cheap blob fee, excess grows by used*(max-target)/max. */
    p.blob_gas_used = 9 * GAS_PER_BLOB;
    p.excess_blob_gas = 0;
    p.base_fee = u256_from_u64(1000000000);
    CHECK(expected_excess_blob_gas(&p, &osaka) == 9 * GAS_PER_BLOB * 3 / 9);
    p.base_fee = u256_from_u64(1); /* cheap execution: the Cancun rule applies */
    CHECK(expected_excess_blob_gas(&p, &osaka) == 3 * GAS_PER_BLOB);

    /* validate_header over a consistent parent/child pair, then one field broken at a time. */
    header par, ch;
    memset(&par, 0, sizeof par);
    par.hash[0] = 0xaa;
    par.number = 10;
    par.gas_limit = 30000000;
    par.gas_used = 15000000;
    par.timestamp = 100;
    par.base_fee = u256_from_u64(1000);
    par.has_blob_gas = true;
    ch = par;
    memcpy(ch.parent_hash, par.hash, 32);
    ch.number = 11;
    ch.timestamp = 112;
    ch.gas_used = 0;
    ch.excess_blob_gas = 0;
    ch.blob_gas_used = 0;
    CHECK(validate_header(&ch, &par, &cancun) == HDR_OK);
    header bad = ch;
    bad.gas_limit = par.gas_limit + par.gas_limit / 1024;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_GAS_LIMIT_CHANGE);
    bad.gas_limit = par.gas_limit + par.gas_limit / 1024 - 1;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_OK);
    bad.gas_limit = par.gas_limit - par.gas_limit / 1024;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_GAS_LIMIT_CHANGE);
    bad = ch;
    bad.gas_used = bad.gas_limit + 1;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_GAS_USED_OVER_LIMIT);
    bad = ch;
    bad.timestamp = par.timestamp;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_TIMESTAMP);
    bad = ch;
    bad.number = 12;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_NUMBER);
    bad = ch;
    bad.base_fee = u256_from_u64(1001);
    CHECK(validate_header(&bad, &par, &cancun) == HDR_BASE_FEE);
    bad = ch;
    bad.excess_blob_gas = GAS_PER_BLOB;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_EXCESS_BLOB_GAS);
    bad = ch;
    bad.blob_gas_used = 7 * GAS_PER_BLOB;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_BLOB_GAS_USED);
    bad.blob_gas_used = GAS_PER_BLOB + 1;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_BLOB_GAS_USED);
    bad = ch;
    bad.parent_hash[0] ^= 1;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_PARENT_HASH);
    /* A parent gas limit near 2^64 must not wrap the bound. */
    par.gas_limit = UINT64_MAX;
    par.gas_used = UINT64_MAX / 2;
    bad = ch;
    bad.gas_limit = 5000;
    CHECK(validate_header(&bad, &par, &cancun) == HDR_GAS_LIMIT_CHANGE);
}

void test_block_rlp_size(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    /* EIP-7934 measures rlp([header, transactions, [], withdrawals]): for a valid block that is the
     * fixture's own block RLP, byte for byte in length. */
    int checked = 0;
    for (size_t i = 0; i < NBLOCKS; i++) {
        const struct block_case *c = &block_cases[i];
        if (!c->valid || c->rlp_len == 0)
            continue;
        size_t len;
        unsigned char *buf = load(c->input, &len);
        stateless_input in;
        if (ssz_decode_input(buf, len, &in) == SSZ_OK) {
            header h;
            header_from_payload(&in, &h);
            CHECK_MSG(rlp_block_size(&in, &h) == c->rlp_len, "%s: size %llu, fixture RLP %lu", c->name,
                      (unsigned long long)rlp_block_size(&in, &h), c->rlp_len);
            checked++;
        }
        free(buf);
    }
    CHECK(checked >= 30);
}

static const struct block_case *find_case(const char *name)
{
    for (size_t i = 0; i < NBLOCKS; i++)
        if (strcmp(block_cases[i].name, name) == 0)
            return &block_cases[i];
    return NULL;
}

/* Runs a case with its schema id's fork byte replaced. */
static struct run_ctx run_as_fork(const struct block_case *c, uint8_t fork, unsigned char **keep)
{
    size_t len;
    unsigned char *buf = load(c->input, &len);
    buf[0] = fork;
    struct run_ctx ctx = {buf, len, {0}, false, -1};
    int code = test_expect_exit(run_guest, &ctx);
    if (code != -1)
        ctx.code = code;
    *keep = buf;
    return ctx;
}

void test_block_later_forks(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    /* There are no public Osaka fixtures: the EEST Prague empty block is also a valid Osaka, BPO1 and
     * BPO2 block (no blobs, no transactions: the EIP-7918 and blob-schedule changes keep excess 0). */
    const struct block_case *empty = find_case("empty_block.json");
    CHECK(empty != NULL);
    if (empty == NULL)
        return;
    uint8_t prague_root[32];
    for (uint8_t fork = 0x11; fork <= 0x14; fork++) {
        unsigned char *buf;
        struct run_ctx ctx = run_as_fork(empty, fork, &buf);
        CHECK_MSG(ctx.code == GUEST_EXIT_OK && ctx.valid, "empty block as fork 0x%02x: exit %d valid %d", fork, ctx.code,
                  ctx.valid);
        if (fork == 0x11)
            memcpy(prague_root, ctx.root, 32);
        else
            CHECK(memcmp(prague_root, ctx.root, 32) == 0); /* the same ElectraFulu SSZ shape */
        free(buf);
    }
    /* Blocks built by @ethereumjs/vm for Prague and for Osaka (CLZ, EIP-7883 modexp, EIP-7702) are
     * each valid under their own rules only: relabelled, gas used and state differ. */
    const struct block_case *ep = find_case("ejs-prague.json"), *eo = find_case("ejs-osaka.json");
    CHECK(ep != NULL && eo != NULL);
    unsigned char *buf;
    struct run_ctx ctx;
    if (ep != NULL && eo != NULL) {
        ctx = run_as_fork(ep, 0x11, &buf);
        CHECK(ctx.code == GUEST_EXIT_OK && ctx.valid);
        free(buf);
        ctx = run_as_fork(ep, 0x12, &buf);
        CHECK_MSG(ctx.code == GUEST_EXIT_OK && !ctx.valid, "Prague block as Osaka: exit %d valid %d", ctx.code, ctx.valid);
        free(buf);
        ctx = run_as_fork(eo, 0x11, &buf);
        CHECK_MSG(ctx.code == GUEST_EXIT_OK && !ctx.valid, "Osaka block as Prague: exit %d valid %d", ctx.code, ctx.valid);
        free(buf);
        ctx = run_as_fork(eo, 0x13, &buf); /* BPO1 runs Osaka's EVM: still valid */
        CHECK(ctx.code == GUEST_EXIT_OK && ctx.valid);
        free(buf);
    }
    /* A Prague-shaped input labelled Cancun does not decode (the request lists are extra bytes). */
    ctx = run_as_fork(empty, 0x10, &buf);
    CHECK(ctx.code == GUEST_EXIT_MALFORMED_INPUT);
    free(buf);
}

void test_block_mutations(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    /* Mutated inputs (byte flips, truncations, swapped offsets) must end with a defined outcome: an
     * output (exit 0) or a documented failure code, never a sanitizer report or an internal error.
     * Seeded xorshift; the seed is printed. */
    static const char *const names[] = {"SimpleTx.json", "empty_block.json", "shanghaiExample.json",
                                        "blockWithAllTransactionTypes.json"};
    uint64_t seed = 0x9e3779b97f4a7c15ull, x = seed;
    printf("  mutation seed %llu\n", (unsigned long long)seed);
    int outcomes[16] = {0};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        const struct block_case *c = find_case(names[n]);
        CHECK(c != NULL);
        if (c == NULL)
            continue;
        size_t len;
        unsigned char *orig = load(c->input, &len);
        unsigned char *buf = malloc(len);
        for (int round = 0; round < 60; round++) {
            memcpy(buf, orig, len);
            size_t use = len;
            int flips = 1 + (int)(x % 4);
            for (int k = 0; k < flips; k++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                size_t pos = (size_t)(x % len);
                switch ((x >> 32) % 4) {
                case 0: buf[pos] ^= (uint8_t)(1u << ((x >> 40) % 8)); break;
                case 1: buf[pos] = (uint8_t)(x >> 48); break;
                case 2: use = pos > 2 ? pos : use; break;
                default: buf[pos] = 0xff; break;
                }
            }
            struct run_ctx ctx = {buf, use, {0}, false, -1};
            int code = test_expect_exit(run_guest, &ctx);
            if (code == -1)
                code = ctx.code;
            CHECK_MSG(code == 0 || code == GUEST_EXIT_MALFORMED_INPUT || code == GUEST_EXIT_UNSUPPORTED_FORK ||
                          code == GUEST_EXIT_MISSING_NODE || code == GUEST_EXIT_BAD_WITNESS,
                      "%s round %d: exit %d", c->name, round, code);
            if (code >= 0 && code < 16)
                outcomes[code]++;
        }
        free(buf);
        free(orig);
    }
    printf("  mutation outcomes: exit0 %d, malformed %d, unsupported %d, missing node %d, bad witness %d\n",
           outcomes[0], outcomes[GUEST_EXIT_MALFORMED_INPUT], outcomes[GUEST_EXIT_UNSUPPORTED_FORK],
           outcomes[GUEST_EXIT_MISSING_NODE], outcomes[GUEST_EXIT_BAD_WITNESS]);
}

void test_block_public_key_count(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    /* One public key per transaction: a key more or less is malformed input (exit 2), whatever the
     * block's validity. SimpleTx has one transaction; the keys are the container's last field. */
    const struct block_case *c = find_case("SimpleTx.json");
    CHECK(c != NULL);
    if (c == NULL)
        return;
    size_t len;
    unsigned char *buf = load(c->input, &len);
    unsigned char *more = malloc(len + 65);
    memcpy(more, buf, len);
    memset(more + len, 0x04, 65);
    struct run_ctx ctx = {more, len + 65, {0}, false, -1};
    CHECK(test_expect_exit(run_guest, &ctx) == GUEST_EXIT_MALFORMED_INPUT);
    struct run_ctx fewer = {buf, len - 65, {0}, false, -1};
    CHECK(test_expect_exit(run_guest, &fewer) == GUEST_EXIT_MALFORMED_INPUT);
    struct run_ctx same = {buf, len, {0}, false, -1};
    CHECK(test_expect_exit(run_guest, &same) == -1 && same.code == 0 && same.valid);
    /* A key that is not the signer's makes the block invalid: the hint cannot pick the sender. */
    buf[len - 1] ^= 1;
    struct run_ctx wrong = {buf, len, {0}, false, -1};
    CHECK(test_expect_exit(run_guest, &wrong) == -1 && wrong.code == 0 && !wrong.valid);
    CHECK(memcmp(wrong.root, same.root, 32) == 0); /* the keys are not part of the payload root */
    free(more);
    free(buf);
}

static void store_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* SSZ of a list of variable-size byte strings (offsets, then the bodies), skipping item `skip`. */
static size_t put_var_list(unsigned char *out, const bytes *items, size_t n, size_t skip)
{
    size_t kept = n - (skip < n ? 1 : 0), pos = 4 * kept, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == skip)
            continue;
        store_le32(out + 4 * k++, (uint32_t)pos);
        memcpy(out + pos, items[i].ptr, items[i].len);
        pos += items[i].len;
    }
    return pos;
}

/* The input with witness node skip_node (or code skip_code) left out; SIZE_MAX keeps all. */
static unsigned char *without_witness_item(const unsigned char *data, size_t len, size_t skip_node, size_t skip_code,
                                           size_t *out_len)
{
    stateless_input in;
    if (ssz_decode_input(data, len, &in) != SSZ_OK)
        return NULL;
    unsigned char *out = malloc(len + 16);
    memcpy(out, data, 2);
    unsigned char *body = out + 2;
    size_t pos = 20; /* fixed part: 3 offsets and the chain id */
    store_le32(body, (uint32_t)pos);
    memcpy(body + pos, in.new_payload_request.ptr, in.new_payload_request.len);
    pos += in.new_payload_request.len;
    store_le32(body + 4, (uint32_t)pos);
    unsigned char *w = body + pos;
    size_t wpos = 12;
    store_le32(w, (uint32_t)wpos);
    wpos += put_var_list(w + wpos, in.state, in.state_count, skip_node);
    store_le32(w + 4, (uint32_t)wpos);
    wpos += put_var_list(w + wpos, in.codes, in.code_count, skip_code);
    store_le32(w + 8, (uint32_t)wpos);
    wpos += put_var_list(w + wpos, in.headers, in.header_count, SIZE_MAX);
    pos += wpos;
    store_le64(body + 8, in.chain_id);
    store_le32(body + 16, (uint32_t)pos);
    memcpy(body + pos, in.public_keys, 65 * in.public_key_count);
    pos += 65 * in.public_key_count;
    *out_len = 2 + pos;
    return out;
}

void test_block_pre_cancun(void)
{
    if (BLOCK_VECTORS_SKIP())
        return;
    /* Blocks built by @ethereumjs/vm under Paris and Shanghai rules (tests/ejs/gen_merge.mjs): PUSH0
     * only from Shanghai, no Cancun opcodes, cold/warm coinbase, SELFDESTRUCT of pre-state accounts
     * with storage (deleted at the end of the transaction, one recreated by CREATE2 with fresh
     * storage, one burning its balance), EIP-3860 initcode cost. guest_verdicts judges them valid; here
     * the payload shapes are checked to be fork-specific. */
    const struct block_case *ep = find_case("ejs-paris.json"), *es = find_case("ejs-shanghai.json"),
                            *cancun = find_case("SimpleTx.json");
    CHECK(ep != NULL && es != NULL && cancun != NULL);
    if (ep == NULL || es == NULL || cancun == NULL)
        return;
    unsigned char *buf;
    struct run_ctx ctx = run_as_fork(ep, 0x0e, &buf);
    CHECK(ctx.code == GUEST_EXIT_OK && ctx.valid);
    free(buf);
    ctx = run_as_fork(es, 0x0f, &buf);
    CHECK(ctx.code == GUEST_EXIT_OK && ctx.valid);
    free(buf);
    /* Bellatrix (508-byte fixed part), Capella (512) and Deneb (528) payloads do not decode as one another. */
    const struct { const struct block_case *c; uint8_t fork; } relabel[] = {
        {ep, 0x0f}, {ep, 0x10}, {es, 0x0e}, {es, 0x10}, {cancun, 0x0e}, {cancun, 0x0f}};
    for (size_t i = 0; i < sizeof relabel / sizeof relabel[0]; i++) {
        ctx = run_as_fork(relabel[i].c, relabel[i].fork, &buf);
        CHECK_MSG(ctx.code == GUEST_EXIT_MALFORMED_INPUT, "%s as 0x%02x: exit %d", relabel[i].c->name, relabel[i].fork,
                  ctx.code);
        free(buf);
    }
    /* Schema ids below Paris are not supported (exit 3). */
    ctx = run_as_fork(ep, 0x0d, &buf);
    CHECK(ctx.code == GUEST_EXIT_UNSUPPORTED_FORK);
    free(buf);

    /* A witness with one node or one code left out: the block either never needed it (same verdict,
     * e.g. the storage tries of the SELFDESTRUCTed accounts, which deletion drops unread) or the guest
     * stops with exit 5; never another verdict. */
    const struct block_case *both[2] = {ep, es};
    for (int b = 0; b < 2; b++) {
        size_t len;
        unsigned char *orig = load(both[b]->input, &len);
        stateless_input in;
        CHECK(ssz_decode_input(orig, len, &in) == SSZ_OK);
        size_t nodes = in.state_count, codes = in.code_count;
        int unneeded = 0, missing = 0;
        for (size_t i = 0; i < nodes + codes; i++) {
            size_t n;
            unsigned char *cut = without_witness_item(orig, len, i < nodes ? i : SIZE_MAX, i < nodes ? SIZE_MAX : i - nodes, &n);
            CHECK(cut != NULL);
            if (cut == NULL)
                continue;
            struct run_ctx c = {cut, n, {0}, false, -1};
            int code = test_expect_exit(run_guest, &c);
            if (code == -1 && c.code == GUEST_EXIT_OK && c.valid)
                unneeded++;
            else if (code == GUEST_EXIT_MISSING_NODE)
                missing++;
            else
                CHECK_MSG(0, "%s without witness item %zu: exit %d code %d valid %d", both[b]->name, i, code, c.code, c.valid);
            free(cut);
        }
        printf("  %s: of %zu witness nodes and %zu codes, %d not needed, %d missing -> exit 5\n", both[b]->name, nodes,
               codes, unneeded, missing);
        CHECK(missing > 0 && unneeded > 0);
        free(orig);
    }
}
