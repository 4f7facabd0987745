using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>
/// The parameters of one proof. Every proof carries its configuration, and the verifier checks it
/// against the configuration it expects before anything else.
/// </summary>
public sealed record StarkConfig
{
    /// <summary>Name of a preset, or "custom".</summary>
    public string Name { get; init; } = "custom";

    /// <summary>
    /// Degree of the extension field the challenges and the LogUp/quotient columns live in: 4 (KoalaBear^4) or
    /// 8 (KoalaBear^8). Callers that pick the extension type (proof files, demos) choose it from this value.
    /// </summary>
    public int ExtensionDegree { get; init; } = 4;

    /// <summary>log2 of the LDE blowup (rate 2^-LogBlowup). Must be ≥ log2 of the quotient chunk count.</summary>
    public int LogBlowup { get; init; } = 1;

    public int NumQueries { get; init; } = 100;

    /// <summary>Proof-of-work bits ground before the query indices are drawn.</summary>
    public int QueryPowBits { get; init; } = 16;

    /// <summary>FRI stops folding at polynomials of 2^LogFinalPolyLength coefficients and sends them.</summary>
    public int LogFinalPolyLength { get; init; }

    /// <summary>
    /// FRI folding arity: 2, 4 or 8 codeword values folded per step (one commitment per step; a leaf holds the step's
    /// values). A step folds fewer levels where a smaller table is rolled in or the final codeword is reached
    /// (<see cref="Security.FoldingSchedule"/>).
    /// </summary>
    public int FoldingArity { get; init; } = 2;

    /// <summary>
    /// Merkle cap height c: each commitment of the proof is the 2^c nodes c levels below its root (fewer for trees whose
    /// shortest matrix is shorter), and openings stop there. The preprocessed commitment (the verifying key) stays a root.
    /// </summary>
    public int MerkleCapHeight { get; init; }

    /// <summary>
    /// Elements per Merkle/transcript digest: 8 (<see cref="Digest{TParams}"/>, Poseidon2 width 16, ~248 bits, so a
    /// proof is capped at 123 bits by the hash) or 12 (<see cref="WideDigest{TParams}"/>, Poseidon2 width 24, ~372
    /// bits). Callers that pick the digest type (proof files, demos) choose it from this value, as they choose the
    /// extension from <see cref="ExtensionDegree"/>; not serialised (the proof format version names it).
    /// </summary>
    public int DigestElements { get; init; } = Digest<KoalaBearParameters>.Length;

    /// <summary>
    /// log2 of the largest quotient chunk count a table's LogUp grouping may raise its quotient to (capped at
    /// <see cref="LogBlowup"/>): 0 never raises it (the groups fill the chunks the table's unbatched constraints need);
    /// k &gt; 0 lets up to 2^k degree-1 fractions share a LogUp column where that opens fewer elements per proof, chosen
    /// per table from its height and this configuration (<see cref="Air.LogUpBatching"/>; the verifier recomputes the
    /// choice). Fewer LogUp columns cost more quotient evaluation for the prover on the tables where it applies.
    /// </summary>
    public int LogUpMaxLogQuotientChunks { get; init; }

    /// <summary>
    /// The LogUp batching of a table of 2^<paramref name="logHeight"/> rows under this configuration, or null when
    /// <see cref="LogUpMaxLogQuotientChunks"/> is 0: a query opens one row per query, at most the LDE's height.
    /// </summary>
    public Air.LogUpBatching? LogUpBatchingFor(int logHeight) => LogUpMaxLogQuotientChunks == 0
        ? null
        : new Air.LogUpBatching(Math.Min(LogUpMaxLogQuotientChunks, LogBlowup), ExtensionDegree,
            (int)Math.Min(NumQueries, 1L << Math.Min(logHeight + LogBlowup, 40)));

    /// <summary>The prover refuses to run when the provable level is below this, unless <see cref="AllowInsecure"/>.</summary>
    public int MinimumProvableBits { get; init; } = 100;

