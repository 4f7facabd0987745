using Prover.Core.Air;
using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Stark;

/// <summary>Which commitment a committed matrix belongs to.</summary>
internal enum CommitmentKind : byte { Preprocessed, Main, LogUp, Quotient }

/// <summary>
/// One committed matrix as both sides see it: its commitment, table, width, LDE height, the points it
/// is opened at, and the first power of the batching challenge λ its columns use. Prover and verifier
/// build the same list from the table shapes, so the DEEP batching order is fixed by construction:
/// commitments in order (main, LogUp, quotient), tables in order, points in order (ζ, then ζ·ω),
/// columns in order. At ζ every column is opened; at ζ·ω the columns <see cref="NextColumns"/> names
/// (null: all), in that order, and the matrix has a second point only when that set is not empty.
/// </summary>
internal sealed record OpenedMatrix(CommitmentKind Kind, int Tree, int Table, int IndexInTree, int Width, int LogLdeHeight, int PointCount, int LambdaStart,
    IReadOnlyList<int>? NextColumns = null)
{
    /// <summary>The columns opened at point <paramref name="point"/>: null for all of them.</summary>
    public IReadOnlyList<int>? Columns(int point) => point == 0 ? null : NextColumns;

    /// <summary>Number of columns opened at point <paramref name="point"/>.</summary>
    public int WidthAt(int point) => point == 0 ? Width : NextColumns?.Count ?? Width;

    /// <summary>The power of λ of the first column opened at point <paramref name="point"/>.</summary>
    public int LambdaAt(int point) => LambdaStart + (point == 0 ? 0 : Width);
}

/// <summary>Shapes shared by the prover and the verifier.</summary>
internal sealed class StarkLayout<F> where F : struct, IField<F>
{
    public StarkLayout(IReadOnlyList<CompiledAir<F>> airs, IReadOnlyList<int> logHeights, int extensionDegree, int logBlowup, int logFinalPolyLength,
        int foldingArity = 2)
    {
        Airs = airs;
        LogHeights = logHeights;
        D = extensionDegree;
        LogBlowup = logBlowup;
        HasLogUp = airs.Any(a => a.Interactions.Count > 0);
        HasPreprocessed = airs.Any(a => a.Air.PreprocessedWidth > 0);
        var matrices = new List<OpenedMatrix>();
        int lambda = 0, tree = 0;
        // next(t): the columns opened at ζ·ω (null: all); a matrix without any has only the point ζ.
        void Add(CommitmentKind kind, Func<int, int> width, Func<int, bool> include, Func<int, IReadOnlyList<int>?>? next)
        {
            int index = 0;
            for (int t = 0; t < airs.Count; t++)
            {
                if (!include(t)) continue;
                int w = width(t);
                var columns = next?.Invoke(t);
                int points = next is null || columns is { Count: 0 } ? 1 : 2;
                var m = new OpenedMatrix(kind, tree, t, index++, w, logHeights[t] + logBlowup, points, lambda, points == 2 ? columns : null);
                matrices.Add(m);
                lambda += w + (points == 2 ? m.WidthAt(1) : 0);
            }
            tree++;
        }
        if (HasPreprocessed)
            Add(CommitmentKind.Preprocessed, t => airs[t].Air.PreprocessedWidth, t => airs[t].Air.PreprocessedWidth > 0, t => airs[t].NextPreprocessedColumns);
        Add(CommitmentKind.Main, t => airs[t].Width, _ => true, t => airs[t].NextMainColumns);
        // Only the running sum (the last extension column) is read on the next row (format 7: the last group's constraint).
        if (HasLogUp)
            Add(CommitmentKind.LogUp, t => D * airs[t].LogUpColumns, t => airs[t].LogUpColumns > 0, t => Air.LogUp.NextColumns(airs[t].LogUpColumns, D));
        // One quotient for the whole proof (docs/design.md, "STARK"): Σ_t μ^t·A_t/Z_(H_t) has degree < max_t d_t·n_t, split into
        // d = max_t d_t·n_t / N chunks of N coefficients (N the tallest height), committed at the tallest height only. Its
        // opening at ζ travels with the first tallest table's openings (the other tables' quotient lists are empty).
        int logMaxHeight = logHeights.Max();
        QuotientTable = Enumerable.Range(0, airs.Count).First(t => logHeights[t] == logMaxHeight);
        LogQuotientChunks = Enumerable.Range(0, airs.Count).Max(t => logHeights[t] + airs[t].LogQuotientChunks) - logMaxHeight;
        Add(CommitmentKind.Quotient, _ => D << LogQuotientChunks, t => t == QuotientTable, null);
        Matrices = matrices;
        TreeCount = tree;
        LambdaPowers = lambda;
        LogMaxLdeHeight = logHeights.Max() + logBlowup;
        // FRI stops at the final polynomial, but never before every table has been rolled in.
        LogFinalPolyLength = Math.Min(logFinalPolyLength, logHeights.Min());
        LogFinalCodewordLength = LogFinalPolyLength + logBlowup;
        // Each FRI step folds log2(arity) levels at most and ends at every height where a smaller table is rolled in.
        FriLogArities = Security.FoldingSchedule.LogArities(LogMaxLdeHeight, LogFinalCodewordLength, int.Log2(foldingArity),
            logHeights.Select(h => h + logBlowup));
        FriRounds = FriLogArities.Count;
    }

