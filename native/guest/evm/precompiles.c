#include "precompiles.h"

#include "../accel/zkvm_accelerators.h"
#include "u256.h"

static const uint8_t SECP256K1_N[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                        0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

static uint64_t words(size_t n)
{
    return (uint64_t)(n / 32 + (n % 32 != 0));
}

/* input[off .. off+n) zero-padded. */
static void read_padded(bytes in, size_t off, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = off + i < in.len && off + i >= off ? in.ptr[off + i] : 0;
}

static precompile_result ok(uint64_t gas_left, uint8_t *out, size_t n)
{
    precompile_result r = {true, gas_left, {out, n}};
    return r;
}

static precompile_result fail(void)
{
    precompile_result r = {false, 0, {NULL, 0}};
    return r;
}

static precompile_result ecrecover(bytes in, uint64_t gas)
{
    if (gas < 3000)
        return fail();
    gas -= 3000;
    uint8_t buf[128];
    read_padded(in, 0, buf, 128);
    /* v is a 32-byte word that must be 27 or 28; r and s in [1, n - 1]. */
    for (int i = 32; i < 63; i++)
        if (buf[i] != 0)
            return ok(gas, NULL, 0);
    if (buf[63] != 27 && buf[63] != 28)
        return ok(gas, NULL, 0);
    u256 r, s, n, zero = u256_from_u64(0);
    u256_from_be(&r, buf + 64, 32);
    u256_from_be(&s, buf + 96, 32);
    u256_from_be(&n, SECP256K1_N, 32);
    if (u256_eq(&r, &zero) || u256_eq(&s, &zero) || !u256_lt(&r, &n) || !u256_lt(&s, &n))
        return ok(gas, NULL, 0);
    uint8_t pub[64];
    if (zkvm_secp256k1_ecrecover(buf, buf + 64, (uint8_t)(buf[63] - 27), pub) != ZKVM_EOK)
        return ok(gas, NULL, 0);
    uint8_t *out = guest_zalloc(32), h[32];
    if (zkvm_keccak256(pub, 64, h) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "keccak256 failed");
    memcpy(out + 12, h + 12, 20);
    return ok(gas, out, 32);
}

/* Big-endian length word at off as u256. */
static u256 length_word(bytes in, size_t off)
{
    uint8_t b[32];
    read_padded(in, off, b, 32);
    u256 v;
    u256_from_be(&v, b, 32);
    return v;
}

static unsigned bit_length_be(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            unsigned b = 8;
            while (!(p[i] & (1u << (b - 1))))
                b--;
            return (unsigned)((n - 1 - i) * 8 + b);
        }
    }
    return 0;
}

uint64_t modexp_gas(const fork_params *fp, bytes in)
{
    u256 bl = length_word(in, 0), el = length_word(in, 32), ml = length_word(in, 64);
    /* Any length of 2^32 or more makes the cost exceed 2^64 unless base and modulus are empty, where
     * only the exponent's head matters for the iteration count (and complexity is zero). */
    u256 lim = u256_from_u64((uint64_t)1 << 32);
    bool big_b = !u256_lt(&bl, &lim), big_m = !u256_lt(&ml, &lim), big_e = !u256_lt(&el, &lim);
    unsigned __int128 maxlen;
    if (big_b || big_m)
        return UINT64_MAX;
    maxlen = bl.w[0] > ml.w[0] ? bl.w[0] : ml.w[0];
    unsigned __int128 w = (maxlen + 7) / 8;
    unsigned __int128 complexity;
    if (fp->osaka)
        complexity = maxlen > 32 ? 2 * w * w : 16;
    else
        complexity = w * w;
    /* Exponent head: the first min(exp_len, 32) bytes of the exponent. */
    unsigned __int128 iter;
    uint64_t elen = big_e ? UINT64_MAX : el.w[0];
    size_t head_len = elen < 32 ? (size_t)elen : 32;
    uint8_t head[32];
    size_t exp_off = 96 + (size_t)bl.w[0];
    if (exp_off < 96) /* overflow guard (cannot happen with bl < 2^32 on 64-bit) */
        return UINT64_MAX;
    read_padded(in, exp_off, head, head_len);
    unsigned hb = bit_length_be(head, head_len);
    if (elen <= 32)
        iter = hb > 0 ? hb - 1 : 0;
    else
        iter = (unsigned __int128)(fp->osaka ? 16 : 8) * (elen - 32) + (hb > 0 ? hb - 1 : 0);
    if (iter < 1)
        iter = 1;
    unsigned __int128 g;
    if (fp->osaka) {
        g = complexity * iter;
        if (g < 500)
            g = 500;
    } else {
        g = complexity * iter / 3;
        if (g < 200)
            g = 200;
    }
    return g > UINT64_MAX ? UINT64_MAX : (uint64_t)g;
}

static precompile_result modexp(const fork_params *fp, bytes in, uint64_t gas)
{
    uint64_t cost = modexp_gas(fp, in);
    if (cost > gas)
        return fail();
    gas -= cost;
    u256 bl = length_word(in, 0), el = length_word(in, 32), ml = length_word(in, 64);
    if (fp->osaka) {
        u256 max = u256_from_u64(1024); /* EIP-7823 */
        if (u256_lt(&max, &bl) || u256_lt(&max, &el) || u256_lt(&max, &ml))
            return fail();
    }
    /* Paid for: base and modulus lengths are below 2^32 here. */
    size_t b = (size_t)bl.w[0], m = (size_t)ml.w[0];
    if (m == 0)
        return ok(gas, NULL, 0);
    if (!u256_fits_u64(&el) || el.w[0] > ((uint64_t)1 << 32))
        guest_fail(GUEST_EXIT_INTERNAL, "modexp exponent length paid for but beyond 2^32");
    size_t e = (size_t)el.w[0];
    uint8_t *base = guest_alloc(b + 1), *exp = guest_alloc(e + 1), *mod = guest_alloc(m + 1), *out = guest_alloc(m);
    read_padded(in, 96, base, b);
    read_padded(in, 96 + b, exp, e);
    read_padded(in, 96 + b + e, mod, m);
    if (zkvm_modexp(base, b, exp, e, mod, m, out) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "modexp accelerator failed");
    return ok(gas, out, m);
}

precompile_result run_precompile(const fork_params *fp, const uint8_t addr[20], bytes in, uint64_t gas)
{
    unsigned id = (unsigned)addr[18] << 8 | addr[19];
    uint8_t *out;
    uint64_t cost;
    switch (id) {
    case 1:
        return ecrecover(in, gas);
    case 2:
    case 3:
        cost = id == 2 ? 60 + 12 * words(in.len) : 600 + 120 * words(in.len);
        if (cost > gas)
            return fail();
        out = guest_alloc(32);
        if ((id == 2 ? zkvm_sha256(in.ptr, in.len, out) : zkvm_ripemd160(in.ptr, in.len, out)) != ZKVM_EOK)
            guest_fail(GUEST_EXIT_ACCEL, "hash accelerator failed");
        return ok(gas - cost, out, 32);
    case 4:
        cost = 15 + 3 * words(in.len);
        if (cost > gas)
            return fail();
        out = guest_alloc(in.len + 1);
        if (in.len)
            memcpy(out, in.ptr, in.len);
        return ok(gas - cost, out, in.len);
    case 5:
        return modexp(fp, in, gas);
    default:
        (void)fp;
        guest_fail(GUEST_EXIT_MISSING_PRECOMPILE, "precompile not implemented in this guest yet");
    }
}
