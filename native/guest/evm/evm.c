#include "evm.h"

#include "../accel/zkvm_accelerators.h"
#include "precompiles.h"
#include "rlp.h"

#define STACK_LIMIT 1024
#define DEPTH_LIMIT 1024
#define MAX_CODE_SIZE 24576
#define MAX_INITCODE_SIZE (2 * MAX_CODE_SIZE)

#define G_WARM 100
#define G_COLD_ACCOUNT 2600
#define G_COLD_SLOAD 2100
#define G_SSTORE_SET 20000
#define G_SSTORE_UPDATE 5000
#define G_SSTORE_CLEAR_REFUND 4800
#define G_CALL_VALUE 9000
#define G_CALL_STIPEND 2300
#define G_NEW_ACCOUNT 25000
#define G_SELFDESTRUCT 5000
#define G_CREATE 32000
#define G_CODE_DEPOSIT 200
#define G_KECCAK 30
#define G_KECCAK_WORD 6
#define G_COPY_WORD 3
#define G_LOG 375
#define G_LOG_TOPIC 375
#define G_LOG_DATA 8
#define G_EXP 10
#define G_EXP_BYTE 50
#define G_BLOCKHASH 20
#define G_INITCODE_WORD 2

static void keccak(const uint8_t *p, size_t n, uint8_t out[32])
{
    if (zkvm_keccak256(p, n, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
}

void evm_init(evm *e, state *st, const evm_env *env)
{
    memset(e, 0, sizeof *e);
    e->st = st;
    e->env = env;
}

bool evm_delegation(bytes code, uint8_t target[20])
{
    if (code.len != 23 || code.ptr[0] != 0xef || code.ptr[1] != 0x01 || code.ptr[2] != 0x00)
        return false;
    if (target)
        memcpy(target, code.ptr + 3, 20);
    return true;
}

void evm_create_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20])
{
    rlp_buf b;
    buf_init(&b, 32);
    size_t l = rlp_list_begin(&b);
    rlp_put_bytes(&b, sender, 20);
    rlp_put_u64(&b, nonce);
    rlp_list_end(&b, l);
    uint8_t h[32];
    keccak(b.ptr, b.len, h);
    memcpy(out, h + 12, 20);
}

bool evm_is_precompile(const evm *e, const uint8_t addr[20])
{
    for (int i = 0; i < 18; i++)
        if (addr[i] != 0)
            return false;
    unsigned v = (unsigned)addr[18] << 8 | addr[19];
    if (v >= 1 && v <= 0x09)
        return true;
    if (e->env->fp->cancun && v == 0x0a) /* EIP-4844 point evaluation */
        return true;
    if (e->env->fp->prague && v >= 0x0b && v <= 0x11)
        return true;
    return e->env->fp->osaka && v == 0x100;
}

/* ---- frames ----------------------------------------------------------------------------------- */

typedef struct frame {
    evm *e;
    const message *m;
    account *self;
    bytes code;
    const uint8_t *jumpdests; /* bitmap */
    u256 *stack;
    int sp;
    uint8_t *mem;
    uint64_t mem_size, mem_cap; /* bytes (multiple of 32) */
    uint64_t gas;
    bytes ret_data;
    bytes output;
} frame;

typedef enum halt { H_RUNNING, H_STOP, H_RETURN, H_REVERT, H_ERROR } halt;

static bool charge(frame *f, uint64_t g)
{
    if (f->gas < g)
        return false;
    f->gas -= g;
    return true;
}

/* Total memory cost of a memory of `words` 32-byte words (yellow paper C_mem). */
static unsigned __int128 mem_cost_words(unsigned __int128 words)
{
    return 3 * words + words * words / 512;
}

/* Charges the expansion to cover [offset, offset + size) and grows the memory; false on out-of-gas
 * (a zero size never expands, whatever the offset). */
static bool mem_expand(frame *f, const u256 *offset, const u256 *size)
{
    if (u256_is_zero(size))
        return true;
    if (!u256_fits_u64(offset) || !u256_fits_u64(size))
        return false;
    unsigned __int128 end = (unsigned __int128)offset->w[0] + size->w[0];
    if (end <= f->mem_size)
        return true;
    unsigned __int128 new_words = (end + 31) / 32;
    if (new_words > ((unsigned __int128)1 << 58))
        return false; /* cost beyond 2^64 */
    unsigned __int128 cost = mem_cost_words(new_words) - mem_cost_words(f->mem_size / 32);
    if (cost > f->gas)
        return false;
    f->gas -= (uint64_t)cost;
    uint64_t new_size = (uint64_t)new_words * 32;
    if (new_size > ((uint64_t)1 << 32))
        guest_fail(ZKVM_EXIT_ABORT, "EVM memory beyond the guest's capacity");
    if (new_size > f->mem_cap) {
        uint64_t cap = f->mem_cap ? f->mem_cap : 1024;
        while (cap < new_size)
            cap *= 2;
        uint8_t *n = guest_alloc((size_t)cap);
        if (f->mem_size)
            memcpy(n, f->mem, (size_t)f->mem_size);
        free(f->mem);
        f->mem = n;
        f->mem_cap = cap;
    }
    memset(f->mem + f->mem_size, 0, (size_t)(new_size - f->mem_size));
    f->mem_size = new_size;
    return true;
}

static uint64_t words_of(uint64_t n)
{
    return n / 32 + (n % 32 != 0);
}

/* Copies src[off .. off+n) (zero beyond src) into dst. */
static void copy_padded(uint8_t *dst, bytes src, const u256 *off, uint64_t n)
{
    uint64_t start = u256_fits_u64(off) ? off->w[0] : UINT64_MAX;
    if (n > 0 && start <= src.len && n <= src.len - start) { /* all inside src */
        memcpy(dst, src.ptr + start, (size_t)n);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        unsigned __int128 p = (unsigned __int128)start + i;
        dst[i] = p < src.len ? src.ptr[(size_t)p] : 0;
    }
}

