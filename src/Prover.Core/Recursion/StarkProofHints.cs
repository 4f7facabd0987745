using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// Answers the hints of a <see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}"/> program from a
/// <see cref="StarkProof{TParams, TExt, TDigest}"/>: the proof's values, and per query the full Merkle paths and FRI
/// leaves the program checks one query at a time, derived from the proof's deduplicated multi-openings (the nodes and
/// leaf slots that one query shares with others are recomputed here from the others' data, as the native verifier
/// does). Nothing here is trusted: a wrong answer makes the program fail, never pass. Data of the wrong shape (counts
/// that differ from the program's) is a <see cref="RecursionHintException"/>.
/// </summary>
public sealed class StarkProofHints<TParams, TDef, TDigest> : IRecursionHints<TParams>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    private readonly StarkConfig _config;
    private readonly StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> _proof;
    private readonly VerifyingKey<TParams, TDigest>? _key;
    private readonly SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? _shared;
    private readonly StarkLayout<MontyField31<TParams>> _layout;
    private readonly MerkleTreeMmcs<TParams, TDigest> _mmcs = MerkleTreeMmcs<TParams, TDigest>.Default;

    // Filled by BeginQueries.
    private int[] _indices = [];
    private MontyField31<TParams>[][][][] _rows = []; // [query][tree][matrix]
    private Dictionary<int, TDigest>[][] _inputNodes = []; // [tree][level]: position → node
    private Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]>[] _friLeaves = []; // [step]: leaf → values
    private Dictionary<int, TDigest>[][] _friNodes = []; // [step][level]

    public StarkProofHints(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs,
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof, VerifyingKey<TParams, TDigest>? key = null,
        SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared = null)
    {
        _shared = shared;
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(proof);
        _config = config;
        _proof = proof;
        _key = key;
        if (proof.LogHeights is null || proof.LogHeights.Length != airs.Count)
            throw new RecursionHintException($"proof has {proof.LogHeights?.Length ?? 0} trace heights for {airs.Count} AIRs");
        // The LogUp grouping per table as the prover and the native verifier derive it (StarkConfig.LogUpBatchingFor).
        var compiled = airs.Select((a, t) => new CompiledAir<MontyField31<TParams>>(a, config.LogUpBatchingFor(proof.LogHeights[t]))).ToArray();
        _layout = new StarkLayout<MontyField31<TParams>>(compiled, proof.LogHeights, TDef.Degree, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
    }

    private static int D => TDef.Degree;

    private static MontyField31<TParams>[] Exact(IEnumerable<MontyField31<TParams>>? values, int count, string what)
    {
        var array = values?.ToArray() ?? throw new RecursionHintException($"{what}: missing");
        return array.Length == count ? array : throw new RecursionHintException($"{what}: {array.Length} values, {count} expected");
    }

    private static IEnumerable<MontyField31<TParams>> Flat(IEnumerable<ExtensionField<MontyField31<TParams>, TDef>>? values) =>
        values is null ? throw new RecursionHintException("missing extension values") : values.SelectMany(v => v.Coefficients.ToArray());

    private static IEnumerable<MontyField31<TParams>> Flat(MerkleCap<TParams, TDigest>? cap) =>
        cap is null ? throw new RecursionHintException("missing commitment") : cap.Digests.ToArray().SelectMany(d => d.Elements.ToArray());

    private static T At<T>(IReadOnlyList<T>? list, int index, string what) =>
        list is not null && (uint)index < (uint)list.Count && list[index] is { } v ? v : throw new RecursionHintException($"no {what} {index}");

    public MontyField31<TParams>[] Read(int channel, ReadOnlySpan<MontyField31<TParams>> arguments, int count)
    {
        try
        {
            return Answer(channel, arguments, count);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or NullReferenceException or InvalidOperationException)
        {
            // A request this source cannot answer (malformed proof data, or a program not built for this proof).
            throw new RecursionHintException($"hint channel {(HintChannel)channel}: {e.Message}");
        }
    }

    private MontyField31<TParams>[] Answer(int channel, ReadOnlySpan<MontyField31<TParams>> arguments, int count)
    {
        var args = arguments.ToArray().Select(a => (int)a.ToCanonical()).ToArray();
        var p = _proof;
        return (HintChannel)channel switch
        {
            HintChannel.PublicValues => Exact(At(p.PublicValues, args[0], "public values of table"), count, "public values"),
            HintChannel.PreprocessedRoot => Exact((_key ?? throw new RecursionHintException("a verifying key is needed")).PreprocessedRoot.Elements.ToArray(), count, "preprocessed root"),
            HintChannel.InputCap => Exact(Flat(At<MerkleCap<TParams, TDigest>?>(ProofCaps(), args[0], "commitment")), count, "commitment"),
            HintChannel.CumulativeSum => Exact(Flat([At(p.CumulativeSums, args[0], "cumulative sum of table")]), count, "cumulative sum"),
            HintChannel.Openings => Exact(Flat(At(p.Openings, args[0], "openings of table").Lists().SelectMany(l => l ?? throw new RecursionHintException("missing opened values"))), count, "opened values"),
            HintChannel.FriCap => Exact(Flat(At(p.FriCommitments, args[0], "FRI commitment")), count, "FRI commitment"),
            HintChannel.FinalPolynomial => Exact(Flat(p.FinalPolynomial), count, "final polynomial"),
            HintChannel.PowWitness => Exact([p.PowWitness], count, "proof-of-work witness"),
            HintChannel.BeginQueries => BeginQueries(arguments.ToArray()),
            HintChannel.InputRow => Exact(_rows[args[0]][args[1]][args[2]], count, "opened row"),
            HintChannel.InputSiblings => Exact(Path(_inputNodes[args[1]], TreePosition(args[0], args[1]), count / TDigest.Length), count, "input siblings"),
            HintChannel.FriLeaf => Exact(Flat(_friLeaves[args[1]][FriLeafIndex(args[0], args[1])]), count, "FRI leaf"),
            HintChannel.FriSiblings => Exact(Path(_friNodes[args[1]], FriLeafIndex(args[0], args[1]), count / TDigest.Length), count, "FRI siblings"),
            HintChannel.SharedSeed => Exact((_shared ?? throw new RecursionHintException("no shared challenges")).Seed.Select(v => MontyField31<TParams>.FromUInt64(v)), count, "seed"),
            HintChannel.SharedChallenges => Exact(Flat([(_shared ?? throw new RecursionHintException("no shared challenges")).Gamma, _shared.Beta]), count, "shared challenges"),
            _ => throw new RecursionHintException($"unknown hint channel {channel}"),
        };
    }

    private MerkleCap<TParams, TDigest>?[] ProofCaps() =>
        _layout.HasLogUp ? [_proof.MainCommitment, _proof.LogUpCommitment, _proof.QuotientCommitment] : [_proof.MainCommitment, _proof.QuotientCommitment];

    private int TreeLog(int tree) => _layout.InTree(tree).Max(m => m.LogLdeHeight);

    private int TreePosition(int q, int tree) => _indices[q] >> (_layout.LogMaxLdeHeight - TreeLog(tree));

    private int FriLeafIndex(int q, int step)
    {
        int shift = 0;
        for (int r = 0; r <= step; r++)
            shift += _layout.FriLogArities[r];
        return _indices[q] >> shift;
    }

    /// <summary>The siblings of the node at <paramref name="position"/> on every level up to the cap.</summary>
    private static IEnumerable<MontyField31<TParams>> Path(Dictionary<int, TDigest>[] nodes, int position, int levels)
    {
        var path = new List<MontyField31<TParams>>();
        for (int level = 0; level < levels; level++, position >>= 1)
            path.AddRange((nodes[level].TryGetValue(position ^ 1, out var s) ? s : throw new RecursionHintException("a sibling is missing")).Elements.ToArray());
        return path;
    }

    private MontyField31<TParams>[] BeginQueries(MontyField31<TParams>[] args)
    {
        int n = _config.NumQueries, logMax = _layout.LogMaxLdeHeight;
        var mask = (1u << logMax) - 1;
        _indices = args[..n].Select(s => (int)(s.ToCanonical() & mask)).ToArray();
        ExtensionField<MontyField31<TParams>, TDef> Ext(int at) => ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(args.AsSpan(at, D));
        var zeta = Ext(n);
        var lambda = Ext(n + D);
        var betas = Enumerable.Range(0, _layout.FriRounds).Select(r => Ext(n + (2 + r) * D)).ToArray();
        var distinct = MerkleTreeMmcs<TParams, TDigest>.SortedDistinct(_indices);
        try
        {
            var rowsAt = InputOpenings(distinct);
            _rows = _indices.Select(i => rowsAt[Array.BinarySearch(distinct, i)]).ToArray();
            var lambdaPowers = lambda.Powers(_layout.LambdaPowers);
            var claims = Deep<TParams, TDef>.ClaimsAt(_layout, _proof.Openings, zeta, lambdaPowers);
            var reduced = distinct.Select((index, k) => Deep<TParams, TDef>.ReduceAtQuery(_layout, rowsAt[k], index, claims, lambdaPowers)).ToArray();
            FriOpenings(distinct, reduced, betas);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or DivideByZeroException or NullReferenceException or InvalidOperationException)
        {
            throw new RecursionHintException("malformed openings: " + e.Message);
        }
        return [];
    }

    /// <summary>Rebuilds every input tree's nodes from its multi-opening; returns rows[distinct index][tree][matrix].</summary>
    private MontyField31<TParams>[][][][] InputOpenings(int[] distinct)
    {
        int logMax = _layout.LogMaxLdeHeight;
        var rows = distinct.Select(_ => new MontyField31<TParams>[_layout.TreeCount][][]).ToArray();
        var caps = new List<int>();
        _inputNodes = new Dictionary<int, TDigest>[_layout.TreeCount][];
        var openings = _proof.InputOpenings ?? throw new RecursionHintException("no input openings");
        if (openings.Length != _layout.TreeCount)
            throw new RecursionHintException($"expected openings of {_layout.TreeCount} commitments");
        for (int tree = 0; tree < _layout.TreeCount; tree++)
        {
            var dims = _layout.InTree(tree).Select(m => new MatrixDimensions(m.Width, 1 << m.LogLdeHeight)).ToArray();
            int treeLog = TreeLog(tree);
            int capHeight = _layout.HasPreprocessed && tree == 0 ? 0 : MerkleTreeMmcs<TParams, TDigest>.EffectiveCapHeight(dims, _config.MerkleCapHeight);
            var positions = MerkleTreeMmcs<TParams, TDigest>.Positions(distinct, logMax - treeLog);
            var opening = openings[tree] ?? throw new RecursionHintException($"no opening of commitment {tree}");
            _inputNodes[tree] = Nodes(dims, positions, opening.Rows, opening.Siblings, treeLog - capHeight);
            for (int m = 0; m < dims.Length; m++)
            {
                int shift = logMax - int.Log2(dims[m].Height), w = dims[m].Width;
                var at = MerkleTreeMmcs<TParams, TDigest>.Positions(distinct, shift);
                for (int k = 0; k < distinct.Length; k++)
                {
                    rows[k][tree] ??= new MontyField31<TParams>[dims.Length][];
                    int slot = Array.BinarySearch(at, distinct[k] >> shift);
                    rows[k][tree][m] = opening.Rows[m].AsSpan(slot * w, w).ToArray();
                }
            }
        }
        return rows;
    }

    /// <summary>
    /// Every node a multi-opening determines, level by level (<see cref="MerkleTreeMmcs{TParams, TDigest}.VerifyMulti"/>'s
    /// walk, keeping the nodes): computed ones and sent siblings. Counts that differ from the positions' are an error.
    /// </summary>
    private Dictionary<int, TDigest>[] Nodes(MatrixDimensions[] dims, int[] positions, IReadOnlyList<MontyField31<TParams>[]>? rows, IReadOnlyList<TDigest>? siblings, int levels)
    {
        if (rows is null || rows.Count != dims.Length || siblings is null)
            throw new RecursionHintException("opening of the wrong shape");
        int logTop = dims.Max(d => int.Log2(d.Height));
        var order = Enumerable.Range(0, dims.Length).OrderByDescending(m => dims[m].Height).ToArray();
        for (int m = 0; m < dims.Length; m++)
        {
            int count = MerkleTreeMmcs<TParams, TDigest>.Positions(positions, logTop - int.Log2(dims[m].Height)).Length;
            if (rows[m] is null || rows[m].Length != count * dims[m].Width)
                throw new RecursionHintException($"matrix {m}: opened rows of the wrong length");
        }
        int next = 0;
        TDigest[] HashGroup(int height, int count)
        {
            int first = next;
            while (next < order.Length && dims[order[next]].Height == height)
                next++;
            var hashes = new TDigest[count];
            for (int k = 0; k < count; k++)
            {
                var h = _mmcs.Hash.CreateHasher();
                for (int g = first; g < next; g++)
                {
                    int w = dims[order[g]].Width;
                    h.Absorb(rows[order[g]].AsSpan(k * w, w));
                }
                hashes[k] = h.Finish();
            }
            return hashes;
        }
        var levelsNodes = new Dictionary<int, TDigest>[levels + 1];
        var current = positions;
        var values = HashGroup(1 << logTop, positions.Length);
        int height = 1 << logTop, used = 0;
        for (int level = 0; level <= levels; level++)
        {
            levelsNodes[level] = [];
            for (int i = 0; i < current.Length; i++)
                levelsNodes[level][current[i]] = values[i];
            if (level == levels)
                break;
            var parents = MerkleTreeMmcs<TParams, TDigest>.Positions(current, 1);
            var parentValues = new TDigest[parents.Length];
            int n = 0;
            for (int i = 0; i < current.Length;)
            {
                int p = current[i];
                if ((p & 1) == 0 && i + 1 < current.Length && current[i + 1] == p + 1)
                {
                    parentValues[n++] = _mmcs.Compression.Compress(values[i], values[i + 1]);
                    i += 2;
                    continue;
                }
                if (used == siblings.Count)
                    throw new RecursionHintException("missing siblings");
                var sibling = siblings[used++];
                levelsNodes[level][p ^ 1] = sibling;
                parentValues[n++] = (p & 1) == 0 ? _mmcs.Compression.Compress(values[i], sibling) : _mmcs.Compression.Compress(sibling, values[i]);
                i++;
            }
            current = parents;
            values = parentValues;
            height >>= 1;
            if (next < order.Length && dims[order[next]].Height == height)
            {
                var rowHashes = HashGroup(height, values.Length);
                for (int k = 0; k < values.Length; k++)
                    values[k] = _mmcs.Compression.Compress(values[k], rowHashes[k]);
            }
        }
        if (used != siblings.Count)
            throw new RecursionHintException($"{siblings.Count - used} siblings beyond the ones the positions need");
        return levelsNodes;
    }

    /// <summary>The FRI query phase's data (<see cref="StarkVerifier{TParams, TDef, TDigest}"/>'s FriError walk): every step's full leaves and tree nodes.</summary>
    private void FriOpenings(int[] distinct, Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>>[] reduced, ExtensionField<MontyField31<TParams>, TDef>[] betas)
    {
        int logN = _layout.LogMaxLdeHeight;
        var positions = distinct;
        var values = reduced.Select(r => r[logN]).ToArray();
        var source = Enumerable.Range(0, distinct.Length).ToArray();
        var friOpenings = _proof.FriOpenings ?? throw new RecursionHintException("no FRI openings");
        if (friOpenings.Length != _layout.FriRounds)
            throw new RecursionHintException($"expected openings of {_layout.FriRounds} FRI steps");
        _friLeaves = new Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>[]>[_layout.FriRounds];
        _friNodes = new Dictionary<int, TDigest>[_layout.FriRounds][];
        for (int r = 0; r < _layout.FriRounds; r++)
        {
            int a = _layout.FriLogArities[r], k = 1 << a;
            var leaves = MerkleTreeMmcs<TParams, TDigest>.Positions(positions, a);
            var opening = friOpenings[r] ?? throw new RecursionHintException($"no opening of FRI step {r}");
            if (opening.Values is null || opening.Values.Length != (long)leaves.Length * k - positions.Length)
                throw new RecursionHintException($"FRI step {r}: wrong number of leaf values");
            var flat = new MontyField31<TParams>[leaves.Length * k * D];
            var folded = new ExtensionField<MontyField31<TParams>, TDef>[leaves.Length];
            var nextSource = new int[leaves.Length];
            _friLeaves[r] = [];
            int known = 0, sent = 0;
            for (int l = 0; l < leaves.Length; l++)
            {
                int j = leaves[l];
                nextSource[l] = source[known];
                var leaf = new ExtensionField<MontyField31<TParams>, TDef>[k];
                for (int s = 0; s < k; s++)
                {
                    leaf[s] = known < positions.Length && positions[known] == j * k + s ? values[known++] : opening.Values[sent++];
                    leaf[s].Coefficients.CopyTo(flat.AsSpan((l * k + s) * D, D));
                }
                _friLeaves[r][j] = leaf;
                folded[l] = Fri<TParams, TDef>.FoldLeaf(leaf, logN, j, a, betas[r]);
            }
            int capHeight = Math.Min(_config.MerkleCapHeight, logN - a);
            _friNodes[r] = Nodes([new MatrixDimensions(k * D, 1 << (logN - a))], leaves, [flat], opening.Siblings, logN - a - capHeight);
            logN -= a;
            var weight = betas[r];
            for (int i = 0; i < a; i++)
                weight = weight.Square();
            for (int l = 0; l < leaves.Length; l++)
                if (reduced[nextSource[l]].TryGetValue(logN, out var rollIn))
                    folded[l] += weight * rollIn;
            positions = leaves;
            values = folded;
            source = nextSource;
        }
    }
}
