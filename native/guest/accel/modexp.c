/* EIP-198 modular exponentiation for operands of any length.
 *
 * The modulus m is split as m = 2^s · q with q odd. The odd part uses Montgomery arithmetic with
 * k = ceil(bits(q) / 64) limbs, the power-of-two part truncated products modulo 2^s; the two are joined by CRT:
 *   x = x1 + q · ((x2 − x1) · q^-1 mod 2^s),  x1 = b^e mod q,  x2 = b^e mod 2^s.
 *
 * Cost follows what the precompile charges (EIP-2565: words² · bits(e) / 3): the setup is linear in the
 * operand lengths (R mod q by at most 64 doublings, R² mod q by log2(64k) squarings, the base reduced by one
 * Montgomery product per k-limb chunk), and the left-to-right sliding window takes its width from the exponent
 * length (no table at all for exponents of up to 6 bits). The exponent is public (a precompile input), so the
 * window lookups and skipped zero bits are not constant-time; see docs/design.md. */
#include "fp.h"

/* Working memory: one static arena, reused by every call, when the operands fit the EIP-7823 bounds
 * (each length ≤ 1024 bytes); larger operands (allowed before Osaka) take one malloc'd block. The
 * guest's malloc is a bump allocator with a no-op free, so the arena keeps repeated calls from
 * growing the heap. The guest is single-threaded; the arena is not reentrant. */
#define ARENA_N 128 /* limbs of a 1024-byte operand */
#define TABLE_MAX 32 /* odd powers b, b^3, …, b^63 for the widest window (6 bits) */
#define SCRATCH_LIMBS(n) (2 * (n) + 2 + 4 * (n) + TABLE_MAX * (n))
#define ARENA_LIMBS (6 * ARENA_N + ARENA_N + SCRATCH_LIMBS(ARENA_N))
static uint64_t arena[ARENA_LIMBS];

/* r = a·b mod 2^(64w) (w-limb truncated product); r must not alias a or b. */
static void mul_trunc(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t w)
{
    memset(r, 0, w * sizeof(uint64_t));
    for (size_t i = 0; i < w; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; i + j < w; j++) {
            u128 s = (u128)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
    }
}

/* (no __builtin_clz: on RV64IM without Zbb it becomes a libgcc call, and the guest links no libgcc) */
static size_t bit_length(const uint64_t *a, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (a[i] != 0) {
            size_t bits = 0;
            for (uint64_t v = a[i]; v != 0; v >>= 1)
                bits++;
            return 64 * i + bits;
        }
    }
    return 0;
}

static unsigned exp_bit(const uint8_t *exp, size_t exp_len, size_t bit)
{
    return (exp[exp_len - 1 - bit / 8] >> (bit % 8)) & 1;
}

/* Sliding-window width for an exponent of ebits bits (the usual thresholds: the table of 2^(w−1) odd powers
 * costs 2^(w−1) products, each window saves about one product per w bits). */
static unsigned window_bits(size_t ebits)
{
    return ebits > 671 ? 6 : ebits > 239 ? 5 : ebits > 79 ? 4 : ebits > 23 ? 3 : ebits > 6 ? 2 : 1;
}

/* One left-to-right sliding-window exponentiation, shared by both multiplication back ends: acc = b^e where
 * tbl holds the odd powers b^1, b^3, …, b^(2^w − 1) (tbl[i] = b^(2i+1), each n limbs). The caller handles
 * e = 0 (ebits = 0). sqr(acc) and mul(acc, y) are the back end's in-place products. */
#define SLIDING_WINDOW(acc, tbl, n, exp, exp_len, ebits, w, SQR, MUL)                                       \
    do {                                                                                                   \
        bool started_ = false;                                                                             \
        size_t i_ = (ebits);                                                                               \
        while (i_-- > 0) {                                                                                 \
            if (!exp_bit((exp), (exp_len), i_)) {                                                          \
                SQR(acc);                                                                                  \
                continue;                                                                                  \
            }                                                                                              \
            size_t j_ = i_ + 1 >= (w) ? i_ + 1 - (w) : 0; /* lowest bit the window may reach */          \
            while (!exp_bit((exp), (exp_len), j_))                                                         \
                j_++;                                                                                      \
            unsigned val_ = 0;                                                                             \
            for (size_t b_ = i_ + 1; b_-- > j_;)                                                           \
                val_ = (val_ << 1) | exp_bit((exp), (exp_len), b_);                                        \
            if (started_) {                                                                                \
                for (size_t b_ = j_; b_ <= i_; b_++)                                                       \
                    SQR(acc);                                                                              \
                MUL(acc, (tbl) + (size_t)(val_ >> 1) * (n));                                               \
            } else {                                                                                       \
                memcpy((acc), (tbl) + (size_t)(val_ >> 1) * (n), (n) * sizeof(uint64_t));                  \
                started_ = true;                                                                           \
            }                                                                                              \
            i_ = j_;                                                                                       \
        }                                                                                                  \
    } while (0)

