/* ECDSA over secp256k1 (SEC 2) and secp256r1 / P-256 (FIPS 186-4 D.1.2.3): verification, and public
 * key recovery for secp256k1 (SEC 1 v2 §4.1.6). All inputs are public (signatures, hashes, keys), so
 * the scalar multiplications are variable-time; see docs/design.md. */
#include "fp.h"

#define EC_FE fe
#define EC_F(op) fp_##op
#define EC_PT ecp_pt
#define EC_CURVE ecp_curve
#define EC_P(fn) ecp_##fn
#include "ec_impl.h"

typedef struct ecdsa_curve {
    fp_ctx fp, fn;
    ecp_curve cv;
    ecp_pt g;
    bool ready;
    bool glv;           /* secp256k1: the endomorphism (x, y) -> (βx, y) = λ·(x, y) is used */
    fe beta;            /* cube root of unity mod p (Montgomery) */
    fe lambda, nb1, b2; /* mod n: λ, −b1, b2 of the lattice basis */
    uint64_t g1[4], g2[4]; /* round(2^384·b2/n), round(2^384·(−b1)/n) */
} ecdsa_curve;

static void ecdsa_init(ecdsa_curve *c, const char *p, const char *n, const char *a, const char *b,
                       const char *gx, const char *gy)
{
    fp_ctx_init_hex(&c->fp, p);
    fp_ctx_init_hex(&c->fn, n);
    c->cv.f = &c->fp;
    fp_from_hex(&c->fp, &c->cv.a, a);
    fp_from_hex(&c->fp, &c->cv.b, b);
    c->cv.a_zero = fp_is_zero(&c->fp, &c->cv.a);
    fe x, y;
    fp_from_hex(&c->fp, &x, gx);
    fp_from_hex(&c->fp, &y, gy);
    ecp_from_affine(&c->cv, &c->g, &x, &y);
    c->ready = true;
}

static ecdsa_curve k1, r1;

static const ecdsa_curve *secp256k1(void)
{
    if (!k1.ready) {
        ecdsa_init(&k1, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
                   "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "0", "7",
                   "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
                   "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
        /* GLV constants (Gallant, Lambert, Vanstone 2001; the secp256k1 values as in SEC 2 / the
         * "Guide to ECC" example), checked in Python: λ^3 = 1 mod n, β^3 = 1 mod p, λ·G = (βGx, Gy),
         * a_i + b_i λ = 0 mod n, and |k1|, |k2| < 2^128 for random k. */
        fp_from_hex(&k1.fp, &k1.beta, "7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee");
        fp_from_hex(&k1.fn, &k1.lambda, "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72");
        fp_from_hex(&k1.fn, &k1.nb1, "e4437ed6010e88286f547fa90abfe4c3");
        fp_from_hex(&k1.fn, &k1.b2, "3086d221a7d46bcde86c90e49284eb15");
        mp_from_hex(k1.g1, 4, "3086d221a7d46bcde86c90e49284eb153daa8a1471e8ca7fe893209a45dbb031");
        mp_from_hex(k1.g2, 4, "e4437ed6010e88286f547fa90abfe4c4221208ac9df506c61571b4ae8ac47f71");
        k1.glv = true;
    }
    return &k1;
}

/* round(k·g / 2^384) for 4-limb k and g (at most 128 bits here) */
static void mul_shift384(uint64_t out[4], const uint64_t k[4], const uint64_t g[4])
{
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 s = (u128)k[i] * g[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + 4] = carry;
    }
    /* + 2^383 for rounding, then keep limbs 6, 7 */
    u128 s = (u128)t[5] + ((uint64_t)1 << 63);
    uint64_t carry = (uint64_t)(s >> 64);
    s = (u128)t[6] + carry;
    out[0] = (uint64_t)s;
    out[1] = t[7] + (uint64_t)(s >> 64);
    out[2] = out[3] = 0;
}