/* Bytes from an opcode to the next one: 1, or 1 + n for PUSHn (0x60 + n - 1). */
static const uint8_t OP_ADVANCE[256] = {
    [0x00 ... 0x5f] = 1,
    /* 0x60 PUSH1 .. 0x7f PUSH32 */
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
    19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
    [0x80 ... 0xff] = 1,
};

static uint8_t *analyze_jumpdests(const uint8_t *code, size_t n)
{
    uint8_t *map = guest_zalloc(n / 8 + 1);
    for (size_t i = 0; i < n; i += OP_ADVANCE[code[i]])
        if (code[i] == 0x5b)
            map[i / 8] |= (uint8_t)(1u << (i % 8));
    return map;
}

static size_t jumpdest_slot(const uint8_t *code, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)code * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

/* The JUMPDEST bitmap of a code, analysed once per block: the same contract runs in many frames (every call
 * to a token, a router, a proxy's implementation), and the scan costs about 11 cycles per code byte. The key
 * is the code's address and length. That is sound because no code buffer changes or is freed while the block
 * runs: codes are the witness's bytes, created code and init code are fresh allocations written once before
 * they run, and the evm (with this cache) is set up anew for each block (evm_init). */
static const uint8_t *jumpdests_of(evm *e, bytes code)
{
    if (e->jumpdest_cap) {
        for (size_t i = jumpdest_slot(code.ptr, e->jumpdest_cap);; i = (i + 1) & (e->jumpdest_cap - 1)) {
            jumpdest_entry *j = &e->jumpdests[i];
            if (j->code == NULL)
                break;
            if (j->code == code.ptr && j->len == code.len)
                return j->map;
        }
    }
    if (2 * (e->jumpdest_count + 1) > e->jumpdest_cap) {
        size_t cap = e->jumpdest_cap ? 2 * e->jumpdest_cap : 64;
        jumpdest_entry *t = guest_zalloc(cap * sizeof *t);
        for (size_t i = 0; i < e->jumpdest_cap; i++) {
            jumpdest_entry *j = &e->jumpdests[i];
            if (j->code == NULL)
                continue;
            size_t k = jumpdest_slot(j->code, cap);
            while (t[k].code)
                k = (k + 1) & (cap - 1);
            t[k] = *j;
        }
        free(e->jumpdests);
        e->jumpdests = t;
        e->jumpdest_cap = cap;
    }
    uint8_t *map = analyze_jumpdests(code.ptr, code.len);
    size_t k = jumpdest_slot(code.ptr, e->jumpdest_cap);
    while (e->jumpdests[k].code)
        k = (k + 1) & (e->jumpdest_cap - 1);
    e->jumpdests[k].code = code.ptr;
    e->jumpdests[k].len = code.len;
    e->jumpdests[k].map = map;
    e->jumpdest_count++;
    return map;
}

static bool valid_jump(const frame *f, const u256 *dest)
{
    if (!u256_fits_u64(dest) || dest->w[0] >= f->code.len)
        return false;
    uint64_t d = dest->w[0];
    return (f->jumpdests[d / 8] >> (d % 8)) & 1;
}

static void addr_from_u256(const u256 *v, uint8_t out[20])
{
    uint8_t b[32];
    u256_to_be32(v, b);
    memcpy(out, b + 12, 20);
}

static u256 u256_from_addr(const uint8_t a[20])
{
    u256 r;
    u256_from_be(&r, a, 20);
    return r;
}

/* EIP-2929 access cost of an account, warming it. */
static uint64_t access_account(frame *f, account *a)
{
    if (a->warm)
        return G_WARM;
    state_warm_account(f->e->st, a);
    return G_COLD_ACCOUNT;
}

static call_result run_frame(evm *e, const message *m, bytes code);

/* ---- calls ------------------------------------------------------------------------------------ */

static call_result fail_result(uint64_t gas_left)
{
    call_result r;
    memset(&r, 0, sizeof r);
    r.gas_left = gas_left;
    return r;
}

call_result evm_call(evm *e, const message *m)
{
    if (m->depth > DEPTH_LIMIT)
        return fail_result(m->gas);
    state *st = e->st;
    snapshot snap = state_snapshot(st, e->log_count);
    /* The callee is touched (EIP-161); it is read here only if value moves to it, otherwise when its
     * frame or the caller needs its fields (a touch alone needs no read after the merge, state.c). */
    bool moves_value = m->transfer_value && !u256_is_zero(&m->value);
    account *to = moves_value ? state_account(st, m->target) : state_account_ref(st, m->target);
    state_touch(st, to);
    if (moves_value) {
        account *from = state_account(st, m->caller);
        if (!state_transfer(st, from, to, &m->value))
            guest_fail(GUEST_EXIT_INTERNAL, "transfer without balance (checked by the caller)");
    }
    call_result r;
    if (!m->disable_precompiles && evm_is_precompile(e, m->code_address)) {
        precompile_result pr = run_precompile(e->env->fp, m->code_address, m->data, m->gas);
        memset(&r, 0, sizeof r);
        r.success = pr.success;
        r.gas_left = pr.success ? pr.gas_left : 0;
        r.output = pr.success ? pr.output : (bytes){NULL, 0};
    } else {
        r = run_frame(e, m, m->code);
    }
    if (!r.success) {
        state_revert(st, snap);
        e->log_count = snap.log_count;
    }
    return r;
}

