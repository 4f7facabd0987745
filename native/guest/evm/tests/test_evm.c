/* EVM unit tests: opcodes and gas on an empty state, fork gating (CLZ only from Osaka), EIP-2200
 * SSTORE costs and refunds, transient storage, memory expansion, stack limits, and modexp gas
 * (EIP-198 / EIP-2565 example; EIP-7883 formula in Osaka). Expected gas values are worked out by hand
 * from the EIPs' tables, not from this code. */
#include <stdlib.h>

#include "test.h"
#include "tests.h"

#include "../evm.h"
#include "../precompiles.h"
#include "../rlp.h"
#include "../../accel/zkvm_accelerators.h"

typedef struct run {
    call_result r;
    evm e;
    state *st;
    u256 top; /* the word the program returned (RETURN of 32 bytes), if any */
} run;

static const uint8_t CONTRACT[20] = {0xc0, 0x01};
static const uint8_t CALLER[20] = {0xca, 0x11};

static run exec_code(enum fork fork, const char *hex, uint64_t gas)
{
    static fork_params fp;
    static evm_env env;
    fp = fork_params_of(fork);
    memset(&env, 0, sizeof env);
    env.fp = &fp;
    env.number = 1;
    run out;
    memset(&out, 0, sizeof out);
    out.st = state_new(store_new(0), store_new(0), TRIE_EMPTY_ROOT);
    evm_init(&out.e, out.st, &env);
    size_t cap = strlen(hex) / 2 + 1;
    unsigned char *code = malloc(cap);
    int n = test_hex(hex, code, (int)cap);
    message m;
    memset(&m, 0, sizeof m);
    memcpy(m.caller, CALLER, 20);
    memcpy(m.target, CONTRACT, 20);
    memcpy(m.code_address, CONTRACT, 20);
    m.code.ptr = code;
    m.code.len = n < 0 ? 0 : (size_t)n;
    m.gas = gas;
    m.transfer_value = true;
    state_warm_account(out.st, state_account(out.st, CONTRACT));
    state_set_code(out.st, state_account(out.st, CONTRACT), m.code); /* so the contract can call itself */
    out.r = evm_call(&out.e, &m);
    if (out.r.success && out.r.output.len == 32)
        u256_from_be(&out.top, out.r.output.ptr, 32);
    return out;
}

/* Program tail: store the top of the stack at 0 and return it (PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN). */
#define RET "60005260206000f3"
/* Gas of the tail: PUSH1 3, MSTORE 3 + 3 (one word), PUSH1 3, PUSH1 3, RETURN 0. */
#define RET_GAS 15

void test_evm_arithmetic(void)
{
    run x = exec_code(FORK_CANCUN, "6003600201" RET, 100000); /* 2 + 3 */
    CHECK(x.r.success && x.top.w[0] == 5 && x.r.gas_left == 100000 - (3 + 3 + 3 + RET_GAS));
    x = exec_code(FORK_CANCUN, "60026003600a08" RET, 100000); /* addmod(10, 3, 2)... pushes 2,3,10: 10+3 mod 2 */
    CHECK(x.r.success && x.top.w[0] == 1 && x.r.gas_left == 100000 - (9 + 8 + RET_GAS));
    /* EXP: 10 + 50 per exponent byte: 2 ** 256 = 0 (two exponent bytes). */
    x = exec_code(FORK_CANCUN, "61010060020a" RET, 100000);
    CHECK(x.r.success && u256_is_zero(&x.top) && x.r.gas_left == 100000 - (3 + 3 + 10 + 100 + RET_GAS));
    /* SIGNEXTEND(0, 0xff) = -1. */
    x = exec_code(FORK_CANCUN, "60ff60000b" RET, 100000);
    CHECK(x.r.success && x.top.w[0] == ~0ull && x.top.w[3] == ~0ull);
}

