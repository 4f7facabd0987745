namespace Prover.Core.Air;

/// <summary>
/// How far a table's LogUp grouping may raise its quotient, and how its choice is costed. Without it
/// (<see cref="CompiledAir{F}(IAir{F})"/>) a table's groups fill the quotient chunks its unbatched constraints
/// need and never add one. With it, the grouping may use any degree budget 1 + 2^k for k from that chunk count up
/// to <see cref="MaxLogQuotientChunks"/>: a budget of 1 + 2^k lets 2^k degree-1 fractions share a column, and gives
/// a quotient of 2^k chunks. More fractions per column means fewer LogUp extension columns (each opened at ζ and
/// ζ·ω and at every query) for more quotient chunks (each opened at ζ and at every query); the budget with the
/// fewest opened base elements (<see cref="OpenedElements"/>) wins, the smaller budget on a tie.
/// <para>
/// The choice is a pure function of the AIR and of these three numbers, which the configuration and the table's
/// height (both bound in the transcript) fix, so prover and verifier derive the same grouping and the proof does
/// not carry it. Soundness does not depend on the choice: each grouping's constraint pins its column to the sum of
/// its fractions exactly as with two fractions per column (<see cref="LogUpGrouping"/>); only the quotient's degree
/// grows, which the blowup must cover (<see cref="MaxLogQuotientChunks"/> ≤ log blowup) and the security
/// calculator counts (the table's larger constraint degree enters the DEEP and ALI terms).
/// </para>
/// </summary>
/// <param name="MaxLogQuotientChunks">Largest log2 of the quotient chunk count the grouping may reach (at most the log blowup).</param>
/// <param name="ExtensionDegree">D: base columns per extension column, and base elements per out-of-domain value.</param>
/// <param name="OpenedRows">Rows of the table's LDE one proof opens per committed column (queries, at most the LDE height).</param>
public sealed record LogUpBatching(int MaxLogQuotientChunks, int ExtensionDegree, int OpenedRows)
{
    /// <summary>
    /// Base-field elements the proof carries for a table's LogUp and quotient columns: each of the
    /// <paramref name="logUpColumns"/> extension columns is D base columns opened at two out-of-domain points
    /// (D elements each) and at <see cref="OpenedRows"/> rows; each of the <paramref name="quotientChunks"/> chunks
    /// is D base columns opened at one point and at the same rows. (Merkle siblings do not depend on the widths.)
    /// </summary>
    public long OpenedElements(int logUpColumns, int quotientChunks)
    {
        long d = ExtensionDegree;
        return d * (logUpColumns * (2 * d + OpenedRows) + quotientChunks * (d + OpenedRows));
    }

    /// <summary>
    /// The grouping of interactions with these degrees (<see cref="LogUpGrouping.Compute"/>) for the budget, from
    /// 1 + 2^<paramref name="baseLogChunks"/> up to 1 + 2^<see cref="MaxLogQuotientChunks"/>, that opens the fewest
    /// elements; <paramref name="constraintDegree"/> is the AIR's own largest constraint degree.
    /// </summary>
    public (int[][] Groups, int Budget) Choose(IReadOnlyList<int> fingerprintDegrees, IReadOnlyList<int> multiplicityDegrees, int constraintDegree, int baseLogChunks)
    {
        int[][]? best = null;
        int bestBudget = 0;
        long bestCost = long.MaxValue;
        for (int k = baseLogChunks; k <= Math.Max(baseLogChunks, MaxLogQuotientChunks); k++)
        {
            int budget = 1 + (1 << k);
            var groups = LogUpGrouping.Compute(fingerprintDegrees, multiplicityDegrees, budget);
            int degree = Math.Max(constraintDegree, 2);
            foreach (var group in groups)
                degree = Math.Max(degree, LogUpGrouping.Degree(group, fingerprintDegrees, multiplicityDegrees));
            // One column per group: the running sum stands in for the last group's (LogUp, cyclic running sum).
            long cost = OpenedElements(groups.Length, 1 << CompiledAirDegrees.LogChunks(degree));
            if (cost < bestCost)
                (best, bestBudget, bestCost) = (groups, budget, cost);
        }
        return (best!, bestBudget);
    }
}

/// <summary>Degree arithmetic shared by <see cref="CompiledAir{F}"/> and <see cref="LogUpBatching"/>.</summary>
internal static class CompiledAirDegrees
{
    /// <summary>The quotient C(x)/Z_H(x) has degree ≤ (d − 1)·n; it is split into a power-of-two number of chunks: log2 of that number.</summary>
    public static int LogChunks(int degree)
    {
        int chunks = Math.Max(degree - 1, 1);
        return chunks == 1 ? 0 : int.Log2(chunks - 1) + 1;
    }
}
