/* EIP-198 modular exponentiation for operands of any length.
 *
 * The modulus m is split as m = 2^s · q with q odd. The odd part uses Montgomery arithmetic with
 * k = ceil(bits(q) / 64) limbs and a fixed 4-bit window; the power-of-two part is computed with
 * truncated products modulo 2^s; the two are joined by CRT:
 *   x = x1 + q · ((x2 − x1) · q^-1 mod 2^s),  x1 = b^e mod q,  x2 = b^e mod 2^s.
 * No division is needed anywhere. The exponent is public (a precompile input), so the window
 * lookups and the skipped leading zero bits are not constant-time; see docs/design.md. */
#include "fp.h"

/* Working memory: one static arena, reused by every call, when the operands fit the EIP-7823 bounds
 * (each length ≤ 1024 bytes); larger operands (allowed before Osaka) take one malloc'd block. The
 * guest's malloc is a bump allocator with a no-op free, so the arena keeps repeated calls from
 * growing the heap. The guest is single-threaded; the arena is not reentrant. */
#define ARENA_N 128 /* limbs of a 1024-byte operand */
#define ARENA_LIMBS (6 * ARENA_N + ARENA_N + 20 * (ARENA_N + 2) + 2 * ARENA_N)
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
    size_t total = 6 * n + bcap + 20 * (n + 2) + 2 * n;
    uint64_t *block = total <= ARENA_LIMBS ? arena : malloc(total * sizeof(uint64_t));
    if (block == NULL)
        return ZKVM_EINVAL;
    memset(block, 0, total * sizeof(uint64_t));
    uint64_t *m = block, *q = m + n, *x = q + n, *x1 = x + n, *x2 = x1 + n, *b = x2 + n;
    uint64_t *scratch = b + bcap;
    mp_from_be(m, n, mod, mod_len);
    mp_from_be(b, bl, base, base_len);
    memset(out, 0, mod_len);
    if (mp_is_zero(m, n)) { /* EIP-198: modulus 0 gives all-zero output */
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
    bool q_is_one = k == 1 && q[0] == 1;
    if (!q_is_one) {
        uint64_t *t = scratch, *r2 = t + (2 * k + 2), *one = r2 + k, *acc = one + k, *chunk = acc + k;
        uint64_t *tbl = chunk + k; /* 16 entries of k limbs */
        uint64_t pinv = mp_neg_inv64(q[0]);
        /* R mod q and R^2 mod q by doubling (bounded: 128·k steps). */
        memset(r2, 0, k * sizeof(uint64_t));
        r2[0] = 1;
        for (size_t i = 0; i < 2 * 64 * k; i++) {
            uint64_t carry = mp_add(r2, r2, r2, k);
            if (carry || mp_cmp(r2, q, k) >= 0)
                mp_sub(r2, r2, q, k);
            if (i + 1 == 64 * k)
                memcpy(one, r2, k * sizeof(uint64_t));
        }
        /* base in Montgomery form by Horner over k-limb chunks from the top:
         * accM = accM·R (mont_mul by R^2) + chunkM. */
        memset(acc, 0, k * sizeof(uint64_t));
        size_t chunks = (bl + k - 1) / k;
        for (size_t c = chunks; c-- > 0;) {
            memset(chunk, 0, k * sizeof(uint64_t));
            for (size_t i = 0; i < k && c * k + i < bl; i++)
                chunk[i] = b[c * k + i];
            mp_mont_mul(acc, acc, r2, q, pinv, k, t);
            mp_mont_mul(chunk, chunk, r2, q, pinv, k, t);
            if (mp_add(acc, acc, chunk, k) || mp_cmp(acc, q, k) >= 0)
                mp_sub(acc, acc, q, k);
        }
        /* table of acc^0..acc^15 */
        memcpy(tbl, one, k * sizeof(uint64_t));
        for (size_t i = 1; i < 16; i++)
            mp_mont_mul(tbl + i * k, tbl + (i - 1) * k, acc, q, pinv, k, t);
        /* left-to-right 4-bit fixed windows */
        memcpy(acc, one, k * sizeof(uint64_t));
        size_t windows = (ebits + 3) / 4;
        for (size_t w = windows; w-- > 0;) {
            for (int j = 0; j < 4; j++)
                mp_mont_sqr(acc, acc, q, pinv, k, t);
            unsigned digit = 0;
            for (int j = 3; j >= 0; j--) {
                size_t bit = 4 * w + (size_t)j;
                digit = (digit << 1) | (bit < ebits ? exp_bit(exp, exp_len, bit) : 0);
            }
            if (digit)
                mp_mont_mul(acc, acc, tbl + digit * k, q, pinv, k, t);
        }
        /* out of Montgomery form */
        memset(chunk, 0, k * sizeof(uint64_t));
        chunk[0] = 1;
        mp_mont_mul(x1, acc, chunk, q, pinv, k, t);
    }

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