    /// <summary>Explicit opt-in for configurations below <see cref="MinimumProvableBits"/> (tests, demos, development).</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>
    /// Fast parameters for tests and development: quartic extension, blowup 2, 96 queries, 20 PoW bits
    /// (~116 conjectured bits, far below 100 provable bits). Must never protect real value. The grind buys 4 queries at
    /// the same conjectured level (queries × log blowup + PoW = 116, as with 100 queries and 16 bits before; provable
    /// 60 → 63): 2^20 permutations, about 0.1 s per shard on two cores, against 2.6% fewer bytes (bigmul in 2^18-cycle shards:
    /// 2,102,975 → 2,048,923 B; 98 queries and 18 bits gave only −0.5%, the transcript deciding which rows coincide;
    /// docs/benchmarks.md, issue 19's figures). Openings as in the
    /// provable presets (arity 8, final polynomial of 2^8 coefficients, cap height 0: <see cref="Provable100"/>). Blowup 2
    /// allows quotients of 2 chunks, so LogUp may raise a degree-2 table's quotient from 1 chunk to 2 (<see
    /// cref="LogUpMaxLogQuotientChunks"/> 1) where that opens fewer elements: the zkVM's bitwise table then pairs its 9
    /// lookups in 5 columns instead of 9 (bigmul's proof −12 base elements per bitwise query row, docs/benchmarks.md).
    /// Degree-3 tables already have 2 chunks and keep their grouping.
    /// </summary>
    public static StarkConfig Development { get; } = new()
    {
        Name = "development",
        LogBlowup = 1,
        NumQueries = 96,
        QueryPowBits = 20,
        FoldingArity = 8,
        LogFinalPolyLength = 8,
        MerkleCapHeight = 0,
        LogUpMaxLogQuotientChunks = 1,
        AllowInsecure = true,
    };

    /// <summary>
    /// 100 bits provable (Johnson-bound regime) with the degree-8 extension, blowup 8. Openings picked by counted
    /// proof size (benchmarks <c>openings-model</c>, docs/benchmarks.md "Openings"): FRI arity 8 (against arity 2: a zkVM proof of hello.elf
    /// 10% smaller; 27% fewer query-phase bytes on the Poseidon2 AIR); a final polynomial of 2^8 coefficients (8 KiB
    /// sent once are cheaper than the last folding step's leaves at 56 queries; zkVM proofs stop at their smallest
    /// table anyway); Merkle cap height 0, because with deduplicated openings the top levels of every tree are
    /// derivable and a cap of 2^c digests saves almost nothing (each step up costs bytes on every preset measured).
    /// LogUp groups may raise a table's quotient up to 2^3 chunks (<see cref="LogUpMaxLogQuotientChunks"/>: hello.elf's
    /// proof 12% smaller, docs/benchmarks.md "Byte account"). 56 queries give 103 provable bits (JBR: 1.49 bits per query
    /// at ρ = 1/8, plus 20 PoW bits; 54 would give 100, 2–3% fewer bytes, but 56 keeps the level checked against soundcalc
    /// in SecurityComparisonTests). Larger blowups (16/32/64, with the calculator's 41/33/27 queries) would make hello's
    /// proof a further 6/11/19% smaller (counted) at 2×/4×/8× the LDE work and memory: not taken for large statements;
    /// statements whose tables are all at most 2^12 rows use <see cref="Provable100Small"/> (blowup 64) instead.
    /// </summary>
    public static StarkConfig Provable100 { get; } = new()
    {
        Name = "provable-100",
        LogBlowup = 3,
        NumQueries = 56,
        QueryPowBits = 20,
        FoldingArity = 8,
        LogFinalPolyLength = 8,
        MerkleCapHeight = 0,
        LogUpMaxLogQuotientChunks = 3,
        MinimumProvableBits = 100,
        ExtensionDegree = 8,
    };

    /// <summary>
    /// 128 bits provable with the degree-8 extension, blowup 8 (the IOP gives 129 in the Johnson-bound regime) and
    /// 12-element digests (Poseidon2 width 24 for leaves, nodes and transcript): the hash term is 128, capped by the
    /// permutation's own design level (⌊372/2⌋ = 185 from the digest alone), where 8-element digests would cap
    /// every proof at 123 (docs/design.md, "Security level"). Openings and the LogUp quotient raise as <see cref="Provable100"/>.
    /// </summary>
    public static StarkConfig Provable128 { get; } = new()
    {
        Name = "provable-128",
        LogBlowup = 3,
        NumQueries = 74,
        QueryPowBits = 20,
        FoldingArity = 8,
        LogFinalPolyLength = 8,
        MerkleCapHeight = 0,
        LogUpMaxLogQuotientChunks = 3,
        MinimumProvableBits = 128,
        ExtensionDegree = 8,
        DigestElements = WideDigest<KoalaBearParameters>.Length,
    };

