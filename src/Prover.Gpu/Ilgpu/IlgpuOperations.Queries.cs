using System.Numerics;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Gpu.Ilgpu;

/// <summary>Query openings on the device: opened rows and sibling digests gathered from kept copies (<see cref="GatherKernels"/>).</summary>
public sealed partial class IlgpuOperations<TParams>
{
    /// <summary>
    /// <c>MerkleTreeMmcs.OpenMulti</c> of a tree this object committed: the rows of every matrix at the distinct positions the indices
    /// reach at its height, and the siblings up to the cap, in the reference's order. A matrix with a kept copy (an LDE, a FRI step's
    /// leaves) has its rows gathered on the device; a tree whose layers are kept has its siblings gathered there; only the gathered
    /// words come back (and the row indices go up). Anything without a device copy is read from the host values, which are the same
    /// words. Same exceptions as the reference for empty or out-of-range indices.
    /// </summary>
    public MultiOpening<TParams, Digest<TParams>> OpenMulti(MerkleTree<TParams, Digest<TParams>> tree, IReadOnlyList<int> indices, int capHeight)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(indices);
        var leaves = MerkleTreeMmcs<TParams, Digest<TParams>>.SortedDistinct(indices);
        if (leaves.Length == 0)
            throw new ArgumentException("no index to open", nameof(indices));
        if (leaves[0] < 0 || leaves[^1] >= tree.Height)
            throw new ArgumentOutOfRangeException(nameof(indices), $"an index lies outside the tree's {tree.Height} leaves");
        int logMax = BitOperations.Log2((uint)tree.Height);
        int levels = logMax - MerkleTreeMmcs<TParams, Digest<TParams>>.EffectiveCapHeight(tree.Dimensions, capHeight);
        // The siblings, level by level as the reference walks them: (level, position) → digest index in the layer buffer.
        var siblingLevels = new List<int>();
        var siblingDigests = new List<int>();
        var current = leaves;
        for (int level = 0; level < levels; level++)
        {
            for (int i = 0; i < current.Length;)
            {
                int p = current[i];
                if ((p & 1) == 0 && i + 1 < current.Length && current[i + 1] == p + 1)
                {
                    i += 2; // both children known: the parent is computed, nothing sent
                    continue;
                }
                siblingLevels.Add(level);
                siblingDigests.Add((int)(LayerOffset(tree.Height, level) / 8) + (p ^ 1));
                i++;
            }
            current = MerkleTreeMmcs<TParams, Digest<TParams>>.Positions(current, 1);
        }
        var rows = new MontyField31<TParams>[tree.Matrices.Count][];
        var siblings = new Digest<TParams>[siblingDigests.Count];
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                for (int m = 0; m < rows.Length; m++)
                {
                    var matrix = tree.Matrices[m];
                    var positions = MerkleTreeMmcs<TParams, Digest<TParams>>.Positions(leaves, logMax - BitOperations.Log2((uint)matrix.Height));
                    var flat = new MontyField31<TParams>[positions.Length * matrix.Width];
                    if (matrix.Width > 0 && TryKept(matrix, out var kept))
                    {
                        Gather(kept.View, positions, matrix.Width, MontyField31<TParams>.AsMontgomery(flat), rented);
                    }
                    else
                    {
                        for (int k = 0; k < positions.Length; k++)
                            matrix.Row(positions[k]).CopyTo(flat.AsSpan(k * matrix.Width));
                    }
                    rows[m] = flat;
                }
                if (siblings.Length > 0 && TryKept(tree, out var layers))
                {
                    Gather(layers.View, CollectionsMarshal.AsSpan(siblingDigests), 8, MemoryMarshal.Cast<Digest<TParams>, uint>(siblings.AsSpan()), rented);
                }
                else
                {
                    for (int s = 0; s < siblings.Length; s++)
                    {
                        int level = siblingLevels[s];
                        siblings[s] = tree.Layer(level)[siblingDigests[s] - (int)(LayerOffset(tree.Height, level) / 8)];
                    }
                }
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return new MultiOpening<TParams, Digest<TParams>>(rows, siblings);
    }

    /// <summary>
    /// Columns <paramref name="columns"/> of <paramref name="matrix"/> as a new matrix (<c>ColumnSelection.Select</c>): gathered on the
    /// device from the matrix's kept copy and kept under the result (its values fetched when read, with <see cref="LdesOnDemand"/>);
    /// a matrix without a kept copy is selected on the host.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>> SelectColumns(RowMajorMatrix<MontyField31<TParams>> matrix, IReadOnlyList<int> columns)
    {
        ColumnSelection.Check(matrix, columns);
        int h = matrix.Height, k = columns.Count;
        long words = (long)h * k;
        CheckWords(words);
        lock (Device.SyncRoot)
        {
            if (h == 0 || !TryKept(matrix, out var source))
                return ColumnSelection.Select(matrix, columns);
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            var output = Device.Rent(words);
            bool kept = false;
            try
            {
                var columnView = Upload(MemoryMarshal.Cast<int, uint>(columns.ToArray().AsSpan()), rented).Cast<int>();
                K.GatherColumns((int)words, source.View, columnView, output.View, matrix.Width, k);
                RowMajorMatrix<MontyField31<TParams>> result;
                if (LdesOnDemand && KeepLdesOnDevice && _residentBytes + output.Length * sizeof(uint) <= ResidentBudgetBytes)
                {
                    result = OnDemand(h, k);
                    kept = KeepBuffer(result, output);
                    if (!kept)
                        throw new InvalidOperationException("internal: selected columns left on the device could not be kept");
                }
                else
                {
                    var values = new MontyField31<TParams>[words];
                    Device.Download(output.View.SubView(0, words), MontyField31<TParams>.AsMontgomery(values));
                    result = new RowMajorMatrix<MontyField31<TParams>>(values, k);
                    kept = KeepBuffer(result, output);
                }
                return result;
            }
            finally
            {
                if (!kept)
                    Device.Return(output);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>Gathers rows of <paramref name="width"/> words of <paramref name="source"/> into <paramref name="output"/> (caller holds the lock).</summary>
    private void Gather(ArrayView<uint> source, ReadOnlySpan<int> rowIndices, int width, Span<uint> output, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        if (output.Length == 0)
            return;
        CheckWords(output.Length);
        var rowsView = Upload(MemoryMarshal.Cast<int, uint>(rowIndices), rented).Cast<int>();
        var o = Device.Rent(output.Length);
        rented.Add(o);
        K.GatherRows(output.Length, source, rowsView, o.View, width);
        Device.Download(o.View, output);
    }
}
