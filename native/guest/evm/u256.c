/* 256-bit arithmetic. Multiplication uses 64x64->128 products (one mul + mulhu on RV64); division is
 * Knuth's algorithm D (TAOCP 4.3.1) over 32-bit digits so every intermediate fits in 64 bits and no
 * libgcc helper (__udivti3) is needed on the guest.
 *
 * The zkVM build (U256_MODMUL) reduces through the proved MODMUL256 syscall (x := x·y mod m, docs/zkvm.md
 * "Modular multiplication") in MOD, ADDMOD and MULMOD instead of the division; the host build keeps the division
 * as the reference (define U256_PLAIN to build it for rv64 too). */
#include "u256.h"

#include "common.h"

typedef unsigned __int128 u128;

#if defined(__riscv) && !defined(U256_PLAIN)
#define U256_MODMUL 1
#endif

/* One big-endian 64-bit word, written out (8 loads, 7 shifts, 7 ors; a loop here costs 5 instructions a byte). */
static inline uint64_t be64_word(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
           ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) | ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

void u256_from_be(u256 *r, const uint8_t *be, unsigned len)
{
    /* Word by word from the least significant end: each full 8-byte group is one big-endian word, the
     * remaining top len % 8 bytes one short loop. len ≤ 32 (longer input is cut to its first 32 bytes). */
    if (len >= 32) {
        r->w[3] = be64_word(be);
        r->w[2] = be64_word(be + 8);
        r->w[1] = be64_word(be + 16);
        r->w[0] = be64_word(be + 24);
        return;
    }
    uint64_t w[4] = {0, 0, 0, 0};
    unsigned full = len / 8;
    const uint8_t *end = be + len;
    for (unsigned i = 0; i < full; i++)
        w[i] = be64_word(end - 8 * (i + 1));
    if (len % 8) {
        uint64_t v = 0;
        for (unsigned k = 0; k < len % 8; k++)
            v = (v << 8) | be[k];
        w[full] = v;
    }
    r->w[0] = w[0];
    r->w[1] = w[1];
    r->w[2] = w[2];
    r->w[3] = w[3];
}

#ifdef U256_MODMUL
/* x := x·y mod m by one proved call; y < m, or x·y < m·2^256 in general (y = 1 always qualifies). */
static void modmul_call(uint64_t x[4], const uint64_t y[4], const uint64_t m[4])
{
    uint64_t ym[8] = {y[0], y[1], y[2], y[3], m[0], m[1], m[2], m[3]};
    zkvm_modmul256(x, ym);
}

/* a mod m for m ≠ 0 (a·1 mod m: the quotient is a / m < 2^256). */
static u256 reduce_call(const u256 *a, const u256 *m)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    u256 r = *a;
    modmul_call(r.w, one, m->w);
    return r;
}
#endif

void u256_to_be32(const u256 *a, uint8_t out[32])
{
    for (int i = 0; i < 4; i++)
        store_be64(out + 8 * i, a->w[3 - i]);
}

int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--) {
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    }
    return 0;
}

bool u256_lt(const u256 *a, const u256 *b)
{
    return u256_cmp(a, b) < 0;
}

static bool is_neg(const u256 *a)
{
    return (a->w[3] >> 63) != 0;
}

bool u256_slt(const u256 *a, const u256 *b)
{
    bool na = is_neg(a), nb = is_neg(b);
    if (na != nb)
        return na;
    return u256_cmp(a, b) < 0;
}

u256 u256_add(const u256 *a, const u256 *b)
{
    u256 r;
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t s = a->w[i] + b->w[i];
        uint64_t c1 = s < a->w[i];
        uint64_t s2 = s + carry;
        uint64_t c2 = s2 < s;
        r.w[i] = s2;
        carry = c1 | c2;
    }
    return r;
}

u256 u256_sub(const u256 *a, const u256 *b)
{
    u256 r;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d = a->w[i] - b->w[i];
        uint64_t b1 = a->w[i] < b->w[i];
        uint64_t d2 = d - borrow;
        uint64_t b2 = d < borrow;
        r.w[i] = d2;
        borrow = b1 | b2;
    }
    return r;
}

static u256 negate(const u256 *a)
{
    u256 z = {{0, 0, 0, 0}};
    return u256_sub(&z, a);
}