call_result evm_create(evm *e, const message *m)
{
    state *st = e->st;
    snapshot snap = state_snapshot(st, e->log_count);
    account *acct = state_account(st, m->target);
    state_mark_created(st, acct);
    state_set_nonce(st, acct, 1);
    if (!u256_is_zero(&m->value)) {
        account *from = state_account(st, m->caller);
        if (!state_transfer(st, from, acct, &m->value))
            guest_fail(GUEST_EXIT_INTERNAL, "create transfer without balance (checked by the caller)");
    }
    call_result r = run_frame(e, m, m->code);
    if (r.success) {
        bytes code = r.output;
        uint64_t deposit = (uint64_t)code.len * G_CODE_DEPOSIT;
        if ((code.len > 0 && code.ptr[0] == 0xef) || r.gas_left < deposit || code.len > MAX_CODE_SIZE) {
            r.success = false;
            r.gas_left = 0;
            r.output.ptr = NULL;
            r.output.len = 0;
        } else {
            r.gas_left -= deposit;
            state_set_code(st, acct, code);
            memcpy(r.created, m->target, 20);
            r.output.len = 0;
        }
    }
    if (!r.success) {
        state_revert(st, snap);
        e->log_count = snap.log_count;
    }
    return r;
}

/* The CALL family. kind: 0xf1 CALL, 0xf2 CALLCODE, 0xf4 DELEGATECALL, 0xfa STATICCALL. */
static halt op_call(frame *f, uint8_t kind)
{
    evm *e = f->e;
    state *st = e->st;
    u256 gas_arg = f->stack[--f->sp];
    u256 to_u = f->stack[--f->sp];
    u256 value = u256_from_u64(0);
    if (kind == 0xf1 || kind == 0xf2)
        value = f->stack[--f->sp];
    u256 in_off = f->stack[--f->sp], in_size = f->stack[--f->sp];
    u256 out_off = f->stack[--f->sp], out_size = f->stack[--f->sp];
    uint8_t to[20];
    addr_from_u256(&to_u, to);

    uint64_t gas_before = f->gas;
    /* Memory cost is computed first but charged together with the call cost (execution-specs). */
    if (!mem_expand(f, &in_off, &in_size) || !mem_expand(f, &out_off, &out_size))
        return H_ERROR;
    uint64_t mem_cost = gas_before - f->gas;
    f->gas = gas_before;

    bool has_value = !u256_is_zero(&value);
    /* The callee's account is read for its code (and, from Prague, the EIP-7702 delegation that code
     * may hold: execution-specs' access_delegation reads it for every callee) and for CALL with value
     * its balance and liveness. Before Prague a precompile runs whatever its account holds, so a call
     * to it that sends it no value depends on no field of its account: it is only warmed and touched,
     * as a record (state.c); its code stays unread and empty here, never run. From Prague on it is
     * read like any callee. */
    bool record_only = !e->env->fp->prague && evm_is_precompile(e, to) && !(kind == 0xf1 && has_value);
    account *target = record_only ? state_account_ref(st, to) : state_account(st, to);
    uint64_t extra = access_account(f, target);
    uint8_t code_addr[20];
    memcpy(code_addr, to, 20);
    bytes code = {NULL, 0};
    if (!record_only)
        code = account_code(st, target);
    bool delegated = false;
    uint8_t dtarget[20];
    if (e->env->fp->prague && evm_delegation(code, dtarget)) {
        account *d = state_account(st, dtarget);
        extra += access_account(f, d);
        memcpy(code_addr, dtarget, 20);
        code = account_code(st, d);
        delegated = true;
    }
    if (kind == 0xf1 && has_value && !account_is_alive(target))
        extra += G_NEW_ACCOUNT;
    if ((kind == 0xf1 || kind == 0xf2) && has_value)
        extra += G_CALL_VALUE;
    /* calculate_message_call_gas */
    uint64_t stipend = has_value ? G_CALL_STIPEND : 0;
    unsigned __int128 g = u256_fits_u64(&gas_arg) ? gas_arg.w[0] : ((unsigned __int128)1 << 64);
    unsigned __int128 cost;
    if ((unsigned __int128)f->gas < (unsigned __int128)extra + mem_cost) {
        cost = g + extra;
    } else {
        uint64_t avail = f->gas - mem_cost - extra;
        uint64_t maxg = avail - avail / 64;
        if (g > maxg)
            g = maxg;
        cost = g + extra;
    }
    if (cost + mem_cost > f->gas)
        return H_ERROR;
    f->gas -= (uint64_t)(cost + mem_cost);
    if (kind == 0xf1 && f->m->is_static && has_value)
        return H_ERROR;
    uint64_t sub_gas = (uint64_t)g + stipend;

    f->ret_data.ptr = NULL;
    f->ret_data.len = 0;
    account *self = state_account(st, f->m->target);
    if (((kind == 0xf1 || kind == 0xf2) && u256_lt(&self->balance, &value)) || f->m->depth + 1 > DEPTH_LIMIT) {
        f->gas += sub_gas;
        f->stack[f->sp++] = u256_from_u64(0);
        return H_RUNNING;
    }
    message cm;
    memset(&cm, 0, sizeof cm);
    cm.gas = sub_gas;
    cm.depth = f->m->depth + 1;
    cm.is_static = f->m->is_static || kind == 0xfa;
    cm.code = code;
    cm.disable_precompiles = delegated;
    memcpy(cm.code_address, code_addr, 20);
    uint64_t isz = u256_is_zero(&in_size) ? 0 : in_size.w[0];
    uint8_t *input = guest_alloc((size_t)isz + 1);
    if (isz)
        memcpy(input, f->mem + in_off.w[0], (size_t)isz);
    cm.data.ptr = input;
    cm.data.len = (size_t)isz;
    switch (kind) {
    case 0xf1:
        memcpy(cm.caller, f->m->target, 20);
        memcpy(cm.target, to, 20);
        cm.value = value;
        cm.transfer_value = true;
        break;
    case 0xf2:
        memcpy(cm.caller, f->m->target, 20);
        memcpy(cm.target, f->m->target, 20);
        cm.value = value;
        cm.transfer_value = true;
        break;
    case 0xf4:
        memcpy(cm.caller, f->m->caller, 20);
        memcpy(cm.target, f->m->target, 20);
        cm.value = f->m->value;
        cm.transfer_value = false;
        break;
    default:
        memcpy(cm.caller, f->m->target, 20);
        memcpy(cm.target, to, 20);
        cm.transfer_value = true;
        break;
    }
    call_result r = evm_call(e, &cm);
    f->gas += r.gas_left;
    f->ret_data = r.output;
    f->stack[f->sp++] = u256_from_u64(r.success ? 1 : 0);
    uint64_t osz = u256_is_zero(&out_size) ? 0 : out_size.w[0];
    uint64_t n = osz < r.output.len ? osz : r.output.len;
    if (n)
        memcpy(f->mem + out_off.w[0], r.output.ptr, (size_t)n);
    return H_RUNNING;
}

