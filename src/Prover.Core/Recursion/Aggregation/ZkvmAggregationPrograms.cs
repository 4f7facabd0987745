using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using S = Prover.Core.Recursion.Aggregation.ZkvmAggregateStatement;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The programs of a zkVM aggregation tree (docs/design.md, "Recursion", aggregation tree), a keyed family
/// (<see cref="ZkvmAggregationFamily{TDef, TDigest}"/>) all stating a <see cref="ZkvmAggregateStatement"/>:
/// <list type="bullet">
/// <item>a <b>leaf</b> verifies one shard proof as a member of the execution's shared-challenge group
/// (<see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}"/> with the seed, γ and β as inputs) and states its
/// index and count (seed), the common seed, γ, β, its bus sum, the key root, its CPU start and end, its input size, the
/// input commitment (the last shard's), the digest of its commitment and a hinted allowed-key root R, after the checks
/// the native verifier makes on a shard's public values (so the final proof's verifier needs none of them);</item>
/// <item>the <b>node</b> verifies two children of the family's recursion shape — leaves or nodes, any program whose key is
/// a member of R (hinted keys, Merkle paths) — and checks across them what <see cref="ZkvmVerifier{TDef, TDigest}"/>
/// checks across shards;</item>
/// <item>the <b>final</b> program verifies the root (any member) against a constant R, and pinned final layers and epoch
/// nodes build on it.</item>
/// </list>
/// Every hash of the tree (the shards' Merkle paths and transcripts, the leaf's sponge, the node's compression, the
/// recursion proofs' own commitments) uses <typeparamref name="TDigest"/>: provable-128's 12-element digests give a tree
/// whose every hash is width-24 Poseidon2, proved by the recursion chips' width-24 table.
/// A leaf depends only on the shard's chip set and heights (and the configuration), the node on the configuration, the
/// family's recursion shape and the set's depth, the first final layer also on R.
/// </summary>
public static class ZkvmAggregationPrograms<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private static int D => TDef.Degree;

    /// <summary>
    /// The digest length (8, or 12 under provable-128): the key roots and commitment digests the statement carries, and the
    /// sponge and compression the programs hash with (width 16 or 24 Poseidon2: the shards' own hash).
    /// </summary>
    private static int W => TDigest.Length;

    /// <summary>
    /// The hint channel of an accelerator shard's leaf (child 0's stride, clear of the proof's channels and the keyed ones):
    /// its pass-through CPU point (pc lo, pc hi, clk q, clk hi) and the input size (lo, hi).
    /// </summary>
    public const int PassThroughChannel = ZkvmLeafHints.PassThroughChannel;

    /// <summary>
    /// The leaf program of a shard with <paramref name="chips"/> and <paramref name="logHeights"/> of
    /// <paramref name="program"/> proved under <paramref name="shardConfig"/> (<paramref name="statementFractions"/>: the
    /// execution's bus fractions, for the shape's security check). <paramref name="chunked"/>: the execution is in chunked mode
    /// (<see cref="ZkvmVerifier{TDef, TDigest}.IsChunked"/> of its shapes; the budget policy's boundary chunk shards): chunk
    /// shards pass the CPU chain through like accelerator shards, a CPU shard's last-ness is its image flag's, and no leaf states
    /// an input commitment (the verifier's chain tuples bind it through the bus sum).
    /// </summary>
    public static RecursionProgram Leaf(StarkConfig shardConfig, ZkvmProgram program, ChipSet chips, int[] logHeights, double statementFractions,
        bool chunked = false)
    {
        ArgumentNullException.ThrowIfNull(shardConfig);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(logHeights);
        // An accelerator shard (the budget policy: the fixed tables and one accelerator, never the last shard) has no CPU or
        // syscall table: it executes nothing, so its start and end are one pass-through point and its input size the
        // execution's, all hinted (PassThroughChannel) and bound by the nodes to its neighbours (below).
        bool accelerator = ZkvmChips.IsAcceleratorShard(chips) || chunked && ZkvmChips.IsChunkShard(chips);
        var airs = program.ForDigest(TDigest.Length).AirsOf(chips);
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var raw = new List<Felt>();
        RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Emit(b, shardConfig, airs, logHeights, 0, S.SeedLength, statementFractions, statement: raw);
        // The shard program's statement (RecursiveStarkVerifier, shared): every table's public values, the seed, the main
        // cap, γ, β, the bus sum and the key root.
        int publicCount = airs.Sum(a => a.PublicValueCount);
        int capLength = raw.Count - publicCount - S.SeedLength - 3 * D - W;
        if (capLength <= 0 || capLength % W != 0)
            throw new InvalidOperationException($"the shard program states {raw.Count} values, not the shared-group statement");
        var publics = new Felt[airs.Count][];
        for (int t = 0, at = 0; t < airs.Count; at += airs[t++].PublicValueCount)
            publics[t] = [.. raw.GetRange(at, airs[t].PublicValueCount)];
        int pos = publicCount;
        var seed = raw.GetRange(pos, S.SeedLength);
        pos += S.SeedLength;
        var cap = raw.GetRange(pos, capLength);
        pos += capLength;
        var challengesAndSum = raw.GetRange(pos, 3 * D);
        pos += 3 * D;
        var root = raw.GetRange(pos, W);

        Felt[] start, end, inputSize;
        if (accelerator)
        {
            // Why hinted values are sound here: a node asserts its right child's start equals its left child's end and every
            // child's input size equal, so the pass-through point is the previous shard's end (or, for shard 0, the
            // verifier's entry with clk 1, compared at the root) and the next shard starts there: the CPU chain of the
            // execution goes through this shard unchanged, as the native verifier chains the CPU shards around it
            // (ZkvmVerifier.CheckStatement). Its clock pieces are canonical because they are a neighbour's (checked at
            // that neighbour's leaf) or the verifier's. No row of this shard executes an instruction; its table's rows
            // answer the syscall chips' calls of the CPU shards over the buses, which balance over all shards.
            var through = b.Hint(PassThroughChannel, 6);
            start = through[..4];
            end = start;
            inputSize = through[4..];
        }
        else
        {
            var cpu = publics[chips.Position(ZkvmTable.Cpu)];
            var sys = publics[chips.Position(ZkvmTable.Syscall)];
            var ls = publics[chips.Position(ZkvmTable.LoadStore)];
            if (cpu.Length != 8 || sys.Length != 2)
                throw new InvalidOperationException("the CPU states 8 public values and the syscall chip 2");
            // One input size per leaf: the syscall chip's, which the load/store chip's bound must equal (the native verifier
            // checks both against the claimed size; here a shard disagreeing with itself fails at its leaf).
            b.AssertEqual(ls[Zkvm.LoadStore.LoadStoreCols.PublicInputSizeLo], sys[0], "the load/store chip's input size is not the syscall chip's");
            b.AssertEqual(ls[Zkvm.LoadStore.LoadStoreCols.PublicInputSizeHi], sys[1], "the load/store chip's input size is not the syscall chip's");

            // The per-shard checks the native verifier makes on public values (ZkvmVerifier.CheckStatement), made here so
            // that the final proof's verifier needs none of a shard's public values (ZkvmVerifier.CheckSummary):
            // (1) the clock pieces at the shard's end are canonical, q < 2^14 and hi < 2^24: the 31 bits of a felt's
            // canonical value (boolean and canonical by the bits chip) with the high ones summing to zero — a sum of at most
            // 17 bits cannot wrap modulo p, so every high bit is zero. Equal pieces are then equal clocks: the nodes chain a
            // shard's start to the previous end, the verifier compares shard 0's start with (entry, clk 1) and the last end
            // with clk = cycles + 1, so every start is canonical too; and with clk_hi monotone inside a shard every row's
            // ts_hi stays below 2^24, which the memory argument's timestamp comparisons rely on (TimestampGadget).
            void Below(Felt value, int bits, string what)
            {
                var decomposition = b.Bits(value);
                var high = b.Zero;
                for (int i = bits; i < decomposition.Length; i++)
                    high = b.Add(high, decomposition[i]);
                b.AssertEqual(high, b.Zero, $"the shard's {what} is not below 2^{bits}");
            }
            Below(cpu[6], 14, "end clk_q");
            Below(cpu[7], 24, "end clk_hi");
            start = cpu[..4];
            end = cpu[4..];
            inputSize = sys;
        }
        // (2) the last shard, and only it, has the last-shard tables (memory boundary, input commitment): the chip set is a
        // constant of this program, so its kind is, and the shard's index from its seed (which the global transcript fixes
        // and the nodes order) must agree: index + 1 = count for the last kind; for the other kind index + 1 − count has an
        // inverse (the executor and the chip check x·x⁻¹ = 1), so it is not the last.
        // (An accelerator shard is never the last: ZkvmChips.CheckShard.)
        bool last = ZkvmChips.CheckShard(chips, lastShard: true, chunked) is null;
        bool other = ZkvmChips.CheckShard(chips, lastShard: false, chunked) is null;
        var after = b.Add(seed[0], b.One);
        var image = publics[chips.Position(ZkvmTable.Image)];
        if (image.Length != Zkvm.Memory.ImageCols.PublicValueCount)
            throw new InvalidOperationException("the image table states one public value");
        var active = image[Zkvm.Memory.ImageCols.PublicActive];
        if (chunked && last && other)
        {
            // Chunked mode, a CPU shard: its chip set is a CPU shard's wherever it is, so its place decides its kind. With
            // x = index + 1 − count and the image flag a: a is boolean, a·x = 0 (a = 1 only in the last shard) and x + a has an
            // inverse (a = 0 only elsewhere: x ≠ 0). (3) is then the flag itself: the image sends in the last shard only.
            var x = b.Sub(after, seed[1]);
            b.AssertEqual(b.Mul(active, b.Sub(active, b.One)), b.Zero, "the image flag is not boolean");
            b.AssertEqual(b.Mul(active, x), b.Zero, "the image table must send the initial memory in the last shard only");
            _ = b.Inverse(b.Add(x, active));
        }
        else
        {
            if (last == other)
                throw new ArgumentException("a shard's chip set must be valid for exactly one of the last and the other shards");
            if (last)
                b.AssertEqual(after, seed[1], "a shard with the last-shard tables is not the last shard");
            else
                _ = b.Inverse(b.Sub(after, seed[1]));
            // (3) the image table sends the program's initial memory in the last shard and nowhere else: exactly once per
            // execution (ImageTable: its multiplicity is the key's Real flag times this public value).
            b.AssertEqual(active, last ? b.One : b.Zero, "the image table must send the initial memory in the last shard only");
        }
        if (chunked && ZkvmChips.IsChunkShard(chips))
        {
            // A boundary chunk's f is boolean (the chains' argument, MemoryInitChunkAir and InputChunkAir, reads its send as
            // the end value or the next chunk's start): f·(f − 1) = 0, as the native verifier checks.
            int chunkTable = chips.Contains(ZkvmTable.InputChunk) ? ZkvmTable.InputChunk : ZkvmTable.MemoryInitChunk;
            var f = publics[chips.Position(chunkTable)];
            if (f.Length != 1)
                throw new InvalidOperationException("a boundary chunk states one public value");
            b.AssertEqual(b.Mul(f[0], b.Sub(f[0], b.One)), b.Zero, "a boundary chunk's last-chunk flag is not boolean");
        }
        // (4) the last shard's input-commitment chip states the shard's input size (the syscall chip's, which every shard
        // states equal up the tree and the verifier compares with the claim) and the commitment this leaf states; other
        // shards state a zero commitment (only the rightmost leaf's reaches the root: a node restates its right child's).
        // In chunked mode no shard has the input-commitment chip: every leaf states a zero commitment, and the verifier binds the
        // claimed size and commitment through its chain tuples in the bus sum (ZkvmChainEnds).
        Felt[] commitment;
        if (last && !chunked)
        {
            var commit = publics[chips.Position(ZkvmTable.InputCommit)];
            if (commit.Length != Zkvm.Input.InputCommitCols.PublicValueCountFor(W))
                throw new InvalidOperationException($"the input-commitment chip states {commit.Length} values, not a {W}-element commitment's");
            b.AssertEqual(commit[Zkvm.Input.InputCommitCols.PublicSizeLo], inputSize[0], "the input-commitment chip's input size is not the syscall chip's");
            b.AssertEqual(commit[Zkvm.Input.InputCommitCols.PublicSizeHi], inputSize[1], "the input-commitment chip's input size is not the syscall chip's");
            commitment = commit[Zkvm.Input.InputCommitCols.PublicCommitment..];
        }
        else
            commitment = [.. Enumerable.Repeat(b.Zero, W)];

        // The commitment digest: chips and heights are constants of this program (its shape), the public values and the
        // main cap are the hinted values the shard's transcript observed, so the digest binds exactly what the global
        // transcript's tree digest took of this shard (ShardCommitmentTree.ShardDigestInput's order).
        var input = new List<Felt>();
        for (int i = 0; i < 64; i += 16)
            input.Add(b.Constant((long)(chips.Bits >> i & 0xFFFF)));
        input.Add(b.Constant(logHeights.Length));
        foreach (int h in logHeights)
            input.Add(b.Constant(h));
        foreach (var p in publics)
        {
            input.Add(b.Constant(p.Length));
            input.AddRange(p);
        }
        input.AddRange(cap);
        var digest = new HashGadgets<KoalaBearParameters, TDef>(b, W).HashRow(input);

        // The statement: [index, index, count] from the seed, the common seed, γ, β, sum, root, start, end, input size,
        // input commitment, digest, allowed-key root.
        b.Output(seed[0], seed[0], seed[1]);
        b.Output([.. seed.GetRange(2, 8)]);
        b.Output([.. challengesAndSum]);
        b.Output([.. root]);
        b.Output(start);
        b.Output(end);
        b.Output(inputSize);
        b.Output(commitment);
        b.Output(digest);
        // The allowed-key root R, hinted and unchecked here: the node above asserts it equals its own (and this leaf's key a
        // member of it), the final program that it is the guest's constant (KeyedRecursion's induction: a leaf cannot check
        // R, which contains its own key).
        b.Output(b.Hint(KeyedRecursionChannels.Root, W));
        var built = b.Build();
        if (built.Outputs.Count != S.Length(D, W))
            throw new InvalidOperationException($"the leaf states {built.Outputs.Count} values, not {S.Length(D, W)}");
        return built;
    }

    /// <summary>
    /// A node program of a family (<see cref="ZkvmAggregationFamily{TDef, TDigest}"/>): verifies two proofs under
    /// <paramref name="recursionConfig"/>, the left of a program padded to <paramref name="left"/>, the right to
    /// <paramref name="right"/> (the family's leaf or node shape), whose keys are members of the allowed-key set (depth
    /// <paramref name="setDepth"/>) its statement names, and checks across them what <see cref="ZkvmVerifier{TDef, TDigest}"/>
    /// checks across shards. Its instructions depend on the configuration, the two shapes and the set's depth only — not
    /// on which programs sit below — so one program per pair of shapes serves every level of every tree of the family.
    /// The program itself is not padded (the family pads it to its node shape).
    /// </summary>
    public static RecursionProgram Node(StarkConfig recursionConfig, RecursionShape left, RecursionShape right, int setDepth)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var hash = new HashGadgets<KoalaBearParameters, TDef>(b, W);
        var allowed = b.Hint(KeyedRecursionChannels.Root, W);
        var l = AllowedChild(b, hash, recursionConfig, left, setDepth, 0, allowed, $"child 0");
        var r = AllowedChild(b, hash, recursionConfig, right, setDepth, 1, allowed, $"child 1");

        // Cross-child checks (ZkvmVerifier's across shards):
        // consecutive shards: the right child starts at the shard after the left's last (so no shard is dropped,
        // repeated or reordered: with leaf indices from the seeds, which the global transcript fixes per shard);
        b.AssertEqual(r[S.FirstShard], b.Add(l[S.LastShard], b.One), "the right child does not start at the shard after the left child's last");
        // one execution: the same shard count, common seed, γ and β (all drawn by one global transcript), one program key,
        // one input size;
        void Same(int at, int count, string what)
        {
            for (int i = 0; i < count; i++)
                b.AssertEqual(l[at + i], r[at + i], $"the children have different {what}");
        }
        Same(S.ShardCount, 1, "shard counts");
        Same(S.Common, 8, "common seeds");
        Same(S.Gamma, D, "γ");
        Same(S.Beta(D), D, "β");
        Same(S.KeyRoot(D), W, "program keys");
        Same(S.InputSize(D, W), 2, "input sizes");
        // the CPU chaining: the right child starts (pc, clk) where the left one ended.
        for (int i = 0; i < 4; i++)
            b.AssertEqual(r[S.Start(D, W) + i], l[S.End(D, W) + i], "the right child does not start where the left child ended");

        b.Output(l[S.FirstShard], r[S.LastShard], l[S.ShardCount]);
        b.Output([.. l.GetRange(S.Common, 8)]);
        b.Output([.. l.GetRange(S.Gamma, 2 * D)]);
        // The bus sums add (extension addition is coefficient-wise); the root's verifier checks the total cancels the
        // public tuples' terms.
        for (int i = 0; i < D; i++)
            b.Output(b.Add(l[S.BusSum(D) + i], r[S.BusSum(D) + i]));
        b.Output([.. l.GetRange(S.KeyRoot(D), W)]);
        b.Output([.. l.GetRange(S.Start(D, W), 4)]);
        b.Output([.. r.GetRange(S.End(D, W), 4)]);
        b.Output([.. l.GetRange(S.InputSize(D, W), 2)]);
        // The input commitment of the last shard, which is the right child's last (the left child's shards end before the
        // right's begin).
        b.Output([.. r.GetRange(S.InputCommitment(D, W), W)]);
        b.Output(hash.Compress([.. l.GetRange(S.Digest(D, W), W)], [.. r.GetRange(S.Digest(D, W), W)]));
        b.Output(allowed);
        var built = b.Build();
        if (built.Outputs.Count != S.Length(D, W))
            throw new InvalidOperationException($"the node states {built.Outputs.Count} values, not {S.Length(D, W)}");
        return built;
    }

    /// <summary>
    /// The lift of a family: verifies one proof of a program padded to <paramref name="child"/> (the leaf shape) whose key
    /// is a member of the allowed-key set, and restates its statement unchanged, in the family's node shape. The root of a
    /// one-shard execution is its leaf's lift, so that every root has the node shape (the first final layer verifies that
    /// shape only). Sound as a node is: it states what an allowed program stated, R included.
    /// </summary>
    public static RecursionProgram Lift(StarkConfig recursionConfig, RecursionShape child, int setDepth)
    {
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var hash = new HashGadgets<KoalaBearParameters, TDef>(b, W);
        var allowed = b.Hint(KeyedRecursionChannels.Root, W);
        b.Output([.. AllowedChild(b, hash, recursionConfig, child, setDepth, 0, allowed, "the child")]);
        return b.Build();
    }

    /// <summary>
    /// Verifies child <paramref name="c"/>'s proof under <paramref name="config"/> at <paramref name="shape"/> (unpinned:
    /// its key root is a hint the proof is checked against), asserts it states <paramref name="allowed"/> as its R and that
    /// its key is a member of R (hinted index bits and siblings on the child's channels), and returns its statement.
    /// </summary>
    private static List<Felt> AllowedChild(RecursionBuilder<KoalaBearParameters, TDef> b, HashGadgets<KoalaBearParameters, TDef> hash, StarkConfig config,
        RecursionShape shape, int setDepth, int c, Felt[] allowed, string who)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(shape);
        int n = S.Length(D, W);
        if (shape.OutputCount != n)
            throw new ArgumentException($"the family's programs state {n} values, the shape {shape.OutputCount}");
        if (setDepth is < 1 or > 30)
            throw new ArgumentException($"an allowed-key set of depth {setDepth} is out of range");
        // The AIRs of every program padded to the shape: a chip's constraints depend on the shape alone, so these are the
        // constraint programs of any allowed child of it (a child of another shape has other tables or heights, and its
        // proof does not fit this program's transcript header and openings).
        var airs = Chips.RecursionMachine<KoalaBearParameters, TDef>.AirsOf(shape);
        var verified = new List<Felt>();
        RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Emit(b, config, airs, shape.LogHeights, c, statement: verified);
        if (verified.Count != n + W)
            throw new InvalidOperationException($"a child of the shape states {verified.Count} values, not an aggregation statement of {n} and its key");
        var statement = verified.GetRange(0, n);
        var key = verified.GetRange(n, W).ToArray();
        // Every proof of the tree states the same R (KeyedRecursion's induction: the top's R is checked against the
        // guest's by the final program or the verifier, and each node forces its children's to equal its own) ...
        hash.AssertDigest([.. statement.GetRange(S.AllowedKeys(D, W), W)], allowed, $"{who} states another allowed-key root");
        // ... and the child's key is a member of R: a leaf of this guest's shard shapes or a node or lift of the family,
        // whose statement means what this program's checks assume (a leaf made every per-shard check; another program
        // stating the same fields would not be in R). The index bits are hints made boolean by the Merkle-step rows; the
        // path's length, a constant, makes the key a leaf of the set, not an inner node.
        int channel = c * AggregationHints<KoalaBearParameters>.ChannelStride;
        var bits = b.Hint(channel + KeyedRecursionChannels.IndexBits, setDepth);
        var siblings = b.Hint(channel + KeyedRecursionChannels.Siblings, setDepth * W);
        hash.AssertDigest(hash.WalkPath(key, bits, siblings), allowed, $"{who}'s verifying key is not in the allowed set");
        return statement;
    }

    /// <summary>
    /// The first final layer over an execution's tree (docs/design.md, "Recursion", the final layer): verifies one proof
    /// under <paramref name="recursionConfig"/> of a program padded to the family's node <paramref name="shape"/> — the
    /// tree's root, a node or, for a one-shard execution, its leaf's lift — whose key is a member of <paramref name="allowedKeys"/> (a
    /// set of depth <paramref name="setDepth"/>), asserts that the root states exactly that R, and restates the statement
    /// unchanged. R is a constant of this program: its key names the set of programs allowed below, and through R every
    /// program of the tree, without naming the tree's shape.
    /// </summary>
    public static RecursionProgram Final(StarkConfig recursionConfig, RecursionShape shape, int setDepth, TDigest allowedKeys)
    {
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var hash = new HashGadgets<KoalaBearParameters, TDef>(b, W);
        // R is a constant here: the root states the guest's R (so every node below checked its children against it) and is
        // itself an allowed program (a node or a lift), never a program that skipped their checks.
        var allowed = allowedKeys.Elements.ToArray().Select(e => b.Constant(e)).ToArray();
        b.Output([.. AllowedChild(b, hash, recursionConfig, shape, setDepth, 0, allowed, "the root")]);
        return b.Build();
    }

    /// <summary>
    /// A pinned final layer (docs/design.md, "Recursion", the final layer; an execution's second and later ones, every
    /// layer over an epoch root): verifies one proof under <paramref name="recursionConfig"/> of the program
    /// <paramref name="root"/> below it (the previous final layer, or an epoch root), its key pinned, and restates its
    /// statement unchanged. It is proved under its layer's configuration (the last: a low rate, few queries, what makes
    /// the one proof of an execution small).
    /// </summary>
    /// <remarks><paramref name="statementLength"/>: the length the root states (an execution's <see cref="ZkvmAggregateStatement"/>
    /// by default; an epoch root's <see cref="ZkvmEpochStatement"/>).</remarks>
    public static RecursionProgram Final(StarkConfig recursionConfig, ZkvmAggregationChild<TDef, TDigest> root, int? statementLength = null)
    {
        ArgumentNullException.ThrowIfNull(recursionConfig);
        ArgumentNullException.ThrowIfNull(root);
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var statement = new List<Felt>();
        // The key below is pinned (constants of this program, so its key names that program: the first final layer of an
        // execution, which checked the tree's R, or an epoch root, whose pins name the blocks' root programs): a proof of
        // another program stating the same fields (one that skipped a check) fails the pinned-key assertion.
        RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Emit(b, recursionConfig, root.Machine.Airs, root.Machine.LogHeights, 0,
            pinnedKey: root.Key.PreprocessedRoot, statement: statement);
        int length = statementLength ?? S.Length(D, W);
        if (statement.Count != length)
            throw new ArgumentException($"the root states {statement.Count} values, not a statement of {length}");
        // The same statement, in the same order: the verifier checks it against what it derives from the claim and the
        // shards' commitments, exactly as it checks a root's (ZkvmAggregateStatement.Expected).
        b.Output([.. statement]);
        return b.Build();
    }

    /// <summary>
    /// The epoch node (docs/design.md, "Recursion", blocks to epochs): verifies two children under
    /// <paramref name="recursionConfig"/>, each of a pinned program — a block (its execution tree's root, stating a
    /// <see cref="ZkvmAggregateStatement"/>: <paramref name="leftIsBlock"/>, <paramref name="rightIsBlock"/>) or an epoch node
    /// (stating a <see cref="ZkvmEpochStatement"/>) — and states the epoch statement of both in order: the block counts
    /// added, and the compression of the left and right digests, a block's digest being the sponge of its whole
    /// statement. Blocks are independent statements (no chaining across them is asserted); their order is bound by the
    /// digest's order.
    /// </summary>
    public static RecursionProgram EpochNode(StarkConfig recursionConfig, ZkvmAggregationChild<TDef, TDigest> left, bool leftIsBlock,
        ZkvmAggregationChild<TDef, TDigest> right, bool rightIsBlock)
    {
        ArgumentNullException.ThrowIfNull(recursionConfig);
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var b = new RecursionBuilder<KoalaBearParameters, TDef>();
        var hash = new HashGadgets<KoalaBearParameters, TDef>(b, W);
        (Felt Count, Felt[] Digest) Child(ZkvmAggregationChild<TDef, TDigest> child, bool isBlock, int index)
        {
            var statement = new List<Felt>();
            // The child's program is pinned (constants of this program): its proof must be a proof of that block's execution
            // root (whose own pins reach every shard's shape) or of that epoch node, so a proof of another program stating
            // the same values (one that skipped a check) fails the pinned-key assertion.
            RecursiveStarkVerifier<KoalaBearParameters, TDef, TDigest>.Emit(b, recursionConfig, child.Machine.Airs, child.Machine.LogHeights, index,
                pinnedKey: child.Key.PreprocessedRoot, statement: statement);
            int expected = isBlock ? S.Length(D, W) : ZkvmEpochStatement.Length(W);
            if (statement.Count != expected)
                throw new ArgumentException($"child {index} states {statement.Count} values, not {(isBlock ? "an execution" : "an epoch")} statement of {expected}");
            // A block's leaf digest hashes every element of its statement (shard range and count, seeds, γ, β, bus sum, key
            // root, CPU ends, input size, shard digest): the verifier derives that statement natively from the block's claim
            // and shard commitments, so any change of the block's public values changes this digest.
            return isBlock
                ? (b.One, hash.HashRow(statement))
                : (statement[ZkvmEpochStatement.BlockCount], [.. statement.GetRange(ZkvmEpochStatement.Digest, W)]);
        }
        var (lc, ld) = Child(left, leftIsBlock, 0);
        var (rc, rd) = Child(right, rightIsBlock, 1);
        b.Output(b.Add(lc, rc));
        // Left before right: the compression is not symmetric, so swapped children give another digest.
        b.Output(hash.Compress(ld, rd));
        var built = b.Build();
        if (built.Outputs.Count != ZkvmEpochStatement.Length(W))
            throw new InvalidOperationException($"the epoch node states {built.Outputs.Count} values, not {ZkvmEpochStatement.Length(W)}");
        return built;
    }
}

