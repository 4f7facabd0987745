namespace Prover.Core.Air;

/// <summary>
/// Which interactions share a LogUp column (batched LogUp). A column holds the sum of a group's
/// fractions, g = Σ_i m̃_i/fp_i (m̃ = ±m), pinned by one constraint of degree
/// max(1 + Σ_i deg fp_i, max_i (deg m_i + Σ_{l≠i} deg fp_l)):
/// <code>g·Π_i fp_i − Σ_i m̃_i·Π_{l≠i} fp_l = 0</code>
/// where deg fp_i is the degree of interaction i's values (the fingerprint is linear in them).
/// <para>
/// The grouping is a pure function of the AIR (its interactions' symbolic degrees, in declaration order)
/// and a degree budget, so prover and verifier derive the same one; the proof does not carry it. First fit,
/// as SP1 and Plonky3 group by degree: every interaction, in order, joins the first group that stays within
/// the budget with it, or opens a new group. A group of one interaction has the unbatched degree, so a budget
/// at least that always succeeds. Groups are listed by their first interaction; members in declaration order.
/// </para>
/// </summary>
public static class LogUpGrouping
{
    /// <summary>
    /// Groups interactions whose fingerprints have degrees <paramref name="fingerprintDegrees"/> and whose
    /// multiplicities have degrees <paramref name="multiplicityDegrees"/> so that every group's constraint has
    /// degree ≤ <paramref name="budget"/>.
    /// </summary>
    public static int[][] Compute(IReadOnlyList<int> fingerprintDegrees, IReadOnlyList<int> multiplicityDegrees, int budget)
    {
        ArgumentNullException.ThrowIfNull(fingerprintDegrees);
        ArgumentNullException.ThrowIfNull(multiplicityDegrees);
        if (fingerprintDegrees.Count != multiplicityDegrees.Count)
            throw new ArgumentException("one fingerprint degree and one multiplicity degree per interaction");
        var groups = new List<List<int>>();
        for (int i = 0; i < fingerprintDegrees.Count; i++)
        {
            if (fingerprintDegrees[i] < 0 || multiplicityDegrees[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(fingerprintDegrees), "degrees are non-negative");
            var home = groups.FirstOrDefault(g => Degree([.. g, i], fingerprintDegrees, multiplicityDegrees) <= budget);
            if (home is null)
            {
                if (Degree([i], fingerprintDegrees, multiplicityDegrees) > budget)
                    throw new ArgumentException($"interaction {i} alone has degree {Degree([i], fingerprintDegrees, multiplicityDegrees)}, above the budget {budget}");
                groups.Add([i]);
            }
            else
            {
                home.Add(i);
            }
        }
        return [.. groups.Select(g => g.ToArray())];
    }

    /// <summary>Degree of the constraint g·Π fp − Σ m̃_i·Π_{l≠i} fp_l of one group.</summary>
    public static int Degree(IReadOnlyList<int> members, IReadOnlyList<int> fingerprintDegrees, IReadOnlyList<int> multiplicityDegrees)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(fingerprintDegrees);
        ArgumentNullException.ThrowIfNull(multiplicityDegrees);
        int all = members.Sum(i => fingerprintDegrees[i]);
        int degree = 1 + all;
        foreach (int i in members)
            degree = Math.Max(degree, multiplicityDegrees[i] + all - fingerprintDegrees[i]);
        return degree;
    }
}
