/* Fixed-exponent powers (fp.h, fp_pow_plan): Fermat inversion a^(p−2) and square roots a^((p+1)/4) with the
 * exponent's sliding-window schedule built once, so a power is only its products. In the zkVM build every product
 * of a 4-limb context is one MODMUL256 call on two fixed buffers: ecrecover's inversion mod n and its square root
 * mod p cost about 310 products each, ≈ 4 k cycles, against ≈ 70 k for the binary extended Euclid in RV64 code
 * (fp_inv, which stays the reference; docs/benchmarks.md, "ecrecover"). */
#include "fp.h"

static unsigned exp_bit(const uint64_t *e, size_t i)
{
    return (unsigned)(e[i / 64] >> (i % 64)) & 1;
}

void fp_pow_plan_init(fp_pow_plan *pl, const uint64_t *e, size_t elimbs)
{
    size_t n = 0;
    long i = (long)(64 * elimbs) - 1;
    while (i >= 0 && !exp_bit(e, (size_t)i))
        i--;
    unsigned pending = 0; /* squarings owed since the last product */
    bool first = true;
    while (i >= 0) {
        if (!exp_bit(e, (size_t)i)) {
            pending++;
            i--;
            continue;
        }
        /* the window [lo, i]: at most 4 bits, ending on a set bit, so its value is odd (1..15) */
        long lo = i - 3 < 0 ? 0 : i - 3;
        while (!exp_bit(e, (size_t)lo))
            lo++;
        unsigned v = 0;
        for (long b = i; b >= lo; b--)
            v = 2 * v + exp_bit(e, (size_t)b);
        pl->sq[n] = (uint16_t)(first ? 0 : pending + (unsigned)(i - lo + 1));
        pl->idx[n] = (uint8_t)(v >> 1);
        pl->save[n] = FP_POW_NONE;
        n++;
        first = false;
        pending = 0;
        i = lo - 1;
    }
    if (pending) {
        pl->sq[n] = (uint16_t)pending;
        pl->idx[n] = FP_POW_NONE;
        pl->save[n] = FP_POW_NONE;
        n++;
    }
    pl->steps = n; /* n ≤ 64·elimbs + 1: one step per window, each holding a set bit, plus the trailing squarings */
    pl->odd_table = true;
}

void fp_pow_plan_init_k1_sqrt(fp_pow_plan *pl)
{
    /* (squarings, multiply by slot, save into slot); xk = a^(2^k − 1), slot 0 = a */
    static const uint8_t chain[][3] = {
        {0, 0, FP_POW_NONE}, /* a */
        {1, 0, 1},           /* x2 */
        {1, 0, 2},           /* x3 */
        {3, 2, FP_POW_NONE}, /* x6 */
        {3, 2, FP_POW_NONE}, /* x9 */
        {2, 1, 3},           /* x11 */
        {11, 3, 4},          /* x22 */
        {22, 4, 5},          /* x44 */
        {44, 5, 6},          /* x88 */
        {88, 6, FP_POW_NONE}, /* x176 */
        {44, 5, FP_POW_NONE}, /* x220 */
        {3, 2, FP_POW_NONE}, /* x223 */
        {23, 4, FP_POW_NONE}, /* x223·2^23 + x22 */
        {6, 1, FP_POW_NONE}, /* ·2^6 + x2 */
        {2, FP_POW_NONE, FP_POW_NONE}, /* ·2^2: (p + 1)/4 = (2^223 − 1)·2^33 + (2^22 − 1)·2^8 + 3·2^2 */
    };
    size_t n = sizeof chain / sizeof chain[0];
    for (size_t i = 0; i < n; i++) {
        pl->sq[i] = chain[i][0];
        pl->idx[i] = chain[i][1];
        pl->save[i] = chain[i][2];
    }
    pl->steps = n;
    pl->odd_table = false;
}

