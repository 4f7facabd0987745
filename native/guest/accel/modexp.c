/* EIP-198 modular exponentiation for operands of any length.
 *
 * Two implementations behind one switch (ACCEL_FP_MODMUL, fp.h):
 * - the zkVM build, for moduli of up to 384 bits, multiplies through the proved MODMUL256/384 syscalls
 *   (x := x·y mod m for any m ≠ 0, even moduli included): no Montgomery form, no CRT;
 * - every other case (the host build always: it is the reference) splits m = 2^s · q with q odd. The odd part
 *   uses Montgomery arithmetic with k = ceil(bits(q) / 64) limbs, the power-of-two part truncated products
 *   modulo 2^s; the two are joined by CRT:
 *     x = x1 + q · ((x2 − x1) · q^-1 mod 2^s),  x1 = b^e mod q,  x2 = b^e mod 2^s.
 *
 * Cost follows what the precompile charges (EIP-2565: words² · bits(e) / 3): the set-up costs about two
 * products (R² mod q by one long division, the base reduced by one Montgomery product per k-limb chunk), and
 * the left-to-right sliding window takes its width from the exponent length (no table at all for exponents of
 * up to 6 bits). The exponent is public (a precompile input), so the window lookups and skipped zero bits are
 * not constant-time; see docs/design.md. */
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

/* r2 = 2^(128k) mod q = R² mod q for q > 1 of k limbs (top limb nonzero), by one long division: Knuth's algorithm
 * D (TAOCP 4.3.1) over 32-bit digits, so each quotient digit is one 64/32-bit division (RV64M's DIVU; no
 * 128-bit division helper) and costs about one k-limb product in all, where building R² by doublings and
 * Montgomery squarings took 12 products for a 2048-bit q. work: 6k + 2 digits. */
static void r2_mod(uint64_t *r2, const uint64_t *q, size_t k, uint32_t *work)
{
    uint32_t *v = work, *u = work + 2 * k;
    size_t n = 2 * k;
    for (size_t i = 0; i < k; i++) {
        v[2 * i] = (uint32_t)q[i];
        v[2 * i + 1] = (uint32_t)(q[i] >> 32);
    }
    while (v[n - 1] == 0)
        n--;
    /* normalise: shift v left until its top digit has its top bit set, and the dividend 2^(128k) by as much */
    unsigned sh = 0;
    while ((v[n - 1] << sh & 0x80000000u) == 0)
        sh++;
    for (size_t i = n; i-- > 1;)
        v[i] = (v[i] << sh) | (sh ? (uint32_t)((uint64_t)v[i - 1] >> (32 - sh)) : 0);
    v[0] <<= sh;
    size_t m = 4 * k + 1; /* digits of the shifted dividend; u[m] = 0 is its extra top digit */
    memset(u, 0, (m + 1) * sizeof(uint32_t));
    u[4 * k] = (uint32_t)1 << sh;
    if (n == 1) {
        uint64_t rem = 0;
        for (size_t j = m; j-- > 0;)
            rem = ((rem << 32) | u[j]) % v[0];
        memset(r2, 0, k * sizeof(uint64_t));
        r2[0] = rem >> sh;
        return;
    }
    const uint64_t base = (uint64_t)1 << 32;
    for (size_t j = m - n + 1; j-- > 0;) {
        uint64_t num = ((uint64_t)u[j + n] << 32) | u[j + n - 1];
        uint64_t qhat = num / v[n - 1], rhat = num % v[n - 1];
        while (qhat >= base || qhat * v[n - 2] > ((rhat << 32) | u[j + n - 2])) {
            qhat--;
            rhat += v[n - 1];
            if (rhat >= base)
                break;
        }
        /* u[j..j+n] −= qhat·v */
        int64_t borrow = 0;
        uint64_t carry = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t p = qhat * v[i] + carry;
            carry = p >> 32;
            int64_t t = (int64_t)u[i + j] - (int64_t)(p & 0xffffffffu) + borrow;
            u[i + j] = (uint32_t)t;
            borrow = t >> 32; /* arithmetic: 0 or −1 */
        }
        int64_t t = (int64_t)u[j + n] - (int64_t)carry + borrow;
        u[j + n] = (uint32_t)t;
        if (t < 0) { /* qhat was one too large: add v back */
            uint64_t c = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t sum = (uint64_t)u[i + j] + v[i] + c;
                u[i + j] = (uint32_t)sum;
                c = sum >> 32;
            }
            u[j + n] = (uint32_t)((uint64_t)u[j + n] + c);
        }
    }
    /* remainder: the low n digits, shifted back */
    memset(r2, 0, k * sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) {
        uint32_t d = (u[i] >> sh) | (sh && i + 1 < n ? (uint32_t)((uint64_t)u[i + 1] << (32 - sh)) : 0);
        r2[i / 2] |= (uint64_t)d << (32 * (i % 2));
    }
}

