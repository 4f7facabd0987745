using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>The security parameters of a concrete proof shape, fed to <see cref="SecurityCalculator"/>.</summary>
public static class StarkSecurity
{
    /// <summary>
    /// The report of one proof. <paramref name="statementFractions"/>: for a proof whose LogUp challenges are shared
    /// with other proofs (<see cref="SharedBusChallenges{TExt}"/>), the bus fractions of the whole statement, since
    /// one sum over all of them is what the shared challenges must catch; null counts this proof's own.
    /// </summary>
    internal static SecurityReport Report<F>(StarkConfig config, StarkLayout<F> layout, ulong prime, int digestLength, double? statementFractions = null)
        where F : struct, IField<F>
    {
        var airs = layout.Airs;
        int columns = layout.Matrices.Sum(m => m.Width);
        int constraints = airs.Sum(a => a.ConstraintCount + Air.LogUp.ConstraintCount(a));
        int tupleWidth = 1;
        for (int t = 0; t < airs.Count; t++)
            foreach (var i in airs[t].Interactions)
                tupleWidth = Math.Max(tupleWidth, i.Values.Count + 1);
        var parameters = config.SecurityParameters(prime, layout.D, layout.LogHeights.Max(), airs.Max(a => a.MaxConstraintDegree),
            columns, constraints, Math.Max(layout.LambdaPowers, 2), statementFractions ?? Fractions(airs, layout.LogHeights), tupleWidth) with
        {
            LogFinalPolyLength = layout.LogFinalPolyLength,
            Tables = [.. airs.Select((a, t) => (layout.LogHeights[t], a.MaxConstraintDegree))],
            // One quotient for all tables, combined with the powers of μ (StarkVerifier.ConstraintError).
            QuotientTables = airs.Count,
            // The digest that was actually hashed (the caller's type parameter, checked against the configuration).
            DigestBits = digestLength * Math.Log2(prime),
        };
        return SecurityCalculator.Compute(parameters);
    }

    /// <summary>
    /// The report of a proof of <paramref name="airs"/> at <paramref name="logHeights"/> under <paramref name="config"/>
    /// (its own digest), from the shape alone: what a verifier states of the proofs a recursion layer verified in-circuit.
    /// </summary>
    public static SecurityReport OfShape<F>(StarkConfig config, IReadOnlyList<Air.IAir<F>> airs, IReadOnlyList<int> logHeights, ulong prime,
        double? statementFractions = null)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(logHeights);
        var compiled = airs.Select((a, t) => new Air.CompiledAir<F>(a, config.LogUpBatchingFor(logHeights[t]))).ToList();
        var layout = new StarkLayout<F>(compiled, [.. logHeights], config.ExtensionDegree, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
        return Report(config, layout, prime, config.DigestElements, statementFractions);
    }

    /// <summary>LogUp fractions of tables at the given heights: interactions × rows.</summary>
    public static double Fractions<F>(IReadOnlyList<Air.CompiledAir<F>> airs, IReadOnlyList<int> logHeights) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(logHeights);
        double fractions = 0;
        for (int t = 0; t < airs.Count; t++)
            fractions += airs[t].Interactions.Count * Math.Pow(2, logHeights[t]);
        return fractions;
    }
}
