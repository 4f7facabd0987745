/* Short Weierstrass curve y^2 = x^3 + a·x + b in Jacobian coordinates (x = X/Z^2, y = Y/Z^3),
 * instantiated per coordinate field by defining, before including this file:
 *   EC_FE       the field element type               EC_F(op)  the field operation named op
 *   EC_PT       the point type name to define        EC_P(fn)  the prefix for the generated functions
 *   EC_CURVE    the curve-parameter type name to define
 * The field operations take (const fp_ctx *, ...) like fp_*. Formulas: dbl-2009-l (a = 0) and
 * dbl-2007-bl (general a), add-2007-bl, from the Explicit-Formulas Database (Bernstein, Lange).
 * The point at infinity has Z = 0. Exceptional cases of the addition (P = ±Q, infinity) are handled
 * by branches: every input of these precompiles is public, see docs/design.md. */

#ifndef EC_STATIC
#define EC_STATIC static __attribute__((unused))
#endif

typedef struct EC_PT {
    EC_FE x, y, z;
} EC_PT;

typedef struct EC_CURVE {
    const fp_ctx *f;
    EC_FE a, b;
    bool a_zero;
} EC_CURVE;

EC_STATIC void EC_P(set_inf)(const EC_CURVE *cv, EC_PT *r)
{
    EC_F(set_one)(cv->f, &r->x);
    EC_F(set_one)(cv->f, &r->y);
    EC_F(set_zero)(&r->z);
}

EC_STATIC bool EC_P(is_inf)(const EC_CURVE *cv, const EC_PT *p)
{
    return EC_F(is_zero)(cv->f, &p->z);
}

EC_STATIC void EC_P(from_affine)(const EC_CURVE *cv, EC_PT *r, const EC_FE *x, const EC_FE *y)
{
    r->x = *x;
    r->y = *y;
    EC_F(set_one)(cv->f, &r->z);
}

/* true when (x, y) satisfies the curve equation */
EC_STATIC bool EC_P(on_curve_affine)(const EC_CURVE *cv, const EC_FE *x, const EC_FE *y)
{
    const fp_ctx *f = cv->f;
    EC_FE l, r, t;
    EC_F(sqr)(f, &l, y);
    EC_F(sqr)(f, &r, x);
    EC_F(mul)(f, &r, &r, x);
    if (!cv->a_zero) {
        EC_F(mul)(f, &t, &cv->a, x);
        EC_F(add)(f, &r, &r, &t);
    }
    EC_F(add)(f, &r, &r, &cv->b);
    return EC_F(eq)(f, &l, &r);
}

EC_STATIC void EC_P(dbl)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p)
{
    const fp_ctx *f = cv->f;
    if (EC_P(is_inf)(cv, p) || EC_F(is_zero)(f, &p->y)) {
        EC_P(set_inf)(cv, r);
        return;
    }
    EC_FE xx, yy, yyyy, s, m, t, z3;
    EC_F(sqr)(f, &xx, &p->x);
    EC_F(sqr)(f, &yy, &p->y);
    EC_F(sqr)(f, &yyyy, &yy);
    /* S = 2((X + YY)^2 − XX − YYYY) = 4·X·YY */
    EC_F(add)(f, &s, &p->x, &yy);
    EC_F(sqr)(f, &s, &s);
    EC_F(sub)(f, &s, &s, &xx);
    EC_F(sub)(f, &s, &s, &yyyy);
    EC_F(dbl)(f, &s, &s);
    /* M = 3·XX (+ a·Z^4) */
    EC_F(dbl)(f, &m, &xx);
    EC_F(add)(f, &m, &m, &xx);
    if (!cv->a_zero) {
        EC_FE zz;
        EC_F(sqr)(f, &zz, &p->z);
        EC_F(sqr)(f, &zz, &zz);
        EC_F(mul)(f, &zz, &zz, &cv->a);
        EC_F(add)(f, &m, &m, &zz);
    }
    /* Z3 = 2·Y·Z (computed before X, Y are overwritten: r may alias p) */
    EC_F(mul)(f, &z3, &p->y, &p->z);
    EC_F(dbl)(f, &z3, &z3);
    /* X3 = M^2 − 2S; Y3 = M(S − X3) − 8·YYYY */
    EC_F(sqr)(f, &t, &m);
    EC_F(sub)(f, &t, &t, &s);
    EC_F(sub)(f, &t, &t, &s);
    EC_F(sub)(f, &s, &s, &t);
    EC_F(mul)(f, &s, &s, &m);
    EC_F(dbl)(f, &yyyy, &yyyy);
    EC_F(dbl)(f, &yyyy, &yyyy);
    EC_F(dbl)(f, &yyyy, &yyyy);
    EC_F(sub)(f, &r->y, &s, &yyyy);
    r->x = t;
    r->z = z3;
}