    public static IReadOnlyList<StarkConfig> Presets { get; } = [Development, Provable100, Provable128];

    /// <summary>
    /// The tallest table (log2 of its rows) up to which a zkVM statement under <see cref="Provable100"/> may be proved
    /// with <see cref="Provable100Small"/>'s shape instead (<see cref="ForTallestTable"/>).
    /// </summary>
    public const int SmallStatementMaxLogHeight = 12;

    /// <summary>
    /// <see cref="Provable100"/>'s shape for small statements (every table at most 2^<see cref="SmallStatementMaxLogHeight"/>
    /// rows): blowup 64, 27 queries and 24 PoW bits, 104 provable bits by the calculator, at least the level of
    /// <see cref="Provable100"/> itself (103 bits; SecurityComparisonTests). With 20 PoW bits it would take 28 queries
    /// (103 bits) and 2% more bytes; 24 bits of grinding cost well under a second. Same name, extension, digest and openings: a proof states its
    /// shape in every shard's header, and the zkVM verifier accepts this shape under "provable-100" only for a statement
    /// whose claimed tables all fit the bound. For such a statement the LDE is at most 2^18 rows, so the 8× larger
    /// blowup costs milliseconds, while the query phase, the bulk of a small proof, shrinks with the query count
    /// (docs/benchmarks.md, "Byte table sized to use"). Not a preset of its own: it is never chosen by name.
    /// </summary>
    public static StarkConfig Provable100Small { get; } = Provable100 with { LogBlowup = SmallLogBlowup, NumQueries = SmallQueries, QueryPowBits = SmallPowBits, LogUpMaxLogQuotientChunks = SmallRaise };

    private const int SmallLogBlowup = 6, SmallQueries = 27, SmallPowBits = 24, SmallRaise = 6;

    /// <summary>
    /// The configuration a zkVM statement whose tallest table has 2^<paramref name="maxLogHeight"/> rows is proved with:
    /// <see cref="Provable100Small"/> (with this configuration's policy fields) when this is <see cref="Provable100"/>'s shape
    /// and the statement is small, otherwise this configuration unchanged (a modified copy of a preset keeps its own shape).
    /// </summary>
    public StarkConfig ForTallestTable(int maxLogHeight) =>
        maxLogHeight <= SmallStatementMaxLogHeight && SmallStatementShape() is { } small ? small : this;

    /// <summary>
    /// What a verifier expecting this configuration requires of a zkVM statement whose claimed tallest table has
    /// 2^<paramref name="maxLogHeight"/> rows and whose proof states the shape <paramref name="claimed"/>: the small-statement
    /// shape when the statement is small and the proof claims exactly that shape, otherwise this configuration (so a
    /// large statement in the small shape, or any other shape, fails the STARK verifier's configuration check).
    /// </summary>
    public StarkConfig ExpectedShape(StarkConfig? claimed, int maxLogHeight) =>
        claimed is not null && ForTallestTable(maxLogHeight) is var small && !ReferenceEquals(small, this) && SameShape(claimed, small) ? small : this;

    /// <summary><see cref="Provable100Small"/> with this configuration's policy fields when this has <see cref="Provable100"/>'s shape; otherwise null.</summary>
    public StarkConfig? SmallStatementShape() =>
        SameShape(this, Provable100) ? Provable100Small with { MinimumProvableBits = MinimumProvableBits, AllowInsecure = AllowInsecure } : null;

    /// <summary>Whether two configurations make proofs of the same shape (every field but the policy's minimum and opt-in).</summary>
    public static bool SameShape(StarkConfig a, StarkConfig b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a with { MinimumProvableBits = b.MinimumProvableBits, AllowInsecure = b.AllowInsecure } == b;
    }

