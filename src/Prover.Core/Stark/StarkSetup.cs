using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>
/// What a verifier must know about the fixed (preprocessed) columns of a statement: the commitment to
/// their LDEs and the table heights it was made for. For the zkVM this is the program identity.
/// </summary>
public sealed record VerifyingKey<TParams, TDigest>(TDigest PreprocessedRoot, int[] LogHeights, int LogBlowup)
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>
    /// Whether the key fits a statement with these tables and heights: same table count and the same
    /// height for every table with preprocessed columns (the only heights the commitment depends on;
    /// other tables, e.g. the shards of one program, may differ).
    /// </summary>
    public bool Matches<TAir>(IReadOnlyList<TAir> airs, IReadOnlyList<int> logHeights) where TAir : Air.IAir<MontyField31<TParams>>
    {
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(logHeights);
        if (airs.Count != LogHeights.Length || logHeights.Count != LogHeights.Length)
            return false;
        for (int t = 0; t < airs.Count; t++)
            if (airs[t].PreprocessedWidth > 0 && logHeights[t] != LogHeights[t])
                return false;
        return true;
    }

    /// <summary>
    /// The key of a statement whose table i is this key's table <paramref name="tables"/>[i] (a statement with some of
    /// the tables left out; the same commitment). Every table with preprocessed columns must be kept, in its order: the
    /// commitment covers exactly those, in table order.
    /// </summary>
    public VerifyingKey<TParams, TDigest> Subset<TAir>(IReadOnlyList<TAir> airs, IReadOnlyList<int> tables) where TAir : Air.IAir<MontyField31<TParams>>
    {
        StarkSetup.CheckSubset<TAir, MontyField31<TParams>>(airs, tables, LogHeights.Length);
        return new VerifyingKey<TParams, TDigest>(PreprocessedRoot, [.. tables.Select(t => LogHeights[t])], LogBlowup);
    }
}

/// <summary>The prover's side of the preprocessed columns: traces, LDEs and their Merkle tree.</summary>
public sealed class ProvingKey<TParams, TDigest>
    where TParams : struct, IMontyParameters
    where TDigest : struct, IDigest<TDigest, TParams>
{
    internal ProvingKey(RowMajorMatrix<MontyField31<TParams>>?[] traces, RowMajorMatrix<MontyField31<TParams>>?[] ldes, MerkleTree<TParams, TDigest> tree, VerifyingKey<TParams, TDigest> key)
    {
        Traces = traces;
        Ldes = ldes;
        Tree = tree;
        VerifyingKey = key;
    }

    /// <summary>Preprocessed trace of each table (null for tables without preprocessed columns).</summary>
    public IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>?> Traces { get; }

    internal RowMajorMatrix<MontyField31<TParams>>?[] Ldes { get; }

    internal MerkleTree<TParams, TDigest> Tree { get; }

    public VerifyingKey<TParams, TDigest> VerifyingKey { get; }

    /// <summary>The key of a statement with only the tables <paramref name="tables"/> of this key's (see <see cref="VerifyingKey{TParams, TDigest}.Subset"/>); nothing is recomputed.</summary>
    public ProvingKey<TParams, TDigest> Subset<TAir>(IReadOnlyList<TAir> airs, IReadOnlyList<int> tables) where TAir : Air.IAir<MontyField31<TParams>> =>
        new([.. tables.Select(t => Traces[t])], [.. tables.Select(t => Ldes[t])], Tree, VerifyingKey.Subset(airs, tables));
}

/// <summary>Commits to the preprocessed columns of a set of AIRs at fixed heights.</summary>
public static class StarkSetup
{
    /// <summary>The keys, or null when no AIR has preprocessed columns.</summary>
    public static ProvingKey<TParams, TDigest>? Preprocess<TParams, TDigest>(IReadOnlyList<IAir<MontyField31<TParams>>> airs, IReadOnlyList<int> logHeights, int logBlowup,
        IProverBackend<TParams>? backend = null)
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(logHeights);
        if (airs.All(a => a.PreprocessedWidth == 0))
            return null;
        backend ??= CpuBackend<TParams>.Instance;
        var traces = new RowMajorMatrix<MontyField31<TParams>>?[airs.Count];
        var ldes = new RowMajorMatrix<MontyField31<TParams>>?[airs.Count];
        var committed = new List<RowMajorMatrix<MontyField31<TParams>>>();
        for (int t = 0; t < airs.Count; t++)
        {
            if (airs[t].PreprocessedWidth == 0)
                continue;
            int height = 1 << logHeights[t];
            var trace = airs[t].PreprocessedTrace(height)
                ?? throw new InvalidOperationException($"{airs[t].Name} declares preprocessed columns but returns no preprocessed trace");
            if (trace.Width != airs[t].PreprocessedWidth || trace.Height != height)
                throw new InvalidOperationException($"{airs[t].Name}: preprocessed trace is {trace.Height}×{trace.Width}, expected {height}×{airs[t].PreprocessedWidth}");
            traces[t] = trace;
            ldes[t] = backend.CosetLdeBitReversed(trace, logBlowup, MontyField31<TParams>.MultiplicativeGenerator);
            committed.Add(ldes[t]!);
        }
        var tree = backend.Commit<TDigest>(committed);
        // The key outlives any one proof: no device copy of its LDEs (or of the traces they were made from, or of its tree's
        // layers) is kept; LDE values and tree layers a backend left on the device are brought to the host first.
        tree.FetchAllLayers();
        foreach (var lde in committed)
            _ = lde.Values;
        backend.Release([.. committed, .. traces, tree]);
        return new ProvingKey<TParams, TDigest>(traces, ldes, tree, new VerifyingKey<TParams, TDigest>(tree.Root, [.. logHeights], logBlowup));
    }

    /// <summary>Checks that <paramref name="tables"/> increase, lie below <paramref name="count"/> and keep every table of <paramref name="airs"/> (the key's) with preprocessed columns.</summary>
    internal static void CheckSubset<TAir, F>(IReadOnlyList<TAir> airs, IReadOnlyList<int> tables, int count) where TAir : IAir<F> where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(tables);
        if (airs.Count != count)
            throw new ArgumentException($"{airs.Count} AIRs for a key of {count} tables");
        int kept = 0;
        for (int i = 0; i < tables.Count; i++)
        {
            if (tables[i] < 0 || tables[i] >= count || (i > 0 && tables[i] <= tables[i - 1]))
                throw new ArgumentException("a key subset's tables must increase and lie inside the key");
            if (airs[tables[i]].PreprocessedWidth > 0)
                kept++;
        }
        if (kept != airs.Count(a => a.PreprocessedWidth > 0))
            throw new ArgumentException("a key subset must keep every table with preprocessed columns");
    }
}