void test_evm_clz(void)
{
    /* EIP-7939: CLZ(1) = 255, gas 5; CLZ(0) = 256. */
    run x = exec_code(FORK_OSAKA, "60011e" RET, 100000);
    CHECK(x.r.success && x.top.w[0] == 255 && x.r.gas_left == 100000 - (3 + 5 + RET_GAS));
    x = exec_code(FORK_OSAKA, "5f1e" RET, 100000);
    CHECK(x.r.success && x.top.w[0] == 256);
    /* Before Osaka 0x1e is undefined: an exceptional halt consumes all gas. */
    x = exec_code(FORK_PRAGUE, "60011e" RET, 100000);
    CHECK(!x.r.success && x.r.gas_left == 0);
}

void test_evm_memory_and_stack(void)
{
    /* MSTORE at 0x100: expansion to 288 bytes = 9 words: 3*9 + 81/512 = 27. */
    run x = exec_code(FORK_CANCUN, "6001610100525960005260206000f3", 100000);
    CHECK(x.r.success && x.top.w[0] == 288);
    CHECK(x.r.gas_left == 100000 - (3 + 3 + 3 + 27 + 2 + 3 + 3 + 3 + 3));
    /* 1025 pushes overflow the stack. */
    char *prog = malloc(2 * 1025 + 1);
    for (int i = 0; i < 1025; i++)
        memcpy(prog + 2 * i, "5f", 2);
    prog[2 * 1025] = 0;
    x = exec_code(FORK_CANCUN, prog, 1000000);
    CHECK(!x.r.success && x.r.gas_left == 0);
    free(prog);
    /* Stack underflow. */
    x = exec_code(FORK_CANCUN, "01", 1000);
    CHECK(!x.r.success && x.r.gas_left == 0);
    /* Out of gas exactly: PUSH1 PUSH1 ADD needs 9. */
    x = exec_code(FORK_CANCUN, "6001600101", 8);
    CHECK(!x.r.success);
    x = exec_code(FORK_CANCUN, "6001600101", 9);
    CHECK(x.r.success && x.r.gas_left == 0);
    /* Jumps: to a JUMPDEST works, into push data fails. */
    x = exec_code(FORK_CANCUN, "6004565b00", 1000); /* JUMP to 4, a STOP, not a JUMPDEST */
    CHECK(!x.r.success);
    x = exec_code(FORK_CANCUN, "6003565b", 1000);
    CHECK(x.r.success && x.r.gas_left == 1000 - (3 + 8 + 1));
    x = exec_code(FORK_CANCUN, "600356605b00", 1000); /* target 3 is inside PUSH1 data */
    CHECK(!x.r.success);
}

void test_evm_sstore_gas(void)
{
    /* EIP-2929 + EIP-2200 + EIP-3529 on a cold slot (the account is warm). */
    /* 0 -> 1: cold 2100 + set 20000. */
    run x = exec_code(FORK_CANCUN, "6001600055", 100000);
    CHECK(x.r.success && x.r.gas_left == 100000 - (6 + 22100) && *state_refund(x.st) == 0);
    /* 0 -> 1 -> 0: second store is warm, current != original: 100, refund 20000 - 100. */
    x = exec_code(FORK_CANCUN, "60016000556000600055", 100000);
    CHECK(x.r.success && x.r.gas_left == 100000 - (12 + 22100 + 100) && *state_refund(x.st) == 19900);
    /* SLOAD cold then warm: 2100 + 100. */
    x = exec_code(FORK_CANCUN, "600054506000545" "0", 100000);
    CHECK(x.r.success && x.r.gas_left == 100000 - (3 + 2100 + 2 + 3 + 100 + 2));
    /* SSTORE with gas <= 2300 left fails (EIP-2200 stipend rule). */
    x = exec_code(FORK_CANCUN, "6001600055", 2306);
    CHECK(!x.r.success && x.r.gas_left == 0);
}

void test_evm_transient(void)
{
    /* TSTORE(0, 7) then TLOAD(0): 100 each. */
    run x = exec_code(FORK_CANCUN, "600760005d60005c" RET, 100000);
    CHECK(x.r.success && x.top.w[0] == 7 && x.r.gas_left == 100000 - (6 + 100 + 3 + 100 + RET_GAS));
    /* A revert drops transient writes and logs; the return data survives. */
    x = exec_code(FORK_CANCUN, "600760005d60206000fd", 100000);
    CHECK(!x.r.success && x.r.gas_left > 0 && x.r.output.len == 32);
}