    /// <summary>
    /// The last recursion proof of an aggregation tree (issue 14): the provable-100 extension and digest at a low rate —
    /// blowup 64, 26 queries, 24 PoW bits (101 provable bits at the measured final program's shape), LogUp quotient
    /// raise up to the blowup — so that the one proof a block ends in is small (docs/benchmarks.md, "Recursion: the
    /// final layer": 288,206 B for the verification of a recursion proof, against 322,818 B at blowup 32 / 31 queries
    /// and 352,074 B at blowup 32 over a provable-100 layer). The prover pays 8× the LDE of blowup 8 on a program of
    /// ~2^17 rows: minutes, ~12 GB on the CPU. Not one of <see cref="Presets"/> (not a preset for zkVM proofs).
    /// </summary>
    public static StarkConfig Final100 { get; } = Provable100 with
    {
        Name = "final-100",
        LogBlowup = 6,
        NumQueries = 26,
        QueryPowBits = 24,
        LogUpMaxLogQuotientChunks = 6,
    };

    /// <summary>
    /// The wrap layer under <see cref="Final100"/> (docs/design.md, "Recursion", the final layer): the provable-100 extension
    /// and digest at blowup 32 with 31 queries and 24 PoW bits (101 provable bits at the shape of the wrap of a 2^18-cycle
    /// shard's leaf). The final program's size follows the queries of the proof it verifies: over this wrap it is a
    /// 115,741-instruction program (hints 2^17 rows), over a blowup-16 / 41-query proof 143,770 (hints 2^18: every table of
    /// the final program one level taller, beyond ~16 GB at blowup 64). Not one of <see cref="Presets"/> (not a preset for
    /// zkVM proofs).
    /// </summary>
    public static StarkConfig Recursion100 { get; } = Provable100 with
    {
        Name = "recursion-100",
        LogBlowup = 5,
        NumQueries = 31,
        QueryPowBits = 24,
        LogUpMaxLogQuotientChunks = 5,
    };

    /// <summary>
    /// The last recursion proof at 128 provable bits: <see cref="Provable128"/>'s extension (degree 8) and 12-element
    /// digests (width-24 Poseidon2 in every layer: 8-element digests cap the hash term at 123 bits) at blowup 32 with
    /// 42 queries and 24 PoW bits — the fewest queries the calculator gives 128 provable bits at the measured final
    /// program's shape (128 / 128: the hash caps both) — LogUp quotient raise up to the blowup. Measured over a
    /// provable-128 layer at blowup 16 and 56 queries verifying Fibonacci 2^10: 542,054 B (docs/benchmarks.md,
    /// "Recursion: a provable-128 final layer"). Blowup 64 (35 queries by the calculator) would be smaller but does not fit
    /// in 16 GB: the program verifying a provable-128 layer is ~2^18 rows (a 2^18-row hint table, a 2^15-row width-24
    /// Poseidon2 table of 252 + 52 columns), and blowup 32 already peaks at 15.6 GB. Not one of <see cref="Presets"/>.
    /// </summary>
    public static StarkConfig Final128 { get; } = Provable128 with
    {
        Name = "final-128",
        LogBlowup = 5,
        NumQueries = 42,
        QueryPowBits = 24,
        LogUpMaxLogQuotientChunks = 5,
    };

    /// <summary>
    /// The wrap layer under <see cref="Final128"/> for provable-128 executions (docs/design.md, "Recursion", the final
    /// layer): <see cref="Provable128"/>'s extension and 12-element digests at blowup 16 with 56 queries and 24 PoW bits.
    /// Its role is recursion-100's for final-100: the final program's size follows the queries of the proof it verifies,
    /// and final-128 at blowup 32 fits 16 GB only over a proof of this shape (the measured final-128 program verified a
    /// blowup-16 / 56-query provable-128 layer: hints 2^18, 15.5 GB); over the tree's provable-128 root (74 queries) it
    /// would be a level taller. Blowup 16 rather than 32 because this wrap verifies the root itself (74 queries: a program
    /// about twice the final one's). 56 queries: the first layer under which final-128 was sized and measured; the
    /// calculator's fewest for 128 bits is 53, at the counted wrap of hello.elf's leaf and two levels taller alike
    /// (WideRecursionTests), which would shave ~5% off the wrap's queries and the final program (its heights unchanged):
    /// not measured yet. Not one of <see cref="Presets"/>.
    /// </summary>
    public static StarkConfig Recursion128 { get; } = Provable128 with
    {
        Name = "recursion-128",
        LogBlowup = 4,
        NumQueries = 56,
        QueryPowBits = 24,
        LogUpMaxLogQuotientChunks = 4,
    };

