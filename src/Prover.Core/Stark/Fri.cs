using Prover.Core.Challenger;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// FRI with arity 2 over codewords in bit-reversed order. A codeword of size N is read as the values
/// of a polynomial on the subgroup H_N (the coset shift of the LDE only rescales the polynomial's
/// variable, which keeps its degree), so the pair of rows (2j, 2j+1) holds f(x) and f(−x) for
/// x = ω_N^bitrev(2j), and folding with challenge β gives f'(x²) = (f(x) + f(−x))/2 + β·(f(x) − f(−x))/(2x).
/// After each fold, the DEEP codeword of the matching smaller height (if any) is added with weight β².
/// Each round's codeword is committed with pairs as leaves; the last codeword is sent as the
/// coefficients of a polynomial of degree &lt; 2^LogFinalPolyLength.
/// </summary>
internal static class Fri<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>One fold of the pair (a, b) = (f(x), f(−x)).</summary>
    public static ExtensionField<MontyField31<TParams>, TDef> Fold(ExtensionField<MontyField31<TParams>, TDef> a, ExtensionField<MontyField31<TParams>, TDef> b,
        ExtensionField<MontyField31<TParams>, TDef> beta, MontyField31<TParams> halfInverseX) =>
        (a + b).HalveBase() + beta * (a - b) * halfInverseX;

    /// <summary>1/(2x) for x = ω_N^bitrev(2j), j &lt; N/2.</summary>
    public static MontyField31<TParams> HalfInverseX(int logN, int j)
    {
        var x = MontyField31<TParams>.TwoAdicGenerator(logN).Pow((ulong)BitReversal.ReverseBits(2 * j, logN));
        return x.Double().Inverse();
    }

    public sealed class ProverData<TDigest> where TDigest : struct, IDigest<TDigest, TParams>
    {
        public required TDigest[] Roots { get; init; }

        public required MerkleTree<TParams, TDigest>[] Trees { get; init; }

        public required ExtensionField<MontyField31<TParams>, TDef>[][] Codewords { get; init; }

        public required ExtensionField<MontyField31<TParams>, TDef>[] FinalPolynomial { get; init; }

        /// <summary>The sibling and path of every round for the query at <paramref name="index"/>.</summary>
        public FriStep<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[] Answer(MerkleTreeMmcs<TParams, TDigest> mmcs, int index)
        {
            var steps = new FriStep<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[Trees.Length];
            for (int round = 0; round < Trees.Length; round++)
            {
                var opening = mmcs.Open(index >> 1, Trees[round]);
                steps[round] = new FriStep<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>
                {
                    Sibling = Codewords[round][index ^ 1],
                    Path = [.. opening.Proof],
                };
                index >>= 1;
            }
            return steps;
        }
    }

    public static ProverData<TDigest> CommitPhase<TDigest>(MerkleTreeMmcs<TParams, TDigest> mmcs, DuplexChallenger<TParams, TDigest> challenger,
        Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]> reduced, StarkLayout<MontyField31<TParams>> layout,
        ITwoAdicSubgroupDft<MontyField31<TParams>> dft)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        int d = TDef.Degree;
        int logN = layout.LogMaxLdeHeight;
        var current = reduced[logN];
        var roots = new List<TDigest>();
        var trees = new List<MerkleTree<TParams, TDigest>>();
        var codewords = new List<ExtensionField<MontyField31<TParams>, TDef>[]>();
        for (int round = 0; round < layout.FriRounds; round++, logN--)
        {
            int half = current.Length / 2;
            var leaves = new RowMajorMatrix<MontyField31<TParams>>(half, 2 * d);
            for (int j = 0; j < half; j++)
            {
                var row = leaves.Row(j);
                current[2 * j].Coefficients.CopyTo(row);
                current[2 * j + 1].Coefficients.CopyTo(row[d..]);
            }
            var tree = mmcs.Commit([leaves]);
            challenger.Observe(tree.Root);
            var beta = challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
            roots.Add(tree.Root);
            trees.Add(tree);
            codewords.Add(current);

            // 1/(2x_j) for all j: x_j = ω_N^bitrev_logN(2j) = ω_N^bitrev_(logN−1)(j) (the top bit of the
            // reversed index is 0), so the inverses are the powers ω_N^-i, i < N/2, at index bitrev(i), halved.
            var omegaInv = MontyField31<TParams>.TwoAdicGenerator(logN).Inverse();
            var halfInv = new MontyField31<TParams>[half];
            var p = MontyField31<TParams>.One.Halve();
            for (int i = 0; i < half; i++)
            {
                halfInv[BitReversal.ReverseBits(i, logN - 1)] = p;
                p *= omegaInv;
            }
            var folded = new ExtensionField<MontyField31<TParams>, TDef>[half];
            var src = current;
            Parallel.For(0, (half + 1023) / 1024, chunk =>
            {
                int end = Math.Min(half, (chunk + 1) * 1024);
                for (int j = chunk * 1024; j < end; j++)
                    folded[j] = Fold(src[2 * j], src[2 * j + 1], beta, halfInv[j]);
            });
            if (reduced.TryGetValue(logN - 1, out var rollIn))
            {
                var beta2 = beta.Square();
                for (int j = 0; j < half; j++)
                    folded[j] += beta2 * rollIn[j];
            }
            current = folded;
        }

        // Final codeword (bit-reversed on H_Nf) → natural order → coefficients per base component.
        int logFinal = layout.LogFinalCodewordLength;
        int nf = 1 << logFinal;
        var m = new RowMajorMatrix<MontyField31<TParams>>(nf, d);
        for (int i = 0; i < nf; i++)
            current[BitReversal.ReverseBits(i, logFinal)].Coefficients.CopyTo(m.Row(i));
        dft.IdftBatch(m);
        int terms = 1 << layout.LogFinalPolyLength;
        var final = new ExtensionField<MontyField31<TParams>, TDef>[terms];
        for (int i = 0; i < nf; i++)
        {
            var c = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(m.Row(i));
            if (i < terms)
                final[i] = c;
            else if (!c.IsZero)
                throw new InvalidOperationException("FRI: the final codeword is not of low degree (a bug in the prover: the committed polynomials are inconsistent)");
        }
        foreach (var c in final)
            challenger.ObserveExtension(c);
        return new ProverData<TDigest> { Roots = [.. roots], Trees = [.. trees], Codewords = [.. codewords], FinalPolynomial = final };
    }
}
