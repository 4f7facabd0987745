using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;

namespace Prover.Core.Merkle;

/// <summary>
/// Mixed-matrix commitment scheme with Plonky3's <c>MerkleTreeMmcs</c> semantics, over row-major
/// matrices whose heights are powers of two. Matrices are grouped by height, tallest first (stable
/// within a height). Leaves: leaf i = sponge(row i of every tallest matrix, concatenated in order).
/// Going up, node = compress(left, right); at a layer whose height equals that of some matrices,
/// node = compress(node, sponge(row i of those matrices)). The root commits to everything.
/// Openings at index i reveal row i >> (log2 H − log2 h) of each matrix of height h and the sibling of
/// the path node at each layer.
/// </summary>
public sealed partial class MerkleTreeMmcs<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <param name="hash">Leaf and row hash.</param>
    /// <param name="compress">2-to-1 node compression.</param>
    /// <param name="maxDegreeOfParallelism">Threads used to build layers; −1 (default) for all, 1 for a serial build.</param>
    public MerkleTreeMmcs(PaddingFreeSponge<TParams, TDigest> hash, TruncatedPermutation<TParams, TDigest> compress, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(compress);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "−1 (all threads) or a positive count");
        Hash = hash;
        Compression = compress;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
    }

    private readonly ParallelOptions _parallel;

    /// <summary>Poseidon2-16 sponge and truncated-permutation compression for <typeparamref name="TParams"/>.</summary>
    public static MerkleTreeMmcs<TParams, TDigest> Default { get; } =
        new(PaddingFreeSponge<TParams, TDigest>.Default, TruncatedPermutation<TParams, TDigest>.Default);

    public PaddingFreeSponge<TParams, TDigest> Hash { get; }

    public TruncatedPermutation<TParams, TDigest> Compression { get; }

    /// <summary>Rows (or pairs) per parallel task: a few hundred microseconds of hashing.</summary>
    private const int Grain = 1024;

    /// <summary>Commits to the matrices (the root is <c>tree.Root</c>). Layers are built multi-threaded.</summary>
    public MerkleTree<TParams, TDigest> Commit(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
            throw new ArgumentException("nothing to commit: no matrices", nameof(matrices));
        var mats = matrices.ToArray();
        for (int m = 0; m < mats.Length; m++)
        {
            if (mats[m] is null)
                throw new ArgumentNullException(nameof(matrices), $"matrix {m} is null");
            int h = mats[m].Height;
            if (h == 0 || !BitOperations.IsPow2(h))
                throw new ArgumentException($"matrix {m} has height {h}; heights must be powers of two", nameof(matrices));
        }
        var groups = GroupByHeight(mats);
        int maxHeight = groups[0].Height;
        int levels = BitOperations.Log2((uint)maxHeight);

        var layers = new TDigest[levels + 1][];
        var leaves = new TDigest[maxHeight];
        HashRowsParallel(groups[0].Matrices, leaves);
        layers[0] = leaves;
        int nextGroup = 1;
        for (int level = 1; level <= levels; level++)
        {
            var children = layers[level - 1];
            var parents = new TDigest[children.Length / 2];
            ParallelChunks(parents.Length, (start, count) =>
                Compression.CompressLayer(children.AsSpan(2 * start, 2 * count), parents.AsSpan(start, count)));
            if (nextGroup < groups.Count && groups[nextGroup].Height == parents.Length)
            {
                var rowHashes = new TDigest[parents.Length];
                HashRowsParallel(groups[nextGroup].Matrices, rowHashes);
                ParallelChunks(parents.Length, (start, count) =>
                    Compression.CompressPairs(parents.AsSpan(start, count), rowHashes.AsSpan(start, count), parents.AsSpan(start, count)));
                nextGroup++;
            }
            layers[level] = parents;
        }
        return new MerkleTree<TParams, TDigest>(mats, layers);
    }

    /// <summary>Opens every committed matrix at <paramref name="index"/> (a row of the tallest matrices).</summary>
    public BatchOpening<TParams, TDigest> Open(int index, MerkleTree<TParams, TDigest> tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        int maxHeight = tree.Height;
        if ((uint)index >= (uint)maxHeight)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the tree has {maxHeight} leaves");
        int logMax = BitOperations.Log2((uint)maxHeight);
        var rows = new MontyField31<TParams>[tree.Matrices.Count][];
        for (int m = 0; m < rows.Length; m++)
        {
            var matrix = tree.Matrices[m];
            int shift = logMax - BitOperations.Log2((uint)matrix.Height);
            rows[m] = matrix.Row(index >> shift).ToArray();
        }
        var proof = new TDigest[logMax];
        for (int level = 0; level < logMax; level++)
            proof[level] = tree.Layer(level)[(index >> level) ^ 1];
        return new BatchOpening<TParams, TDigest>(rows, proof);
    }

    /// <summary>Verifies an opening; never throws on malformed input (returns false).</summary>
    public bool Verify(TDigest root, IReadOnlyList<MatrixDimensions> dimensions, int index, BatchOpening<TParams, TDigest> opening) =>
        Verify(root, dimensions, index, opening, out _);

    /// <summary>Verifies an opening; on failure <paramref name="error"/> says why. Never throws on malformed input.</summary>
    public bool Verify(TDigest root, IReadOnlyList<MatrixDimensions> dimensions, int index, BatchOpening<TParams, TDigest> opening, out string? error)
    {
        if (opening is null)
        {
            error = "no opening";
            return false;
        }
        return Verify(root, dimensions, index, opening.OpenedRows, opening.Proof, out error);
    }

    /// <summary>
    /// Verifies opened rows and a sibling path against <paramref name="root"/>, given each matrix's
    /// dimensions in commit order. Returns false with a reason for any mismatch; never throws.
    /// </summary>
    public bool Verify(TDigest root, IReadOnlyList<MatrixDimensions> dimensions, int index,
        IReadOnlyList<MontyField31<TParams>[]>? openedRows, IReadOnlyList<TDigest>? proof, out string? error)
    {
        if (dimensions is null || dimensions.Count == 0)
            return Fail("no matrix dimensions", out error);
        if (openedRows is null || openedRows.Count != dimensions.Count)
            return Fail($"expected {dimensions.Count} opened rows, got {openedRows?.Count ?? 0}", out error);
        if (proof is null)
            return Fail("no proof path", out error);
        int maxHeight = 0;
        for (int m = 0; m < dimensions.Count; m++)
        {
            var d = dimensions[m];
            if (d.Width <= 0)
                return Fail($"matrix {m} has width {d.Width}", out error);
            if (d.Height <= 0 || !BitOperations.IsPow2(d.Height))
                return Fail($"matrix {m} has height {d.Height}, not a power of two", out error);
            if (openedRows[m] is null || openedRows[m].Length != d.Width)
                return Fail($"opened row of matrix {m} has {openedRows[m]?.Length ?? 0} elements, its width is {d.Width}", out error);
            maxHeight = Math.Max(maxHeight, d.Height);
        }
        if ((uint)index >= (uint)maxHeight)
            return Fail($"index {index} is outside the {maxHeight} leaves", out error);
        int logMax = BitOperations.Log2((uint)maxHeight);
        if (proof.Count != logMax)
            return Fail($"proof has {proof.Count} siblings, the tree has {logMax} layers above the leaves", out error);

        // Matrices by height, tallest first, stable (the commit order within a height).
        var order = Enumerable.Range(0, dimensions.Count).OrderByDescending(m => dimensions[m].Height).ToArray();
        int next = 0;
        TDigest HashGroup(int height)
        {
            var h = Hash.CreateHasher();
            while (next < order.Length && dimensions[order[next]].Height == height)
                h.Absorb(openedRows[order[next++]]);
            return h.Finish();
        }

        var node = HashGroup(maxHeight);
        int height = maxHeight;
        int position = index;
        for (int level = 0; level < logMax; level++)
        {
            var sibling = proof[level];
            node = (position & 1) == 0 ? Compression.Compress(node, sibling) : Compression.Compress(sibling, node);
            position >>= 1;
            height >>= 1;
            if (next < order.Length && dimensions[order[next]].Height == height)
                node = Compression.Compress(node, HashGroup(height));
        }
        if (next != order.Length)
            return Fail("internal: not every matrix was consumed", out error);
        if (node != root)
            return Fail("computed root differs from the commitment", out error);
        error = null;
        return true;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }

    private readonly record struct HeightGroup(int Height, RowMajorMatrix<MontyField31<TParams>>[] Matrices);

    private static List<HeightGroup> GroupByHeight(RowMajorMatrix<MontyField31<TParams>>[] matrices) =>
        matrices.OrderByDescending(m => m.Height) // stable: commit order within a height
            .GroupBy(m => m.Height)
            .Select(g => new HeightGroup(g.Key, g.ToArray()))
            .ToList();

    private void HashRowsParallel(RowMajorMatrix<MontyField31<TParams>>[] matrices, TDigest[] output) =>
        ParallelChunks(output.Length, (start, count) => Hash.HashRowsBatch(matrices, start, output.AsSpan(start, count)));

    /// <summary>Runs <paramref name="body"/>(start, count) over [0, total) in chunks of <see cref="Grain"/>, in parallel when worthwhile.</summary>
    private void ParallelChunks(int total, Action<int, int> body)
    {
        if (total <= Grain || Environment.ProcessorCount == 1 || _parallel.MaxDegreeOfParallelism == 1)
        {
            body(0, total);
            return;
        }
        int chunks = (total + Grain - 1) / Grain;
        Parallel.For(0, chunks, _parallel, c =>
        {
            int start = c * Grain;
            body(start, Math.Min(Grain, total - start));
        });
    }
}
