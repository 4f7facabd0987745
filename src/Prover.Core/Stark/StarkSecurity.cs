using Prover.Core.Field;
using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>The security parameters of a concrete proof shape, fed to <see cref="SecurityCalculator"/>.</summary>
public static class StarkSecurity
{
    internal static SecurityReport Report<F>(StarkConfig config, StarkLayout<F> layout, ulong prime) where F : struct, IField<F>
    {
        var airs = layout.Airs;
        int columns = layout.Matrices.Sum(m => m.Width);
        int constraints = airs.Sum(a => a.ConstraintCount + Air.LogUp.ConstraintCount(a));
        double fractions = 0;
        int tupleWidth = 1;
        for (int t = 0; t < airs.Count; t++)
        {
            fractions += airs[t].Interactions.Count * Math.Pow(2, layout.LogHeights[t]);
            foreach (var i in airs[t].Interactions)
                tupleWidth = Math.Max(tupleWidth, i.Values.Count + 1);
        }
        var parameters = config.SecurityParameters(prime, layout.D, layout.LogHeights.Max(), airs.Max(a => a.MaxConstraintDegree),
            columns, constraints, Math.Max(layout.LambdaPowers, 2), fractions, tupleWidth) with
        {
            LogFinalPolyLength = layout.LogFinalPolyLength,
        };
        return SecurityCalculator.Compute(parameters);
    }
}