void test_evm_modexp_gas(void)
{
    /* EIP-198 example 1: base 3 (1 byte), exponent p - 1 (32 bytes), modulus p (32 bytes).
     * EIP-2565: complexity ceil(32/8)^2 = 16, iterations 255, gas 16*255/3 = 1360. */
    static unsigned char in[96 + 1 + 32 + 32];
    memset(in, 0, sizeof in);
    in[31] = 1;
    in[63] = 32;
    in[95] = 32;
    in[96] = 3;
    /* p = 2^256 - 2^32 - 977 = ff..ff fffffffe fffffc2f; the exponent is p - 1. */
    static const uint8_t p_tail[5] = {0xfe, 0xff, 0xff, 0xfc, 0x2f};
    memset(in + 97, 0xff, 32);
    memcpy(in + 97 + 27, p_tail, 5);
    in[97 + 31] = 0x2e;
    memset(in + 129, 0xff, 32);
    memcpy(in + 129 + 27, p_tail, 5);
    bytes b = {in, sizeof in};
    fork_params prague = fork_params_of(FORK_PRAGUE), osaka = fork_params_of(FORK_OSAKA);
    CHECK(modexp_gas(&prague, b) == 1360);
    /* EIP-7883: complexity 16 for lengths <= 32, no divisor: 16 * 255 = 4080. */
    CHECK(modexp_gas(&osaka, b) == 4080);
    /* Minimums: 200 before Osaka, 500 from Osaka (empty input). */
    bytes empty = {in, 0};
    CHECK(modexp_gas(&prague, empty) == 200);
    CHECK(modexp_gas(&osaka, empty) == 500);
    /* A huge modulus length is unpayable. */
    static unsigned char huge[96];
    memset(huge, 0, sizeof huge);
    huge[64] = 1; /* modulus length 2^248 */
    bytes h = {huge, sizeof huge};
    CHECK(modexp_gas(&prague, h) == UINT64_MAX);
    /* The result through the precompile: 3^(p-1) mod p = 1 (Fermat). */
    uint8_t addr[20] = {0};
    addr[19] = 5;
    precompile_result r = run_precompile(&prague, addr, b, 100000);
    CHECK(r.success && r.gas_left == 100000 - 1360 && r.output.len == 32 && r.output.ptr[31] == 1);
    /* EIP-7823 (Osaka): a 1025-byte base is rejected, consuming all gas. */
    static unsigned char big[96 + 1025];
    memset(big, 0, sizeof big);
    big[30] = 0x04;
    big[31] = 0x01;
    bytes bb = {big, sizeof big};
    r = run_precompile(&osaka, addr, bb, 10000000);
    CHECK(!r.success && r.gas_left == 0);
    r = run_precompile(&prague, addr, bb, 10000000);
    CHECK(r.success && r.output.len == 0);
}

struct missing_ctx {
    enum fork fork;
    unsigned id;
};

static void call_precompile(void *p)
{
    struct missing_ctx *c = p;
    fork_params fp = fork_params_of(c->fork);
    uint8_t addr[20] = {0};
    addr[18] = (uint8_t)(c->id >> 8);
    addr[19] = (uint8_t)c->id;
    bytes none = {NULL, 0};
    (void)run_precompile(&fp, addr, none, 1000000);
}

void test_evm_missing_precompiles(void)
{
    /* Every precompile of the precompiles issue fails loudly, never silently. */
    static const unsigned ids[] = {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0x100};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct missing_ctx c = {FORK_OSAKA, ids[i]};
        CHECK_MSG(test_expect_exit(call_precompile, &c) == GUEST_EXIT_MISSING_PRECOMPILE, "precompile 0x%x", ids[i]);
    }
    /* The implemented ones answer: identity costs 15 + 3 per word. */
    fork_params fp = fork_params_of(FORK_CANCUN);
    uint8_t addr[20] = {0};
    addr[19] = 4;
    uint8_t data[33] = {1, 2, 3};
    bytes in = {data, 33};
    precompile_result r = run_precompile(&fp, addr, in, 100);
    CHECK(r.success && r.gas_left == 100 - 21 && r.output.len == 33 && r.output.ptr[2] == 3);
    r = run_precompile(&fp, addr, in, 20);
    CHECK(!r.success);
}