    public IReadOnlyList<CompiledAir<F>> Airs { get; }

    /// <summary>The table whose openings carry the proof's one quotient at ζ: the first of the tallest.</summary>
    public int QuotientTable { get; }

    /// <summary>log2 of the proof's quotient chunks: max_t (log n_t + log d_t) − log N (each chunk has N coefficients, N the tallest height).</summary>
    public int LogQuotientChunks { get; }

    /// <summary>Base-field values the quotient list of table <paramref name="t"/>'s openings holds: D·d for <see cref="QuotientTable"/>, else none.</summary>
    public int QuotientOpenedValues(int t) => t == QuotientTable ? D << LogQuotientChunks : 0;

    public IReadOnlyList<int> LogHeights { get; }

    /// <summary>Extension degree.</summary>
    public int D { get; }

    public int LogBlowup { get; }

    public bool HasLogUp { get; }

    public bool HasPreprocessed { get; }

    public IReadOnlyList<OpenedMatrix> Matrices { get; }

    public int TreeCount { get; }

    /// <summary>Number of powers of λ the DEEP batching uses.</summary>
    public int LambdaPowers { get; }

    public int LogMaxLdeHeight { get; }

    public int LogFinalPolyLength { get; }

    public int LogFinalCodewordLength { get; }

    /// <summary>Number of FRI steps (commitments): <see cref="FriLogArities"/>.Length.</summary>
    public int FriRounds { get; }

    /// <summary>log2 of each FRI step's arity, in order (<see cref="Security.FoldingSchedule"/>).</summary>
    public IReadOnlyList<int> FriLogArities { get; }

    public IEnumerable<OpenedMatrix> InTree(int tree) => Matrices.Where(m => m.Tree == tree);

    /// <summary>Binds the statement to the transcript: format, field, configuration and every table's shape and public values.</summary>
    public void ObserveHeader<TParams, TDigest>(DuplexChallenger<TParams, TDigest> challenger, StarkConfig config, IReadOnlyList<MontyField31<TParams>[]> publicValues)
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        void O(long v) => challenger.Observe(MontyField31<TParams>.FromUInt64((ulong)v));
        O(0x5354_4152); // "STAR"
        // The version names the digest (and with it the permutation): transcripts of the two digests never meet,
        // and besides they run on different permutations (width 16 or 24).
        O(StarkProofFormat.VersionFor(TDigest.Length));
        O(TParams.P);
        O(D);
        O(config.LogBlowup);
        O(config.NumQueries);
        O(config.QueryPowBits);
        O(LogFinalPolyLength);
        O(config.FoldingArity);
        O(config.MerkleCapHeight);
        O(config.LogUpMaxLogQuotientChunks);
        O(Airs.Count);
        for (int t = 0; t < Airs.Count; t++)
        {
            var air = Airs[t];
            O(LogHeights[t]);
            O(air.Width);
            O(air.ConstraintCount);
            O(air.Interactions.Count);
            O(air.LogUpColumns); // the batched LogUp shape (derived from the AIR; bound so a transcript names it)
            O(air.Program.InstructionCount);
            O(publicValues[t].Length);
            challenger.Observe(publicValues[t]);
        }
    }
}

/// <summary>Version constants of the binary proof format (docs/design.md, "Proof format").</summary>
public static class StarkProofFormat
{
    /// <summary>
    /// Digests of 8 elements (<see cref="Digest{TParams}"/>: development, provable-100). 9: one quotient for all tables, Σ_t μ^t·A_t/Z_(H_t)
    /// with a challenge μ drawn after α, committed at the tallest height and opened with the first tallest table's openings (the
    /// others' quotient lists empty); 7: LogUp's running sum is cyclic and stands in for the last group's column (one LogUp column
    /// per group, one constraint per group, <see cref="Air.LogUp"/>); 5: the configuration's LogUp quotient
    /// raise (<see cref="StarkConfig.LogUpMaxLogQuotientChunks"/>) in the header, LogUp groups chosen per table by opened
    /// elements (<see cref="Air.LogUpBatching"/>); 3: Merkle caps, deduplicated
    /// multi-openings, FRI arity 2/4/8; 2: batched LogUp (one column per group of interactions, <see cref="Air.LogUpGrouping"/>);
    /// 1: one column per interaction, one root and one path per query and tree, arity 2.
    /// </summary>
    public const ushort Version = 9;

    /// <summary>Version 9's layout with digests of 12 elements (<see cref="WideDigest{TParams}"/>: provable-128); 8 was version 7's, 6 version 5's, 4 version 3's.</summary>
    public const ushort WideDigestVersion = 10;

    /// <summary>
    /// Versions no longer read: before one quotient for all tables (7 and 8: a quotient per table) and before the cyclic LogUp
    /// running sum (5 and 6: a LogUp column per group plus the running sum).
    /// </summary>
    public static bool IsRetired(int version) => version is >= 1 and <= 8;

    /// <summary>The version of proofs whose digests have <paramref name="digestLength"/> elements.</summary>
    public static ushort VersionFor(int digestLength) => digestLength switch
    {
        Digest<KoalaBearParameters>.Length => Version,
        WideDigest<KoalaBearParameters>.Length => WideDigestVersion,
        _ => throw new ArgumentOutOfRangeException(nameof(digestLength), digestLength, "no proof format has digests of this length"),
    };
}
