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

/* ---- bn254 (EIP-196/197, gas EIP-1108) ------------------------------------------------------ */

static precompile_result ecadd(bytes in, uint64_t gas)
{
    if (gas < 150)
        return fail();
    uint8_t buf[128], *out = guest_alloc(64);
    read_padded(in, 0, buf, 128);
    if (zkvm_bn254_g1_add(buf, buf + 64, out) != ZKVM_EOK)
        return fail();
    return ok(gas - 150, out, 64);
}

static precompile_result ecmul(bytes in, uint64_t gas)
{
    if (gas < 6000)
        return fail();
    uint8_t buf[96], *out = guest_alloc(64);
    read_padded(in, 0, buf, 96);
    if (zkvm_bn254_g1_mul(buf, buf + 64, out) != ZKVM_EOK)
        return fail();
    return ok(gas - 6000, out, 64);
}

/* A 32-byte word 0 or 1. */
static uint8_t *bool_word(bool v)
{
    uint8_t *out = guest_zalloc(32);
    out[31] = v ? 1 : 0;
    return out;
}

static precompile_result ecpairing(bytes in, uint64_t gas)
{
    if (in.len % 192 != 0)
        return fail();
    uint64_t k = in.len / 192;
    /* k < 2^58 (inputs live in guest memory), so the product cannot overflow. */
    uint64_t cost = 45000 + 34000 * k;
    if (cost > gas)
        return fail();
    bool one = false;
    if (zkvm_bn254_pairing(in.ptr, (size_t)k, &one) != ZKVM_EOK)
        return fail();
    return ok(gas - cost, bool_word(one), 32);
}

/* ---- BLAKE2F (EIP-152) ------------------------------------------------------------------------ */

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static precompile_result blake2f(bytes in, uint64_t gas)
{
    if (in.len != 213)
        return fail();
    const uint8_t *p = in.ptr;
    uint32_t rounds = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (rounds > gas)
        return fail();
    if (p[212] > 1)
        return fail();
    uint64_t h[8], m[16], t[2];
    for (int i = 0; i < 8; i++)
        h[i] = le64(p + 4 + 8 * i);
    for (int i = 0; i < 16; i++)
        m[i] = le64(p + 68 + 8 * i);
    t[0] = le64(p + 196);
    t[1] = le64(p + 204);
    if (zkvm_blake2f(rounds, h, m, t, p[212] == 1) != ZKVM_EOK)
        return fail();
    uint8_t *out = guest_alloc(64);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            out[8 * i + j] = (uint8_t)(h[i] >> (8 * j));
    return ok(gas - rounds, out, 64);
}

/* ---- POINT_EVALUATION (EIP-4844) -------------------------------------------------------------- */