/* r = 2r mod q for r < q */
static void mod_dbl(uint64_t *r, const uint64_t *q, size_t k)
{
    uint64_t carry = mp_add(r, r, r, k);
    if (carry || mp_cmp(r, q, k) >= 0)
        mp_sub(r, r, q, k);
}

/* x1 = b^e mod q for odd q > 1 of k limbs, in Montgomery arithmetic. scratch: SCRATCH_LIMBS(k). */
static void pow_odd(uint64_t *x1, const uint64_t *b, size_t bl, const uint8_t *exp, size_t exp_len,
                    size_t ebits, const uint64_t *q, size_t k, uint64_t *scratch)
{
    uint64_t *t = scratch, *one = t + (2 * k + 2), *r2 = one + k, *acc = r2 + k, *chunk = acc + k;
    uint64_t *tbl = chunk + k;
    uint64_t pinv = mp_neg_inv64(q[0]);
#define MONT_SQR(a) mp_mont_sqr((a), (a), q, pinv, k, t)
#define MONT_MUL(a, y) mp_mont_mul((a), (a), (y), q, pinv, k, t)

    if (ebits == 0) { /* b^0 = 1 (EIP-198 takes 0^0 = 1) */
        memset(x1, 0, k * sizeof(uint64_t));
        x1[0] = 1;
        return;
    }

    /* one = R mod q: 2^(bits(q)−1) < q (q is odd and > 1, so not a power of two), doubled up to 2^(64k). */
    size_t qbits = bit_length(q, k);
    memset(one, 0, k * sizeof(uint64_t));
    one[(qbits - 1) / 64] = (uint64_t)1 << ((qbits - 1) % 64);
    for (size_t i = qbits - 1; i < 64 * k; i++)
        mod_dbl(one, q, k);
    /* r2 = R² mod q = Montgomery form of 2^(64k): square-and-double from Montgomery 1 over the bits of 64k
     * (doubling a Montgomery form doubles the value), log2(64k) squarings instead of 64k doublings. */
    memcpy(r2, one, k * sizeof(uint64_t));
    size_t e64 = 64 * k;
    size_t top = 0;
    while ((e64 >> top) > 1)
        top++;
    for (size_t i = top + 1; i-- > 0;) {
        MONT_SQR(r2);
        if ((e64 >> i) & 1)
            mod_dbl(r2, q, k);
    }

    /* Base in Montgomery form by Horner over k-limb chunks c from the top: with A = Mont(a),
     * Mont(a·R + c) = (a·R + c)·R = (A + c)·R = mont_mul(A + c, R²). A + c < q + R; one subtraction of q on
     * carry keeps it below R, and x·R² < R·q is the CIOS bound, so any chunk value works unreduced. */
    memset(acc, 0, k * sizeof(uint64_t));
    size_t chunks = (bl + k - 1) / k;
    for (size_t c = chunks; c-- > 0;) {
        memset(chunk, 0, k * sizeof(uint64_t));
        for (size_t i = 0; i < k && c * k + i < bl; i++)
            chunk[i] = b[c * k + i];
        if (mp_add(acc, acc, chunk, k))
            mp_sub(acc, acc, q, k);
        MONT_MUL(acc, r2);
    }

    /* odd powers: tbl[i] = b^(2i+1) */
    unsigned w = window_bits(ebits);
    memcpy(tbl, acc, k * sizeof(uint64_t));
    if (w > 1) {
        uint64_t *b2 = chunk;
        memcpy(b2, acc, k * sizeof(uint64_t));
        MONT_SQR(b2);
        for (size_t i = 1; i < ((size_t)1 << (w - 1)); i++)
            mp_mont_mul(tbl + i * k, tbl + (i - 1) * k, b2, q, pinv, k, t);
    }
    SLIDING_WINDOW(acc, tbl, k, exp, exp_len, ebits, w, MONT_SQR, MONT_MUL);
    /* out of Montgomery form */
    memset(chunk, 0, k * sizeof(uint64_t));
    chunk[0] = 1;
    mp_mont_mul(x1, acc, chunk, q, pinv, k, t);
#undef MONT_SQR
#undef MONT_MUL
}

