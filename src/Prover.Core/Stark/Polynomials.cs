using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>Evaluation helpers over two-adic subgroups and their cosets.</summary>
public static class Polynomials
{
    /// <summary>Σ coefficients[i]·x^i by Horner's rule.</summary>
    public static TExt EvaluateCoefficients<F, TExt>(ReadOnlySpan<F> coefficients, TExt x)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        TExt acc = default;
        for (int i = coefficients.Length - 1; i >= 0; i--)
            acc = acc * x + coefficients[i];
        return acc;
    }

    /// <summary>Same with extension coefficients.</summary>
    public static TExt EvaluateCoefficients<TExt>(ReadOnlySpan<TExt> coefficients, TExt x) where TExt : struct, IField<TExt>
    {
        TExt acc = default;
        for (int i = coefficients.Length - 1; i >= 0; i--)
            acc = acc * x + coefficients[i];
        return acc;
    }

    /// <summary>
    /// Extension coefficients at a base-field point: Horner's rule with extension × base products (D base products per
    /// step, not an extension product). The same element as <see cref="EvaluateCoefficients{TExt}(ReadOnlySpan{TExt}, TExt)"/>
    /// at the point lifted to the extension, which a test compares it with.
    /// </summary>
    public static ExtensionField<F, TDef> EvaluateAtBasePoint<F, TDef>(ReadOnlySpan<ExtensionField<F, TDef>> coefficients, F x)
        where F : struct, IField<F>
        where TDef : struct, IExtensionDefinition<F, TDef>
    {
        var acc = default(ExtensionField<F, TDef>);
        for (int i = coefficients.Length - 1; i >= 0; i--)
            acc = acc * x + coefficients[i];
        return acc;
    }

    /// <summary>
    /// Barycentric weights for evaluating, at an out-of-domain point z, the polynomials of degree &lt; n
    /// given by their values on the coset shift·H (H of size n = 2^logN, natural order):
    /// p(z) = Σ_i w_i·p(shift·ω^i) with w_i = ((z/shift)^n − 1)/n · ω^i/(z − shift·ω^i).
    /// Throws when z lies on the coset (the caller samples z outside it).
    /// </summary>
    public static TExt[] BarycentricWeights<F, TExt>(int logN, F shift, TExt z)
        where F : struct, ITwoAdicField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        int n = 1 << logN;
        var omega = F.TwoAdicGenerator(logN);
        var denominators = new TExt[n];
        var numerators = new F[n];
        F point = shift, w = F.One;
        for (int i = 0; i < n; i++)
        {
            denominators[i] = z - point;
            numerators[i] = w;
            point *= omega;
            w *= omega;
        }
        TExt[] inverses;
        try
        {
            inverses = Fields.BatchInverse<TExt>(denominators);
        }
        catch (DivideByZeroException)
        {
            throw new ArgumentException("evaluation point lies on the domain", nameof(z));
        }
        TExt zOverShift = z * shift.Inverse();
        TExt scale = (zOverShift.Pow((ulong)n) - TExt.One) * F.FromUInt64((ulong)n).Inverse();
        var weights = new TExt[n];
        for (int i = 0; i < n; i++)
            weights[i] = inverses[i] * numerators[i] * scale;
        return weights;
    }

    /// <summary>Z_H(x) = x^n − 1 for the subgroup H of size 2^logN.</summary>
    public static TExt Vanishing<TExt>(int logN, TExt x) where TExt : struct, IField<TExt>
    {
        TExt p = x;
        for (int i = 0; i < logN; i++)
            p = p.Square();
        return p - TExt.One;
    }

    /// <summary>
    /// Selectors of the trace domain H = ⟨ω⟩ at a point x outside H: L_first(x) = Z_H(x)/(n·(x − 1)),
    /// L_last(x) = Z_H(x)/(n·(ω·x − 1)) (the Lagrange basis at 1 and at ω^-1), transition x − ω^-1.
    /// </summary>
    public static (TExt IsFirstRow, TExt IsLastRow, TExt IsTransition, TExt InverseVanishing) Selectors<F, TExt>(int logN, TExt x)
        where F : struct, ITwoAdicField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        F omega = F.TwoAdicGenerator(logN);
        F omegaInv = omega.Inverse();
        TExt z = Vanishing(logN, x);
        TExt first = z * ((x - F.One) * F.FromUInt64(1UL << logN)).Inverse();
        TExt last = z * ((x * omega - F.One) * F.FromUInt64(1UL << logN)).Inverse();
        return (first, last, x - omegaInv, z.Inverse());
    }
}