u256 u256_mul(const u256 *a, const u256 *b)
{
    uint64_t r[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; i + j < 4; j++) {
            u128 t = (u128)a->w[i] * b->w[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
    }
    u256 out = {{r[0], r[1], r[2], r[3]}};
    return out;
}

/* Full 512-bit product, 8 limbs. */
static void mul_full(const u256 *a, const u256 *b, uint64_t r[8])
{
    for (int i = 0; i < 8; i++)
        r[i] = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)a->w[i] * b->w[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r[i + 4] = carry;
    }
}

bool u256_mul_overflow(const u256 *a, const u256 *b, u256 *out)
{
    uint64_t r[8];
    mul_full(a, b, r);
    for (int i = 0; i < 4; i++)
        out->w[i] = r[i];
    return (r[4] | r[5] | r[6] | r[7]) != 0;
}

static int nlz32(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while ((x & 0x80000000u) == 0) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Divides the m-digit u by the n-digit v (v[n-1] != 0, m >= n, digits 32-bit little-endian),
 * writing the m-n+1 quotient digits to q (if non-NULL) and the n remainder digits to r.
 * At most 16 numerator digits (512 bits) and 8 divisor digits. */
static void divmod32(const uint32_t *u, int m, const uint32_t *v, int n, uint32_t *q, uint32_t *r)
{
    uint32_t un[17], vn[8];
    if (n == 1) {
        uint64_t rem = 0;
        for (int j = m - 1; j >= 0; j--) {
            uint64_t cur = (rem << 32) | u[j];
            if (q)
                q[j] = (uint32_t)(cur / v[0]);
            rem = cur % v[0];
        }
        r[0] = (uint32_t)rem;
        return;
    }
    int s = nlz32(v[n - 1]);
    for (int i = n - 1; i > 0; i--)
        vn[i] = (v[i] << s) | (s ? (uint32_t)((uint64_t)v[i - 1] >> (32 - s)) : 0);
    vn[0] = v[0] << s;
    un[m] = s ? (uint32_t)((uint64_t)u[m - 1] >> (32 - s)) : 0;
    for (int i = m - 1; i > 0; i--)
        un[i] = (u[i] << s) | (s ? (uint32_t)((uint64_t)u[i - 1] >> (32 - s)) : 0);
    un[0] = u[0] << s;

    const uint64_t base = (uint64_t)1 << 32;
    for (int j = m - n; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1];
        uint64_t rhat = num % vn[n - 1];
        while (qhat >= base || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= base)
                break;
        }
        /* Multiply and subtract. */
        int64_t borrow = 0;
        uint64_t carry = 0;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            int64_t t = (int64_t)un[i + j] - (int64_t)(p & 0xffffffffu) + borrow;
            un[i + j] = (uint32_t)t;
            borrow = t >> 32; /* arithmetic: 0 or -1 */
        }
        int64_t t = (int64_t)un[j + n] - (int64_t)carry + borrow;
        un[j + n] = (uint32_t)t;
        if (t < 0) {
            /* qhat was one too large: add back. */
            qhat--;
            uint64_t c = 0;
            for (int i = 0; i < n; i++) {
                uint64_t sum = (uint64_t)un[i + j] + vn[i] + c;
                un[i + j] = (uint32_t)sum;
                c = sum >> 32;
            }
            un[j + n] = (uint32_t)((uint64_t)un[j + n] + c);
        }
        if (q)
            q[j] = (uint32_t)qhat;
    }
    for (int i = 0; i < n - 1; i++)
        r[i] = (un[i] >> s) | (s ? (uint32_t)((uint64_t)un[i + 1] << (32 - s)) : 0);
    r[n - 1] = un[n - 1] >> s;
}

static int to_digits(const uint64_t *limbs, int nlimbs, uint32_t *d)
{
    int n = 0;
    for (int i = 0; i < nlimbs; i++) {
        d[2 * i] = (uint32_t)limbs[i];
        d[2 * i + 1] = (uint32_t)(limbs[i] >> 32);
    }
    for (int i = 0; i < 2 * nlimbs; i++)
        if (d[i])
            n = i + 1;
    return n;
}

static u256 from_digits(const uint32_t *d, int n)
{
    u256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < n && i < 8; i++)
        r.w[i / 2] |= (uint64_t)d[i] << (32 * (i % 2));
    return r;
}