void test_evm_storage_emptiness(void)
{
    /* EIP-7610: CREATE must see pre-existing storage. An account with two storage slots in the
     * witness; after zeroing one the account still has storage, after zeroing both it has none. */
    uint8_t k1[32] = {0}, k2[32] = {0}, h1[32], h2[32];
    k1[31] = 1;
    k2[31] = 2;
    zkvm_keccak256(k1, 32, h1);
    zkvm_keccak256(k2, 32, h2);
    uint8_t one[1] = {0x01};
    bytes v = {one, 1};
    trie st;
    trie_init_empty(&st);
    trie_put(&st, h1, 32, v);
    trie_put(&st, h2, 32, v);
    node_store *nodes = store_new(16);
    trie_collect_nodes(&st, nodes);
    uint8_t sroot[32];
    trie_root(&st, sroot);
    /* The account trie: one account with that storage root. */
    static const uint8_t addr[20] = {0xee};
    uint8_t ah[32];
    zkvm_keccak256(addr, 20, ah);
    rlp_buf b;
    buf_init(&b, 128);
    size_t l = rlp_list_begin(&b);
    rlp_put_u64(&b, 0);
    rlp_put_u64(&b, 0);
    rlp_put_bytes(&b, sroot, 32);
    rlp_put_bytes(&b, EMPTY_CODE_HASH, 32);
    rlp_list_end(&b, l);
    trie at;
    trie_init_empty(&at);
    bytes acc = {b.ptr, b.len};
    trie_put(&at, ah, 32, acc);
    trie_collect_nodes(&at, nodes);
    uint8_t root[32];
    trie_root(&at, root);

    state *s = state_new(nodes, store_new(0), root);
    account *a = state_account(s, addr);
    CHECK(a->exists && account_has_storage(s, a));
    u256 zero = u256_from_u64(0);
    state_set_storage(s, a, account_slot(s, a, k1, true), &zero);
    CHECK(account_has_storage(s, a));
    state_set_storage(s, a, account_slot(s, a, k2, true), &zero);
    CHECK(!account_has_storage(s, a));
    /* The account's own trie is untouched by the check: committing gives the empty storage root. */
    uint8_t post[32], want[32];
    state_commit(s, post);
    buf_init(&b, 128);
    l = rlp_list_begin(&b);
    rlp_put_u64(&b, 0);
    rlp_put_u64(&b, 0);
    rlp_put_bytes(&b, TRIE_EMPTY_ROOT, 32);
    rlp_put_bytes(&b, EMPTY_CODE_HASH, 32);
    rlp_list_end(&b, l);
    trie expect;
    trie_init_empty(&expect);
    bytes acc2 = {b.ptr, b.len};
    trie_put(&expect, ah, 32, acc2);
    trie_root(&expect, want);
    CHECK(memcmp(post, want, 32) == 0);
}

void test_evm_call_depth(void)
{
    /* A contract that calls itself with all gas (CALL(gas, self, 0, 0, 0, 0, 0)) then stores
     * its depth-local counter: the recursion must stop at depth 1024 (the 1025th call fails and
     * returns its gas) without exhausting the C stack, and the outermost call succeeds.
     * Code: PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 ADDRESS GAS CALL (leaves success), then
     *       TLOAD(0) + 1 -> TSTORE(0) counts the frames that ran (transient storage is shared). */
    run x = exec_code(FORK_CANCUN, "5f5f5f5f5f305af1" "5f5c600101" "5f5d" "00", 1000000000000ull);
    CHECK(x.r.success);
    uint8_t key[32] = {0};
    account *a = state_account(x.st, CONTRACT);
    slot *sl = account_slot(x.st, a, key, false);
    /* Frames at depths 0..1024 each add one after their inner call returns. */
    CHECK_MSG(sl->transient.w[0] == 1025, "frames %llu", (unsigned long long)sl->transient.w[0]);
}
