using Prover.Core.Field;

namespace Prover.Core.Dft;

/// <summary>
/// Twiddle factors per butterfly level, computed once per field and shared by every transform size:
/// level j (butterfly half-size m = 2^j) holds w_(2m)^k for k &lt; m as Montgomery words, with
/// w_(2m) = TwoAdicGenerator(j + 1). A radix-2 stage of any transform of size ≥ 2m uses exactly this
/// table (w_n^(k·n/2m) = w_(2m)^k), so one set of levels 0..L−1 (2^L − 1 words) serves all sizes up to
/// 2^L, and each level is contiguous for vector loads. Inverse levels hold the inverse powers.
/// </summary>
internal static class TwiddleCache<TParams> where TParams : struct, IMontyParameters
{
    private static volatile uint[][] forward = [];
    private static volatile uint[][] inverse = [];
    private static readonly Lock Gate = new();

    /// <summary>Levels 0..logN−1 of the forward (or inverse) table; the returned array may hold more levels.</summary>
    public static uint[][] Levels(int logN, bool inverseRoots)
    {
        var current = inverseRoots ? inverse : forward;
        if (current.Length >= logN)
            return current;
        lock (Gate)
        {
            current = inverseRoots ? inverse : forward;
            if (current.Length >= logN)
                return current;
            var grown = new uint[logN][];
            Array.Copy(current, grown, current.Length);
            for (int j = current.Length; j < logN; j++)
            {
                var root = MontyField31<TParams>.TwoAdicGenerator(j + 1);
                if (inverseRoots)
                    root = root.Inverse();
                var level = new uint[1 << j];
                var acc = MontyField31<TParams>.One;
                for (int k = 0; k < level.Length; k++)
                {
                    level[k] = acc.Montgomery;
                    acc *= root;
                }
                grown[j] = level;
            }
            if (inverseRoots)
                inverse = grown;
            else
                forward = grown;
            return grown;
        }
    }
}