/* (quotient, remainder) of the nlimbs-limb number by den; den nonzero. */
static void divmod_limbs(const uint64_t *num, int nlimbs, const u256 *den, u256 *quot, u256 *rem)
{
    uint32_t u[16], v[8], q[16], r[8];
    int m = to_digits(num, nlimbs, u);
    int n = to_digits(den->w, 4, v);
    if (m < n) {
        if (quot)
            *quot = u256_from_u64(0);
        if (rem)
            *rem = from_digits(u, m);
        return;
    }
    for (int i = 0; i < 16; i++)
        q[i] = 0;
    divmod32(u, m, v, n, q, r);
    if (quot)
        *quot = from_digits(q, m - n + 1);
    if (rem)
        *rem = from_digits(r, n);
}

u256 u256_div(const u256 *a, const u256 *b)
{
    u256 q = {{0, 0, 0, 0}};
    if (u256_is_zero(b))
        return q;
    divmod_limbs(a->w, 4, b, &q, NULL);
    return q;
}

u256 u256_mod(const u256 *a, const u256 *b)
{
    u256 r = {{0, 0, 0, 0}};
    if (u256_is_zero(b))
        return r;
#ifdef U256_MODMUL
    return reduce_call(a, b);
#endif
    divmod_limbs(a->w, 4, b, NULL, &r);
    return r;
}

u256 u256_sdiv(const u256 *a, const u256 *b)
{
    if (u256_is_zero(b))
        return u256_from_u64(0);
    bool na = is_neg(a), nb = is_neg(b);
    u256 ua = na ? negate(a) : *a;
    u256 ub = nb ? negate(b) : *b;
    u256 q = u256_div(&ua, &ub);
    /* -2^255 / -1 wraps to -2^255, which the negation below yields naturally. */
    return na != nb ? negate(&q) : q;
}

u256 u256_smod(const u256 *a, const u256 *b)
{
    if (u256_is_zero(b))
        return u256_from_u64(0);
    bool na = is_neg(a), nb = is_neg(b);
    u256 ua = na ? negate(a) : *a;
    u256 ub = nb ? negate(b) : *b;
    u256 r = u256_mod(&ua, &ub);
    return na ? negate(&r) : r; /* sign of the dividend */
}

u256 u256_addmod(const u256 *a, const u256 *b, const u256 *n)
{
    if (u256_is_zero(n))
        return u256_from_u64(0);
#ifdef U256_MODMUL
    {
        /* (a mod n) + (b mod n) < 2n, one conditional subtraction (the sum may carry out of 256 bits). */
        u256 ra = reduce_call(a, n), rb = reduce_call(b, n);
        u256 t = u256_add(&ra, &rb);
        bool carry = u256_lt(&t, &ra);
        if (carry || !u256_lt(&t, n))
            t = u256_sub(&t, n);
        return t;
    }
#endif
    uint64_t sum[5];
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t s = a->w[i] + b->w[i];
        uint64_t c1 = s < a->w[i];
        uint64_t s2 = s + carry;
        carry = c1 | (s2 < s);
        sum[i] = s2;
    }
    sum[4] = carry;
    uint64_t padded[8] = {sum[0], sum[1], sum[2], sum[3], sum[4], 0, 0, 0};
    u256 r;
    divmod_limbs(padded, 8, n, NULL, &r);
    return r;
}

u256 u256_mulmod(const u256 *a, const u256 *b, const u256 *n)
{
    if (u256_is_zero(n))
        return u256_from_u64(0);
#ifdef U256_MODMUL
    {
        /* a·(b mod n) mod n: with y = b mod n < n the quotient a·y / n < a < 2^256 fits. */
        u256 rb = reduce_call(b, n);
        u256 r = *a;
        modmul_call(r.w, rb.w, n->w);
        return r;
    }
#endif
    uint64_t prod[8];
    mul_full(a, b, prod);
    u256 r;
    divmod_limbs(prod, 8, n, NULL, &r);
    return r;
}

u256 u256_exp(const u256 *base, const u256 *exponent)
{
    u256 result = u256_from_u64(1);
    u256 b = *base;
    for (int i = 0; i < 4; i++) {
        uint64_t e = exponent->w[i];
        for (int bit = 0; bit < 64; bit++) {
            if (e & 1)
                result = u256_mul(&result, &b);
            e >>= 1;
            /* Stop squaring once no exponent bits remain. */
            bool more = e != 0;
            for (int k = i + 1; k < 4 && !more; k++)
                more = exponent->w[k] != 0;
            if (!more)
                return result;
            b = u256_mul(&b, &b);
        }
    }
    return result;
}