zkvm_status zkvm_modexp(const uint8_t *base, size_t base_len, const uint8_t *exp, size_t exp_len,
                        const uint8_t *mod, size_t mod_len, uint8_t *out)
{
    if ((base == NULL && base_len != 0) || (exp == NULL && exp_len != 0) || (mod == NULL && mod_len != 0) ||
        (out == NULL && mod_len != 0))
        return ZKVM_EINVAL;
    if (mod_len == 0)
        return ZKVM_EOK;

    size_t n = (mod_len + 7) / 8;
    size_t bl = (base_len + 7) / 8;
    zkvm_status status = ZKVM_EINVAL;
    size_t bcap = bl ? bl : 1;
    size_t total = 6 * n + bcap + SCRATCH_LIMBS(n);
    uint64_t *block = total <= ARENA_LIMBS ? arena : malloc(total * sizeof(uint64_t));
    if (block == NULL)
        return ZKVM_EINVAL;
    uint64_t *m = block, *q = m + n, *x = q + n, *x1 = x + n, *x2 = x1 + n, *b = x2 + n;
    uint64_t *scratch = b + bcap;
    memset(block, 0, (6 * n + bcap) * sizeof(uint64_t));
    mp_from_be(m, n, mod, mod_len);
    mp_from_be(b, bl, base, base_len);
    memset(out, 0, mod_len);
    size_t mbits = bit_length(m, n);
    if (mbits == 0) { /* EIP-198: modulus 0 gives all-zero output */
        status = ZKVM_EOK;
        goto done;
    }

    /* exponent bit length */
    size_t ebits = 0;
    for (size_t i = 0; i < exp_len; i++) {
        if (exp[i] != 0) {
            size_t top = 0;
            for (unsigned v = exp[i]; v != 0; v >>= 1)
                top++;
            ebits = 8 * (exp_len - i - 1) + top;
            break;
        }
    }

    if (mbits == 1) { /* m = 1: everything is 0 */
        status = ZKVM_EOK;
        goto done;
    }

    /* m = 2^s · q */
    size_t s = 0;
    while (((m[s / 64] >> (s % 64)) & 1) == 0)
        s++;
    for (size_t i = 0; i < n; i++) {
        size_t src = i + s / 64;
        uint64_t lo = src < n ? m[src] : 0;
        uint64_t hi = src + 1 < n ? m[src + 1] : 0;
        q[i] = s % 64 ? (lo >> (s % 64)) | (hi << (64 - s % 64)) : lo;
    }
    size_t k = (bit_length(q, n) + 63) / 64; /* limbs of q, >= 1 */

    /* x1 = b^e mod q */
    if (!(k == 1 && q[0] == 1))
        pow_odd(x1, b, bl, exp, exp_len, ebits, q, k, scratch);

    if (s == 0) {
        memcpy(x, x1, n * sizeof(uint64_t));
    } else {
        /* x2 = b^e mod 2^s with w-limb truncated arithmetic, then masked. */
        size_t w = (s + 63) / 64;
        uint64_t *bb = scratch, *acc = bb + w, *tmp = acc + w, *qi = tmp + w, *t2 = qi + w, *d = t2 + w;
        memset(bb, 0, w * sizeof(uint64_t));
        for (size_t i = 0; i < w && i < bl; i++)
            bb[i] = b[i];
        memset(acc, 0, w * sizeof(uint64_t));
        acc[0] = 1;
        for (size_t i = ebits; i-- > 0;) {
            mul_trunc(tmp, acc, acc, w);
            memcpy(acc, tmp, w * sizeof(uint64_t));
            if (exp_bit(exp, exp_len, i)) {
                mul_trunc(tmp, acc, bb, w);
                memcpy(acc, tmp, w * sizeof(uint64_t));
            }
        }
        uint64_t topmask = s % 64 ? ((uint64_t)1 << (s % 64)) - 1 : ~(uint64_t)0;
        acc[w - 1] &= topmask;
        memcpy(x2, acc, w * sizeof(uint64_t));
        /* qi = q^-1 mod 2^(64w) by Newton iteration y = y(2 − q·y), seeded with the 64-bit inverse. */
        memset(qi, 0, w * sizeof(uint64_t));
        qi[0] = (uint64_t)0 - mp_neg_inv64(q[0]);
        for (size_t prec = 64; prec < 64 * w; prec *= 2) {
            uint64_t *qw = d; /* q truncated to w limbs */
            memset(qw, 0, w * sizeof(uint64_t));
            for (size_t i = 0; i < w && i < n; i++)
                qw[i] = q[i];
            mul_trunc(t2, qw, qi, w);          /* q·y */
            uint64_t *two = tmp;
            memset(two, 0, w * sizeof(uint64_t));
            two[0] = 2;
            mp_sub(t2, two, t2, w);            /* 2 − q·y mod 2^(64w) */
            mul_trunc(tmp, qi, t2, w);
            memcpy(qi, tmp, w * sizeof(uint64_t));
        }
        /* h = (x2 − x1) · qi mod 2^s */
        uint64_t *x1w = d;
        memset(x1w, 0, w * sizeof(uint64_t));
        for (size_t i = 0; i < w && i < n; i++)
            x1w[i] = x1[i];
        mp_sub(t2, x2, x1w, w);
        mul_trunc(tmp, t2, qi, w);
        tmp[w - 1] &= topmask;
        /* x = x1 + q·h (fits in n limbs since the result is < m) */
        memset(x, 0, n * sizeof(uint64_t));
        for (size_t i = 0; i < w; i++) {
            uint64_t carry = 0;
            for (size_t j = 0; i + j < n; j++) {
                u128 sum = (u128)tmp[i] * q[j] + x[i + j] + carry;
                x[i + j] = (uint64_t)sum;
                carry = (uint64_t)(sum >> 64);
            }
        }
        mp_add(x, x, x1, n);
    }
    mp_to_be(out, mod_len, x, n);
    status = ZKVM_EOK;
done:
    if (block != arena)
        free(block);
    return status;
}