/* r = a·R^-1 mod q for a < q (Montgomery reduction of the k-limb a alone: k² products where a Montgomery product
 * by 1 takes 2k²). t: 2k + 1 limbs of scratch; r may alias a. */
static void redc(uint64_t *r, const uint64_t *a, const uint64_t *q, uint64_t pinv, size_t k, uint64_t *t)
{
    memcpy(t, a, k * sizeof(uint64_t));
    memset(t + k, 0, (k + 1) * sizeof(uint64_t));
    for (size_t i = 0; i < k; i++) { /* add m·q·2^(64i) so that limb i vanishes */
        uint64_t m = t[i] * pinv, c = 0;
        for (size_t j = 0; j < k; j++) {
            u128 sum = (u128)m * q[j] + t[i + j] + c;
            t[i + j] = (uint64_t)sum;
            c = (uint64_t)(sum >> 64);
        }
        for (size_t j = i + k; c != 0 && j < 2 * k + 1; j++) {
            u128 sum = (u128)t[j] + c;
            t[j] = (uint64_t)sum;
            c = (uint64_t)(sum >> 64);
        }
    }
    /* (a + M·q) / R < (q + R·q) / R < q + 1, so t[k..2k] ≤ q: at most one subtraction */
    if (t[2 * k] != 0 || mp_cmp(t + k, q, k) >= 0)
        mp_sub(t + k, t + k, q, k);
    memcpy(r, t + k, k * sizeof(uint64_t));
}

/* x1 = b^e mod q for odd q > 1 of k limbs, in Montgomery arithmetic. scratch: SCRATCH_LIMBS(k). */
static void pow_odd(uint64_t *x1, const uint64_t *b, size_t bl, const uint8_t *exp, size_t exp_len,
                    size_t ebits, const uint64_t *q, size_t k, uint64_t *scratch)
{
    uint64_t *t = scratch, *r2 = t + (2 * k + 2) + k, *acc = r2 + k, *chunk = acc + k;
    uint64_t *tbl = chunk + k;
    uint64_t pinv = mp_neg_inv64(q[0]);
#define MONT_SQR(a) mp_mont_sqr((a), (a), q, pinv, k, t)
#define MONT_MUL(a, y) mp_mont_mul((a), (a), (y), q, pinv, k, t)

    if (ebits == 0) { /* b^0 = 1 (EIP-198 takes 0^0 = 1) */
        memset(x1, 0, k * sizeof(uint64_t));
        x1[0] = 1;
        return;
    }

    r2_mod(r2, q, k, (uint32_t *)tbl);

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
    /* out of Montgomery form: x1 = acc·R^-1 mod q by one reduction (half a product) */
    redc(x1, acc, q, pinv, k, t);
#undef MONT_SQR
#undef MONT_MUL
}

#ifdef ACCEL_FP_MODMUL
#if defined(__riscv)
#include "../runtime/zkvm.h"
#else
/* Host emulation of the modmul syscalls for tests (ACCEL_EMULATE_MODMUL): x := x·y mod m for any m ≠ 0 by the
 * schoolbook product and bitwise long division (slow and obviously right); the machine's fault conditions
 * (m = 0, quotient ≥ 2^(64n)) abort. */