u256 u256_signextend(const u256 *byte_index, const u256 *x)
{
    if (!u256_fits_u64(byte_index) || byte_index->w[0] >= 31)
        return *x;
    unsigned bit = (unsigned)byte_index->w[0] * 8 + 7; /* sign bit position */
    unsigned limb = bit / 64, off = bit % 64;
    bool neg = (x->w[limb] >> off) & 1;
    u256 r = *x;
    uint64_t mask = off == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (off + 1)) - 1); /* bits <= off */
    if (neg)
        r.w[limb] |= ~mask;
    else
        r.w[limb] &= mask;
    for (unsigned i = limb + 1; i < 4; i++)
        r.w[i] = neg ? ~(uint64_t)0 : 0;
    return r;
}

static u256 shl_n(const u256 *x, unsigned n)
{
    u256 r = {{0, 0, 0, 0}};
    unsigned limbs = n / 64, bits = n % 64;
    for (int i = 3; i >= (int)limbs; i--) {
        uint64_t v = x->w[i - limbs] << bits;
        if (bits && i - (int)limbs - 1 >= 0)
            v |= x->w[i - limbs - 1] >> (64 - bits);
        r.w[i] = v;
    }
    return r;
}

static u256 shr_n(const u256 *x, unsigned n)
{
    u256 r = {{0, 0, 0, 0}};
    unsigned limbs = n / 64, bits = n % 64;
    for (unsigned i = 0; i + limbs < 4; i++) {
        uint64_t v = x->w[i + limbs] >> bits;
        if (bits && i + limbs + 1 < 4)
            v |= x->w[i + limbs + 1] << (64 - bits);
        r.w[i] = v;
    }
    return r;
}

u256 u256_shl(const u256 *shift, const u256 *x)
{
    if (!u256_fits_u64(shift) || shift->w[0] >= 256)
        return u256_from_u64(0);
    return shl_n(x, (unsigned)shift->w[0]);
}

u256 u256_shr(const u256 *shift, const u256 *x)
{
    if (!u256_fits_u64(shift) || shift->w[0] >= 256)
        return u256_from_u64(0);
    return shr_n(x, (unsigned)shift->w[0]);
}

u256 u256_sar(const u256 *shift, const u256 *x)
{
    bool neg = is_neg(x);
    if (!u256_fits_u64(shift) || shift->w[0] >= 256) {
        u256 r = {{0, 0, 0, 0}};
        if (neg)
            r.w[0] = r.w[1] = r.w[2] = r.w[3] = ~(uint64_t)0;
        return r;
    }
    unsigned n = (unsigned)shift->w[0];
    u256 r = shr_n(x, n);
    if (neg && n > 0) {
        u256 ones = {{~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0}};
        u256 fill = shl_n(&ones, 256 - n);
        r = u256_or(&r, &fill);
    }
    return r;
}

u256 u256_byte(const u256 *index, const u256 *x)
{
    if (!u256_fits_u64(index) || index->w[0] >= 32)
        return u256_from_u64(0);
    unsigned pos = 31 - (unsigned)index->w[0]; /* significance of the byte */
    return u256_from_u64((x->w[pos / 8] >> (8 * (pos % 8))) & 0xff);
}

u256 u256_not(const u256 *a)
{
    u256 r = {{~a->w[0], ~a->w[1], ~a->w[2], ~a->w[3]}};
    return r;
}

u256 u256_and(const u256 *a, const u256 *b)
{
    u256 r = {{a->w[0] & b->w[0], a->w[1] & b->w[1], a->w[2] & b->w[2], a->w[3] & b->w[3]}};
    return r;
}

u256 u256_or(const u256 *a, const u256 *b)
{
    u256 r = {{a->w[0] | b->w[0], a->w[1] | b->w[1], a->w[2] | b->w[2], a->w[3] | b->w[3]}};
    return r;
}

u256 u256_xor(const u256 *a, const u256 *b)
{
    u256 r = {{a->w[0] ^ b->w[0], a->w[1] ^ b->w[1], a->w[2] ^ b->w[2], a->w[3] ^ b->w[3]}};
    return r;
}

unsigned u256_clz(const u256 *a)
{
    unsigned n = 0;
    for (int i = 3; i >= 0; i--) {
        uint64_t v = a->w[i];
        if (v == 0) {
            n += 64;
            continue;
        }
        while ((v >> 63) == 0) {
            v <<= 1;
            n++;
        }
        return n;
    }
    return n;
}

unsigned u256_byte_len(const u256 *a)
{
    return (256 - u256_clz(a) + 7) / 8;
}
