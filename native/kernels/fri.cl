/* FRI arity-2 folding over a binomial extension F[x]/(x^D − W) (src/Prover.Core/Stark/Fri.cs, Fold):
 * folded[j] = (a + b)/2 + β·(a − b)·inv2x[j] with a = src[2j], b = src[2j+1] and inv2x[j] = 1/(2x_j).
 * Needs EXT_DEGREE (D) and EXT_W (W in Montgomery form). Extension elements are D consecutive words. */

DEVICE_FN void ext_mul(const uint32* a, const uint32* b, uint32* r)
{
    for (uint32 k = 0; k < EXT_DEGREE; k++)
    {
        uint32 lo = 0, hi = 0;
        for (uint32 i = 0; i <= k; i++)
            lo = f_add(lo, f_mul(a[i], b[k - i]));
        for (uint32 i = k + 1; i < EXT_DEGREE; i++)
            hi = f_add(hi, f_mul(a[i], b[k + EXT_DEGREE - i]));
        r[k] = f_add(lo, f_mul(hi, (uint32)EXT_W));
    }
}

KERNEL void fri_fold(GLOBAL const uint32* src, GLOBAL uint32* dst, GLOBAL const uint32* beta, GLOBAL const uint32* inv2x, uint32 count)
{
    uint32 j = GLOBAL_ID();
    if (j >= count)
        return;
    uint32 bt[EXT_DEGREE], d[EXT_DEGREE], t[EXT_DEGREE];
    uint32 h = inv2x[j];
    for (uint32 i = 0; i < EXT_DEGREE; i++)
    {
        uint32 a = src[(2u * j) * EXT_DEGREE + i];
        uint32 b = src[(2u * j + 1u) * EXT_DEGREE + i];
        bt[i] = beta[i];
        d[i] = f_mul(f_sub(a, b), h);
        dst[j * EXT_DEGREE + i] = f_halve(f_add(a, b));
    }
    ext_mul(bt, d, t);
    for (uint32 i = 0; i < EXT_DEGREE; i++)
        dst[j * EXT_DEGREE + i] = f_add(dst[j * EXT_DEGREE + i], t[i]);
}

/* Roll-in of a shorter reduced opening: acc[j] += β²·values[j]. */
KERNEL void ext_mul_add(GLOBAL uint32* acc, GLOBAL const uint32* values, GLOBAL const uint32* scalar, uint32 count)
{
    uint32 j = GLOBAL_ID();
    if (j >= count)
        return;
    uint32 sc[EXT_DEGREE], v[EXT_DEGREE], t[EXT_DEGREE];
    for (uint32 i = 0; i < EXT_DEGREE; i++)
    {
        sc[i] = scalar[i];
        v[i] = values[j * EXT_DEGREE + i];
    }
    ext_mul(sc, v, t);
    for (uint32 i = 0; i < EXT_DEGREE; i++)
        acc[j * EXT_DEGREE + i] = f_add(acc[j * EXT_DEGREE + i], t[i]);
}