static halt op_create(frame *f, bool create2)
{
    evm *e = f->e;
    state *st = e->st;
    u256 value = f->stack[--f->sp], off = f->stack[--f->sp], size = f->stack[--f->sp];
    u256 salt = create2 ? f->stack[--f->sp] : u256_from_u64(0);
    if (!mem_expand(f, &off, &size))
        return H_ERROR;
    uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
    bool eip3860 = f->e->env->fp->shanghai; /* initcode limit and word cost */
    if (eip3860 && n > MAX_INITCODE_SIZE)
        return H_ERROR;
    uint64_t cost = G_CREATE + (eip3860 ? G_INITCODE_WORD * words_of(n) : 0) + (create2 ? G_KECCAK_WORD * words_of(n) : 0);
    if (!charge(f, cost))
        return H_ERROR;
    if (f->m->is_static)
        return H_ERROR;
    account *self = state_account(st, f->m->target);
    uint8_t addr[20];
    uint8_t *init = guest_alloc((size_t)n + 1);
    if (n)
        memcpy(init, f->mem + off.w[0], (size_t)n);
    if (create2) {
        uint8_t buf[85], ch[32], h[32];
        keccak(init, (size_t)n, ch);
        buf[0] = 0xff;
        memcpy(buf + 1, f->m->target, 20);
        u256_to_be32(&salt, buf + 21);
        memcpy(buf + 53, ch, 32);
        keccak(buf, 85, h);
        memcpy(addr, h + 12, 20);
    } else {
        evm_create_address(f->m->target, self->nonce, addr);
    }
    uint64_t child_gas = f->gas - f->gas / 64;
    f->gas -= child_gas;
    f->ret_data.ptr = NULL;
    f->ret_data.len = 0;
    if (u256_lt(&self->balance, &value) || self->nonce == UINT64_MAX || f->m->depth + 1 > DEPTH_LIMIT) {
        f->gas += child_gas;
        f->stack[f->sp++] = u256_from_u64(0);
        return H_RUNNING;
    }
    account *target = state_account(st, addr);
    state_warm_account(st, target);
    if (target->nonce != 0 || account_code(st, target).len != 0 || account_has_storage(st, target)) {
        state_set_nonce(st, self, self->nonce + 1);
        f->stack[f->sp++] = u256_from_u64(0);
        return H_RUNNING;
    }
    state_set_nonce(st, self, self->nonce + 1);
    message cm;
    memset(&cm, 0, sizeof cm);
    memcpy(cm.caller, f->m->target, 20);
    memcpy(cm.target, addr, 20);
    memcpy(cm.code_address, addr, 20);
    cm.value = value;
    cm.transfer_value = true;
    cm.code.ptr = init;
    cm.code.len = (size_t)n;
    cm.gas = child_gas;
    cm.depth = f->m->depth + 1;
    cm.is_create = true;
    call_result r = evm_create(e, &cm);
    f->gas += r.gas_left;
    if (r.success) {
        f->stack[f->sp++] = u256_from_addr(addr);
    } else {
        f->ret_data = r.output;
        f->stack[f->sp++] = u256_from_u64(0);
    }
    return H_RUNNING;
}

/* ---- the interpreter ---------------------------------------------------------------------------- */

/* Stack requirements per opcode: items it needs (*pop) and items present after it (*push), so the
 * check is sp >= pop and sp - pop + push <= 1024; *pop < 0 marks an undefined opcode. */
static void stack_shape(uint8_t op, const fork_params *fp, int *pop, int *push)
{
    static const signed char pops[256] = {
        /* 0x00 */ 0, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, 2, -1, -1, -1, -1,
        /* 0x10 */ 2, 2, 2, 2, 2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 1, -1,
        /* 0x20 */ 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        /* 0x30 */ 0, 1, 0, 0, 0, 1, 0, 3, 0, 3, 0, 1, 4, 0, 3, 1,
        /* 0x40 */ 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, -1, -1, -1, -1, -1,
        /* 0x50 */ 1, 1, 2, 2, 1, 2, 1, 2, 0, 0, 0, 0, 1, 2, 3, 0,
    };
    *push = 0;
    if (op < 0x60) {
        *pop = pops[op];
        if (op == 0x1e && !fp->osaka)
            *pop = -1;
        /* BLOBHASH, BLOBBASEFEE, TLOAD, TSTORE, MCOPY from Cancun; PUSH0 from Shanghai (EIP-3855). */
        if ((op == 0x49 || op == 0x4a || op == 0x5c || op == 0x5d || op == 0x5e) && !fp->cancun)
            *pop = -1;
        if (op == 0x5f && !fp->shanghai)
            *pop = -1;
        if (*pop < 0)
            return;
        static const unsigned char pushes_lo[0x60] = {
            0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
            0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1,
        };
        *push = pushes_lo[op];
        return;
    }
    if (op <= 0x7f) { *pop = 0; *push = 1; return; }
    if (op <= 0x8f) { *pop = op - 0x7f; *push = op - 0x7f + 1; return; }
    if (op <= 0x9f) { *pop = op - 0x8e; *push = op - 0x8e; return; }
    if (op <= 0xa4) { *pop = 2 + (op - 0xa0); return; }
    switch (op) {
    case 0xf0: *pop = 3; *push = 1; return;
    case 0xf1: case 0xf2: *pop = 7; *push = 1; return;
    case 0xf3: case 0xfd: *pop = 2; return;
    case 0xf4: case 0xfa: *pop = 6; *push = 1; return;
    case 0xf5: *pop = 4; *push = 1; return;
    case 0xff: *pop = 1; return;
    default: *pop = -1; return;
    }
}

