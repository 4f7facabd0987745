/* Building block of DEEP batching and of the quotient's α-combination: a random linear combination
 * of the columns of a base-field matrix with extension-field coefficients,
 *   out[r] = Σ_c coeffs[c]·M[r, c]   (src/Prover.Core/Stark/Deep.cs, "S(r) = Σ_c λ^c·M[r, c]").
 * Extension elements are EXT_DEGREE consecutive words; EXT_W is unused here (extension × base is
 * coefficient-wise) but keeps one parameter set for every extension kernel. */

KERNEL void ext_combine_columns(GLOBAL const uint32* matrix, GLOBAL const uint32* coeffs, GLOBAL uint32* out,
    uint32 width, uint32 rows)
{
    uint32 r = GLOBAL_ID();
    if (r >= rows)
        return;
    uint32 acc[EXT_DEGREE];
    for (uint32 i = 0; i < EXT_DEGREE; i++)
        acc[i] = 0u;
    GLOBAL const uint32* row = matrix + r * width;
    for (uint32 c = 0; c < width; c++)
    {
        uint32 v = row[c];
        for (uint32 i = 0; i < EXT_DEGREE; i++)
            acc[i] = f_add(acc[i], f_mul(coeffs[c * EXT_DEGREE + i], v));
    }
    for (uint32 i = 0; i < EXT_DEGREE; i++)
        out[r * EXT_DEGREE + i] = acc[i];
}
