using Prover.Core.Challenger;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// FRI over codewords in bit-reversed order, arity 2, 4 or 8 per step. A codeword of size N is read as the values
/// of a polynomial on the subgroup H_N (the coset shift of the LDE only rescales the polynomial's variable, which
/// keeps its degree). In bit-reversed order the k = 2^a rows k·j … k·j + k − 1 are one coset x₀·H_k, so a step of
/// arity k commits a tree whose leaf j holds those k values, and folds them into the value at j of the next
/// codeword: f'(y) = Σ_t β^t·f_t(y) for f(x) = Σ_t x^t·f_t(x^k), y = x₀^k. It computes this as a binary folds
/// with β, β², β⁴, … (f' = (f(x) + f(−x))/2 + β·(f(x) − f(−x))/(2x) each), which is the same polynomial
/// (<see cref="FoldLeafReference"/> interpolates it directly; the tests compare them). After a step the DEEP
/// codeword of the new height (a smaller table's) is added with weight β^k. Steps never fold past such a height
/// nor past the final codeword (<see cref="Security.FoldingSchedule"/>). The last codeword is sent as the
/// coefficients of a polynomial of degree &lt; 2^LogFinalPolyLength.
/// </summary>
internal static partial class Fri<TParams, TDef>
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
        if ((uint)logN >= (uint)s_inverseGenerators.Length)
            return HalfInverseXReference(logN, j); // out of range: the reference's exception
        // 1/(2x) = (1/2)·(ω_N^-1)^bitrev(2j): no inversion per call (the verifier calls this per query, step and pair).
        return s_half * s_inverseGenerators[logN].Pow((ulong)BitReversal.ReverseBits(2 * j, logN));
    }

    /// <summary><see cref="HalfInverseX"/> as first written (ω_N^bitrev(2j), doubled, inverted); a test compares the two.</summary>
    internal static MontyField31<TParams> HalfInverseXReference(int logN, int j)
    {
        var x = MontyField31<TParams>.TwoAdicGenerator(logN).Pow((ulong)BitReversal.ReverseBits(2 * j, logN));
        return x.Double().Inverse();
    }

    /// <summary>ω_(2^k)^-1 for k = 0 … two-adicity.</summary>
    private static readonly MontyField31<TParams>[] s_inverseGenerators =
        [.. Enumerable.Range(0, TParams.TwoAdicity + 1).Select(k => MontyField31<TParams>.TwoAdicGenerator(k).Inverse())];

    private static readonly MontyField31<TParams> s_half = MontyField31<TParams>.One.Halve();

    /// <summary>
    /// Folds leaf <paramref name="j"/> of a step of log arity <paramref name="logArity"/> over a codeword of
    /// 2^<paramref name="logN"/> values: <paramref name="values"/> are rows k·j … k·j + k − 1; the result is row j of
    /// the folded codeword (before any roll-in). Binary folds with β, β², β⁴, ….
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef> FoldLeaf(ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> values, int logN, int j,
        int logArity, ExtensionField<MontyField31<TParams>, TDef> beta)
    {
        int k = 1 << logArity;
        if (values.Length != k)
            throw new ArgumentException($"a leaf of arity {k} has {k} values, got {values.Length}", nameof(values));
        var v = values.ToArray();
        var b = beta;
        for (int level = 0; level < logArity; level++)
        {
            int half = k >> (level + 1);
            for (int t = 0; t < half; t++)
                v[t] = Fold(v[2 * t], v[2 * t + 1], b, HalfInverseX(logN - level, j * half + t));
            b = b.Square();
        }
        return v[0];
    }

    /// <summary>One arity-2 fold of a whole codeword of 2^<paramref name="logN"/> values (bit-reversed), in parallel.</summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] FoldCodeword(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logN,
        ExtensionField<MontyField31<TParams>, TDef> beta)
    {
        int half = codeword.Length / 2;
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
        Parallel.For(0, (half + 1023) / 1024, chunk =>
        {
            int end = Math.Min(half, (chunk + 1) * 1024);
            for (int j = chunk * 1024; j < end; j++)
                folded[j] = Fold(codeword[2 * j], codeword[2 * j + 1], beta, halfInv[j]);
        });
        return folded;
    }

    /// <summary>The folds of one step of log arity <paramref name="logArity"/>: arity-2 folds with β, β², β⁴, … (always a new array).</summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] FoldSteps(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logN, int logArity,
        ExtensionField<MontyField31<TParams>, TDef> beta)
    {
        ArgumentNullException.ThrowIfNull(codeword);
        if (logArity < 1 || logArity > logN || codeword.Length != 1 << logN)
            throw new ArgumentException($"a step of log arity {logArity} cannot fold a codeword of {codeword.Length} values as 2^{logN}");
        var current = codeword;
        var power = beta;
        for (int level = 0; level < logArity; level++)
        {
            current = FoldCodeword(current, logN - level, power);
            power = power.Square();
        }
        return current;
    }

    /// <summary>The leaves of a step of log arity <paramref name="logArity"/>: row j holds values k·j … k·j + k − 1 (D coefficients each).</summary>
    public static RowMajorMatrix<MontyField31<TParams>> Leaves(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logArity)
    {
        ArgumentNullException.ThrowIfNull(codeword);
        int d = TDef.Degree, k = 1 << logArity;
        if (logArity < 1 || codeword.Length % k != 0)
            throw new ArgumentException($"{codeword.Length} values do not make leaves of arity {k}", nameof(codeword));
        int leafCount = codeword.Length / k;
        var leaves = new RowMajorMatrix<MontyField31<TParams>>(leafCount, k * d);
        for (int j = 0; j < leafCount; j++)
        {
            var row = leaves.Row(j);
            for (int s = 0; s < k; s++)
                codeword[j * k + s].Coefficients.CopyTo(row.Slice(s * d, d));
        }
        return leaves;
    }

    /// <summary>folded[j] += weight·rollIn[j] in place, in parallel (a smaller table's DEEP codeword joins FRI).</summary>
    public static void RollIn(ExtensionField<MontyField31<TParams>, TDef>[] folded, ExtensionField<MontyField31<TParams>, TDef> weight,
        ExtensionField<MontyField31<TParams>, TDef>[] rollIn)
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(rollIn);
        if (rollIn.Length != folded.Length)
            throw new ArgumentException($"a codeword of {rollIn.Length} values cannot roll into one of {folded.Length}", nameof(rollIn));
        Parallel.For(0, (folded.Length + 1023) / 1024, chunk =>
        {
            int end = Math.Min(folded.Length, (chunk + 1) * 1024);
            for (int j = chunk * 1024; j < end; j++)
                folded[j] += weight * rollIn[j];
        });
    }

    public sealed class ProverData<TDigest> where TDigest : struct, IDigest<TDigest, TParams>
    {
        public required MerkleCap<TParams, TDigest>[] Caps { get; init; }

        public required MerkleTree<TParams, TDigest>[] Trees { get; init; }

        /// <summary>Each step's codeword (its values may have stayed on the backend's device: <see cref="IProverBackend{TParams}.FetchCodeword{TDef}"/>).</summary>
        public required ExtensionField<MontyField31<TParams>, TDef>[][] Codewords { get; init; }

        /// <summary>Each step's codeword and leaves, whose device copies (if any) the query openings read: the caller releases them after <see cref="Answer(IProverBackend{TParams}, int[], int)"/>.</summary>
        public required IReadOnlyList<object> Kept { get; init; }

        public required IReadOnlyList<int> LogArities { get; init; }

        public required ExtensionField<MontyField31<TParams>, TDef>[] FinalPolynomial { get; init; }

        /// <summary>
        /// Every step's answer to the queries at <paramref name="indices"/> (rows of the first codeword, sorted and
        /// distinct): the leaf values no query reaches and the leaves' multi-opening.
        /// </summary>
        public FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[] Answer(MerkleTreeMmcs<TParams, TDigest> mmcs, int[] indices, int capHeight)
        {
            ArgumentNullException.ThrowIfNull(mmcs);
            return Answer(indices, capHeight, (leaves, tree) => mmcs.OpenMulti(leaves, tree, capHeight));
        }

        /// <summary>As <see cref="Answer(MerkleTreeMmcs{TParams, TDigest}, int[], int)"/>, the siblings opened by <paramref name="backend"/>'s hook.</summary>
        public FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[] Answer(IProverBackend<TParams> backend, int[] indices, int capHeight)
        {
            ArgumentNullException.ThrowIfNull(backend);
            return Answer(indices, capHeight, (leaves, tree) => backend.OpenMulti(tree, leaves, capHeight));
        }

        private FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[] Answer(int[] indices, int capHeight,
            Func<int[], MerkleTree<TParams, TDigest>, MultiOpening<TParams, TDigest>> open)
        {
            var steps = new FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[Trees.Length];
            var positions = indices;
            for (int round = 0; round < Trees.Length; round++)
            {
                int a = LogArities[round], k = 1 << a;
                var leaves = MerkleTreeMmcs<TParams, TDigest>.Positions(positions, a);
                // The opened leaves' rows are the codeword's values k·j … k·j + k − 1 (FriLeaves): read from the opening, so a codeword
                // whose values stayed on a device is not needed on the host.
                var opening = open(leaves, Trees[round]);
                var rows = opening.Rows[0];
                int d = TDef.Degree;
                if (rows.Length != leaves.Length * k * d)
                    throw new InvalidOperationException($"FRI step {round}: {rows.Length} opened words for {leaves.Length} leaves of arity {k}");
                var values = new List<ExtensionField<MontyField31<TParams>, TDef>>();
                int known = 0;
                for (int l = 0; l < leaves.Length; l++)
                    for (int s = 0; s < k; s++)
                    {
                        int row = leaves[l] * k + s;
                        if (known < positions.Length && positions[known] == row)
                            known++; // the verifier has this value
                        else
                            values.Add(ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(rows.AsSpan((l * k + s) * d, d)));
                    }
                steps[round] = new FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>
                {
                    Values = [.. values],
                    Siblings = [.. opening.Siblings],
                };
                positions = leaves;
            }
            return steps;
        }
    }

    /// <summary>
    /// The final polynomial of FRI (the CPU reference of <see cref="IProverBackend{TParams}.FriFinalPolynomial{TDef}"/>): the final
    /// codeword (2^<paramref name="logFinal"/> values, bit-reversed on H_Nf) in natural order, its inverse DFT per base component
    /// (<paramref name="dft"/>), the first <paramref name="terms"/> coefficients; every higher coefficient must be zero (else the
    /// committed polynomials are inconsistent: a prover bug, thrown).
    /// </summary>
    public static ExtensionField<MontyField31<TParams>, TDef>[] FinalPolynomial(ITwoAdicSubgroupDft<MontyField31<TParams>> dft,
        ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logFinal, int terms)
    {
        ArgumentNullException.ThrowIfNull(dft);
        ArgumentNullException.ThrowIfNull(codeword);
        if (logFinal < 0 || logFinal > 30 || codeword.Length != 1 << logFinal || terms < 1 || terms > codeword.Length)
            throw new ArgumentException($"no final polynomial of {terms} terms from a codeword of {codeword.Length} values as 2^{logFinal}");
        int d = TDef.Degree, nf = 1 << logFinal;
        var m = new RowMajorMatrix<MontyField31<TParams>>(nf, d);
        for (int i = 0; i < nf; i++)
            codeword[BitReversal.ReverseBits(i, logFinal)].Coefficients.CopyTo(m.Row(i));
        dft.IdftBatch(m);
        var final = new ExtensionField<MontyField31<TParams>, TDef>[terms];
        for (int i = 0; i < nf; i++)
        {
            var c = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(m.Row(i));
            if (i < terms)
                final[i] = c;
            else if (!c.IsZero)
                throw new InvalidOperationException("FRI: the final codeword is not of low degree (a bug in the prover: the committed polynomials are inconsistent)");
        }
        return final;
    }

    /// <summary>
    /// The commit phase: each step's leaves are committed and folded by <paramref name="backend"/> (the same tree and
    /// values on every backend); the final polynomial comes from <see cref="IProverBackend{TParams}.FriFinalPolynomial{TDef}"/>.
    /// </summary>
    public static ProverData<TDigest> CommitPhase<TDigest>(IProverBackend<TParams> backend, DuplexChallenger<TParams, TDigest> challenger,
        Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]> reduced, StarkLayout<MontyField31<TParams>> layout, int capHeight)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        int logN = layout.LogMaxLdeHeight;
        var current = reduced[logN];
        var caps = new List<MerkleCap<TParams, TDigest>>();
        var trees = new List<MerkleTree<TParams, TDigest>>();
        var codewords = new List<ExtensionField<MontyField31<TParams>, TDef>[]>();
        // Codewords the backend may hold device copies of: freed when the commit phase ends, except each step's codeword and
        // leaves (kept), whose copies the query openings read; the caller releases those with the trees.
        var made = new List<object>(reduced.Values);
        var kept = new List<object>();
        ExtensionField<MontyField31<TParams>, TDef>[] final;
        try
        {
            foreach (int a in layout.FriLogArities)
            {
                var leaves = backend.FriLeaves(current, a);
                kept.Add(current);
                kept.Add(leaves);
                var tree = backend.Commit<TDigest>([leaves]);
                var cap = tree.Cap(capHeight);
                challenger.Observe(cap);
                var beta = challenger.SampleExtension<ExtensionField<MontyField31<TParams>, TDef>>();
                caps.Add(cap);
                trees.Add(tree);
                codewords.Add(current);

                current = backend.FriFold(current, logN, a, beta);
                logN -= a;
                var power = beta;
                for (int level = 0; level < a; level++)
                    power = power.Square();
                made.Add(current);
                // power = β^k: the step's combination Σ_t β^t·f_t continues with the rolled-in codeword.
                if (reduced.TryGetValue(logN, out var rollIn))
                    backend.FriRollIn(current, power, rollIn);
            }
            // The final polynomial: the last codeword's inverse DFT, its 2^LogFinalPolyLength coefficients (a backend may compute
            // them on its device, where the codeword stayed, and bring back only the coefficients).
            final = backend.FriFinalPolynomial(current, layout.LogFinalCodewordLength, 1 << layout.LogFinalPolyLength);
        }
        catch
        {
            // Kept for the query openings: freed here only when the phase fails.
            backend.Release(trees);
            backend.Release(kept);
            throw;
        }
        finally
        {
            var keep = new HashSet<object>(kept, ReferenceEqualityComparer.Instance);
            backend.Release(made.Where(o => !keep.Contains(o)));
        }

        foreach (var c in final)
            challenger.ObserveExtension(c);
        return new ProverData<TDigest>
        {
            Caps = [.. caps], Trees = [.. trees], Codewords = [.. codewords], Kept = kept, LogArities = layout.FriLogArities, FinalPolynomial = final,
        };
    }
}