EC_STATIC void EC_P(add)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p, const EC_PT *q)
{
    const fp_ctx *f = cv->f;
    if (EC_P(is_inf)(cv, p)) {
        *r = *q;
        return;
    }
    if (EC_P(is_inf)(cv, q)) {
        *r = *p;
        return;
    }
    EC_FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    EC_F(sqr)(f, &z1z1, &p->z);
    EC_F(sqr)(f, &z2z2, &q->z);
    EC_F(mul)(f, &u1, &p->x, &z2z2);
    EC_F(mul)(f, &u2, &q->x, &z1z1);
    EC_F(mul)(f, &s1, &p->y, &q->z);
    EC_F(mul)(f, &s1, &s1, &z2z2);
    EC_F(mul)(f, &s2, &q->y, &p->z);
    EC_F(mul)(f, &s2, &s2, &z1z1);
    EC_F(sub)(f, &h, &u2, &u1);
    EC_F(sub)(f, &rr, &s2, &s1);
    if (EC_F(is_zero)(f, &h)) {
        if (EC_F(is_zero)(f, &rr))
            EC_P(dbl)(cv, r, p);
        else
            EC_P(set_inf)(cv, r);
        return;
    }
    EC_F(dbl)(f, &rr, &rr);
    EC_F(dbl)(f, &i, &h);
    EC_F(sqr)(f, &i, &i);
    EC_F(mul)(f, &j, &h, &i);
    EC_F(mul)(f, &v, &u1, &i);
    /* Z3 = ((Z1 + Z2)^2 − Z1Z1 − Z2Z2)·H */
    EC_FE z3;
    EC_F(add)(f, &z3, &p->z, &q->z);
    EC_F(sqr)(f, &z3, &z3);
    EC_F(sub)(f, &z3, &z3, &z1z1);
    EC_F(sub)(f, &z3, &z3, &z2z2);
    EC_F(mul)(f, &z3, &z3, &h);
    /* X3 = r^2 − J − 2V */
    EC_FE x3;
    EC_F(sqr)(f, &x3, &rr);
    EC_F(sub)(f, &x3, &x3, &j);
    EC_F(sub)(f, &x3, &x3, &v);
    EC_F(sub)(f, &x3, &x3, &v);
    /* Y3 = r(V − X3) − 2·S1·J */
    EC_F(sub)(f, &t, &v, &x3);
    EC_F(mul)(f, &t, &t, &rr);
    EC_F(mul)(f, &s1, &s1, &j);
    EC_F(dbl)(f, &s1, &s1);
    EC_F(sub)(f, &r->y, &t, &s1);
    r->x = x3;
    r->z = z3;
}

EC_STATIC void EC_P(neg)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p)
{
    r->x = p->x;
    EC_F(neg)(cv->f, &r->y, &p->y);
    r->z = p->z;
}

/* Affine coordinates of a finite point (callers check is_inf first). */
EC_STATIC void EC_P(to_affine)(const EC_CURVE *cv, EC_FE *x, EC_FE *y, const EC_PT *p)
{
    const fp_ctx *f = cv->f;
    EC_FE zi, zi2, zi3;
    EC_F(inv)(f, &zi, &p->z);
    EC_F(sqr)(f, &zi2, &zi);
    EC_F(mul)(f, &zi3, &zi2, &zi);
    EC_F(mul)(f, x, &p->x, &zi2);
    EC_F(mul)(f, y, &p->y, &zi3);
}

