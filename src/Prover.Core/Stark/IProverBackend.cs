using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// The seam between the STARK protocol and the hardware that runs its heavy kernels (LDEs, Merkle
/// trees, LogUp traces, the quotient, out-of-domain openings, DEEP batching and FRI folding). Prover.Core
/// ships the CPU implementation; GPU backends (Prover.Gpu) implement the same interface and must return
/// bit-identical results, so proofs are the same bytes on every backend. The LogUp, quotient, opening, DEEP,
/// FRI and release hooks have default bodies (the CPU reference), so a backend overrides only what its device runs.
/// </summary>
/// <remarks>
/// A backend may keep a device copy of a matrix it returned from <see cref="CosetLdeBitReversed"/> and read
/// that copy in later calls on the same matrix object (<see cref="Commit{TDigest}"/>, <see cref="CombineColumns{TDef}"/>)
/// instead of uploading the host values again (likewise FRI codewords between <see cref="DeepReduce{TDef}"/>, <see cref="FriLeaves{TDef}"/>,
/// <see cref="FriFold{TDef}"/> and <see cref="FriRollIn{TDef}"/>, whose host arrays may hold no values until <see cref="FetchCodeword{TDef}"/>);
/// callers therefore modify such data only through these hooks, and hand it to <see cref="Release"/> when the proof no longer needs it. A tree from <see cref="Commit{TDigest}"/> may keep
/// a device copy of its digest layers for <see cref="OpenMulti{TDigest}"/>: callers release their trees too.
/// </remarks>
public interface IProverBackend<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>Backend name for reports ("cpu", "cuda", "opencl").</summary>
    string Name { get; }

    /// <summary>
    /// Memory of the device this backend proves on, in bytes; null (default) when it proves in host memory. The zkVM prover gives a
    /// shard to a backend only when the shard's modelled peak fits it (<c>ZkvmProverOptions.Backends</c>).
    /// </summary>
    long? DeviceMemoryBytes => null;

    /// <summary>DFTs used on small matrices (quotient chunks, final polynomial).</summary>
    ITwoAdicSubgroupDft<MontyField31<TParams>> Dft { get; }

    /// <summary>Coset LDE of each column (evaluations on H in natural order) onto shift·H', rows bit-reversed.</summary>
    RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift);

    /// <summary>
    /// Commits to matrices of power-of-two heights (mixed heights allowed) with the digest of the proof's
    /// configuration: the same tree as <see cref="MerkleTreeMmcs{TParams, TDigest}.Default"/>, whose openings
    /// the prover then takes. A backend whose kernels hash only some digests commits the others on the CPU.
    /// </summary>
    MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams>;

    /// <summary>
    /// The column combination of DEEP batching: result[r] = Σ_c coefficients[c]·matrix[r, c] (one extension
    /// value per row of a committed LDE matrix).
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] CombineColumns<TDef>(RowMajorMatrix<MontyField31<TParams>> matrix,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> coefficients)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        ExtensionLinearAlgebra<TParams, TDef>.RowCombinations(matrix, coefficients);

    /// <summary>
    /// A table's LogUp trace and cumulative sum (<see cref="LogUp.GenerateTrace{F, TExt}"/>: height × D·groups base columns,
    /// the fraction sums of all groups but the last, then the cyclic running sum) from its main and preprocessed traces (natural order). A backend may keep
    /// a device copy of the returned trace for its LDE (<see cref="CosetLdeBitReversed"/>) and openings.
    /// </summary>
    (RowMajorMatrix<MontyField31<TParams>> Trace, ExtensionField<MontyField31<TParams>, TDef> CumulativeSum) GenerateLogUp<TDef>(
        CompiledAir<MontyField31<TParams>> air, RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed,
        IReadOnlyList<MontyField31<TParams>> publics, ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        LogUpPacked<TParams, TDef>.GenerateTrace(air, main, preprocessed, publics, gamma, beta);

    /// <summary>
    /// A table's quotient on the quotient domain g·H_(n·d) (natural order, n = 2^<paramref name="logN"/>, d the AIR's
    /// quotient chunks): (Σ_q α^q·C_q(x) + the LogUp constraints)/Z_H(x), read from the LDEs (bit-reversed rows).
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] EvaluateQuotient<TDef>(CompiledAir<MontyField31<TParams>> air, int logN,
        RowMajorMatrix<MontyField31<TParams>> mainLde, RowMajorMatrix<MontyField31<TParams>>? preprocessedLde, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> cumulativeSum)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        QuotientEvaluator<TParams, TDef>.Evaluate(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum);

    /// <summary>
    /// A table's quotient (<see cref="EvaluateQuotient{TDef}"/>) as coefficients: 2^(<paramref name="logN"/> + <c>air.LogQuotientChunks</c>)
    /// rows (row i: the coefficient of x^i, its D base components side by side; <see cref="QuotientChunks{TParams, TDef}.Coefficients"/>),
    /// for <see cref="CombineQuotients{TDef}"/>. A backend may keep the values and the result on its device; the caller releases the matrix.
    /// </summary>
    RowMajorMatrix<MontyField31<TParams>> QuotientCoefficients<TDef>(CompiledAir<MontyField31<TParams>> air,
        int logN, RowMajorMatrix<MontyField31<TParams>> mainLde, RowMajorMatrix<MontyField31<TParams>>? preprocessedLde, RowMajorMatrix<MontyField31<TParams>>? logUpLde,
        MontyField31<TParams>[] publics, ExtensionField<MontyField31<TParams>, TDef> alpha, ExtensionField<MontyField31<TParams>, TDef> gamma,
        ExtensionField<MontyField31<TParams>, TDef> beta, ExtensionField<MontyField31<TParams>, TDef> cumulativeSum)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        QuotientChunks<TParams, TDef>.Coefficients(Dft, EvaluateQuotient(air, logN, mainLde, preprocessedLde, logUpLde, publics, alpha, gamma, beta, cumulativeSum));

    /// <summary>
    /// The proof's one quotient (docs/design.md, "STARK"): Σ_t weights[t]·Q_t of the tables' quotient coefficients
    /// (<see cref="QuotientCoefficients{TDef}"/>, <see cref="QuotientChunks{TParams, TDef}.Combine"/>) split into d = 2^<paramref name="logChunks"/>
    /// chunks of n = 2^<paramref name="logN"/> coefficients: the chunks' coefficients (n rows, chunk j's component c in column j·D + c) for their
    /// out-of-domain openings (<see cref="EvaluateCoefficientColumns{TDef}"/>), and their coset LDEs (blowup 2^<paramref name="logBlowup"/>, rows
    /// bit-reversed), committed next (<see cref="QuotientChunks{TParams, TDef}.SplitCoefficients"/>). A backend may keep both matrices on its
    /// device; the caller releases them.
    /// </summary>
    (RowMajorMatrix<MontyField31<TParams>> Coefficients, RowMajorMatrix<MontyField31<TParams>> Lde) CombineQuotients<TDef>(
        IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> coefficients, ExtensionField<MontyField31<TParams>, TDef>[] weights, int logN, int logChunks, int logBlowup)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        QuotientChunks<TParams, TDef>.SplitCoefficients(Dft, QuotientChunks<TParams, TDef>.Combine(coefficients, weights, logN, logChunks), logN, logChunks, logBlowup);

    /// <summary>
    /// Each column of a coefficient matrix (row i holds the coefficient of x^i; the quotient chunks of <see cref="CombineQuotients{TDef}"/>)
    /// evaluated at <paramref name="point"/> (<see cref="QuotientChunks{TParams, TDef}.EvaluateColumns"/>).
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] EvaluateCoefficientColumns<TDef>(RowMajorMatrix<MontyField31<TParams>> coefficients,
        ExtensionField<MontyField31<TParams>, TDef> point)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        QuotientChunks<TParams, TDef>.EvaluateColumns(coefficients, point);

    /// <summary>
    /// Out-of-domain openings of one table: each matrix (traces of 2^<paramref name="logN"/> rows, natural order, on the trace
    /// domain H) evaluated column by column at each point z (off H) by the barycentric formula; result[p][m][c] is column c of
    /// matrix m at points[p] (<see cref="OutOfDomain{TParams, TDef}.Evaluate"/>).
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[][][] EvaluateOutOfDomain<TDef>(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        OutOfDomain<TParams, TDef>.Evaluate(logN, matrices, points);

    /// <summary>
    /// <see cref="EvaluateOutOfDomain{TDef}(int, IReadOnlyList{RowMajorMatrix{MontyField31{TParams}}}, ReadOnlySpan{ExtensionField{MontyField31{TParams}, TDef}})"/>
    /// for only some columns: <paramref name="columns"/>[p][m] lists the columns of matrix m wanted at points[p] (null: all of them),
    /// and result[p][m][j] is column <paramref name="columns"/>[p][m][j] at points[p] (the proof opens at ζ·ω only the columns read on the
    /// next row). The default evaluates every column and picks; the CPU backend combines only the wanted columns.
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[][][] EvaluateOutOfDomain<TDef>(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points, IReadOnlyList<IReadOnlyList<int>?[]> columns)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        OutOfDomain<TParams, TDef>.SelectColumns(EvaluateOutOfDomain(logN, matrices, points), columns);

    /// <summary>
    /// The DEEP codeword of one LDE height (bit-reversed order, 2^<paramref name="logHeight"/> values):
    /// result[r] = Σ_points (Σ_m Scales[m]·S_m[r] − Y)/(x_r − Z), S_m[r] = Σ_c columnCoefficients[c]·matrices[m][r, c]
    /// (<see cref="CombineColumns{TDef}"/>), x_r = g·ω^bitrev(r) on the LDE coset. A backend may keep a device copy of the
    /// result for the FRI hooks.
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] DeepReduce<TDef>(int logHeight, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> columnCoefficients, IReadOnlyList<DeepPoint<TParams, TDef>> points)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        Deep<TParams, TDef>.ReduceHeight(this, logHeight, matrices, columnCoefficients, points);

    /// <summary>
    /// Columns <paramref name="columns"/> of a committed LDE matrix, in that order, as a new matrix (<see cref="ColumnSelection.Select{T}"/>):
    /// DEEP's ζ·ω point opens only the columns read on the next row. A backend may make it from its device copy and keep the result
    /// there; the caller hands it to <see cref="Release"/>.
    /// </summary>
    RowMajorMatrix<MontyField31<TParams>> SelectColumns(RowMajorMatrix<MontyField31<TParams>> matrix, IReadOnlyList<int> columns) =>
        ColumnSelection.Select(matrix, columns);

    /// <summary>
    /// The folds of one FRI step of log arity <paramref name="logArity"/> over a codeword of 2^<paramref name="logN"/>
    /// values (bit-reversed order): arity-2 folds with β, β², β⁴, … (<c>Fri.FoldCodeword</c>); returns a new array.
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] FriFold<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logN, int logArity,
        ExtensionField<MontyField31<TParams>, TDef> beta)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        Fri<TParams, TDef>.FoldSteps(codeword, logN, logArity, beta);

    /// <summary>
    /// The leaves of a FRI step (row j holds codeword values k·j … k·j + k − 1, D coefficients each), committed next
    /// with <see cref="Commit{TDigest}"/>; the rows are the codeword's words in order, so a backend may read its device
    /// copy of the codeword for them.
    /// </summary>
    RowMajorMatrix<MontyField31<TParams>> FriLeaves<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logArity)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        Fri<TParams, TDef>.Leaves(codeword, logArity);

    /// <summary>
    /// Makes the host values of a codeword this backend returned (<see cref="DeepReduce{TDef}"/>, <see cref="FriFold{TDef}"/>) readable: a
    /// backend may leave a codeword's values on its device (the array's contents are then unspecified) and download them here. Callers
    /// read a codeword's values only after this call (FRI reads its final codeword; the query answers take the opened leaves'
    /// rows from <see cref="OpenMulti{TDigest}"/>); a no-op on the CPU.
    /// </summary>
    void FetchCodeword<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
    }

    /// <summary>
    /// FRI's final polynomial from its final codeword (a codeword this backend returned, 2^<paramref name="logFinal"/> values bit-reversed
    /// on H_Nf): the inverse DFT's first <paramref name="terms"/> coefficients, every higher one checked to be zero (a prover bug
    /// otherwise: <see cref="InvalidOperationException"/>). The CPU body (<see cref="Fri{TParams, TDef}.FinalPolynomial"/>) fetches the
    /// codeword and uses <see cref="Dft"/>; a backend that left the codeword on its device may transform it there and bring back only
    /// the coefficients (the same words: the inverse DFT is unique).
    /// </summary>
    ExtensionField<MontyField31<TParams>, TDef>[] FriFinalPolynomial<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] codeword, int logFinal, int terms)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        FetchCodeword(codeword);
        return Fri<TParams, TDef>.FinalPolynomial(Dft, codeword, logFinal, terms);
    }

    /// <summary>folded[j] += weight·rollIn[j] in place: a smaller table's DEEP codeword joins FRI after a step.</summary>
    void FriRollIn<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] folded, ExtensionField<MontyField31<TParams>, TDef> weight,
        ExtensionField<MontyField31<TParams>, TDef>[] rollIn)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        Fri<TParams, TDef>.RollIn(folded, weight, rollIn);

    /// <summary>
    /// The query openings of one tree: every committed matrix's rows at <paramref name="indices"/> (rows of the tallest matrices)
    /// and the sibling digests up to the cap of height <paramref name="capHeight"/>, exactly
    /// <see cref="MerkleTreeMmcs{TParams, TDigest}.OpenMulti"/> (the reference). A backend that keeps a device copy of the tree's
    /// digest layers and of its matrices gathers the opened words there, so only they cross the bus.
    /// </summary>
    MultiOpening<TParams, TDigest> OpenMulti<TDigest>(MerkleTree<TParams, TDigest> tree, IReadOnlyList<int> indices, int capHeight)
        where TDigest : struct, IDigest<TDigest, TParams> =>
        MerkleTreeMmcs<TParams, TDigest>.Default.OpenMulti(indices, tree, capHeight);

    /// <summary>
    /// Frees any device copies of these objects (matrices, codewords and Merkle trees this backend returned or was given), at
    /// the end of a proof, a commitment or the FRI commit phase; a no-op on the CPU.
    /// </summary>
    void Release(IEnumerable<object?> data)
    {
    }

    /// <summary>
    /// Matrices that outlive a proof (a proving key's preprocessed traces and LDEs, which every proof and shard with that key reads): a
    /// backend may keep the device copy it makes the first time a hook reads one and reuse it in later proofs, instead of uploading it
    /// per proof. <see cref="Release"/> leaves retained matrices alone; <see cref="ReleaseRetained"/> (or disposing the backend) frees
    /// them, and a backend may drop the least recently retained ones to stay within its memory. The prover retains its key's matrices
    /// at the start of each proof; a no-op on the CPU.
    /// </summary>
    void Retain(IEnumerable<RowMajorMatrix<MontyField31<TParams>>?> matrices)
    {
    }

    /// <summary>Frees the device copies of retained matrices (<see cref="Retain"/>) and stops retaining them; a no-op on the CPU.</summary>
    void ReleaseRetained(IEnumerable<RowMajorMatrix<MontyField31<TParams>>?> matrices)
    {
    }
}

/// <summary>The CPU backend: radix-2 DFT and the Poseidon2 Merkle MMCS, multi-threaded.</summary>
public sealed class CpuBackend<TParams> : IProverBackend<TParams> where TParams : struct, IMontyParameters
{
    public static CpuBackend<TParams> Instance { get; } = new();

    public string Name => "cpu";

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Dft.CosetLdeBitReversed(evaluations, addedBits, shift);

    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams> => MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);

    /// <summary>Only the wanted columns are combined with the points' weights (<see cref="OutOfDomain{TParams, TDef}.Evaluate(int, IReadOnlyList{RowMajorMatrix{MontyField31{TParams}}}, ReadOnlySpan{ExtensionField{MontyField31{TParams}, TDef}}, IReadOnlyList{IReadOnlyList{int}?[]}?)"/>).</summary>
    public ExtensionField<MontyField31<TParams>, TDef>[][][] EvaluateOutOfDomain<TDef>(int logN, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> points, IReadOnlyList<IReadOnlyList<int>?[]> columns)
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef> =>
        OutOfDomain<TParams, TDef>.Evaluate(logN, matrices, points, columns);
}
