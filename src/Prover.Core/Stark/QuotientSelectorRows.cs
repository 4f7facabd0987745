using System.Runtime.CompilerServices;
using Prover.Core.Dft;
using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>
/// <see cref="QuotientSelectors{TParams}"/> in the order of the bit-reversed LDE rows: entry r belongs to the point
/// x_(bitrev(r)) = g·ω_Q^(bitrev(r)) that row r of a bit-reversed LDE holds, and 1/Z_H is spread to every row. The packed
/// quotient evaluator reads a vector of consecutive rows, so each selector is one contiguous load instead of a gather from
/// far-apart points (each a cache miss on a large domain). The values are exactly those of <see cref="QuotientSelectors{TParams}.Compute"/>
/// permuted (inverses are unique, so inverting in other batches changes no value); a test compares them.
/// </summary>
internal sealed record QuotientSelectorRows<TParams>(MontyField31<TParams>[] Firsts, MontyField31<TParams>[] Lasts,
    MontyField31<TParams>[] Transitions, MontyField31<TParams>[] ZhInverse)
    where TParams : struct, IMontyParameters
{
    private const int Grain = 4096;

    /// <summary>The rows' selectors for a trace of 2^<paramref name="logN"/> rows on a quotient domain 2^<paramref name="logD"/> times larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static QuotientSelectorRows<TParams> Compute(int logN, int logD)
    {
        if (logN < 0 || logD < 0 || logN + logD > TParams.TwoAdicity)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        int logQ = logN + logD;
        int qn = 1 << logQ, d = 1 << logD;
        var shift = MontyField31<TParams>.MultiplicativeGenerator;
        var omegaQ = MontyField31<TParams>.TwoAdicGenerator(logQ);
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var omegaNInv = omegaN.Inverse();
        var nF = MontyField31<TParams>.FromUInt64(1UL << logN);
        var zh = QuotientSelectors<TParams>.Vanishing(logN, logD);
        var zhInv = Fields.BatchInverse<MontyField31<TParams>>(zh);
        // ω_Q^i = high[i >> half]·low[i & (2^half − 1)]: two small tables instead of qn powers.
        int half = logQ / 2;
        var low = Powers(omegaQ, 1 << half);
        var high = Powers(omegaQ.Pow(1UL << half), 1 << (logQ - half));
        var firsts = new MontyField31<TParams>[qn];
        var lasts = new MontyField31<TParams>[qn];
        var transitions = new MontyField31<TParams>[qn];
        var zhInvRows = new MontyField31<TParams>[qn];
        void Chunk(int chunk)
        {
            int start = chunk * Grain, count = Math.Min(qn, start + Grain) - start;
            var firstDen = new MontyField31<TParams>[count];
            var lastDen = new MontyField31<TParams>[count];
            var xs = new MontyField31<TParams>[count];
            for (int j = 0; j < count; j++)
            {
                int i = logQ == 0 ? 0 : BitReversal.ReverseBits(start + j, logQ);
                var x = shift * high[i >> half] * low[i & ((1 << half) - 1)];
                xs[j] = x;
                firstDen[j] = (x - MontyField31<TParams>.One) * nF;
                lastDen[j] = (x * omegaN - MontyField31<TParams>.One) * nF;
            }
            var firstInv = Fields.BatchInverse<MontyField31<TParams>>(firstDen);
            var lastInv = Fields.BatchInverse<MontyField31<TParams>>(lastDen);
            for (int j = 0; j < count; j++)
            {
                int r = start + j;
                int k = (logQ == 0 ? 0 : BitReversal.ReverseBits(r, logQ)) & (d - 1);
                firsts[r] = zh[k] * firstInv[j];
                lasts[r] = zh[k] * lastInv[j];
                transitions[r] = xs[j] - omegaNInv;
                zhInvRows[r] = zhInv[k];
            }
        }
        int chunks = (qn + Grain - 1) / Grain;
        if (chunks == 1)
            Chunk(0);
        else
            Parallel.For(0, chunks, Chunk);
        return new QuotientSelectorRows<TParams>(firsts, lasts, transitions, zhInvRows);
    }

    private static MontyField31<TParams>[] Powers(MontyField31<TParams> b, int count)
    {
        var result = new MontyField31<TParams>[count];
        var p = MontyField31<TParams>.One;
        for (int i = 0; i < count; i++)
        {
            result[i] = p;
            p *= b;
        }
        return result;
    }
}