EC_STATIC bool EC_P(eq)(const EC_CURVE *cv, const EC_PT *p, const EC_PT *q)
{
    const fp_ctx *f = cv->f;
    bool pi = EC_P(is_inf)(cv, p), qi = EC_P(is_inf)(cv, q);
    if (pi || qi)
        return pi && qi;
    EC_FE z1z1, z2z2, a, b;
    EC_F(sqr)(f, &z1z1, &p->z);
    EC_F(sqr)(f, &z2z2, &q->z);
    EC_F(mul)(f, &a, &p->x, &z2z2);
    EC_F(mul)(f, &b, &q->x, &z1z1);
    if (!EC_F(eq)(f, &a, &b))
        return false;
    EC_F(mul)(f, &a, &p->y, &z2z2);
    EC_F(mul)(f, &a, &a, &q->z);
    EC_F(mul)(f, &b, &q->y, &z1z1);
    EC_F(mul)(f, &b, &b, &p->z);
    return EC_F(eq)(f, &a, &b);
}

/* r = k·p for a little-endian limb scalar (any size), fixed 4-bit windows from the top. */
EC_STATIC void EC_P(mul)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p, const uint64_t *k, size_t klimbs)
{
    EC_PT tbl[16];
    EC_P(set_inf)(cv, &tbl[0]);
    tbl[1] = *p;
    for (int i = 2; i < 16; i++)
        EC_P(add)(cv, &tbl[i], &tbl[i - 1], p);
    EC_PT acc;
    EC_P(set_inf)(cv, &acc);
    for (size_t i = klimbs; i-- > 0;) {
        for (int w = 15; w >= 0; w--) {
            for (int d = 0; d < 4; d++)
                EC_P(dbl)(cv, &acc, &acc);
            unsigned digit = (unsigned)(k[i] >> (4 * w)) & 15;
            if (digit)
                EC_P(add)(cv, &acc, &acc, &tbl[digit]);
        }
    }
    *r = acc;
}

/* r = a·p + b·q (Shamir's trick), scalars of klimbs little-endian limbs. */
EC_STATIC void EC_P(mul2)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p, const uint64_t *a, const EC_PT *q,
                       const uint64_t *b, size_t klimbs)
{
    EC_PT pq, acc;
    EC_P(add)(cv, &pq, p, q);
    EC_P(set_inf)(cv, &acc);
    for (size_t i = klimbs; i-- > 0;) {
        for (int bit = 63; bit >= 0; bit--) {
            EC_P(dbl)(cv, &acc, &acc);
            unsigned sel = (unsigned)((a[i] >> bit) & 1) | (unsigned)(((b[i] >> bit) & 1) << 1);
            if (sel == 1)
                EC_P(add)(cv, &acc, &acc, p);
            else if (sel == 2)
                EC_P(add)(cv, &acc, &acc, q);
            else if (sel == 3)
                EC_P(add)(cv, &acc, &acc, &pq);
        }
    }
    *r = acc;
}

#ifndef EC_WNAF_DEFINED
#define EC_WNAF_DEFINED
/* Width-5 non-adjacent form of a little-endian scalar of klimbs ≤ 4 limbs: digits[i] ∈ {0, ±1, ±3,
 * …, ±15}, scalar = Σ digits[i]·2^i, at most 257 digits; returns the digit count. */
static __attribute__((unused)) size_t ec_wnaf5(int8_t digits[260], const uint64_t *k, size_t klimbs)
{
    uint64_t v[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < klimbs && i < 4; i++)
        v[i] = k[i];
    size_t n = 0;
    while ((v[0] | v[1] | v[2] | v[3] | v[4]) != 0 && n < 260) {
        int d = 0;
        if (v[0] & 1) {
            d = (int)(v[0] & 31);
            if (d >= 16)
                d -= 32;
            /* v −= d (d odd, |d| ≤ 15) */
            if (d > 0) {
                uint64_t borrow = v[0] < (uint64_t)d;
                v[0] -= (uint64_t)d;
                for (int i = 1; i < 5 && borrow; i++)
                    borrow = v[i]-- == 0;
            } else {
                uint64_t add = (uint64_t)(-d);
                v[0] += add;
                uint64_t carry = v[0] < add;
                for (int i = 1; i < 5 && carry; i++)
                    carry = ++v[i] == 0;
            }
        }
        digits[n++] = (int8_t)d;
        for (int i = 0; i < 4; i++)
            v[i] = (v[i] >> 1) | (v[i + 1] << 63);
        v[4] >>= 1;
    }
    return n;
}
#endif