static const uint8_t BLS_MODULUS[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                        0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                        0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

static precompile_result point_evaluation(bytes in, uint64_t gas)
{
    if (gas < 50000)
        return fail();
    if (in.len != 192)
        return fail();
    const uint8_t *p = in.ptr;
    uint8_t vh[32];
    if (zkvm_sha256(p + 96, 48, vh) != ZKVM_EOK)
        guest_fail(GUEST_EXIT_ACCEL, "sha256 failed");
    vh[0] = 0x01; /* VERSIONED_HASH_VERSION_KZG */
    if (memcmp(vh, p, 32) != 0)
        return fail();
    bool valid = false;
    if (zkvm_kzg_point_eval(p + 96, p + 32, p + 64, p + 144, &valid) != ZKVM_EOK || !valid)
        return fail();
    uint8_t *out = guest_zalloc(64);
    out[30] = 0x10; /* FIELD_ELEMENTS_PER_BLOB = 4096 */
    memcpy(out + 32, BLS_MODULUS, 32);
    return ok(gas - 50000, out, 64);
}

/* ---- BLS12-381 (EIP-2537, Prague) ------------------------------------------------------------- */

/* MSM discounts (per mille) for k = 1..128, EIP-2537 as activated in Prague; k > 128 uses the last. */
static const uint16_t G1_MSM_DISCOUNT[128] = {
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654,
    651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604,
    603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574,
    573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551,
    550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532,
    532, 531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519};
static const uint16_t G2_MSM_DISCOUNT[128] = {
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683,
    679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615,
    613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579,
    578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554,
    553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536,
    535, 535, 534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524};

#define BLS_G1_MSM_BASE 12000
#define BLS_G2_MSM_BASE 22500

uint64_t bls_msm_gas(bool g2, uint64_t k)
{
    if (k == 0)
        return 0;
    const uint16_t *table = g2 ? G2_MSM_DISCOUNT : G1_MSM_DISCOUNT;
    uint64_t d = table[k > 128 ? 127 : k - 1];
    /* k < 2^40 for any input in guest memory: k * 22500 * 1000 stays below 2^64. */
    return k * (g2 ? BLS_G2_MSM_BASE : BLS_G1_MSM_BASE) * d / 1000;
}

enum bls_op { BLS_G1ADD, BLS_G1MSM, BLS_G2ADD, BLS_G2MSM, BLS_PAIRING, BLS_MAP_G1, BLS_MAP_G2 };

static precompile_result bls12(unsigned id, bytes in, uint64_t gas)
{
    enum bls_op op = (enum bls_op)(id - 0x0b);
    uint64_t cost;
    size_t unit; /* exact length (ADD, MAP) or the pair length (MSM, PAIRING) */
    bool multi = false;
    switch (op) {
    case BLS_G1ADD: cost = 375, unit = 256; break;
    case BLS_G2ADD: cost = 600, unit = 512; break;
    case BLS_MAP_G1: cost = 5500, unit = 64; break;
    case BLS_MAP_G2: cost = 23800, unit = 128; break;
    case BLS_G1MSM: unit = 160, multi = true, cost = bls_msm_gas(false, in.len / 160); break;
    case BLS_G2MSM: unit = 288, multi = true, cost = bls_msm_gas(true, in.len / 288); break;
    case BLS_PAIRING: unit = 384, multi = true, cost = 37700 + 32600 * (uint64_t)(in.len / 384); break;
    default: guest_fail(GUEST_EXIT_INTERNAL, "bls12 precompile id");
    }
    if (cost > gas)
        return fail();
    if (multi ? (in.len == 0 || in.len % unit != 0) : in.len != unit)
        return fail();
    size_t k = in.len / unit;
    const uint8_t *p = in.ptr;
    uint8_t *out;
    size_t out_len = 128;
    zkvm_status st;
    bool one = false;
    switch (op) {
    case BLS_G1ADD: out = guest_alloc(128), st = zkvm_bls12_g1_add(p, p + 128, out); break;
    case BLS_G1MSM: out = guest_alloc(128), st = zkvm_bls12_g1_msm(p, k, out); break;
    case BLS_G2ADD: out = guest_alloc(256), out_len = 256, st = zkvm_bls12_g2_add(p, p + 256, out); break;
    case BLS_G2MSM: out = guest_alloc(256), out_len = 256, st = zkvm_bls12_g2_msm(p, k, out); break;
    case BLS_MAP_G1: out = guest_alloc(128), st = zkvm_bls12_map_fp_to_g1(p, out); break;
    case BLS_MAP_G2: out = guest_alloc(256), out_len = 256, st = zkvm_bls12_map_fp2_to_g2(p, out); break;
    default: /* BLS_PAIRING */
        st = zkvm_bls12_pairing(p, k, &one);
        out = bool_word(one);
        out_len = 32;
        break;
    }
    if (st != ZKVM_EOK)
        return fail();
    return ok(gas - cost, out, out_len);
}

/* ---- P256VERIFY (EIP-7951, Osaka) ------------------------------------------------------------- */

static precompile_result p256verify(bytes in, uint64_t gas)
{
    if (gas < 6900)
        return fail();
    gas -= 6900;
    if (in.len != 160)
        return ok(gas, NULL, 0);
    const uint8_t *p = in.ptr;
    bool valid = false;
    if (zkvm_secp256r1_verify(p, p + 32, p + 96, &valid) != ZKVM_EOK || !valid)
        return ok(gas, NULL, 0);
    return ok(gas, bool_word(true), 32);
}

static const char *const REGION[] = {
    "pc_ecrecover", "pc_sha256", "pc_ripemd160", "pc_identity", "pc_modexp", "pc_ecadd", "pc_ecmul",
    "pc_ecpairing", "pc_blake2f", "pc_point_eval", "pc_bls_g1add", "pc_bls_g1msm", "pc_bls_g2add",
    "pc_bls_g2msm", "pc_bls_pairing", "pc_bls_map_g1", "pc_bls_map_g2"};

static precompile_result dispatch(const fork_params *fp, unsigned id, bytes in, uint64_t gas)
{
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
    case 6:
        return ecadd(in, gas);
    case 7:
        return ecmul(in, gas);
    case 8:
        return ecpairing(in, gas);
    case 9:
        return blake2f(in, gas);
    case 0x0a:
        return point_evaluation(in, gas);
    default:
        break;
    }
    if (id >= 0x0b && id <= 0x11 && fp->prague)
        return bls12(id, in, gas);
    if (id == 0x100 && fp->osaka)
        return p256verify(in, gas);
    /* evm_is_precompile admits no other address. */
    guest_fail(GUEST_EXIT_INTERNAL, "precompile address not active in this fork");
}

precompile_result run_precompile(const fork_params *fp, const uint8_t addr[20], bytes in, uint64_t gas)
{
    unsigned id = (unsigned)addr[18] << 8 | addr[19];
    const char *region = id >= 1 && id <= 0x11 ? REGION[id - 1] : id == 0x100 ? "pc_p256verify" : "pc_other";
    zkvm_region_begin(region);
    precompile_result r = dispatch(fp, id, in, gas);
    zkvm_region_end(region);
    return r;
}
