using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Air;
using Prover.Core.Hash;
using Prover.Core.Matrix;

namespace Prover.Core.Merkle;

/// <summary>
/// Caps and deduplicated multi-openings (docs/design.md, "Openings"). The queries of one proof open many leaves of
/// the same tree; their paths share nodes, and near the top every node is an ancestor of some opened leaf. A
/// multi-opening works level by level on the sorted, distinct positions: a node whose sibling is also known is
/// combined with it, any other node takes the next digest of <see cref="MultiOpening{TParams, TDigest}.Siblings"/>. So each
/// node is sent at most once and nodes the verifier can compute are never sent. Rows of a matrix shorter than the
/// tallest are sent once per distinct position at its height. The single-index <see cref="Open(int, MerkleTree{TParams, TDigest})"/>
/// and <see cref="Verify(TDigest, IReadOnlyList{MatrixDimensions}, int, BatchOpening{TParams, TDigest}, out string?)"/>
/// are the reference the tests compare this with.
/// </summary>
public sealed partial class MerkleTreeMmcs<TParams, TDigest>
{
    /// <summary>
    /// The cap height a tree of these matrices gets for a requested <paramref name="capHeight"/>: at most the log
    /// height of its shortest matrix, because a shorter matrix is hashed into the tree above that layer and a cap
    /// below it would not commit to that matrix.
    /// </summary>
    public static int EffectiveCapHeight(IReadOnlyList<MatrixDimensions> dimensions, int capHeight)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
            throw new ArgumentException("no matrices", nameof(dimensions));
        ArgumentOutOfRangeException.ThrowIfNegative(capHeight);
        int minHeight = dimensions.Min(d => d.Height);
        return Math.Min(capHeight, BitOperations.Log2((uint)minHeight));
    }

    /// <summary>The indices in ascending order without repeats.</summary>
    public static int[] SortedDistinct(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.ToArray();
        Array.Sort(sorted);
        return Distinct(sorted);
    }

    /// <summary>The distinct values of <c>i &gt;&gt; shift</c> over sorted indices (still sorted: the shift is monotone).</summary>
    public static int[] Positions(ReadOnlySpan<int> sortedDistinct, int shift)
    {
        var result = new int[sortedDistinct.Length];
        int n = 0;
        foreach (int i in sortedDistinct)
        {
            int p = i >> shift;
            if (n == 0 || result[n - 1] != p)
                result[n++] = p;
        }
        return n == result.Length ? result : result[..n];
    }

    private static int[] Distinct(int[] sorted)
    {
        int n = 0;
        for (int i = 0; i < sorted.Length; i++)
            if (n == 0 || sorted[n - 1] != sorted[i])
                sorted[n++] = sorted[i];
        return n == sorted.Length ? sorted : sorted[..n];
    }

    /// <summary>
    /// Opens every matrix of <paramref name="tree"/> at <paramref name="indices"/> (rows of the tallest matrices; any
    /// order, repeats allowed), up to the cap of height <paramref name="capHeight"/> (<see cref="MerkleTree{TParams, TDigest}.Cap"/>).
    /// </summary>
    public MultiOpening<TParams, TDigest> OpenMulti(IEnumerable<int> indices, MerkleTree<TParams, TDigest> tree, int capHeight)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var leaves = SortedDistinct(indices);
        if (leaves.Length == 0)
            throw new ArgumentException("no index to open", nameof(indices));
        if (leaves[0] < 0 || leaves[^1] >= tree.Height)
            throw new ArgumentOutOfRangeException(nameof(indices), $"an index lies outside the tree's {tree.Height} leaves");
        int logMax = BitOperations.Log2((uint)tree.Height);
        int levels = logMax - EffectiveCapHeight(tree.Dimensions, capHeight);
        var rows = new MontyField31<TParams>[tree.Matrices.Count][];
        for (int m = 0; m < rows.Length; m++)
        {
            var matrix = tree.Matrices[m];
            var positions = Positions(leaves, logMax - BitOperations.Log2((uint)matrix.Height));
            var flat = new MontyField31<TParams>[positions.Length * matrix.Width];
            for (int k = 0; k < positions.Length; k++)
                matrix.Row(positions[k]).CopyTo(flat.AsSpan(k * matrix.Width));
            rows[m] = flat;
        }
        var siblings = new List<TDigest>();
        var current = leaves;
        for (int level = 0; level < levels; level++)
        {
            var layer = tree.Layer(level);
            for (int i = 0; i < current.Length;)
            {
                int p = current[i];
                if ((p & 1) == 0 && i + 1 < current.Length && current[i + 1] == p + 1)
                {
                    i += 2; // both children known: the parent is computed, nothing sent
                    continue;
                }
                siblings.Add(layer[p ^ 1]);
                i++;
            }
            current = Positions(current, 1);
        }
        return new MultiOpening<TParams, TDigest>(rows, siblings);
    }

    /// <summary>
    /// Verifies a multi-opening of matrices of <paramref name="dimensions"/> (commit order) at <paramref name="indices"/>
    /// (any order, repeats allowed) against <paramref name="cap"/>, which must have exactly the size that
    /// <paramref name="capHeight"/> gives this tree. Every length is checked against the shape the indices and dimensions
    /// imply before anything is hashed; a missing, extra or reordered sibling, a row of the wrong length, or a cap of
    /// the wrong size is a rejection with a reason. Never throws on malformed input.
    /// </summary>
    public bool VerifyMulti(MerkleCap<TParams, TDigest>? cap, int capHeight, IReadOnlyList<MatrixDimensions>? dimensions, IReadOnlyList<int>? indices,
        MultiOpening<TParams, TDigest>? opening, out string? error)
    {
        if (cap is null)
            return Fail("no cap", out error);
        if (dimensions is null || dimensions.Count == 0)
            return Fail("no matrix dimensions", out error);
        if (opening is null)
            return Fail("no opening", out error);
        if (capHeight < 0)
            return Fail($"cap height {capHeight}", out error);
        int maxHeight = 0;
        for (int m = 0; m < dimensions.Count; m++)
        {
            var d = dimensions[m];
            if (d.Width <= 0)
                return Fail($"matrix {m} has width {d.Width}", out error);
            if (d.Height <= 0 || !BitOperations.IsPow2(d.Height))
                return Fail($"matrix {m} has height {d.Height}, not a power of two", out error);
            maxHeight = Math.Max(maxHeight, d.Height);
        }
        int logMax = BitOperations.Log2((uint)maxHeight);
        int c = EffectiveCapHeight(dimensions, capHeight);
        if (cap.Count != 1 << c)
            return Fail($"the cap has {cap.Count} digests, a cap of height {c} has {1 << c}", out error);
        if (indices is null || indices.Count == 0)
            return Fail("no index to verify", out error);
        foreach (int i in indices)
            if ((uint)i >= (uint)maxHeight)
                return Fail($"index {i} is outside the {maxHeight} leaves", out error);
        var leaves = SortedDistinct(indices);
        if (opening.Rows is null || opening.Rows.Count != dimensions.Count)
            return Fail($"expected rows of {dimensions.Count} matrices, got {opening.Rows?.Count ?? 0}", out error);
        if (opening.Siblings is null)
            return Fail("no siblings", out error);
        for (int m = 0; m < dimensions.Count; m++)
        {
            int positions = Positions(leaves, logMax - BitOperations.Log2((uint)dimensions[m].Height)).Length;
            long expected = (long)positions * dimensions[m].Width;
            if (opening.Rows[m] is null || opening.Rows[m].Length != expected)
                return Fail($"matrix {m}: {opening.Rows[m]?.Length ?? 0} opened values, {positions} rows of width {dimensions[m].Width} expected", out error);
        }

        // Matrices by height, tallest first, stable (the commit order within a height), as Commit groups them.
        var order = Enumerable.Range(0, dimensions.Count).OrderByDescending(m => dimensions[m].Height).ToArray();
        return KernelSelection.IsReference(ReferenceFamily.Verifier)
            ? RecomputeReference(cap, dimensions, opening, order, leaves, logMax, c, out error)
            : Recompute(cap, dimensions, opening, order, leaves, logMax, c, out error);
    }

    /// <summary>
    /// <see cref="VerifyMulti"/>'s recomputation of the nodes up to the cap after the shape checks, batched: the row
    /// hashes of one height and the compressions of one level are independent, so they go through the packed Poseidon2
    /// (<see cref="Poseidon2{TParams}.Lanes"/> states at once; one state at a time where the machine has no SIMD
    /// path). Same nodes, same sibling consumption and the same failures, in the same order, as
    /// <see cref="RecomputeReference"/> (one hash at a time), which the tests compare it with.
    /// </summary>
    private bool Recompute(MerkleCap<TParams, TDigest> cap, IReadOnlyList<MatrixDimensions> dimensions, MultiOpening<TParams, TDigest> opening,
        int[] order, int[] leaves, int logMax, int c, out string? error)
    {
        int next = 0;
        // Hashes, for each of `count` positions, the rows of every matrix of this height (the group's positions are
        // exactly the known positions of this level, in the same order: both are the distinct indices shifted down).
        // Each matrix's opened rows are `count` rows of its width, one after another: a row-major matrix read in place.
        TDigest[] HashGroup(int height, int count)
        {
            int first = next;
            while (next < order.Length && dimensions[order[next]].Height == height)
                next++;
            var group = new RowMajorMatrix<MontyField31<TParams>>[next - first];
            for (int g = first; g < next; g++)
                group[g - first] = new RowMajorMatrix<MontyField31<TParams>>(opening.Rows[order[g]], dimensions[order[g]].Width);
            var hashes = new TDigest[count];
            Hash.HashRowsBatch(group, 0, hashes);
            return hashes;
        }

        var positionsNow = leaves;
        var nodes = HashGroup(1 << logMax, leaves.Length);
        int height = 1 << logMax, used = 0;
        var siblings = opening.Siblings;
        var left = new TDigest[nodes.Length];
        var right = new TDigest[nodes.Length];
        for (int level = 0; level < logMax - c; level++)
        {
            var parentPositions = Positions(positionsNow, 1);
            int n = 0;
            for (int i = 0; i < positionsNow.Length;)
            {
                int p = positionsNow[i];
                if ((p & 1) == 0 && i + 1 < positionsNow.Length && positionsNow[i + 1] == p + 1)
                {
                    (left[n], right[n]) = (nodes[i], nodes[i + 1]);
                    n++;
                    i += 2;
                    continue;
                }
                if (used == siblings.Count)
                    return Fail($"missing siblings: level {level} needs more than the {siblings.Count} sent", out error);
                var sibling = siblings[used++];
                (left[n], right[n]) = (p & 1) == 0 ? (nodes[i], sibling) : (sibling, nodes[i]);
                n++;
                i++;
            }
            var parents = new TDigest[n];
            Compression.CompressPairs(left.AsSpan(0, n), right.AsSpan(0, n), parents);
            positionsNow = parentPositions;
            nodes = parents;
            height >>= 1;
            if (next < order.Length && dimensions[order[next]].Height == height)
            {
                var rowHashes = HashGroup(height, nodes.Length);
                Compression.CompressPairs(nodes, rowHashes, nodes);
            }
        }
        return CheckCap(cap, siblings, used, order, next, nodes, positionsNow, out error);
    }

    /// <summary>The reference recomputation of <see cref="VerifyMulti"/> (one hash at a time).</summary>
    private bool RecomputeReference(MerkleCap<TParams, TDigest> cap, IReadOnlyList<MatrixDimensions> dimensions, MultiOpening<TParams, TDigest> opening,
        int[] order, int[] leaves, int logMax, int c, out string? error)
    {
        int maxHeight = 1 << logMax;
        int next = 0;
        // Hashes, for each of `count` positions, the rows of every matrix of this height (the group's positions are
        // exactly the known positions of this level, in the same order: both are the distinct indices shifted down).
        TDigest[] HashGroup(int height, int count)
        {
            int first = next;
            while (next < order.Length && dimensions[order[next]].Height == height)
                next++;
            var hashes = new TDigest[count];
            for (int k = 0; k < count; k++)
            {
                var h = Hash.CreateHasher();
                for (int g = first; g < next; g++)
                {
                    int w = dimensions[order[g]].Width;
                    h.Absorb(opening.Rows[order[g]].AsSpan(k * w, w));
                }
                hashes[k] = h.Finish();
            }
            return hashes;
        }

        var positionsNow = leaves;
        var nodes = HashGroup(maxHeight, leaves.Length);
        int height = maxHeight, used = 0;
        var siblings = opening.Siblings;
        for (int level = 0; level < logMax - c; level++)
        {
            var parentPositions = Positions(positionsNow, 1);
            var parents = new TDigest[parentPositions.Length];
            int n = 0;
            for (int i = 0; i < positionsNow.Length;)
            {
                int p = positionsNow[i];
                if ((p & 1) == 0 && i + 1 < positionsNow.Length && positionsNow[i + 1] == p + 1)
                {
                    parents[n++] = Compression.Compress(nodes[i], nodes[i + 1]);
                    i += 2;
                    continue;
                }
                if (used == siblings.Count)
                    return Fail($"missing siblings: level {level} needs more than the {siblings.Count} sent", out error);
                var sibling = siblings[used++];
                parents[n++] = (p & 1) == 0 ? Compression.Compress(nodes[i], sibling) : Compression.Compress(sibling, nodes[i]);
                i++;
            }
            positionsNow = parentPositions;
            nodes = parents;
            height >>= 1;
            if (next < order.Length && dimensions[order[next]].Height == height)
            {
                var rowHashes = HashGroup(height, nodes.Length);
                for (int k = 0; k < nodes.Length; k++)
                    nodes[k] = Compression.Compress(nodes[k], rowHashes[k]);
            }
        }
        return CheckCap(cap, siblings, used, order, next, nodes, positionsNow, out error);
    }

    /// <summary>The last checks of a recomputation: every sibling used, every matrix hashed, the nodes equal to the cap.</summary>
    private static bool CheckCap(MerkleCap<TParams, TDigest> cap, IReadOnlyList<TDigest> siblings, int used, int[] order, int next, TDigest[] nodes,
        int[] positionsNow, out string? error)
    {
        if (used != siblings.Count)
            return Fail($"{siblings.Count - used} siblings sent beyond the {used} the opened positions need", out error);
        if (next != order.Length)
            return Fail("internal: not every matrix was consumed", out error);
        for (int k = 0; k < nodes.Length; k++)
            if (nodes[k] != cap[positionsNow[k]])
                return Fail($"computed node {positionsNow[k]} differs from the cap", out error);
        error = null;
        return true;
    }
}