/* r = a·p + b·q with joint width-5 wNAF (odd multiples 1p..15p and 1q..15q precomputed): about
 * 256 doublings and 2·256/6 additions for 256-bit scalars; klimbs ≤ 4. */
EC_STATIC void EC_P(mul2_wnaf)(const EC_CURVE *cv, EC_PT *r, const EC_PT *p, const uint64_t *a, const EC_PT *q,
                               const uint64_t *b, size_t klimbs)
{
    EC_PT tp[8], tq[8], p2, q2, acc, neg;
    int8_t da[260], db[260];
    size_t na = ec_wnaf5(da, a, klimbs), nb = ec_wnaf5(db, b, klimbs);
    tp[0] = *p;
    tq[0] = *q;
    EC_P(dbl)(cv, &p2, p);
    EC_P(dbl)(cv, &q2, q);
    for (int i = 1; i < 8; i++) {
        EC_P(add)(cv, &tp[i], &tp[i - 1], &p2);
        EC_P(add)(cv, &tq[i], &tq[i - 1], &q2);
    }
    EC_P(set_inf)(cv, &acc);
    for (size_t i = (na > nb ? na : nb); i-- > 0;) {
        EC_P(dbl)(cv, &acc, &acc);
        int d = i < na ? da[i] : 0;
        if (d > 0) {
            EC_P(add)(cv, &acc, &acc, &tp[d / 2]);
        } else if (d < 0) {
            EC_P(neg)(cv, &neg, &tp[-d / 2]);
            EC_P(add)(cv, &acc, &acc, &neg);
        }
        d = i < nb ? db[i] : 0;
        if (d > 0) {
            EC_P(add)(cv, &acc, &acc, &tq[d / 2]);
        } else if (d < 0) {
            EC_P(neg)(cv, &neg, &tq[-d / 2]);
            EC_P(add)(cv, &acc, &acc, &neg);
        }
    }
    *r = acc;
}

/* r = Σ k_i·P_i for count ≤ 4 points with 4-limb scalars, joint width-5 wNAF (used with the GLV split,
 * where the scalars are about half length so the shared doubling chain is halved). */
EC_STATIC void EC_P(mul_multi_wnaf)(const EC_CURVE *cv, EC_PT *r, const EC_PT *pts, const uint64_t (*ks)[4],
                                    size_t count)
{
    EC_PT tbl[4][8], two, acc, neg;
    int8_t dg[4][260];
    size_t len[4], top = 0;
    for (size_t j = 0; j < count && j < 4; j++) {
        len[j] = ec_wnaf5(dg[j], ks[j], 4);
        if (len[j] > top)
            top = len[j];
        tbl[j][0] = pts[j];
        EC_P(dbl)(cv, &two, &pts[j]);
        for (int i = 1; i < 8; i++)
            EC_P(add)(cv, &tbl[j][i], &tbl[j][i - 1], &two);
    }
    EC_P(set_inf)(cv, &acc);
    for (size_t i = top; i-- > 0;) {
        EC_P(dbl)(cv, &acc, &acc);
        for (size_t j = 0; j < count && j < 4; j++) {
            int d = i < len[j] ? dg[j][i] : 0;
            if (d > 0) {
                EC_P(add)(cv, &acc, &acc, &tbl[j][d / 2]);
            } else if (d < 0) {
                EC_P(neg)(cv, &neg, &tbl[j][-d / 2]);
                EC_P(add)(cv, &acc, &acc, &neg);
            }
        }
    }
    *r = acc;
}