#ifdef ACCEL_FP_MODMUL
/* The 4-limb zkVM path: x is the accumulator, ym = y ‖ p with y the current factor (a copy of x to square). */
static void pow_plan_run4(const fp_ctx *c, uint64_t out[4], const uint64_t a[4], const fp_pow_plan *pl)
{
    uint64_t tbl[8][4], x[4], ym[8];
    ym[4] = c->p[0], ym[5] = c->p[1], ym[6] = c->p[2], ym[7] = c->p[3];
    tbl[0][0] = a[0], tbl[0][1] = a[1], tbl[0][2] = a[2], tbl[0][3] = a[3];
    if (pl->odd_table) {
        /* a^2, then a^3, a^5, ..., a^15 = a^(2i−1)·a^2 */
        x[0] = ym[0] = a[0];
        x[1] = ym[1] = a[1];
        x[2] = ym[2] = a[2];
        x[3] = ym[3] = a[3];
        fp_modmul4(x, ym);
        ym[0] = x[0], ym[1] = x[1], ym[2] = x[2], ym[3] = x[3];
        x[0] = a[0], x[1] = a[1], x[2] = a[2], x[3] = a[3];
        for (int i = 1; i < 8; i++) {
            fp_modmul4(x, ym);
            tbl[i][0] = x[0], tbl[i][1] = x[1], tbl[i][2] = x[2], tbl[i][3] = x[3];
        }
    }
    x[0] = 1, x[1] = x[2] = x[3] = 0;
    for (size_t s = 0; s < pl->steps; s++) {
        unsigned idx = pl->idx[s], save = pl->save[s];
        if (s == 0 && idx != FP_POW_NONE) {
            const uint64_t *t = tbl[idx];
            x[0] = t[0], x[1] = t[1], x[2] = t[2], x[3] = t[3];
        } else {
            unsigned q = pl->sq[s];
            for (; q >= 2; q -= 2) { /* two squarings per pass: less loop overhead */
                ym[0] = x[0], ym[1] = x[1], ym[2] = x[2], ym[3] = x[3];
                fp_modmul4(x, ym);
                ym[0] = x[0], ym[1] = x[1], ym[2] = x[2], ym[3] = x[3];
                fp_modmul4(x, ym);
            }
            if (q) {
                ym[0] = x[0], ym[1] = x[1], ym[2] = x[2], ym[3] = x[3];
                fp_modmul4(x, ym);
            }
            if (idx != FP_POW_NONE) {
                const uint64_t *t = tbl[idx];
                ym[0] = t[0], ym[1] = t[1], ym[2] = t[2], ym[3] = t[3];
                fp_modmul4(x, ym);
            }
        }
        if (save != FP_POW_NONE)
            tbl[save][0] = x[0], tbl[save][1] = x[1], tbl[save][2] = x[2], tbl[save][3] = x[3];
    }
    out[0] = x[0], out[1] = x[1], out[2] = x[2], out[3] = x[3];
}
#endif

void fp_pow_plan_run(const fp_ctx *c, fe *r, const fe *a, const fp_pow_plan *pl)
{
#ifdef ACCEL_FP_MODMUL
    if (c->n == 4) {
        pow_plan_run4(c, r->l, a->l, pl);
        r->l[4] = r->l[5] = 0;
        return;
    }
#endif
    fe tbl[8], a2, acc = c->one;
    tbl[0] = *a;
    if (pl->odd_table) {
        fp_sqr(c, &a2, a);
        for (int i = 1; i < 8; i++)
            fp_mul(c, &tbl[i], &tbl[i - 1], &a2);
    }
    for (size_t s = 0; s < pl->steps; s++) {
        if (s == 0 && pl->idx[0] != FP_POW_NONE) {
            acc = tbl[pl->idx[0]];
        } else {
            for (unsigned q = pl->sq[s]; q > 0; q--)
                fp_sqr(c, &acc, &acc);
            if (pl->idx[s] != FP_POW_NONE)
                fp_mul(c, &acc, &acc, &tbl[pl->idx[s]]);
        }
        if (pl->save[s] != FP_POW_NONE)
            tbl[pl->save[s]] = acc;
    }
    *r = acc;
}