/* k = k1 + k2·λ (mod n) with |k1|, |k2| < 2^129: magnitudes in ks[0], ks[1], signs in neg[0], neg[1]. */
static void glv_split(const ecdsa_curve *c, uint64_t ks[2][4], bool neg[2], const fe *k)
{
    uint64_t kl[4], c1[4], c2[4];
    fp_to_limbs(&c->fn, kl, k);
    mul_shift384(c1, kl, c->g1);
    mul_shift384(c2, kl, c->g2);
    fe c1m, c2m, k2, k1, t;
    fp_from_bytes_reduce_limbs(&c->fn, &c1m, c1);
    fp_from_bytes_reduce_limbs(&c->fn, &c2m, c2);
    fp_mul(&c->fn, &k2, &c1m, &c->nb1);
    fp_mul(&c->fn, &t, &c2m, &c->b2);
    fp_sub(&c->fn, &k2, &k2, &t);       /* k2 = −c1 b1 − c2 b2 */
    fp_mul(&c->fn, &t, &k2, &c->lambda);
    fp_sub(&c->fn, &k1, k, &t);         /* k1 = k − λ k2 */
    const fe *parts[2] = {&k1, &k2};
    for (int i = 0; i < 2; i++) {
        fe m;
        neg[i] = fp_is_lex_largest(&c->fn, parts[i]); /* > (n − 1)/2: use n − k_i and −P */
        if (neg[i])
            fp_neg(&c->fn, &m, parts[i]);
        else
            m = *parts[i];
        fp_to_limbs(&c->fn, ks[i], &m);
    }
}

/* r = u1·G + u2·Q; with GLV as four half-length scalars over G, φ(G), Q, φ(Q). */
static void double_mul(const ecdsa_curve *c, ecp_pt *r, const fe *u1, const ecp_pt *q, const fe *u2)
{
    if (!c->glv) {
        uint64_t k1l[4], k2l[4];
        fp_to_limbs(&c->fn, k1l, u1);
        fp_to_limbs(&c->fn, k2l, u2);
        ecp_mul2_wnaf(&c->cv, r, &c->g, k1l, q, k2l, 4);
        return;
    }
    ecp_pt pts[4];
    uint64_t ks[4][4];
    bool neg[4];
    glv_split(c, ks, neg, u1);
    glv_split(c, ks + 2, neg + 2, u2);
    pts[0] = c->g;
    pts[2] = *q;
    for (int i = 0; i < 4; i += 2) {
        pts[i + 1] = pts[i];
        fp_mul(&c->fp, &pts[i + 1].x, &pts[i + 1].x, &c->beta); /* φ acts on Jacobian X as on x */
    }
    for (int i = 0; i < 4; i++)
        if (neg[i])
            ecp_neg(&c->cv, &pts[i], &pts[i]);
    ecp_mul_multi_wnaf(&c->cv, r, pts, (const uint64_t(*)[4])ks, 4);
}

#ifdef ACCEL_FP_MODMUL
/* The zkVM build's secp256k1 recovery and verification (docs/design.md, "Accelerator chips"; docs/benchmarks.md,
 * "ecrecover"): affine points, every addition and doubling one SECP256K1_ADD / SECP256K1_DOUBLE syscall (proved by
 * the point chips), every field product one MODMUL256 call on fixed buffers, and RV64 code only for the glue. With
 * ACCEL_FP_MODMUL the contexts have R = 1, so an fe's limbs are the plain, fully reduced value. The exceptional
 * cases the point syscalls leave out (the point at infinity, P = ±Q) are branches here; y = 0 cannot occur: the
 * group has prime order n, so no point has order 2. ACCEL_EMULATE_MODMUL (host tests) emulates the syscalls with
 * the fp code; the host build's Jacobian code (ec_impl.h, fp_inv) stays the reference. */
#define ACCEL_EC_SYSCALL 1

typedef struct aff_pt {
    uint64_t v[8]; /* x (limbs 0..3) then y (limbs 4..7), the syscalls' layout */
} aff_pt;

#ifdef ACCEL_EMULATE_MODMUL
#include "ec_emulate.h"
static void emulated_point_op(uint64_t p[8], const uint64_t *q) { ecaff_emulated_op(&secp256k1()->fp, p, q); }
static void zkvm_secp256k1_add(uint64_t p[8], const uint64_t q[8]) { emulated_point_op(p, q); }
static void zkvm_secp256k1_double(uint64_t p[8]) { emulated_point_op(p, NULL); }
#endif

