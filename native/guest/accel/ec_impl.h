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
