using Prover.Core.Dft;
using Prover.Core.Field;

namespace Prover.Core.Stark;

internal static partial class Fri<TParams, TDef>
{
    /// <summary>
    /// The arity-k fold of one leaf straight from its definition, for the tests: the leaf holds f on the coset
    /// x₀·H_k (row k·j + s is f(x₀·ω_k^bitrev(s)), x₀ = ω_N^bitrev(j)), so f_t(x₀^k)·x₀^t = (1/k)·Σ_u ω_k^(−u·t)·f(x₀·ω_k^u)
    /// (an inverse DFT of size k) and the fold is Σ_t β^t·f_t(x₀^k).
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef> FoldLeafReference(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> values, int logN, int j,
        int logArity, ExtensionField<MontyField31<TParams>, TDef> beta)
    {
        int k = 1 << logArity;
        if (values.Length != k)
            throw new ArgumentException($"a leaf of arity {k} has {k} values, got {values.Length}", nameof(values));
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var x0 = omegaN.Pow((ulong)BitReversal.ReverseBits(j, logN - logArity));
        var omegaK = omegaN.Pow(1UL << (logN - logArity));
        var onCoset = new ExtensionField<MontyField31<TParams>, TDef>[k]; // f(x₀·ω_k^u)
        for (int s = 0; s < k; s++)
            onCoset[BitReversal.ReverseBits(s, logArity)] = values[s];
        var kInverse = MontyField31<TParams>.FromUInt64((ulong)k).Inverse();
        var x0Inverse = x0.Inverse();
        var result = default(ExtensionField<MontyField31<TParams>, TDef>);
        var betaPower = ExtensionField<MontyField31<TParams>, TDef>.One;
        var x0InversePower = MontyField31<TParams>.One;
        for (int t = 0; t < k; t++)
        {
            var sum = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int u = 0; u < k; u++)
                sum += onCoset[u] * omegaK.Pow((ulong)((k - u * t % k) % k)); // ω_k^(−u·t)
            result += betaPower * (sum * (x0InversePower * kInverse));
            betaPower *= beta;
            x0InversePower *= x0Inverse;
        }
        return result;
    }
}
