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

/* Runs hex as CONTRACT's code, called by CALLER with no value, on st (NULL: an empty state). */
static run exec_code_in(enum fork fork, state *st, const char *hex, uint64_t gas)
{
    static fork_params fp;
    static evm_env env;
    fp = fork_params_of(fork);
    memset(&env, 0, sizeof env);
    env.fp = &fp;
    env.number = 1;
    run out;
    memset(&out, 0, sizeof out);
    out.st = st != NULL ? st : state_new(store_new(0), store_new(0), TRIE_EMPTY_ROOT);
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

static run exec_code(enum fork fork, const char *hex, uint64_t gas)
{
    return exec_code_in(fork, NULL, hex, gas);
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

void test_evm_pre_cancun(void)
{
    /* EIP-3855: PUSH0 (gas 2) from Shanghai; an undefined opcode in Paris (all gas consumed). */
    run x = exec_code(FORK_SHANGHAI, "5f" RET, 100000);
    CHECK(x.r.success && u256_is_zero(&x.top) && x.r.gas_left == 100000 - (2 + RET_GAS));
    x = exec_code(FORK_PARIS, "5f" RET, 100000);
    CHECK(!x.r.success && x.r.gas_left == 0);
    /* Cancun's opcodes are undefined before it: TLOAD, TSTORE, MCOPY, BLOBHASH, BLOBBASEFEE. */
    static const char *const cancun_ops[] = {"60005c", "600160005d", "6001600060005e", "600049", "4a"};
    for (size_t i = 0; i < sizeof cancun_ops / sizeof cancun_ops[0]; i++) {
        char prog[64];
        snprintf(prog, sizeof prog, "%s00", cancun_ops[i]);
        x = exec_code(FORK_SHANGHAI, prog, 100000);
        CHECK_MSG(!x.r.success && x.r.gas_left == 0, "%s in Shanghai", cancun_ops[i]);
        x = exec_code(FORK_PARIS, prog, 100000);
        CHECK_MSG(!x.r.success && x.r.gas_left == 0, "%s in Paris", cancun_ops[i]);
        x = exec_code(FORK_CANCUN, prog, 100000);
        CHECK_MSG(x.r.success, "%s in Cancun", cancun_ops[i]);
    }
    /* DIFFICULTY (0x44) is PREVRANDAO since Paris. */
    x = exec_code(FORK_PARIS, "44" RET, 100000);
    CHECK(x.r.success && x.r.gas_left == 100000 - (2 + RET_GAS));
    /* EIP-3860: CREATE of 64 zero bytes costs 2 gas per init code word more from Shanghai (the child
     * runs STOP and hands back its gas, so the difference is exactly 2 × 2). */
    run p = exec_code(FORK_PARIS, "604060006000f0" RET, 200000), s = exec_code(FORK_SHANGHAI, "604060006000f0" RET, 200000);
    CHECK(p.r.success && s.r.success && !u256_is_zero(&p.top) && !u256_is_zero(&s.top));
    CHECK(p.r.gas_left == s.r.gas_left + 4);
    /* Init code of 49153 bytes (limit + 1): an exceptional halt from Shanghai, allowed in Paris. */
    p = exec_code(FORK_PARIS, "62" "00c001" "60006000f0" RET, 500000);
    CHECK(p.r.success && !u256_is_zero(&p.top));
    s = exec_code(FORK_SHANGHAI, "62" "00c001" "60006000f0" RET, 500000);
    CHECK(!s.r.success && s.r.gas_left == 0);
    /* SELFDESTRUCT of an account that was not created in the transaction: deleted at the end of the
     * transaction before Cancun, kept (only the balance moves) from EIP-6780. */
    static const char *const sd = "73" "00000000000000000000000000000000000000be" "ff";
    static const uint8_t contract[20] = {0xc0, 0x01};
    const enum fork forks[3] = {FORK_PARIS, FORK_SHANGHAI, FORK_CANCUN};
    for (int i = 0; i < 3; i++) {
        x = exec_code(forks[i], sd, 100000);
        CHECK(x.r.success);
        /* 3 (PUSH20) + 5000 + 2600 (cold beneficiary); no G_NEW_ACCOUNT: the balance is zero. */
        CHECK(x.r.gas_left == 100000 - (3 + 5000 + 2600));
        account *a = state_account(x.st, contract);
        CHECK(a->destructed == (forks[i] != FORK_CANCUN));
        CHECK(*state_refund(x.st) == 0); /* no SELFDESTRUCT refund since EIP-3529 */
        state_end_tx(x.st);
        CHECK(a->exists == (forks[i] == FORK_CANCUN));
        /* The beneficiary received nothing: an empty account is not left behind (EIP-161 touch). */
        static const uint8_t ben_addr[20] = {[19] = 0xbe};
        CHECK_MSG(!state_account(x.st, ben_addr)->exists, "fork 0x%02x: empty beneficiary left in the state", forks[i]);
    }
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

static precompile_result call_pc(enum fork f, unsigned id, const unsigned char *data, size_t len, uint64_t gas)
{
    fork_params fp = fork_params_of(f);
    uint8_t addr[20] = {0};
    addr[18] = (uint8_t)(id >> 8);
    addr[19] = (uint8_t)id;
    bytes in = {data, len};
    return run_precompile(&fp, addr, in, gas);
}

static bool out_is(precompile_result r, const char *hex)
{
    unsigned char want[256];
    int n = test_hex(hex, want, sizeof want);
    return n >= 0 && r.output.len == (size_t)n && (n == 0 || memcmp(r.output.ptr, want, (size_t)n) == 0);
}

static bool all_zero(precompile_result r, size_t n)
{
    if (r.output.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (r.output.ptr[i])
            return false;
    return true;
}

void test_evm_precompiles(void)
{
    static unsigned char buf[1024];
    precompile_result r;
    /* Fork gating: BLS12-381 from Prague, P256VERIFY from Osaka (else plain empty accounts). */
    evm_env env;
    memset(&env, 0, sizeof env);
    evm e;
    memset(&e, 0, sizeof e);
    e.env = &env;
    uint8_t a[20] = {0};
    fork_params fc = fork_params_of(FORK_CANCUN), fpr = fork_params_of(FORK_PRAGUE), fo = fork_params_of(FORK_OSAKA);
    a[19] = 0x0a;
    env.fp = &fc;
    CHECK(evm_is_precompile(&e, a));
    a[19] = 0x0b;
    CHECK(!evm_is_precompile(&e, a));
    env.fp = &fpr;
    CHECK(evm_is_precompile(&e, a));
    a[19] = 0x12;
    CHECK(!evm_is_precompile(&e, a));
    a[18] = 1, a[19] = 0;
    CHECK(!evm_is_precompile(&e, a));
    env.fp = &fo;
    CHECK(evm_is_precompile(&e, a));

    /* ECADD (150 gas): G + G = 2G (plain-Python affine arithmetic); short input zero-padded. */
    static const char G1_G1[] = "0000000000000000000000000000000000000000000000000000000000000001"
                                "0000000000000000000000000000000000000000000000000000000000000002"
                                "0000000000000000000000000000000000000000000000000000000000000001"
                                "0000000000000000000000000000000000000000000000000000000000000002";
    static const char TWO_G[] = "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
                                "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4";
    static const char THREE_G[] = "0769bf9ac56bea3ff40232bcb1b6bd159315d84715b8e679f2d355961915abf0"
                                  "2ab799bee0489429554fdb7c8d086475319e63b40b9c5b57cdf1ff3dd9fe2261";
    int n = test_hex(G1_G1, buf, sizeof buf);
    r = call_pc(FORK_CANCUN, 6, buf, (size_t)n, 1000);
    CHECK(r.success && r.gas_left == 850 && out_is(r, TWO_G));
    r = call_pc(FORK_CANCUN, 6, buf, 64, 1000); /* G + O (padded) */
    CHECK(r.success && r.output.len == 64 && memcmp(r.output.ptr, buf, 64) == 0);
    r = call_pc(FORK_CANCUN, 6, NULL, 0, 150);
    CHECK(r.success && r.gas_left == 0 && all_zero(r, 64));
    r = call_pc(FORK_CANCUN, 6, buf, (size_t)n, 149);
    CHECK(!r.success && r.gas_left == 0);
    buf[63] = 3; /* (1, 3) is not on the curve */
    r = call_pc(FORK_CANCUN, 6, buf, (size_t)n, 1000);
    CHECK(!r.success && r.gas_left == 0);
    /* ECMUL (6000 gas): 3·G; the scalar's missing low bytes are zero padding. */
    n = test_hex(G1_G1, buf, sizeof buf);
    memset(buf + 64, 0, 32);
    buf[95] = 3;
    r = call_pc(FORK_CANCUN, 7, buf, 96, 7000);
    CHECK(r.success && r.gas_left == 1000 && out_is(r, THREE_G));
    r = call_pc(FORK_CANCUN, 7, buf, 95, 7000); /* scalar 3 << 0 with last byte cut: 0x03 → 0 → O */
    CHECK(r.success && all_zero(r, 64));
    r = call_pc(FORK_CANCUN, 7, buf, 96, 5999);
    CHECK(!r.success);
    /* ECPAIRING (45000 + 34000 k): empty input is the empty product 1; length not a multiple of 192 fails. */
    r = call_pc(FORK_CANCUN, 8, NULL, 0, 45000);
    CHECK(r.success && r.gas_left == 0 && r.output.len == 32 && r.output.ptr[31] == 1);
    memset(buf, 0, 192);
    r = call_pc(FORK_CANCUN, 8, buf, 192, 79000); /* e(O, O) = 1 */
    CHECK(r.success && r.gas_left == 0 && r.output.ptr[31] == 1);
    r = call_pc(FORK_CANCUN, 8, buf, 192, 78999);
    CHECK(!r.success);
    r = call_pc(FORK_CANCUN, 8, buf, 191, 1000000);
    CHECK(!r.success && r.gas_left == 0);

    /* BLAKE2F (gas = rounds): BLAKE2b-512("abc") as one final 12-round compression (EIP-152 vector 5,
     * output from Python hashlib). */
    static const char B2_IN[] =
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000001";
    static const char B2_OUT[] = "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923";
    n = test_hex(B2_IN, buf, sizeof buf);
    CHECK(n == 213);
    r = call_pc(FORK_CANCUN, 9, buf, 213, 20);
    CHECK(r.success && r.gas_left == 8 && out_is(r, B2_OUT));
    r = call_pc(FORK_CANCUN, 9, buf, 213, 11);
    CHECK(!r.success);
    r = call_pc(FORK_CANCUN, 9, buf, 212, 1000);
    CHECK(!r.success && r.gas_left == 0);
    buf[212] = 2;
    r = call_pc(FORK_CANCUN, 9, buf, 213, 1000);
    CHECK(!r.success && r.gas_left == 0);

    /* POINT_EVALUATION: exact 192 bytes and the versioned hash of the commitment. */
    memset(buf, 0, 192);
    buf[96] = 0xc0; /* the infinity commitment, but versioned hash 0 does not match */
    r = call_pc(FORK_CANCUN, 10, buf, 192, 100000);
    CHECK(!r.success && r.gas_left == 0);
    r = call_pc(FORK_CANCUN, 10, buf, 191, 100000);
    CHECK(!r.success);

    /* BLS12-381: gas of the fixed-cost operations, exact lengths, MSM discounts (EIP-2537 tables). */
    memset(buf, 0, 512);
    r = call_pc(FORK_PRAGUE, 0x0b, buf, 256, 1000); /* O + O */
    CHECK(r.success && r.gas_left == 625 && all_zero(r, 128));
    r = call_pc(FORK_PRAGUE, 0x0b, buf, 255, 1000);
    CHECK(!r.success && r.gas_left == 0);
    r = call_pc(FORK_PRAGUE, 0x0d, buf, 512, 1000);
    CHECK(r.success && r.gas_left == 400 && all_zero(r, 256));
    r = call_pc(FORK_PRAGUE, 0x0d, buf, 512, 599);
    CHECK(!r.success);
    r = call_pc(FORK_PRAGUE, 0x0c, buf, 160, 12000); /* O · 0 = O, k = 1: no discount */
    CHECK(r.success && r.gas_left == 0 && all_zero(r, 128));
    r = call_pc(FORK_PRAGUE, 0x0c, buf, 0, 100000);
    CHECK(!r.success);
    r = call_pc(FORK_PRAGUE, 0x0e, buf, 288, 22500);
    CHECK(r.success && r.gas_left == 0 && all_zero(r, 256));
    CHECK(bls_msm_gas(false, 2) == 22776 && bls_msm_gas(true, 2) == 45000);
    CHECK(bls_msm_gas(false, 128) == 797184 && bls_msm_gas(false, 1000) == 6228000);
    CHECK(bls_msm_gas(true, 128) == 1509120 && bls_msm_gas(true, 129) == 1520910);
    r = call_pc(FORK_PRAGUE, 0x0f, buf, 384, 70300); /* e(O, O) = 1 */
    CHECK(r.success && r.gas_left == 0 && r.output.len == 32 && r.output.ptr[31] == 1);
    r = call_pc(FORK_PRAGUE, 0x0f, NULL, 0, 1000000);
    CHECK(!r.success);
    r = call_pc(FORK_PRAGUE, 0x10, buf, 64, 5500);
    CHECK(r.success && r.gas_left == 0 && r.output.len == 128);
    r = call_pc(FORK_PRAGUE, 0x11, buf, 128, 23800);
    CHECK(r.success && r.gas_left == 0 && r.output.len == 256);
    memset(buf, 0xff, 64); /* not below p */
    r = call_pc(FORK_PRAGUE, 0x10, buf, 64, 5500);
    CHECK(!r.success);

    /* P256VERIFY (Osaka, 6900 gas): a valid signature (OpenSSL-made, accel p256 vectors), a failing
     * one and a wrong length return success with 1 / empty output. */
    static const char P256_OK[] =
        "d1d57f61d842f1c58bd990969d679bd65b52129d3cc6f4befc5c78afe826320957d152fff4cdc7ef1db793c553aa4b7b6e7648fb097d4c304e43b2a19a221eeef7ad934570ae3bf7315ad6f3cc967eebf24fd1d46af0df9b8fa6b9ccc15504b13ffd0d7fdcc0dfb380a8377205394613e2d7c4a6220fb612b292f498e19ffc18c85feb32ab383f2a2432b83f9e9e1e247c17d655694358b6ab2f006432901556";
    n = test_hex(P256_OK, buf, sizeof buf);
    CHECK(n == 160);
    r = call_pc(FORK_OSAKA, 0x100, buf, 160, 7000);
    CHECK(r.success && r.gas_left == 100 && r.output.len == 32 && r.output.ptr[31] == 1 && r.output.ptr[0] == 0);
    buf[0] ^= 1;
    r = call_pc(FORK_OSAKA, 0x100, buf, 160, 7000);
    CHECK(r.success && r.gas_left == 100 && r.output.len == 0);
    r = call_pc(FORK_OSAKA, 0x100, buf, 159, 7000);
    CHECK(r.success && r.gas_left == 100 && r.output.len == 0);
    r = call_pc(FORK_OSAKA, 0x100, buf, 160, 6899);
    CHECK(!r.success && r.gas_left == 0);

    /* Identity costs 15 + 3 per word. */
    uint8_t data[33] = {1, 2, 3};
    r = call_pc(FORK_CANCUN, 4, data, 33, 100);
    CHECK(r.success && r.gas_left == 100 - 21 && r.output.len == 33 && r.output.ptr[2] == 3);
    r = call_pc(FORK_CANCUN, 4, data, 33, 20);
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

/* ---- accounts read only when needed (state_account_ref, state.c) ------------------------------ */

static const uint8_t SHA256_ADDR[20] = {[19] = 0x02};
static const uint8_t OTHER[20] = {0x0e, 0x0e};

typedef struct witness_state {
    node_store *nodes, *codes;
    uint8_t root[32];
} witness_state;

static bytes account_rlp(uint64_t nonce, uint64_t balance, const uint8_t code_hash[32])
{
    rlp_buf b;
    buf_init(&b, 128);
    size_t l = rlp_list_begin(&b);
    rlp_put_u64(&b, nonce);
    rlp_put_u64(&b, balance);
    rlp_put_bytes(&b, TRIE_EMPTY_ROOT, 32);
    rlp_put_bytes(&b, code_hash, 32);
    rlp_list_end(&b, l);
    return (bytes){b.ptr, b.len};
}

/* A pre-state of three accounts whose hashed keys start with different nibbles (CONTRACT 0x05..,
 * OTHER 0xa3.., the SHA-256 precompile 0xd5..), so the root is a branch over three leaves referenced
 * by hash: CONTRACT with code `hex` and `balance`, OTHER (nonce 1, balance 5) and the precompile
 * (balance 1, as on mainnet). With drop_precompile the precompile's leaf is left out of the witness:
 * reading that account must end the guest with GUEST_EXIT_MISSING_NODE. */
static witness_state precompile_witness(const char *hex, uint64_t balance, bool drop_precompile)
{
    witness_state w;
    w.codes = store_new(4);
    size_t cap = strlen(hex) / 2 + 1;
    unsigned char *code = malloc(cap);
    int n = test_hex(hex, code, (int)cap);
    bytes c = {code, n < 0 ? 0 : (size_t)n};
    uint8_t code_hash[32];
    zkvm_keccak256(c.ptr, c.len, code_hash);
    store_add(w.codes, c);
    const uint8_t *addrs[3] = {CONTRACT, OTHER, SHA256_ADDR};
    bytes values[3] = {account_rlp(0, balance, code_hash), account_rlp(1, 5, EMPTY_CODE_HASH),
                       account_rlp(0, 1, EMPTY_CODE_HASH)};
    trie t;
    trie_init_empty(&t);
    uint8_t keys[3][32];
    for (int i = 0; i < 3; i++) {
        zkvm_keccak256(addrs[i], 20, keys[i]);
        trie_put(&t, keys[i], 32, values[i]);
    }
    CHECK((keys[0][0] >> 4) != (keys[1][0] >> 4) && (keys[0][0] >> 4) != (keys[2][0] >> 4) &&
          (keys[1][0] >> 4) != (keys[2][0] >> 4));
    trie_root(&t, w.root);
    w.nodes = store_new(8);
    node_store *all = store_new(8);
    trie_collect_nodes(&t, all);
    /* The precompile's leaf under the root branch: [hex-prefix(the 63 remaining nibbles), account]. */
    uint8_t path[32];
    path[0] = (uint8_t)(0x30 | (keys[2][0] & 0x0f));
    memcpy(path + 1, keys[2] + 1, 31);
    rlp_buf leaf;
    buf_init(&leaf, 128);
    size_t l = rlp_list_begin(&leaf);
    rlp_put_bytes(&leaf, path, 32);
    rlp_put_bytes(&leaf, values[2].ptr, values[2].len);
    rlp_list_end(&leaf, l);
    uint8_t leaf_hash[32];
    zkvm_keccak256(leaf.ptr, leaf.len, leaf_hash);
    bytes found;
    CHECK(store_get(all, leaf_hash, &found)); /* the leaf is where this test expects it */
    /* Root branch and the other two leaves, plus the precompile's leaf unless dropped. */
    bytes root_node;
    CHECK(store_get(all, w.root, &root_node));
    store_add(w.nodes, root_node);
    for (int i = 0; i < 2; i++) {
        uint8_t p[32];
        p[0] = (uint8_t)(0x30 | (keys[i][0] & 0x0f));
        memcpy(p + 1, keys[i] + 1, 31);
        rlp_buf b;
        buf_init(&b, 128);
        size_t bl = rlp_list_begin(&b);
        rlp_put_bytes(&b, p, 32);
        rlp_put_bytes(&b, values[i].ptr, values[i].len);
        rlp_list_end(&b, bl);
        uint8_t h[32];
        zkvm_keccak256(b.ptr, b.len, h);
        CHECK(store_get(all, h, &found));
        store_add(w.nodes, found);
    }
    if (!drop_precompile)
        store_add(w.nodes, (bytes){leaf.ptr, leaf.len});
    return w;
}

struct witness_run {
    enum fork fork;
    const char *hex;
    uint64_t balance;
    bool drop;
    run x;
    bool precompile_read;
    uint8_t post[32];
};

static void witness_run_fn(void *p)
{
    struct witness_run *c = p;
    witness_state w = precompile_witness(c->hex, c->balance, c->drop);
    state *st = state_new(w.nodes, w.codes, w.root);
    c->x = exec_code_in(c->fork, st, c->hex, 1000000);
    c->precompile_read = state_account_ref(st, SHA256_ADDR)->loaded;
    state_end_tx(st);
    state_commit(st, c->post);
}

/* Runs the program with the precompile's leaf dropped; returns the exit code (-1: it returned). */
static int run_without_precompile(enum fork fork, const char *hex, uint64_t balance, struct witness_run *out)
{
    memset(out, 0, sizeof *out);
    out->fork = fork;
    out->hex = hex;
    out->balance = balance;
    out->drop = true;
    return test_expect_exit(witness_run_fn, out);
}

/* SHA-256 of the empty string, the precompile's answer to an empty input. */
static const char SHA256_EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

void test_evm_unread_accounts(void)
{
    /* STATICCALL(gas, 0x02, 0, 0, 0, 32) and CALL(gas, 0x02, 0 wei, 0, 0, 0, 32): before Prague a call
     * that sends a precompile nothing reads none of its account (clients only warm it). The witness
     * without the precompile's leaf gives the answer, gas and post-state root a full witness gives. */
    static const char *const calls[2] = {"6020600060006000" "6002" "5afa" "50" "600051" RET,
                                         "60206000600060006000" "6002" "5af1" "50" "600051" RET};
    uint8_t want[32];
    test_hex(SHA256_EMPTY, want, 32);
    const enum fork pre_prague[3] = {FORK_PARIS, FORK_SHANGHAI, FORK_CANCUN};
    for (int c = 0; c < 2; c++) {
        for (int f = 0; f < 3; f++) {
            struct witness_run lean, full;
            int code = run_without_precompile(pre_prague[f], calls[c], 1000, &lean);
            CHECK_MSG(code == -1, "call %d, fork 0x%02x: exit %d without the precompile's account", c, pre_prague[f], code);
            if (code != -1)
                continue;
            uint8_t got[32];
            u256_to_be32(&lean.x.top, got);
            CHECK(lean.x.r.success && memcmp(got, want, 32) == 0 && !lean.precompile_read);
            memset(&full, 0, sizeof full);
            full.fork = pre_prague[f];
            full.hex = calls[c];
            full.balance = 1000;
            CHECK(test_expect_exit(witness_run_fn, &full) == -1);
            CHECK(full.x.r.success && full.x.r.gas_left == lean.x.r.gas_left && memcmp(full.post, lean.post, 32) == 0);
        }
        /* From Prague the callee's code is read for its EIP-7702 delegation: the node must be there. */
        struct witness_run r;
        CHECK_MSG(run_without_precompile(FORK_PRAGUE, calls[c], 1000, &r) == GUEST_EXIT_MISSING_NODE, "call %d in Prague", c);
    }
    /* Whatever needs a field of the account still ends with "missing node", never a guess: CALL with
     * 1 wei to the precompile, BALANCE, EXTCODESIZE, EXTCODEHASH, and SELFDESTRUCT sending it a balance. */
    static const char *const needs[5] = {"60206000600060006001" "6002" "5af1" "50" "00", "6002" "31" RET, "6002" "3b" RET,
                                         "6002" "3f" RET, "6002" "ff"};
    for (int i = 0; i < 5; i++) {
        struct witness_run r;
        int code = run_without_precompile(FORK_CANCUN, needs[i], 1000, &r);
        CHECK_MSG(code == GUEST_EXIT_MISSING_NODE, "program %d: exit %d", i, code);
    }
    /* SELFDESTRUCT of an account with no balance only warms and touches the beneficiary. */
    struct witness_run sd;
    int code = run_without_precompile(FORK_CANCUN, "6002" "ff", 0, &sd);
    CHECK_MSG(code == -1 && sd.x.r.success && !sd.precompile_read, "selfdestruct of nothing: exit %d", code);
}

void test_evm_record_journal(void)
{
    /* A journal entry made while an account was only a record (its warm flag) must not undo the read
     * that came after it: warm the record, read the account, change it, revert to before the warm. */
    witness_state w = precompile_witness("00", 1000, false);
    state *s = state_new(w.nodes, w.codes, w.root);
    snapshot snap = state_snapshot(s, 0);
    account *r = state_account_ref(s, OTHER);
    CHECK(!r->loaded);
    state_warm_account(s, r);
    account *a = state_account(s, OTHER);
    CHECK(a == r && a->loaded && a->exists && a->nonce == 1 && a->balance.w[0] == 5);
    u256 v = u256_from_u64(7);
    state_set_balance(s, a, &v);
    state_revert(s, snap);
    CHECK(a->exists && a->balance.w[0] == 5 && !a->dirty && !a->warm);
    /* A touched record that was never read deletes nothing (EIP-7523); a touched absent one neither. */
    static const uint8_t absent[20] = {0xab};
    state_touch(s, state_account_ref(s, absent));
    state_touch(s, state_account_ref(s, SHA256_ADDR));
    state_end_tx(s);
    CHECK(!state_account_ref(s, absent)->loaded && !state_account_ref(s, SHA256_ADDR)->loaded);
    uint8_t post[32];
    state_commit(s, post);
    CHECK(memcmp(post, w.root, 32) == 0);
    /* A mutation of a record reads the account first. */
    state *s2 = state_new(w.nodes, w.codes, w.root);
    account *r2 = state_account_ref(s2, OTHER);
    u256 nine = u256_from_u64(9);
    state_set_balance(s2, r2, &nine);
    CHECK(r2->loaded && r2->exists && r2->nonce == 1 && r2->balance.w[0] == 9);
}
