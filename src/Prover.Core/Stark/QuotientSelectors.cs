using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>
/// The per-point values of the quotient domain g·H_(n·d) (natural order) that every quotient evaluator reads
/// (the CPU's <c>QuotientEvaluator</c> and device kernels alike): the Lagrange selectors of the first and last
/// row and the transition selector, and 1/Z_H, which takes only d values (index i mod d).
/// </summary>
public sealed record QuotientSelectors<TParams>(MontyField31<TParams>[] Firsts, MontyField31<TParams>[] Lasts,
    MontyField31<TParams>[] Transitions, MontyField31<TParams>[] ZhInverse)
    where TParams : struct, IMontyParameters
{
    /// <summary>Z_H(x_i) = g^n·ω_d^i − 1 on the quotient domain: only d values (index i mod d); none is zero because g ∉ H.</summary>
    public static MontyField31<TParams>[] Vanishing(int logN, int logD)
    {
        if (logN < 0 || logD < 0 || logN + logD > TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        int d = 1 << logD;
        var zh = new MontyField31<TParams>[d];
        var gn = MontyField31<TParams>.MultiplicativeGenerator.Pow(1UL << logN);
        var omegaD = MontyField31<TParams>.TwoAdicGenerator(logD);
        var p = MontyField31<TParams>.One;
        for (int j = 0; j < d; j++)
        {
            zh[j] = gn * p - MontyField31<TParams>.One;
            p *= omegaD;
        }
        return zh;
    }

    /// <summary>The selectors of a trace of 2^<paramref name="logN"/> rows on a quotient domain 2^<paramref name="logD"/> times larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static QuotientSelectors<TParams> Compute(int logN, int logD)
    {
        if (logN < 0 || logD < 0 || logN + logD > TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        int logQ = logN + logD;
        int qn = 1 << logQ, n = 1 << logN, d = 1 << logD;
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var omegaQ = MontyField31<TParams>.TwoAdicGenerator(logQ);
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var omegaNInv = omegaN.Inverse();
        var nF = MontyField31<TParams>.FromUInt64((ulong)n);

        // Points x_i = g·ω_Q^i, and the per-point denominators of the Lagrange selectors.
        var xs = new MontyField31<TParams>[qn];
        var firstDen = new MontyField31<TParams>[qn];
        var lastDen = new MontyField31<TParams>[qn];
        var x = shift;
        for (int i = 0; i < qn; i++)
        {
            xs[i] = x;
            firstDen[i] = (x - MontyField31<TParams>.One) * nF;
            lastDen[i] = (x * omegaN - MontyField31<TParams>.One) * nF;
            x *= omegaQ;
        }
        var firstInv = Fields.BatchInverse<MontyField31<TParams>>(firstDen);
        var lastInv = Fields.BatchInverse<MontyField31<TParams>>(lastDen);
        var zh = Vanishing(logN, logD);
        var zhInv = Fields.BatchInverse<MontyField31<TParams>>(zh);
        var firsts = new MontyField31<TParams>[qn];
        var lasts = new MontyField31<TParams>[qn];
        var transitions = new MontyField31<TParams>[qn];
        for (int i = 0; i < qn; i++)
        {
            var zhValue = zh[i & (d - 1)];
            firsts[i] = zhValue * firstInv[i];
            lasts[i] = zhValue * lastInv[i];
            transitions[i] = xs[i] - omegaNInv;
        }
        return new QuotientSelectors<TParams>(firsts, lasts, transitions, zhInv);
    }
}