static const uint8_t G_STATIC[0x60] = {
    0, 3, 5, 3, 5, 5, 5, 5, 8, 8, 0, 5, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 2, 2, 2, 3, 2, 3, 2, 3, 2, 0, 0, 2, 3, 0,
    20, 2, 2, 2, 2, 2, 2, 5, 2, 3, 2, 0, 0, 0, 0, 0,
    2, 3, 3, 3, 0, 0, 8, 10, 2, 2, 2, 1, 100, 100, 3, 2,
};

/* The interpreter's per-opcode table for the evm's fork, built from stack_shape and G_STATIC on the first frame
 * (and again should the fork change): one load per instruction instead of the fork tests of stack_shape. PUSH,
 * DUP and SWAP cost 3 (their static gas, charged here with the others'). */
static const op_shape *op_shapes(evm *e, const fork_params *fp)
{
    if (e->shape_fp != fp) {
        for (int op = 0; op < 256; op++) {
            int pop, push;
            stack_shape((uint8_t)op, fp, &pop, &push);
            op_shape *sh = &e->shape[op];
            sh->pop = (signed char)pop;
            sh->grow = (signed char)(pop < 0 ? 0 : push - pop);
            sh->gas = op < 0x60 ? G_STATIC[op] : op <= 0x9f ? 3 : 0;
        }
        e->shape_fp = fp;
    }
    return e->shape;
}

static bool blockhash(const evm_env *env, const u256 *n, u256 *out)
{
    *out = u256_from_u64(0);
    if (!u256_fits_u64(n) || n->w[0] >= env->number || env->number - n->w[0] > 256)
        return true;
    uint64_t want = n->w[0];
    for (size_t i = 0; i < env->ancestor_count; i++) {
        if (env->ancestors[i].number == want) {
            u256_from_be(out, env->ancestors[i].hash, 32);
            return true;
        }
    }
    return false;
}