    /// <summary>Configurations for recursion layers only (found by <see cref="ByName"/>, not offered for zkVM proofs).</summary>
    public static IReadOnlyList<StarkConfig> RecursionPresets { get; } = [Recursion100, Final100, Recursion128, Final128];

    /// <summary>The preset called <paramref name="name"/>; an unknown name is an <see cref="ArgumentException"/> listing the known ones.</summary>
    public static StarkConfig ByName(string name) =>
        Presets.Concat(RecursionPresets).FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"unknown configuration '{name}' (known: {string.Join(", ", Presets.Concat(RecursionPresets).Select(p => p.Name))})", nameof(name));

    /// <summary>The security parameters of a proof under this configuration (the digest is this configuration's).</summary>
    public SecurityParameters SecurityParameters(ulong fieldPrime, int extensionDegree, int logMaxHeight, int maxDegree,
        int columns, int constraints, int batchSize, double logUpFractions, int logUpTupleWidth) => new()
        {
            DigestBits = DigestElements * Math.Log2(fieldPrime),
            HashPermutationBits = Poseidon2DesignBits,
            FieldPrime = fieldPrime,
            ExtensionDegree = extensionDegree,
            LogBlowup = LogBlowup,
            NumQueries = NumQueries,
            QueryPowBits = QueryPowBits,
            LogTraceHeight = logMaxHeight,
            MaxConstraintDegree = maxDegree,
            NumColumns = columns,
            NumConstraints = constraints,
            BatchSize = batchSize,
            FoldingArity = FoldingArity,
            LogFinalPolyLength = Math.Min(LogFinalPolyLength, logMaxHeight),
            LogUpFractions = logUpFractions,
            LogUpTupleWidth = logUpTupleWidth,
        };

    /// <summary>Checks the parameters are usable (not that they are secure).</summary>
    public void Validate()
    {
        if (LogBlowup < 1 || LogBlowup > 8) throw new ArgumentException($"log blowup {LogBlowup} outside 1..8");
        if (NumQueries < 1 || NumQueries > 1024) throw new ArgumentException($"query count {NumQueries} outside 1..1024");
        if (QueryPowBits < 0 || QueryPowBits > 30) throw new ArgumentException($"PoW bits {QueryPowBits} outside 0..30");
        if (LogFinalPolyLength < 0 || LogFinalPolyLength > 16) throw new ArgumentException($"final polynomial log length {LogFinalPolyLength} outside 0..16");
        if (ExtensionDegree is not (4 or 8)) throw new ArgumentException($"extension degree {ExtensionDegree} is neither 4 nor 8");
        if (FoldingArity is not (2 or 4 or 8)) throw new ArgumentException($"FRI folding arity {FoldingArity} is not 2, 4 or 8");
        if (MerkleCapHeight < 0 || MerkleCapHeight > Merkle.MerkleCap.MaxHeight)
            throw new ArgumentException($"Merkle cap height {MerkleCapHeight} outside 0..{Merkle.MerkleCap.MaxHeight}");
        if (LogUpMaxLogQuotientChunks < 0 || LogUpMaxLogQuotientChunks > 8)
            throw new ArgumentException($"LogUp quotient raise {LogUpMaxLogQuotientChunks} outside 0..8");
        if (DigestElements is not (8 or 12)) throw new ArgumentException($"digest of {DigestElements} elements is neither 8 nor 12");
    }

    /// <summary>
    /// The security level Poseidon2's round numbers are chosen for (Plonky3's constants, which ours are: 8 full
    /// rounds and 20 / 23 partial rounds at width 16 / 24 over KoalaBear, x^3, target 128 bits). A wider digest
    /// cannot make the hash stronger than its permutation, so the calculator's hash term is capped here.
    /// </summary>
    public const int Poseidon2DesignBits = 128;

    /// <summary>
    /// Throws unless <typeparamref name="TDigest"/> is this configuration's digest: a prover or verifier
    /// instantiated with the other digest would make or accept proofs of another hash strength.
    /// </summary>
    public static void CheckDigest<TParams, TDigest>(StarkConfig config)
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(config);
        if (TDigest.Length != config.DigestElements)
            throw new ArgumentException($"configuration '{config.Name}' commits with {config.DigestElements}-element digests, not {TDigest.Length}-element {typeof(TDigest).Name.Split('`')[0]}");
    }
}