/// <summary>
/// A program of the tree with its machine and verifying key under the configuration it is proved in (what a parent
/// pins or checks a member of R). The proving key is not kept with it: <see cref="ProvingKey"/> makes it when a proof
/// with it is made, held by the family's bounded store (<see cref="ZkvmProvingKeys{TDigest}"/>), so that the keys of a
/// family of tens of programs are not all resident.
/// </summary>
public sealed class ZkvmAggregationChild<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ZkvmProvingKeys<TDigest> _store;

    private ZkvmAggregationChild(RecursionProgram program, Chips.RecursionMachine<KoalaBearParameters, TDef> machine, VerifyingKey<KoalaBearParameters, TDigest> key,
        StarkConfig config, ZkvmProvingKeys<TDigest> store)
    {
        Program = program;
        Machine = machine;
        Key = key;
        Config = config;
        _store = store;
    }

    public RecursionProgram Program { get; }

    public Chips.RecursionMachine<KoalaBearParameters, TDef> Machine { get; }

    /// <summary>The verifying key: the fixed columns' commitment at the machine's heights under <see cref="Config"/>.</summary>
    public VerifyingKey<KoalaBearParameters, TDigest> Key { get; }

    /// <summary>The configuration the program's proofs are made in (its blowup fixes the key).</summary>
    public StarkConfig Config { get; }

    /// <summary>
    /// The proving key (the held one, or made again: the same setup of the same program, whose root is checked against
    /// <see cref="Key"/> — a mismatch is a bug, thrown, never a proof under another key).
    /// </summary>
    public ProvingKey<KoalaBearParameters, TDigest> ProvingKey() => ProvingKey(out _);

    /// <summary>The same, saying whether it was made now (<paramref name="made"/>: the setup ran) rather than held.</summary>
    public ProvingKey<KoalaBearParameters, TDigest> ProvingKey(out bool made)
    {
        bool setup = false;
        var key = _store.Get(this, () =>
        {
            setup = true;
            var k = Machine.Setup<TDigest>(Config);
            if (k.VerifyingKey.PreprocessedRoot != Key.PreprocessedRoot || !k.VerifyingKey.LogHeights.AsSpan().SequenceEqual(Key.LogHeights)
                || k.VerifyingKey.LogBlowup != Key.LogBlowup)
                throw new InvalidOperationException("a proving key made again differs from the program's verifying key");
            return k;
        });
        made = setup;
        return key;
    }

    /// <summary>The machine of <paramref name="program"/> and its key under <paramref name="config"/> (the fixed columns' commitment), its proving key held by a store of its own.</summary>
    public static ZkvmAggregationChild<TDef, TDigest> Of(RecursionProgram program, StarkConfig config) => Of(program, config, new ZkvmProvingKeys<TDigest>(), null);

    /// <summary>
    /// Same, the proving key held by <paramref name="store"/> (made here for the verifying key, then held as the most
    /// recent), adding the time of the machine's construction (chips, memory plan) and of its key setup to <paramref name="timings"/>.
    /// </summary>
    internal static ZkvmAggregationChild<TDef, TDigest> Of(RecursionProgram program, StarkConfig config, ZkvmProvingKeys<TDigest> store,
        List<(string Phase, double Milliseconds)>? timings)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var machine = new Chips.RecursionMachine<KoalaBearParameters, TDef>(program);
        timings?.Add(("machine (chips, memory plan)", sw.Elapsed.TotalMilliseconds));
        sw.Restart();
        var provingKey = machine.Setup<TDigest>(config);
        timings?.Add(("setup (program columns)", sw.Elapsed.TotalMilliseconds));
        var child = new ZkvmAggregationChild<TDef, TDigest>(program, machine, provingKey.VerifyingKey, config, store);
        store.Put(child, provingKey);
        return child;
    }

    /// <summary>
    /// The member of <paramref name="program"/> whose verifying key is <paramref name="key"/>, taken as given (a key
    /// cache's entry; the caller answers for it), its proving key made when first used.
    /// </summary>
    internal static ZkvmAggregationChild<TDef, TDigest> WithKey(RecursionProgram program, StarkConfig config, VerifyingKey<KoalaBearParameters, TDigest> key,
        ZkvmProvingKeys<TDigest> store, List<(string Phase, double Milliseconds)>? timings)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var machine = new Chips.RecursionMachine<KoalaBearParameters, TDef>(program);
        timings?.Add(("machine (chips, memory plan)", sw.Elapsed.TotalMilliseconds));
        return new ZkvmAggregationChild<TDef, TDigest>(program, machine, key, config, store);
    }
}