static void emulated_modmul_any(uint64_t *x, const uint64_t *ym, size_t n)
{
    const uint64_t *y = ym, *m = ym + n;
    uint64_t p[12] = {0}, r[7] = {0}, mm[7] = {0};
    if (mp_is_zero(m, n))
        abort();
    for (size_t i = 0; i < n; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < n; j++) {
            u128 s = (u128)x[i] * y[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        p[i + n] = carry;
    }
    memcpy(mm, m, n * sizeof(uint64_t));
    size_t quotient_bits = 0;
    for (size_t bit = 2 * 64 * n; bit-- > 0;) {
        uint64_t out = 0; /* r = 2r + bit; r < 2m < 2^(64n+1) fits n + 1 limbs */
        for (size_t i = 0; i <= n; i++) {
            uint64_t v = r[i];
            r[i] = (v << 1) | out;
            out = v >> 63;
        }
        r[0] |= (p[bit / 64] >> (bit % 64)) & 1;
        if (mp_cmp(r, mm, n + 1) >= 0) {
            mp_sub(r, r, mm, n + 1);
            if (bit >= 64 * n)
                quotient_bits++;
        }
    }
    if (quotient_bits != 0)
        abort();
    memcpy(x, r, n * sizeof(uint64_t));
}
static inline void zkvm_modmul256(uint64_t x[4], const uint64_t ym[8]) { emulated_modmul_any(x, ym, 4); }
static inline void zkvm_modmul384(uint64_t x[6], const uint64_t ym[12]) { emulated_modmul_any(x, ym, 6); }
#endif

/* out = b^e mod m for 1 ≤ m < 2^(64n), n = 4 or 6, by proved x := x·y mod m products (y < m always, so the
 * quotient fits and the machine never faults). Inlined once per n so that the limb copies around each call are
 * unrolled (the freestanding build calls memcpy out of line). */
static inline __attribute__((always_inline)) void pow_modmul_n(uint8_t *out, size_t mod_len, const uint64_t *b,
                                                               size_t bl, const uint8_t *exp, size_t exp_len,
                                                               size_t ebits, const uint64_t *m_in, size_t m_limbs,
                                                               const size_t n)
{
    /* ym = [y | m] per call; acc the accumulator; tbl the odd powers for up to 6-bit windows. */
    uint64_t acc[6] = {0}, ym[12] = {0}, rad[6] = {0}, tbl[TABLE_MAX * 6];
    for (size_t i = 0; i < n; i++)
        ym[n + i] = i < m_limbs ? m_in[i] : 0;
    const uint64_t *m = ym + n;
#define MM(xv, yv)                                                                                         \
    do {                                                                                                   \
        const uint64_t *y_ = (yv);                                                                         \
        for (size_t i_ = 0; i_ < n; i_++)                                                                  \
            ym[i_] = y_[i_];                                                                               \
        if (n == 4)                                                                                        \
            zkvm_modmul256((xv), ym);                                                                      \
        else                                                                                               \
            zkvm_modmul384((xv), ym);                                                                      \
    } while (0)
#define PM_SQR(a) MM((a), (a))
#define PM_MUL(a, y) MM((a), (y))
    uint64_t one[6] = {1};
    if (ebits == 0) { /* 1 mod m */
        acc[0] = 1;
        MM(acc, one);
        mp_to_be(out, mod_len, acc, n);
        return;
    }
    /* rad = 2^(64n) mod m = (2^(64n) − m)·1 mod m (any x < 2^(64n) times 1 keeps the quotient below 2^(64n)). */
    mp_sub(rad, rad, m, n);
    MM(rad, one);
    /* base mod m by Horner over n-limb chunks from the top: a = a·2^(64n) + c = (a·rad + c·1) mod m. */
    uint64_t c[6];
    size_t chunks = (bl + n - 1) / n;
    for (size_t ci = chunks; ci-- > 0;) {
        for (size_t i = 0; i < n; i++)
            c[i] = ci * n + i < bl ? b[ci * n + i] : 0;
        MM(c, one);       /* c mod m */
        if (ci + 1 < chunks)
            MM(acc, rad); /* a·2^(64n) mod m (a = 0 before the top chunk) */
        if (mp_add(acc, acc, c, n) || mp_cmp(acc, m, n) >= 0)
            mp_sub(acc, acc, m, n);
    }
    unsigned w = window_bits(ebits);
    for (size_t i = 0; i < n; i++)
        tbl[i] = acc[i];
    if (w > 1) {
        uint64_t b2[6];
        for (size_t i = 0; i < n; i++)
            b2[i] = acc[i];
        PM_SQR(b2);
        for (size_t t = 1; t < ((size_t)1 << (w - 1)); t++) {
            for (size_t i = 0; i < n; i++)
                tbl[t * n + i] = tbl[(t - 1) * n + i];
            PM_MUL(tbl + t * n, b2);
        }
    }
    SLIDING_WINDOW(acc, tbl, n, exp, exp_len, ebits, w, PM_SQR, PM_MUL);
    mp_to_be(out, mod_len, acc, n);
#undef PM_SQR
#undef PM_MUL
#undef MM
}

static void pow_modmul(uint8_t *out, size_t mod_len, const uint64_t *b, size_t bl, const uint8_t *exp,
                       size_t exp_len, size_t ebits, const uint64_t *m, size_t m_limbs, size_t n)
{
    if (n == 4)
        pow_modmul_n(out, mod_len, b, bl, exp, exp_len, ebits, m, m_limbs, 4);
    else
        pow_modmul_n(out, mod_len, b, bl, exp, exp_len, ebits, m, m_limbs, 6);
}
#endif

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
#ifdef ACCEL_FP_MODMUL
    if (mbits <= 384) {
        pow_modmul(out, mod_len, b, bl, exp, exp_len, ebits, m, n, mbits <= 256 ? 4 : 6);
        status = ZKVM_EOK;
        goto done;
    }
#endif

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