/* wNAF widths: G and φ(G) use lazily built static tables of the odd multiples ±1..±63 (width 7, built once per
 * guest run); the recovered / given point Q and φ(Q) get ±1..±15 (width 5, built per call: 1 doubling, 7
 * additions and 8 products by β). */
#define K1_GW 7
#define K1_QW 5
#define K1_GT (1 << (K1_GW - 1)) /* entries per table: digit d (odd, |d| < 2^(w−1)) at (d + 2^(w−1) − 1) / 2 */
#define K1_QT (1 << (K1_QW - 1))

typedef struct k1_fast {
    bool ready;
    fp_pow_plan inv_n;  /* n − 2: inversion mod n */
    fp_pow_plan sqrt_p; /* (p + 1)/4: square roots mod p (p = 3 mod 4) */
    uint64_t half_n[4]; /* (n − 1)/2 */
    aff_pt g[2][K1_GT]; /* G, φ(G) */
} k1_fast;

static k1_fast k1f;

/* r = a·b mod m for 4-limb a, b with b < m (one MODMUL256 call; a·b < m·2^256 holds for any 4-limb a). */
static inline void mm4(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    uint64_t x[4] = {a[0], a[1], a[2], a[3]}, ym[8] = {b[0], b[1], b[2], b[3], m[0], m[1], m[2], m[3]};
    fp_modmul4(x, ym);
    r[0] = x[0], r[1] = x[1], r[2] = x[2], r[3] = x[3];
}

