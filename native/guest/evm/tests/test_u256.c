/* uint256 against Python big-integer results (gen_u256_vectors.py). */
#include "test.h"
#include "tests.h"

#include "../u256.h"

#include "u256_vectors.inc"

static u256 parse(const char *hex)
{
    unsigned char buf[33];
    int n = test_hex(hex, buf, 33);
    u256 r = {{0, 0, 0, 0}};
    if (n < 0 || n > 32) {
        CHECK_MSG(0, "bad vector %s", hex);
        return r;
    }
    u256_from_be(&r, buf, (unsigned)n);
    return r;
}

static void show(const u256 *v, char *out)
{
    sprintf(out, "%016llx%016llx%016llx%016llx", (unsigned long long)v->w[3], (unsigned long long)v->w[2],
            (unsigned long long)v->w[1], (unsigned long long)v->w[0]);
}

static u256 from_bool(bool b)
{
    return u256_from_u64(b ? 1 : 0);
}

typedef u256 (*binop)(const u256 *, const u256 *);

static u256 op_lt(const u256 *a, const u256 *b) { return from_bool(u256_lt(a, b)); }
static u256 op_slt(const u256 *a, const u256 *b) { return from_bool(u256_slt(a, b)); }
static u256 op_eq(const u256 *a, const u256 *b) { return from_bool(u256_eq(a, b)); }

static void run_binary(const char *name, const char *const (*vec)[3], size_t count, binop fn)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        u256 a = parse(vec[i][0]), b = parse(vec[i][1]), want = parse(vec[i][2]);
        u256 got = fn(&a, &b);
        if (!u256_eq(&got, &want) && bad++ < 3) {
            char g[65];
            show(&got, g);
            CHECK_MSG(0, "%s(%s, %s) = %s, want %s", name, vec[i][0], vec[i][1], g, vec[i][2]);
        } else if (!u256_eq(&got, &want)) {
            test_failed_checks++;
        }
    }
}

#define BINARY(n, fn) run_binary(#n, vec_##n, sizeof vec_##n / sizeof vec_##n[0], fn)

void test_u256_add_sub_mul(void)
{
    BINARY(add, u256_add);
    BINARY(sub, u256_sub);
    BINARY(mul, u256_mul);
}

void test_u256_div_mod(void)
{
    BINARY(div, u256_div);
    BINARY(mod, u256_mod);
    BINARY(sdiv, u256_sdiv);
    BINARY(smod, u256_smod);
}

void test_u256_exp(void) { BINARY(exp, u256_exp); }

void test_u256_bits(void)
{
    BINARY(signextend, u256_signextend);
    BINARY(shl, u256_shl);
    BINARY(shr, u256_shr);
    BINARY(sar, u256_sar);
    BINARY(byte, u256_byte);
    BINARY(and, u256_and);
    BINARY(or, u256_or);
    BINARY(xor, u256_xor);
}

void test_u256_compare(void)
{
    BINARY(lt, op_lt);
    BINARY(slt, op_slt);
    BINARY(eq, op_eq);
}

void test_u256_addmod_mulmod(void)
{
    static const struct {
        const char *name;
        const char *const (*vec)[4];
        size_t count;
        u256 (*fn)(const u256 *, const u256 *, const u256 *);
    } ops[] = {
        {"addmod", vec_addmod, sizeof vec_addmod / sizeof vec_addmod[0], u256_addmod},
        {"mulmod", vec_mulmod, sizeof vec_mulmod / sizeof vec_mulmod[0], u256_mulmod},
    };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < ops[k].count; i++) {
            u256 a = parse(ops[k].vec[i][0]), b = parse(ops[k].vec[i][1]), n = parse(ops[k].vec[i][2]);
            u256 want = parse(ops[k].vec[i][3]);
            u256 got = ops[k].fn(&a, &b, &n);
            CHECK_MSG(u256_eq(&got, &want), "%s(%s, %s, %s) want %s", ops[k].name, ops[k].vec[i][0],
                      ops[k].vec[i][1], ops[k].vec[i][2], ops[k].vec[i][3]);
        }
    }
}

void test_u256_unary(void)
{
    for (size_t i = 0; i < sizeof vec_not / sizeof vec_not[0]; i++) {
        u256 a = parse(vec_not[i][0]), want = parse(vec_not[i][1]);
        u256 got = u256_not(&a);
        CHECK_MSG(u256_eq(&got, &want), "not(%s)", vec_not[i][0]);
    }
    for (size_t i = 0; i < sizeof vec_clz / sizeof vec_clz[0]; i++) {
        u256 a = parse(vec_clz[i][0]), want = parse(vec_clz[i][1]);
        CHECK_MSG(u256_clz(&a) == want.w[0], "clz(%s) = %u", vec_clz[i][0], u256_clz(&a));
        CHECK(u256_byte_len(&a) == (256 - want.w[0] + 7) / 8);
    }
}

void test_u256_bytes(void)
{
    unsigned char be[32];
    for (int i = 0; i < 32; i++)
        be[i] = (unsigned char)(i + 1);
    u256 v;
    u256_from_be(&v, be, 32);
    CHECK(v.w[3] == 0x0102030405060708ull && v.w[0] == 0x191a1b1c1d1e1f20ull);
    unsigned char out[32];
    u256_to_be32(&v, out);
    CHECK(memcmp(out, be, 32) == 0);
    u256_from_be(&v, be, 3);
    CHECK(v.w[0] == 0x010203 && v.w[1] == 0);

    /* every length 0..32 at every alignment against the byte-by-byte definition (value = Σ be[i]·256^(len−1−i)) */
    unsigned char buf[40];
    for (int i = 0; i < 40; i++)
        buf[i] = (unsigned char)(0x9b * i + 0x37);
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned len = 0; len <= 32; len++) {
            u256 want = {{0, 0, 0, 0}};
            for (unsigned i = 0; i < len; i++) {
                unsigned pos = len - 1 - i;
                want.w[pos / 8] |= (uint64_t)buf[off + i] << (8 * (pos % 8));
            }
            u256_from_be(&v, buf + off, len);
            CHECK_MSG(u256_eq(&v, &want), "from_be len %u offset %u", len, off);
        }
    }
}