static call_result run_frame(evm *e, const message *m, bytes code)
{
    frame fr;
    frame *f = &fr;
    memset(f, 0, sizeof fr);
    f->e = e;
    f->m = m;
    f->code = code;
    f->gas = m->gas;
    state *st = e->st;
    const evm_env *env = e->env;
    const fork_params *fp = env->fp;
    f->self = state_account(st, m->target);
    if (code.len == 0) {
        call_result r = {true, m->gas, {NULL, 0}, {0}};
        return r;
    }
    if (e->stacks[m->depth] == NULL)
        e->stacks[m->depth] = guest_alloc(STACK_LIMIT * sizeof(u256));
    f->stack = e->stacks[m->depth];
    f->jumpdests = jumpdests_of(e, code);
    const op_shape *shapes = op_shapes(e, fp);
    size_t pc = 0;
    halt h = H_RUNNING;
    u256 *s;
    /* Each iteration charges at least 1 gas, or ends the frame: bounded by the gas. */
    while (h == H_RUNNING) {
        uint8_t op = pc < code.len ? code.ptr[pc] : 0x00;
        op_shape sh = shapes[op];
        if (sh.pop < 0) { h = H_ERROR; break; }
        if (f->sp < sh.pop || f->sp + sh.grow > STACK_LIMIT) { h = H_ERROR; break; }
        if (!charge(f, sh.gas)) { h = H_ERROR; break; }
        s = f->stack + f->sp; /* s[-1] is the top */
        pc++;
        switch (op) {
        case 0x00: h = H_STOP; break;
        case 0x01: s[-2] = u256_add(&s[-1], &s[-2]); f->sp--; break;
        case 0x02: s[-2] = u256_mul(&s[-1], &s[-2]); f->sp--; break;
        case 0x03: s[-2] = u256_sub(&s[-1], &s[-2]); f->sp--; break;
        case 0x04: s[-2] = u256_div(&s[-1], &s[-2]); f->sp--; break;
        case 0x05: s[-2] = u256_sdiv(&s[-1], &s[-2]); f->sp--; break;
        case 0x06: s[-2] = u256_mod(&s[-1], &s[-2]); f->sp--; break;
        case 0x07: s[-2] = u256_smod(&s[-1], &s[-2]); f->sp--; break;
        case 0x08: s[-3] = u256_addmod(&s[-1], &s[-2], &s[-3]); f->sp -= 2; break;
        case 0x09: s[-3] = u256_mulmod(&s[-1], &s[-2], &s[-3]); f->sp -= 2; break;
        case 0x0a:
            if (!charge(f, G_EXP + (uint64_t)G_EXP_BYTE * u256_byte_len(&s[-2]))) { h = H_ERROR; break; }
            s[-2] = u256_exp(&s[-1], &s[-2]);
            f->sp--;
            break;
        case 0x0b: s[-2] = u256_signextend(&s[-1], &s[-2]); f->sp--; break;
        case 0x10: s[-2] = u256_from_u64(u256_lt(&s[-1], &s[-2])); f->sp--; break;
        case 0x11: s[-2] = u256_from_u64(u256_lt(&s[-2], &s[-1])); f->sp--; break;
        case 0x12: s[-2] = u256_from_u64(u256_slt(&s[-1], &s[-2])); f->sp--; break;
        case 0x13: s[-2] = u256_from_u64(u256_slt(&s[-2], &s[-1])); f->sp--; break;
        case 0x14: s[-2] = u256_from_u64(u256_eq(&s[-1], &s[-2])); f->sp--; break;
        case 0x15: s[-1] = u256_from_u64(u256_is_zero(&s[-1])); break;
        case 0x16: s[-2] = u256_and(&s[-1], &s[-2]); f->sp--; break;
        case 0x17: s[-2] = u256_or(&s[-1], &s[-2]); f->sp--; break;
        case 0x18: s[-2] = u256_xor(&s[-1], &s[-2]); f->sp--; break;
        case 0x19: s[-1] = u256_not(&s[-1]); break;
        case 0x1a: s[-2] = u256_byte(&s[-1], &s[-2]); f->sp--; break;
        case 0x1b: s[-2] = u256_shl(&s[-1], &s[-2]); f->sp--; break;
        case 0x1c: s[-2] = u256_shr(&s[-1], &s[-2]); f->sp--; break;
        case 0x1d: s[-2] = u256_sar(&s[-1], &s[-2]); f->sp--; break;
        case 0x1e: s[-1] = u256_from_u64(u256_clz(&s[-1])); break;
        case 0x20: {
            if (!mem_expand(f, &s[-1], &s[-2])) { h = H_ERROR; break; }
            uint64_t n = u256_is_zero(&s[-2]) ? 0 : s[-2].w[0];
            if (!charge(f, G_KECCAK + G_KECCAK_WORD * words_of(n))) { h = H_ERROR; break; }
            uint8_t d[32];
            keccak(n ? f->mem + s[-1].w[0] : NULL, (size_t)n, d);
            u256_from_be(&s[-2], d, 32);
            f->sp--;
            break;
        }
        case 0x30: s[0] = u256_from_addr(m->target); f->sp++; break;
        case 0x31: {
            uint8_t a[20];
            addr_from_u256(&s[-1], a);
            account *acc = state_account(st, a);
            if (!charge(f, access_account(f, acc))) { h = H_ERROR; break; }
            s[-1] = acc->balance;
            break;
        }
        case 0x32: s[0] = u256_from_addr(env->origin); f->sp++; break;
        case 0x33: s[0] = u256_from_addr(m->caller); f->sp++; break;
        case 0x34: s[0] = m->value; f->sp++; break;
        case 0x35: {
            uint8_t b[32];
            copy_padded(b, m->data, &s[-1], 32);
            u256_from_be(&s[-1], b, 32);
            break;
        }
        case 0x36: s[0] = u256_from_u64(m->data.len); f->sp++; break;
        case 0x37: case 0x39: case 0x3e: case 0x5e: {
            /* CALLDATACOPY, CODECOPY, RETURNDATACOPY: (dest, src, size); MCOPY: (dest, src, size) */
            u256 dst = s[-1], src = s[-2], size = s[-3];
            f->sp -= 3;
            uint64_t n = u256_fits_u64(&size) ? size.w[0] : UINT64_MAX;
            if (n > ((uint64_t)1 << 58) || !charge(f, G_COPY_WORD * words_of(n))) { h = H_ERROR; break; }
            if (op == 0x3e) {
                unsigned __int128 end = (unsigned __int128)(u256_fits_u64(&src) ? src.w[0] : UINT64_MAX) + n;
                if (!u256_fits_u64(&src) || end > f->ret_data.len) { h = H_ERROR; break; }
            }
            if (op == 0x5e) {
                /* MCOPY expands memory over both ranges. */
                if (!mem_expand(f, &src, &size) || !mem_expand(f, &dst, &size)) { h = H_ERROR; break; }
                if (n)
                    memmove(f->mem + dst.w[0], f->mem + src.w[0], (size_t)n);
                break;
            }
            if (!mem_expand(f, &dst, &size)) { h = H_ERROR; break; }
            if (n) {
                bytes from = op == 0x37 ? m->data : op == 0x39 ? code : f->ret_data;
                copy_padded(f->mem + dst.w[0], from, &src, n);
            }
            break;
        }
        case 0x38: s[0] = u256_from_u64(code.len); f->sp++; break;
        case 0x3a: s[0] = env->gas_price; f->sp++; break;
        case 0x3b: case 0x3f: {
            uint8_t a[20];
            addr_from_u256(&s[-1], a);
            account *acc = state_account(st, a);
            if (!charge(f, access_account(f, acc))) { h = H_ERROR; break; }
            if (op == 0x3b) {
                s[-1] = u256_from_u64(account_code(st, acc).len);
            } else if (!acc->exists || account_is_empty(acc)) {
                s[-1] = u256_from_u64(0);
            } else {
                u256_from_be(&s[-1], acc->code_hash, 32);
            }
            break;
        }
        case 0x3c: {
            uint8_t a[20];
            addr_from_u256(&s[-1], a);
            u256 dst = s[-2], src = s[-3], size = s[-4];
            f->sp -= 4;
            account *acc = state_account(st, a);
            uint64_t n = u256_fits_u64(&size) ? size.w[0] : UINT64_MAX;
            if (n > ((uint64_t)1 << 58) || !charge(f, G_COPY_WORD * words_of(n))) { h = H_ERROR; break; }
            if (!mem_expand(f, &dst, &size)) { h = H_ERROR; break; }
            if (!charge(f, access_account(f, acc))) { h = H_ERROR; break; }
            if (n)
                copy_padded(f->mem + dst.w[0], account_code(st, acc), &src, n);
            break;
        }
        case 0x3d: s[0] = u256_from_u64(f->ret_data.len); f->sp++; break;
        case 0x40:
            if (!blockhash(env, &s[-1], &s[-1]))
                guest_fail(GUEST_EXIT_MISSING_NODE, "BLOCKHASH of an ancestor missing from the witness headers");
            break;
        case 0x41: s[0] = u256_from_addr(env->coinbase); f->sp++; break;
        case 0x42: s[0] = u256_from_u64(env->timestamp); f->sp++; break;
        case 0x43: s[0] = u256_from_u64(env->number); f->sp++; break;
        case 0x44: u256_from_be(&s[0], env->prev_randao, 32); f->sp++; break;
        case 0x45: s[0] = u256_from_u64(env->gas_limit); f->sp++; break;
        case 0x46: s[0] = u256_from_u64(env->chain_id); f->sp++; break;
        case 0x47: s[0] = f->self->balance; f->sp++; break;
        case 0x48: s[0] = env->base_fee; f->sp++; break;
        case 0x49:
            if (u256_fits_u64(&s[-1]) && s[-1].w[0] < env->blob_hash_count)
                u256_from_be(&s[-1], env->blob_hashes + 32 * s[-1].w[0], 32);
            else
                s[-1] = u256_from_u64(0);
            break;
        case 0x4a: s[0] = env->blob_base_fee; f->sp++; break;
        case 0x50: f->sp--; break;
        case 0x51: {
            u256 sz = u256_from_u64(32);
            if (!mem_expand(f, &s[-1], &sz)) { h = H_ERROR; break; }
            u256_from_be(&s[-1], f->mem + s[-1].w[0], 32);
            break;
        }
        case 0x52: case 0x53: {
            u256 sz = u256_from_u64(op == 0x52 ? 32 : 1);
            if (!mem_expand(f, &s[-1], &sz)) { h = H_ERROR; break; }
            if (op == 0x52) {
                u256_to_be32(&s[-2], f->mem + s[-1].w[0]);
            } else {
                f->mem[s[-1].w[0]] = (uint8_t)s[-2].w[0];
            }
            f->sp -= 2;
            break;
        }
        case 0x54: {
            uint8_t key[32];
            u256_to_be32(&s[-1], key);
            slot *sl = account_slot(st, f->self, key, true);
            uint64_t g = sl->warm ? G_WARM : G_COLD_SLOAD;
            state_warm_slot(st, f->self, sl);
            if (!charge(f, g)) { h = H_ERROR; break; }
            s[-1] = sl->current;
            break;
        }
        case 0x55: {
            if (f->gas <= G_CALL_STIPEND) { h = H_ERROR; break; }
            uint8_t key[32];
            u256_to_be32(&s[-1], key);
            u256 nv = s[-2];
            f->sp -= 2;
            slot *sl = account_slot(st, f->self, key, true);
            u256 orig = sl->original;
            u256 cur = sl->current;
            uint64_t g = 0;
            if (!sl->warm) {
                state_warm_slot(st, f->self, sl);
                g += G_COLD_SLOAD;
            }
            bool oz = u256_is_zero(&orig), cz = u256_is_zero(&cur), nz = u256_is_zero(&nv);
            if (u256_eq(&orig, &cur) && !u256_eq(&cur, &nv))
                g += oz ? G_SSTORE_SET : G_SSTORE_UPDATE - G_COLD_SLOAD;
            else
                g += G_WARM;
            int64_t *refund = state_refund(st);
            if (!u256_eq(&cur, &nv)) {
                if (!oz && !cz && nz)
                    *refund += G_SSTORE_CLEAR_REFUND;
                if (!oz && cz)
                    *refund -= G_SSTORE_CLEAR_REFUND;
                if (u256_eq(&orig, &nv))
                    *refund += oz ? G_SSTORE_SET - G_WARM : G_SSTORE_UPDATE - G_COLD_SLOAD - G_WARM;
            }
            if (!charge(f, g) || m->is_static) { h = H_ERROR; break; }
            state_set_storage(st, f->self, sl, &nv);
            break;
        }
        case 0x56:
            if (!valid_jump(f, &s[-1])) { h = H_ERROR; break; }
            pc = (size_t)s[-1].w[0];
            f->sp--;
            break;
        case 0x57:
            if (!u256_is_zero(&s[-2])) {
                if (!valid_jump(f, &s[-1])) { h = H_ERROR; break; }
                pc = (size_t)s[-1].w[0];
            }
            f->sp -= 2;
            break;
        case 0x58: s[0] = u256_from_u64(pc - 1); f->sp++; break;
        case 0x59: s[0] = u256_from_u64(f->mem_size); f->sp++; break;
        case 0x5a: s[0] = u256_from_u64(f->gas); f->sp++; break;
        case 0x5b: break;
        case 0x5c: case 0x5d: {
            uint8_t key[32];
            u256_to_be32(&s[-1], key);
            slot *sl = account_slot(st, f->self, key, false);
            if (op == 0x5c) {
                s[-1] = sl->transient;
            } else {
                if (m->is_static) { h = H_ERROR; break; }
                state_set_transient(st, f->self, sl, &s[-2]);
                f->sp -= 2;
            }
            break;
        }
        case 0x5f: s[0] = u256_from_u64(0); f->sp++; break;
        default:
            if (op >= 0x60 && op <= 0x7f) {
                unsigned n = op - 0x5f;
                if (n <= code.len - pc) {
                    /* The n immediate bytes, big-endian, straight into the limbs: the most significant limb
                     * takes the first n - 8L bytes (L = its index), each lower one the next 8. */
                    const uint8_t *p = code.ptr + pc;
                    u256 v = u256_from_u64(0);
                    unsigned limb = (n - 1) / 8, count = n - 8 * limb;
                    for (;;) {
                        uint64_t x = 0;
                        for (unsigned i = 0; i < count; i++)
                            x = (x << 8) | *p++;
                        v.w[limb] = x;
                        if (limb == 0)
                            break;
                        limb--;
                        count = 8;
                    }
                    s[0] = v;
                } else {
                    /* Immediate cut off by the code's end: the missing bytes read as zero. */
                    uint8_t b[32];
                    memset(b, 0, sizeof b);
                    for (unsigned i = 0; i < n; i++)
                        b[32 - n + i] = pc + i < code.len ? code.ptr[pc + i] : 0;
                    u256_from_be(&s[0], b, 32);
                }
                f->sp++;
                pc += n;
            } else if (op >= 0x80 && op <= 0x8f) {
                s[0] = s[-(int)(op - 0x7f)];
                f->sp++;
            } else if (op >= 0x90 && op <= 0x9f) {
                int k = op - 0x8e;
                u256 t = s[-1];
                s[-1] = s[-k];
                s[-k] = t;
            } else if (op >= 0xa0 && op <= 0xa4) {
                unsigned nt = op - 0xa0;
                u256 off = s[-1], size = s[-2];
                if (!mem_expand(f, &off, &size)) { h = H_ERROR; break; }
                uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
                unsigned __int128 g = (unsigned __int128)G_LOG + (unsigned __int128)G_LOG_TOPIC * nt +
                                      (unsigned __int128)G_LOG_DATA * n;
                if (g > f->gas || m->is_static) { h = H_ERROR; break; }
                f->gas -= (uint64_t)g;
                if (e->log_count == e->log_cap) {
                    size_t nc = e->log_cap ? e->log_cap * 2 : 16;
                    log_entry *nl = guest_alloc(nc * sizeof(log_entry));
                    if (e->log_count)
                        memcpy(nl, e->logs, e->log_count * sizeof(log_entry));
                    e->logs = nl;
                    e->log_cap = nc;
                }
                log_entry *le = &e->logs[e->log_count++];
                memcpy(le->addr, m->target, 20);
                le->topic_count = nt;
                for (unsigned i = 0; i < nt; i++)
                    u256_to_be32(&s[-3 - (int)i], le->topics[i]);
                uint8_t *d = guest_alloc((size_t)n + 1);
                if (n)
                    memcpy(d, f->mem + off.w[0], (size_t)n);
                le->data.ptr = d;
                le->data.len = (size_t)n;
                f->sp -= 2 + nt;
            } else if (op == 0xf0 || op == 0xf5) {
                h = op_create(f, op == 0xf5);
            } else if (op == 0xf1 || op == 0xf2 || op == 0xf4 || op == 0xfa) {
                h = op_call(f, op);
            } else if (op == 0xf3 || op == 0xfd) {
                u256 off = s[-1], size = s[-2];
                f->sp -= 2;
                if (!mem_expand(f, &off, &size)) { h = H_ERROR; break; }
                uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
                uint8_t *d = guest_alloc((size_t)n + 1);
                if (n)
                    memcpy(d, f->mem + off.w[0], (size_t)n);
                f->output.ptr = d;
                f->output.len = (size_t)n;
                h = op == 0xf3 ? H_RETURN : H_REVERT;
            } else if (op == 0xff) {
                uint8_t a[20];
                addr_from_u256(&s[-1], a);
                f->sp--;
                /* A beneficiary that receives nothing is only warmed and touched: a record (state.c). */
                bool sends = !u256_is_zero(&f->self->balance);
                account *ben = sends ? state_account(st, a) : state_account_ref(st, a);
                uint64_t g = G_SELFDESTRUCT;
                if (!ben->warm) {
                    state_warm_account(st, ben);
                    g += G_COLD_ACCOUNT;
                }
                if (sends && !account_is_alive(ben))
                    g += G_NEW_ACCOUNT;
                if (!charge(f, g) || m->is_static) { h = H_ERROR; break; }
                u256 bal = f->self->balance;
                if (sends && !state_transfer(st, f->self, ben, &bal))
                    guest_fail(GUEST_EXIT_INTERNAL, "selfdestruct transfer");
                /* The beneficiary is touched (EIP-161): one that is left empty (nothing sent to a
                 * fresh address) is not created, or is removed, at the end of the transaction. */
                state_touch(st, ben);
                /* Before Cancun every SELFDESTRUCT deletes the account (with its storage) at the end
                 * of the transaction and burns a balance sent to itself; from Cancun (EIP-6780) only
                 * an account created in the same transaction is deleted. */
                if (!fp->cancun || f->self->created_in_tx) {
                    u256 zero = u256_from_u64(0);
                    state_set_balance(st, f->self, &zero);
                    state_mark_destructed(st, f->self);
                }
                h = H_STOP;
            } else {
                h = H_ERROR; /* 0xfe INVALID and undefined opcodes */
            }
            break;
        }
    }
    call_result r;
    memset(&r, 0, sizeof r);
    switch (h) {
    case H_STOP:
        r.success = true;
        r.gas_left = f->gas;
        break;
    case H_RETURN:
        r.success = true;
        r.gas_left = f->gas;
        r.output = f->output;
        break;
    case H_REVERT:
        r.success = false;
        r.gas_left = f->gas;
        r.output = f->output;
        break;
    default:
        r.success = false;
        r.gas_left = 0;
        break;
    }
    return r;
}