static inline bool limbs4_eq(const uint64_t *a, const uint64_t *b)
{
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

/* 32 big-endian bytes into 4 little-endian limbs, and back */
static void be32_to_limbs(uint64_t r[4], const uint8_t *be)
{
    for (int i = 0; i < 4; i++) {
        const uint8_t *b = be + 24 - 8 * i;
        r[i] = ((uint64_t)b[0] << 56) | ((uint64_t)b[1] << 48) | ((uint64_t)b[2] << 40) | ((uint64_t)b[3] << 32) |
               ((uint64_t)b[4] << 24) | ((uint64_t)b[5] << 16) | ((uint64_t)b[6] << 8) | (uint64_t)b[7];
    }
}

static void limbs_to_be32(uint8_t *be, const uint64_t a[4])
{
    for (int i = 0; i < 4; i++) {
        uint8_t *b = be + 24 - 8 * i;
        uint64_t v = a[i];
        b[0] = (uint8_t)(v >> 56), b[1] = (uint8_t)(v >> 48), b[2] = (uint8_t)(v >> 40), b[3] = (uint8_t)(v >> 32);
        b[4] = (uint8_t)(v >> 24), b[5] = (uint8_t)(v >> 16), b[6] = (uint8_t)(v >> 8), b[7] = (uint8_t)v;
    }
}

static inline void cp4(uint64_t *r, const uint64_t *a)
{
    r[0] = a[0], r[1] = a[1], r[2] = a[2], r[3] = a[3];
}

static inline void cp8(uint64_t *r, const uint64_t *a)
{
    cp4(r, a);
    cp4(r + 4, a + 4);
}

/* p − y for 0 < y < p */
static inline void neg_y(uint64_t r[4], const uint64_t y[4], const uint64_t p[4])
{
    mp_sub(r, p, y, 4);
}

/* t[K/2 + i] = (2i + 1)·P and t[K/2 − 1 − i] = −(2i + 1)·P for i < K/2 (K = 2^(w−1) entries). P is a curve point
 * (not infinity), so no addition meets an exceptional case: (2i − 1)·P + 2·P has x(2i − 1)P = x(2P) only when
 * 2i − 1 ≡ ±2 (mod n), impossible for 2i − 1 < 2^w. */
static void k1_table(const ecdsa_curve *c, aff_pt *t, size_t k, const uint64_t px[4], const uint64_t py[4])
{
    size_t h = k / 2;
    aff_pt two;
    cp4(t[h].v, px);
    cp4(t[h].v + 4, py);
    cp8(two.v, t[h].v);
    zkvm_secp256k1_double(two.v);
    for (size_t i = 1; i < h; i++) {
        cp8(t[h + i].v, t[h + i - 1].v);
        zkvm_secp256k1_add(t[h + i].v, two.v);
    }
    for (size_t i = 0; i < h; i++) {
        cp4(t[h - 1 - i].v, t[h + i].v);
        neg_y(t[h - 1 - i].v + 4, t[h + i].v + 4, c->fp.p);
    }
}

/* φ's table from P's: φ(x, y) = (βx, y), and φ(kP) = kφ(P), so each entry's x times β (the negative entries share
 * x with their positive twins). */
static void k1_table_phi(const ecdsa_curve *c, aff_pt *u, const aff_pt *t, size_t k)
{
    size_t h = k / 2;
    for (size_t i = 0; i < h; i++) {
        mm4(u[h + i].v, t[h + i].v, c->beta.l, c->fp.p);
        cp4(u[h + i].v + 4, t[h + i].v + 4);
        cp4(u[h - 1 - i].v, u[h + i].v);
        cp4(u[h - 1 - i].v + 4, t[h - 1 - i].v + 4);
    }
}

static const k1_fast *k1_fast_init(const ecdsa_curve *c)
{
    if (!k1f.ready) {
        uint64_t e[4], two[4] = {2, 0, 0, 0}, one[4] = {1, 0, 0, 0};
        mp_sub(e, c->fn.p, two, 4);
        fp_pow_plan_init(&k1f.inv_n, e, 4);
        fp_pow_plan_init_k1_sqrt(&k1f.sqrt_p);
        mp_sub(e, c->fn.p, one, 4);
        for (int i = 0; i < 4; i++)
            k1f.half_n[i] = (e[i] >> 1) | (i < 3 ? e[i + 1] << 63 : 0);
        k1_table(c, k1f.g[0], K1_GT, c->g.x.l, c->g.y.l);
        k1_table_phi(c, k1f.g[1], k1f.g[0], K1_GT);
        k1f.ready = true;
    }
    return &k1f;
}

/* k = k1 + k2·λ (mod n) with |k1|, |k2| < 2^129 (plain 4-limb k < n): magnitudes in ks[0], ks[1], signs in neg. The
 * same lattice reduction as glv_split, with plain limbs and one MODMUL256 call per product. */
static void glv_split_fast(const ecdsa_curve *c, const k1_fast *f, uint64_t ks[2][4], bool neg[2], const uint64_t k[4])
{
    uint64_t c1[4], c2[4];
    fe k1, k2, t, kk; /* only limbs 0..3 are used (4-limb context) */
    mul_shift384(c1, k, c->g1); /* c1, c2 < 2^128 < n */
    mul_shift384(c2, k, c->g2);
    mm4(k2.l, c1, c->nb1.l, c->fn.p);
    mm4(t.l, c2, c->b2.l, c->fn.p);
    fp_sub(&c->fn, &k2, &k2, &t); /* k2 = −c1 b1 − c2 b2 */
    mm4(t.l, k2.l, c->lambda.l, c->fn.p);
    cp4(kk.l, k);
    fp_sub(&c->fn, &k1, &kk, &t); /* k1 = k − λ k2 */
    const fe *parts[2] = {&k1, &k2};
    for (int i = 0; i < 2; i++) {
        neg[i] = mp_cmp(parts[i]->l, f->half_n, 4) > 0; /* > (n − 1)/2: use n − k_i and −P */
        if (neg[i])
            mp_sub(ks[i], c->fn.p, parts[i]->l, 4);
        else
            cp4(ks[i], parts[i]->l);
    }
}

static inline unsigned ctz64(uint64_t x) /* x != 0; de Bruijn (RV64IM has no count-trailing-zeros instruction) */
{
    static const uint8_t tab[64] = {0,  1,  56, 2,  57, 49, 28, 3,  61, 58, 42, 50, 38, 29, 17, 4,
                                    62, 47, 59, 36, 45, 43, 51, 22, 53, 39, 33, 30, 24, 18, 12, 5,
                                    63, 55, 48, 27, 60, 41, 37, 16, 46, 35, 44, 21, 52, 32, 23, 11,
                                    54, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6};
    return tab[((x & (0 - x)) * 0x03f79d71b4ca8b09ull) >> 58];
}

/* The joint schedule of the four scalars: for each bit position a list of table entries to add after the
 * doubling (events linked through next, 1-based; 0 ends a list). A width-w NAF of a value below 2^256 has at
 * most 257 digits, at least w apart, so at most 4·(257/6 + 1) < 4·48 events (1-based indices fit a byte). */
#define K1_POS 258
typedef struct k1_sched {
    uint8_t head[K1_POS];
    struct {
        const uint64_t *pt;
        uint8_t next;
    } ev[4 * 48];
    unsigned n;
    int top;
} k1_sched;

/* Width-w NAF of k (4 limbs) as events into s: digits d (odd, |d| < 2^(w−1)) at their bit positions, each an
 * entry of tbl (sign flipped when neg). Runs of equal bits are skipped a limb word at a time (the de Bruijn count
 * of trailing zeros), so the cost is per digit, not per bit. */
static void k1_wnaf(k1_sched *s, const uint64_t k[4], bool neg, uint64_t w, const aff_pt *tbl)
{
    const uint64_t v[6] = {k[0], k[1], k[2], k[3], 0, 0};
    const uint64_t mask = ((uint64_t)1 << w) - 1, off = ((uint64_t)1 << (w - 1)) - 1;
    uint64_t bit = 0, carry = 0, n = s->n;
    int64_t top = s->top;
    while (bit < 320) {
        uint64_t limb = bit >> 6, sh = bit & 63;
        uint64_t cur = (v[limb] ^ (0 - carry)) >> sh; /* the next bit that differs from carry (shifted-in bits are 0) */
        if (cur == 0) {
            bit = (limb + 1) << 6;
            continue;
        }
        bit += ctz64(cur); /* the digit there is odd */
        limb = bit >> 6, sh = bit & 63;
        /* w bits from bit (two limbs; the double shift keeps sh = 0 defined) */
        uint64_t word = (v[limb] >> sh) | ((v[limb + 1] << 1) << (63 - sh));
        word = (word & mask) + carry;
        carry = (word >> (w - 1)) & 1;
        int64_t d = (int64_t)word - (int64_t)(carry << w);
        if (neg)
            d = -d;
        if (bit >= K1_POS || n >= sizeof s->ev / sizeof s->ev[0])
            __builtin_trap(); /* unreachable for k < 2^256 (see k1_sched) */
        s->ev[n].pt = tbl[(uint64_t)(d + (int64_t)off) >> 1].v;
        s->ev[n].next = s->head[bit];
        s->head[bit] = (uint8_t)++n;
        if ((int64_t)bit > top)
            top = (int64_t)bit;
        bit += w;
    }
    s->n = (unsigned)n;
    s->top = (int)top;
}

/* *r = u1·G + u2·Q (plain u1, u2 < n; Q a curve point) with the GLV split (four half-length scalars over G, φ(G),
 * Q, φ(Q)) and joint wNAF over the affine tables: about 130 doublings and 70 additions, each one syscall. Returns
 * false for the point at infinity. */
static bool double_mul_affine(const ecdsa_curve *c, uint64_t r[8], const uint64_t u1[4], const uint64_t qx[4],
                              const uint64_t qy[4], const uint64_t u2[4])
{
    const k1_fast *f = k1_fast_init(c);
    uint64_t ks[4][4];
    bool neg[4];
    aff_pt tq[2][K1_QT];
    static k1_sched s; /* static: 1.6 KB off the guest stack; the guest is single-threaded */
    glv_split_fast(c, f, ks, neg, u1);
    glv_split_fast(c, f, ks + 2, neg + 2, u2);
    k1_table(c, tq[0], K1_QT, qx, qy);
    k1_table_phi(c, tq[1], tq[0], K1_QT);
    memset(s.head, 0, sizeof s.head);
    s.n = 0;
    s.top = -1;
    k1_wnaf(&s, ks[0], neg[0], K1_GW, f->g[0]);
    k1_wnaf(&s, ks[1], neg[1], K1_GW, f->g[1]);
    k1_wnaf(&s, ks[2], neg[2], K1_QW, tq[0]);
    k1_wnaf(&s, ks[3], neg[3], K1_QW, tq[1]);
    aff_pt acc;
    bool inf = true;
    for (int i = s.top; i >= 0; i--) {
        if (!inf)
            zkvm_secp256k1_double(acc.v); /* y ≠ 0: no point of order 2 */
        for (unsigned e = s.head[i]; e != 0; e = s.ev[e - 1].next) {
            const uint64_t *t = s.ev[e - 1].pt;
            if (inf) {
                cp8(acc.v, t);
                inf = false;
            } else if (acc.v[0] == t[0] && limbs4_eq(acc.v, t)) { /* limb 0 first: almost always differs */
                if (limbs4_eq(acc.v + 4, t + 4))
                    zkvm_secp256k1_double(acc.v); /* acc = T */
                else
                    inf = true; /* acc = −T */
            } else {
                zkvm_secp256k1_add(acc.v, t);
            }
        }
    }
    if (inf)
        return false;
    cp8(r, acc.v);
    return true;
}

/* a (plain, 0 < a < n)^-1 mod n by Fermat over MODMUL256 */
static void k1_inv_n(const ecdsa_curve *c, const k1_fast *f, uint64_t r[4], const uint64_t a[4])
{
    fe x, y; /* 4-limb context: limbs 4, 5 are not read */
    cp4(x.l, a);
    fp_pow_plan_run(&c->fn, &y, &x, &f->inv_n);
    cp4(r, y.l);
}

/* 32 big-endian bytes as a scalar in [1, n − 1]; false when out of range */
static bool k1_scalar(const ecdsa_curve *c, uint64_t r[4], const uint8_t be[32])
{
    be32_to_limbs(r, be);
    return !mp_is_zero(r, 4) && mp_cmp(r, c->fn.p, 4) < 0;
}

/* e = hash mod n (hash < 2^256 < 2n: one conditional subtraction) */
static void k1_hash(const ecdsa_curve *c, uint64_t e[4], const uint8_t hash[32])
{
    be32_to_limbs(e, hash);
    if (mp_cmp(e, c->fn.p, 4) >= 0)
        mp_sub(e, e, c->fn.p, 4);
}

/* ecrecover (SEC 1 v2 §4.1.6) on the syscall path: the same results as the reference below. */
static zkvm_status k1_recover_fast(const ecdsa_curve *c, const uint8_t hash[32], const uint8_t sig[64], uint8_t recid,
                                   uint8_t out[64])
{
    const k1_fast *f = k1_fast_init(c);
    uint64_t r[4], s[4], e[4], rinv[4], u1[4], u2[4], pt[8];
    if (recid > 1 || !k1_scalar(c, r, sig) || !k1_scalar(c, s, sig + 32))
        return ZKVM_EINVAL;
    /* R = (r, y) with y of parity recid; r < n < p is a valid x (x = r + n is not expressible with recid ≤ 1) */
    fe x, y, y2; /* 4-limb context: limbs 4, 5 are not read */
    cp4(x.l, r);
    mm4(y2.l, x.l, x.l, c->fp.p);
    mm4(y2.l, y2.l, x.l, c->fp.p);
    fp_add(&c->fp, &y2, &y2, &c->cv.b);
    fp_pow_plan_run(&c->fp, &y, &y2, &f->sqrt_p);
    uint64_t chk[4];
    mm4(chk, y.l, y.l, c->fp.p);
    if (!limbs4_eq(chk, y2.l))
        return ZKVM_EINVAL; /* x^3 + 7 is not a square: r is not the x-coordinate of a curve point */
    if ((y.l[0] & 1) != recid)
        fp_neg(&c->fp, &y, &y); /* y ≠ 0 (no point of order 2), so −y has the other parity */
    /* Q = r^-1 (s·R − e·G) = (−e·r^-1)·G + (s·r^-1)·R */
    k1_hash(c, e, hash);
    k1_inv_n(c, f, rinv, r);
    fe t;
    mm4(t.l, e, rinv, c->fn.p);
    fp_neg(&c->fn, &t, &t);
    cp4(u1, t.l);
    mm4(u2, s, rinv, c->fn.p);
    if (!double_mul_affine(c, pt, u1, x.l, y.l, u2))
        return ZKVM_EINVAL;
    limbs_to_be32(out, pt);
    limbs_to_be32(out + 32, pt + 4);
    return ZKVM_EOK;
}

/* ECDSA verification on the syscall path; q is an affine curve point (read_point). */
static bool k1_verify_fast(const ecdsa_curve *c, const uint8_t hash[32], const uint8_t sig[64], const ecp_pt *q)
{
    const k1_fast *f = k1_fast_init(c);
    uint64_t r[4], s[4], e[4], w[4], u1[4], u2[4], pt[8];
    if (!k1_scalar(c, r, sig) || !k1_scalar(c, s, sig + 32))
        return false;
    k1_hash(c, e, hash);
    k1_inv_n(c, f, w, s);
    mm4(u1, e, w, c->fn.p);
    mm4(u2, r, w, c->fn.p);
    if (!double_mul_affine(c, pt, u1, q->x.l, q->y.l, u2))
        return false;
    /* x(R) mod n = r: x < p < 2n, so one conditional subtraction */
    if (mp_cmp(pt, c->fn.p, 4) >= 0)
        mp_sub(pt, pt, c->fn.p, 4);
    return limbs4_eq(pt, r);
}
#endif

static const ecdsa_curve *secp256r1(void)
{
    if (!r1.ready)
        ecdsa_init(&r1, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
                   "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
                   "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc", /* a = −3 */
                   "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
                   "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
                   "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    return &r1;
}

/* Reads a scalar in [1, n − 1] into Montgomery form mod n; false when out of range. */
static bool scalar_nonzero(const ecdsa_curve *c, fe *r, const uint8_t be[32])
{
    return fp_from_bytes(&c->fn, r, be) && !fp_is_zero(&c->fn, r);
}

/* Reads an affine public key; false when a coordinate is >= p or the point is not on the curve
 * (this also excludes (0, 0), the encoding some libraries use for infinity, since b != 0). */
static bool read_point(const ecdsa_curve *c, ecp_pt *q, const uint8_t pub[64])
{
    fe x, y;
    if (!fp_from_bytes(&c->fp, &x, pub) || !fp_from_bytes(&c->fp, &y, pub + 32))
        return false;
    if (!ecp_on_curve_affine(&c->cv, &x, &y))
        return false;
    ecp_from_affine(&c->cv, q, &x, &y);
    return true;
}

/* x-coordinate of R (finite) reduced mod n equals r. x < p < 2n on both curves, and fp_from_bytes_reduce
 * reduces any 256-bit value mod n. */
static bool x_mod_n_equals(const ecdsa_curve *c, const ecp_pt *R, const fe *r_mont)
{
    fe x, y, xn;
    uint8_t xb[32];
    ecp_to_affine(&c->cv, &x, &y, R);
    fp_to_bytes(&c->fp, xb, &x);
    fp_from_bytes_reduce(&c->fn, &xn, xb, 32);
    return fp_eq(&c->fn, &xn, r_mont);
}

/* 1 valid, 0 invalid signature; the public key has already been validated. */
static bool ecdsa_verify_ref(const ecdsa_curve *c, const uint8_t hash[32], const uint8_t sig[64], const ecp_pt *q)
{
    fe r, s, e, w, u1, u2;
    if (!scalar_nonzero(c, &r, sig) || !scalar_nonzero(c, &s, sig + 32))
        return false;
    /* e = hash mod n (the hash is 256 bits, the orders are 256 bits: no truncation) */
    fp_from_bytes_reduce(&c->fn, &e, hash, 32);
    fp_inv(&c->fn, &w, &s);
    fp_mul(&c->fn, &u1, &e, &w);
    fp_mul(&c->fn, &u2, &r, &w);
    ecp_pt R;
    double_mul(c, &R, &u1, q, &u2);
    if (ecp_is_inf(&c->cv, &R))
        return false;
    return x_mod_n_equals(c, &R, &r);
}

static bool ecdsa_verify(const ecdsa_curve *c, const uint8_t hash[32], const uint8_t sig[64], const ecp_pt *q)
{
#ifdef ACCEL_EC_SYSCALL
    if (c->glv)
        return k1_verify_fast(c, hash, sig, q);
#endif
    return ecdsa_verify_ref(c, hash, sig, q);
}

zkvm_status accel_secp256k1_verify_ref(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid)
{
    const ecdsa_curve *c = secp256k1();
    ecp_pt q;
    *valid = false;
    if (!read_point(c, &q, pubkey))
        return ZKVM_EINVAL;
    *valid = ecdsa_verify_ref(c, msg_hash, sig, &q);
    return ZKVM_EOK;
}

zkvm_status zkvm_secp256k1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid)
{
    const ecdsa_curve *c = secp256k1();
    ecp_pt q;
    *valid = false;
    if (!read_point(c, &q, pubkey))
        return ZKVM_EINVAL; /* malformed key: not a curve point */
    *valid = ecdsa_verify(c, msg_hash, sig, &q);
    return ZKVM_EOK;
}

zkvm_status zkvm_secp256r1_verify(const uint8_t msg_hash[32], const uint8_t sig[64], const uint8_t pubkey[64], bool *valid)
{
    /* EIP-7951: every failing check (r, s outside [1, n), coordinates >= p, point off the curve or
     * at infinity, R' at infinity, R'.x mod n != r) is a verification failure, not an error. */
    const ecdsa_curve *c = secp256r1();
    ecp_pt q;
    *valid = read_point(c, &q, pubkey) && ecdsa_verify(c, msg_hash, sig, &q);
    return ZKVM_EOK;
}

zkvm_status accel_secp256k1_ecrecover_ref(const uint8_t msg_hash[32], const uint8_t sig[64], uint8_t recid, uint8_t pubkey_out[64])
{
    const ecdsa_curve *c = secp256k1();
    fe r, s, e, x, y, y2, rinv, u1, u2;
    if (recid > 1)
        return ZKVM_EINVAL;
    if (!scalar_nonzero(c, &r, sig) || !scalar_nonzero(c, &s, sig + 32))
        return ZKVM_EINVAL;
    /* R = (r, y) with y of parity recid; r < n < p so r is a valid x (recid 2, 3 with x = r + n are not
     * expressible in the EVM's v ∈ {27, 28}). */
    if (!fp_from_bytes(&c->fp, &x, sig))
        return ZKVM_EINVAL;
    fp_sqr(&c->fp, &y2, &x);
    fp_mul(&c->fp, &y2, &y2, &x);
    fp_add(&c->fp, &y2, &y2, &c->cv.b);
    if (!fp_sqrt(&c->fp, &y, &y2))
        return ZKVM_EINVAL; /* r is not the x-coordinate of a curve point */
    if (fp_is_odd(&c->fp, &y) != (recid & 1))
        fp_neg(&c->fp, &y, &y);
    ecp_pt R, Q;
    ecp_from_affine(&c->cv, &R, &x, &y);
    /* Q = r^-1 (s·R − e·G) = (−e·r^-1)·G + (s·r^-1)·R */
    fp_from_bytes_reduce(&c->fn, &e, msg_hash, 32);
    fp_inv(&c->fn, &rinv, &r);
    fp_mul(&c->fn, &u1, &e, &rinv);
    fp_neg(&c->fn, &u1, &u1);
    fp_mul(&c->fn, &u2, &s, &rinv);
    double_mul(c, &Q, &u1, &R, &u2);
    if (ecp_is_inf(&c->cv, &Q))
        return ZKVM_EINVAL;
    ecp_to_affine(&c->cv, &x, &y, &Q);
    fp_to_bytes(&c->fp, pubkey_out, &x);
    fp_to_bytes(&c->fp, pubkey_out + 32, &y);
    return ZKVM_EOK;
}

zkvm_status zkvm_secp256k1_ecrecover(const uint8_t msg_hash[32], const uint8_t sig[64], uint8_t recid, uint8_t pubkey_out[64])
{
#ifdef ACCEL_EC_SYSCALL
    return k1_recover_fast(secp256k1(), msg_hash, sig, recid, pubkey_out);
#else
    return accel_secp256k1_ecrecover_ref(msg_hash, sig, recid, pubkey_out);
#endif
}
