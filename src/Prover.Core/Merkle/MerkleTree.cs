using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;

namespace Prover.Core.Merkle;

/// <summary>Width and height of a committed matrix (what a verifier knows without the data).</summary>
public readonly record struct MatrixDimensions(int Width, int Height);

/// <summary>
/// Prover data of a commitment: the committed matrices and every digest layer, leaves first
/// (<c>Layer(0)</c> has one digest per row of the tallest matrices), root last.
/// </summary>
public sealed class MerkleTree<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    // A layer is null until first read when the tree was made by FromDeviceLayers (its digests stay on a device until then).
    private readonly TDigest[]?[] _layers;
    private readonly Func<int, TDigest[]>? _fetch;

    internal MerkleTree(RowMajorMatrix<MontyField31<TParams>>[] matrices, TDigest[][] layers)
    {
        Matrices = matrices;
        _layers = layers;
        Height = layers[0].Length;
    }

    private MerkleTree(RowMajorMatrix<MontyField31<TParams>>[] matrices, int height, Func<int, TDigest[]> fetch)
    {
        Matrices = matrices;
        Height = height;
        _layers = new TDigest[]?[BitOperations.Log2((uint)height) + 1];
        _fetch = fetch;
    }

    /// <summary>
    /// A tree whose digest layers stay where a GPU backend built them (the same layers as <see cref="MerkleTreeMmcs{TParams, TDigest}.Commit"/>):
    /// a layer is fetched by <paramref name="fetch"/> (level → its digests) when it is first read on the host — a cap, or every
    /// layer for a CPU opening — and kept. The backend's query openings gather siblings on the device instead, so the big layers
    /// need never cross the bus. <paramref name="fetch"/> must return the level's digests or throw (never other digests); each
    /// result's length is checked. Threads reading an absent layer at once may each fetch it.
    /// </summary>
    public static MerkleTree<TParams, TDigest> FromDeviceLayers(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, Func<int, TDigest[]> fetch)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(fetch);
        if (matrices.Count == 0)
            throw new ArgumentException("a tree needs matrices", nameof(matrices));
        int maxHeight = matrices.Max(m => m.Height);
        if (maxHeight <= 0 || !BitOperations.IsPow2(maxHeight))
            throw new ArgumentException($"the tallest matrix has {maxHeight} rows, not a power of two", nameof(matrices));
        return new MerkleTree<TParams, TDigest>([.. matrices], maxHeight, fetch);
    }

    /// <summary>Whether every layer is on the host (always, except for a tree from <see cref="FromDeviceLayers"/> not fully read yet).</summary>
    public bool HasHostLayers => _layers.All(l => l is not null);

    /// <summary>Brings every layer to the host (a tree from <see cref="FromDeviceLayers"/> that must outlive its device copy, as a proving key's).</summary>
    public void FetchAllLayers()
    {
        for (int level = 0; level < LayerCount; level++)
            _ = LayerArray(level);
    }

    private TDigest[] LayerArray(int level)
    {
        var layer = Volatile.Read(ref _layers[level]);
        if (layer is not null)
            return layer;
        // No lock around the fetch (it takes the device's lock, whose holders may read layers): two threads may both fetch a
        // layer, the first stored wins (the same digests either way).
        layer = _fetch!(level);
        int expected = Height >> level;
        if (layer is null || layer.Length != expected)
            throw new InvalidOperationException($"layer {level} of a tree of {Height} leaves came back with {layer?.Length ?? 0} digests, not {expected}");
        return Interlocked.CompareExchange(ref _layers[level], layer, null) ?? layer;
    }

    /// <summary>
    /// A tree from digest layers computed elsewhere (a GPU backend builds the same layers as
    /// <see cref="MerkleTreeMmcs{TParams, TDigest}.Commit"/> on the device). Checks the shape only: layer 0 has
    /// one digest per row of the tallest matrix, each layer halves, the last has one digest; the
    /// caller answers for the digests (the prover's verifier re-derives the root from openings).
    /// </summary>
    public static MerkleTree<TParams, TDigest> FromLayers(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, TDigest[][] layers)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(layers);
        if (matrices.Count == 0 || layers.Length == 0)
            throw new ArgumentException("a tree needs matrices and at least one layer");
        int maxHeight = matrices.Max(m => m.Height);
        if (layers[0] is null || layers[0].Length != maxHeight)
            throw new ArgumentException($"layer 0 must have {maxHeight} digests (the tallest height)", nameof(layers));
        for (int level = 1; level < layers.Length; level++)
        {
            if (layers[level] is null || layers[level].Length * 2 != layers[level - 1].Length)
                throw new ArgumentException($"layer {level} does not halve layer {level - 1}", nameof(layers));
        }
        if (layers[^1].Length != 1)
            throw new ArgumentException("the last layer must be the root", nameof(layers));
        return new MerkleTree<TParams, TDigest>([.. matrices], layers);
    }

    /// <summary>The committed matrices, in the order given to Commit.</summary>
    public IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> Matrices { get; }

    public TDigest Root => LayerArray(LayerCount - 1)[0];

    /// <summary>Number of leaves: the height of the tallest matrix (a power of two).</summary>
    public int Height { get; }

    /// <summary>log2(Height) + 1 layers.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>Digest layer <paramref name="level"/> (0 = leaves).</summary>
    public ReadOnlySpan<TDigest> Layer(int level) => LayerArray(level);

    public IReadOnlyList<MatrixDimensions> Dimensions => Matrices.Select(m => new MatrixDimensions(m.Width, m.Height)).ToArray();

    /// <summary>
    /// The commitment for a cap height of <paramref name="capHeight"/>: the 2^c nodes c levels below the root, with
    /// c = <see cref="MerkleTreeMmcs{TParams, TDigest}.EffectiveCapHeight"/> (never above the layer where the shortest matrix is hashed in).
    /// </summary>
    public MerkleCap<TParams, TDigest> Cap(int capHeight)
    {
        int c = MerkleTreeMmcs<TParams, TDigest>.EffectiveCapHeight(Dimensions, capHeight);
        return new MerkleCap<TParams, TDigest>(LayerArray(LayerCount - 1 - c));
    }
}

/// <summary>An opening of all committed matrices at one row index: each matrix's row and the sibling path.</summary>
public sealed class BatchOpening<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    public BatchOpening(IReadOnlyList<MontyField31<TParams>[]> openedRows, IReadOnlyList<TDigest> proof)
    {
        ArgumentNullException.ThrowIfNull(openedRows);
        ArgumentNullException.ThrowIfNull(proof);
        OpenedRows = openedRows;
        Proof = proof;
    }

    /// <summary>Row of each matrix (in commit order) at the index scaled to that matrix's height.</summary>
    public IReadOnlyList<MontyField31<TParams>[]> OpenedRows { get; }

    /// <summary>Sibling digests from the leaf layer up (log2 of the tallest height entries).</summary>
    public IReadOnlyList<TDigest> Proof { get; }
}
