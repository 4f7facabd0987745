using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.Proving;

/// <summary>The verdict on an execution proof and, when valid, what it proves.</summary>
public sealed record ZkvmVerification(bool IsValid, string? Error, int ExitCode = 0, byte[]? Output = null, long Cycles = 0,
    ulong InputSize = 0, KoalaBear[]? InputCommitment = null)
{
    /// <summary>The weakest shard's security (bus term over the whole statement); set when valid.</summary>
    public Security.SecurityReport? Security { get; init; }

    /// <summary>Valid and the guest exited with 0 (EF termination semantics: anything else is a failed execution).</summary>
    public bool ProvesSuccess => IsValid && ExitCode == 0;

    internal static ZkvmVerification Reject(string error) => new(false, error);
}

/// <summary>
/// Verifies <see cref="ZkvmProof{TDef, TDigest}"/>s against a program (docs/zkvm.md, "Proving an execution"):
/// the proof must name the program, every shard proof must verify with the shared challenges replayed from
/// the global transcript, the CPU boundaries must chain from the entry point (clk 1) shard to shard, every
/// shard's syscall chip must use the input's size, the input-commitment chip must state the claimed
/// input size and commitment, every shard's image table must send in the last shard only, and the buses of all shards
/// (the last shard's image table sends the initial memory) plus the verifier's own tuples (committed output; the halt at
/// the last instruction with the claimed exit code) must balance. The input itself stays private: <see cref="ZkvmVerification.InputCommitment"/> is what the
/// caller compares with <see cref="Input.InputCommitment.Compute"/> of the input it expects. Malformed
/// proofs are rejections, never exceptions.
/// </summary>
public sealed class ZkvmVerifier<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly StarkConfig _config;
    private readonly ZkvmProgram _program;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>> _fullKeys = new();

    public ZkvmVerifier(StarkConfig config, ZkvmProgram program)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(program);
        _config = config;
        _program = program.ForDigest(TDigest.Length);
    }

    public ZkvmVerification Verify(ReadOnlySpan<byte> proofBytes)
    {
        // A configuration of another digest length than the verifier's type reads another format (the input commitment
        // and every shard digest have the digest's length): refused before parsing.
        if (_config.DigestElements != TDigest.Length)
            return ZkvmVerification.Reject($"configuration '{_config.Name}' commits with {_config.DigestElements}-element digests, this verifier reads {TDigest.Length}-element ones");
        ZkvmProof<TDef, TDigest> proof;
        try
        {
            proof = ZkvmProof<TDef, TDigest>.Parse(proofBytes, _config);
        }
        catch (ProofFormatException e)
        {
            return ZkvmVerification.Reject(e.Message);
        }
        return Verify(proof);
    }

    public ZkvmVerification Verify(ZkvmProof<TDef, TDigest> proof)
    {
        if (proof is null)
            return ZkvmVerification.Reject("no proof");
        try
        {
            return VerifyCore(proof);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            return ZkvmVerification.Reject("malformed proof: " + e.Message);
        }
    }

    private ZkvmVerification VerifyCore(ZkvmProof<TDef, TDigest> proof)
    {
        if (!proof.ProgramDigest.AsSpan().SequenceEqual(_program.Digest))
            return ZkvmVerification.Reject("the proof is for another program");
        var shards = proof.Shards;
        int n = shards.Count;
        if (proof.InputSize > MemoryMap.InputMaxSize)
            return ZkvmVerification.Reject($"the input of {proof.InputSize} bytes exceeds the input region");
        if (proof.ShardChips is null || proof.ShardChips.Count != n)
            return ZkvmVerification.Reject("the proof does not name every shard's chips");
        var commitments = new ShardCommitment[n];
        bool chunked = n > 0 && ZkvmChips.IsChunkedMode(proof.ShardChips[^1]);
        for (int s = 0; s < n; s++)
        {
            // The chips and table counts are checked before the commitment is read (CheckStatement checks them again).
            if (ZkvmChips.CheckShard(proof.ShardChips[s], s == n - 1, chunked) is { } chipError)
                return ZkvmVerification.Reject($"shard {s}: {chipError}");
            int expected = proof.ShardChips[s].Count;
            if (shards[s].LogHeights?.Length != expected || shards[s].PublicValues?.Length != expected)
                return ZkvmVerification.Reject($"shard {s} does not have the {expected} tables of its chips");
            commitments[s] = ShardCommitment.Of(proof.ShardChips[s], shards[s].LogHeights, shards[s].PublicValues, shards[s].MainCommitment);
        }
        var claim = new ZkvmClaim(proof.InputSize, proof.InputCommitment, proof.Output, proof.ExitCode, proof.Cycles);
        var (error, statement) = CheckStatement(_config, _program, claim, commitments, n == 0 ? null : shards[0].Config ?? _config, _fullKeys);
        if (error is not null)
            return ZkvmVerification.Reject(error);
        var (seeds, fractions, fullKey, publicSum) = (statement!.Seeds, statement.Fractions, statement.FullKey, statement.PublicBusSum);
        var chips = proof.ShardChips;
        var stark = new StarkVerifier<KoalaBearParameters, TDef, TDigest>(statement.Config);
        var total = default(ExtensionField<KoalaBear, TDef>);
        Security.SecurityReport? security = null;
        for (int s = 0; s < n; s++)
        {
            var indices = chips[s].Indices();
            var result = stark.Verify(_program.AirsOf(chips[s]), shards[s], fullKey.Subset(_program.Airs, indices),
                seeds[s] with { StatementFractions = fractions }, out var sum);
            if (!result.IsValid)
                return ZkvmVerification.Reject($"shard {s}: {result.Error}");
            // The execution is as sound as its weakest shard (each shard's FRI, ALI and DEEP terms), with the bus term
            // counted over the whole statement in every shard's report.
            security = security is null ? stark.LastSecurity : Security.SecurityReport.Weakest(security, stark.LastSecurity!);
            total += sum;
        }
        total += publicSum;
        if (!total.IsZero)
            return ZkvmVerification.Reject("the buses do not balance across the shards and the public tuples (output, halt)");
        return new ZkvmVerification(true, null, proof.ExitCode, proof.Output, proof.Cycles, proof.InputSize, proof.InputCommitment) { Security = security };
    }

    /// <summary>
    /// Everything <see cref="Verify(ZkvmProof{TDef, TDigest})"/> checks about an execution before and besides the shard
    /// proofs themselves, from what each shard commits to (<see cref="ShardCommitment"/>: chips, heights, public values,
    /// main cap): the shapes (<see cref="CheckShapes"/>), the CPU chaining from the entry with clk 1, every
    /// shard's input sizes, the image table in the last shard only, the input-commitment chip's claim, the cycle count;
    /// then the shared challenges and the bus terms of the verifier's own tuples. <paramref name="claimedShape"/> is the
    /// configuration the shard proofs state (null: the shape a prover under <paramref name="config"/> chooses for this
    /// statement, <see cref="StarkConfig.ForTallestTable"/>); the statement's <see cref="ZkvmCheckedStatement{TDef, TDigest}.Config"/>
    /// is the shape every shard proof must have. <paramref name="fullKeys"/> caches the preprocessed key over all chips per blowup.
    /// The verifier of an aggregated or final proof, which has no per-shard public values, checks
    /// <see cref="CheckSummary"/> instead: the same shapes, and the rest from its root's statement.
    /// </summary>
    public static (string? Error, ZkvmCheckedStatement<TDef, TDigest>? Statement) CheckStatement(StarkConfig config, ZkvmProgram program, ZkvmClaim claim,
        IReadOnlyList<ShardCommitment> commitments, StarkConfig? claimedShape,
        System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>>? fullKeys = null)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        int n = commitments.Count;
        var (shapeError, checkedShapes) = CheckShapes(config, program, claim, [.. commitments.Select(c => c.Shape)], claimedShape, fullKeys);
        if (shapeError is not null)
            return (shapeError, null);
        program = program.ForDigest(TDigest.Length);
        for (int s = 0; s < n; s++)
        {
            int expected = commitments[s].Chips.Count;
            if (commitments[s].PublicValues?.Length != expected)
                return ($"shard {s} does not have the {expected} tables of its chips", null);
        }
        var (shape, fractions, fullKey) = checkedShapes!;
        var chips = commitments.Select(c => c.Chips).ToArray();
        KoalaBear[] Publics(int s, int chip) => commitments[s].PublicValues[chips[s].Position(chip)];

        // CPU boundaries: the first CPU shard (shard 0, unless accelerator shards precede a last shard that is the only CPU
        // shard) starts at the entry with clk 1; each CPU shard starts where the previous CPU shard ended. Accelerator
        // shards (ZkvmChips.IsAcceleratorShard: no CPU, so no instruction and no boundary) are passed over: they execute
        // nothing, so the chain from one CPU shard to the next is the execution's, and their rows answer calls the CPU
        // shards' syscall chips made (the buses balance over all shards). Clock pieces must be canonical (q < 2^14) so
        // that equal pieces mean equal clocks.
        ulong Clk(KoalaBear q, KoalaBear hi) => q.ToCanonical() + ((ulong)hi.ToCanonical() << 14);
        int previousCpu = -1;
        for (int s = 0; s < n; s++)
        {
            if (!chips[s].Contains(ZkvmTable.Cpu))
            {
                // A CPU-less shard (CheckShapes admitted only accelerator shards and, in chunked mode, boundary chunk shards
                // without a CPU): its image table must not send.
                var accelImage = Publics(s, ZkvmTable.Image);
                if (s == n - 1 || accelImage.Length != ImageCols.PublicValueCount || accelImage[ImageCols.PublicActive] != KoalaBear.Zero)
                    return ($"shard {s}: the image table must send the initial memory in the last shard only", null);
                // A chunk's f (the last chunk of its chain sends the end value) is boolean: the chains' soundness argument
                // (MemoryInitChunkAir, InputChunkAir) reads the send as either the end value or the next chunk's start.
                foreach (int chunkTable in (int[])[ZkvmTable.MemoryInitChunk, ZkvmTable.InputChunk])
                    if (chips[s].Contains(chunkTable) && Publics(s, chunkTable) is var f
                        && (f.Length != 1 || (f[0] != KoalaBear.Zero && f[0] != KoalaBear.One)))
                        return ($"shard {s}: a boundary chunk's last-chunk flag is not boolean", null);
                continue;
            }
            var cpu = Publics(s, ZkvmTable.Cpu);
            if (cpu.Length != 8)
                return ($"shard {s}: CPU public values", null);
            // q < 2^14 and hi < 2^24: with clk_hi monotone inside a shard (hi' = hi + carry), every row's ts_hi is then
            // below 2^24, which the memory argument's timestamp comparisons rely on (TimestampGadget).
            if (cpu[2].ToCanonical() >= 1 << 14 || cpu[6].ToCanonical() >= 1 << 14 || cpu[3].ToCanonical() >= 1 << 24 || cpu[7].ToCanonical() >= 1 << 24)
                return ($"shard {s}: clock pieces out of range", null);
            if (previousCpu < 0)
            {
                if (cpu[0].ToCanonical() != (program.Program.Entry & 0xFFFF) || cpu[1].ToCanonical() != program.Program.Entry >> 16 || Clk(cpu[2], cpu[3]) != 1)
                    return ("the first shard does not start at the entry point with clk 1", null);
            }
            else
            {
                var prev = Publics(previousCpu, ZkvmTable.Cpu);
                for (int i = 0; i < 4; i++)
                    if (cpu[i] != prev[4 + i])
                        return ($"shard {s} does not start where shard {previousCpu} ended", null);
            }
            previousCpu = s;
            var sys = Publics(s, ZkvmTable.Syscall);
            if (sys.Length != 2 || sys[0].ToCanonical() != (claim.InputSize & 0xFFFF) || sys[1].ToCanonical() != claim.InputSize >> 16)
                return ($"shard {s}: the syscall chip's input size is not the input's", null);
            // The load/store chip's memory-map bound: loads from the input stay below InputBase + this size.
            var ls = Publics(s, ZkvmTable.LoadStore);
            if (ls.Length != LoadStoreCols.PublicValueCount || ls[LoadStoreCols.PublicInputSizeLo].ToCanonical() != (claim.InputSize & 0xFFFF)
                || ls[LoadStoreCols.PublicInputSizeHi].ToCanonical() != claim.InputSize >> 16)
                return ($"shard {s}: the load/store chip's input size is not the input's", null);
            // The image table sends the program's initial memory in the last shard and nowhere else: exactly once per
            // execution (ImageTable: its multiplicity is the key's Real flag times this value).
            var image = Publics(s, ZkvmTable.Image);
            if (image.Length != ImageCols.PublicValueCount || image[ImageCols.PublicActive] != (s == n - 1 ? KoalaBear.One : KoalaBear.Zero))
                return ($"shard {s}: the image table must send the initial memory in the last shard only", null);
        }
        // Chunked mode (CheckShapes: the last shard has no MemoryInit, no shard the natural boundary or input commitment): the
        // input's size and commitment are the input chunks' chain's ends, which the verifier's own tuples bind (ZkvmChainEnds,
        // in the public bus sum below); the claim's commitment must have the digest's length.
        bool chunked = ZkvmChips.IsChunkedMode(chips[^1]);
        if (chunked)
        {
            if (claim.InputCommitment.Length != TDigest.Length)
                return ("the input-commitment chip does not state the claimed input size and commitment", null);
        }
        else
        {
            var commit = Publics(n - 1, ZkvmTable.InputCommit);
            // The chip's public values carry a commitment of the digest's length (program.ForDigest above chose the chip):
            // the claim must have exactly that many elements, all equal.
            if (claim.InputCommitment.Length != TDigest.Length || commit.Length != Input.InputCommitCols.PublicValueCountFor(TDigest.Length) || commit[0].ToCanonical() != (claim.InputSize & 0xFFFF)
                || commit[1].ToCanonical() != claim.InputSize >> 16 || !commit.AsSpan(Input.InputCommitCols.PublicCommitment).SequenceEqual(claim.InputCommitment))
                return ("the input-commitment chip does not state the claimed input size and commitment", null);
        }
        var end = Publics(n - 1, ZkvmTable.Cpu);
        long cycles = (long)Clk(end[6], end[7]) - 1;
        if (cycles != claim.Cycles)
            return ($"the proof claims {claim.Cycles} cycles but its shards execute {cycles}", null);

        var (seeds, gamma, beta) = ZkvmStatement.Challenges<TDef, TDigest>(shape, program, fullKey.PreprocessedRoot, claim.InputSize,
            claim.InputCommitment, claim.Output, claim.ExitCode, claim.Cycles, commitments);
        var publicSum = ZkvmStatement.PublicBusSum(claim.Output, claim.ExitCode, ZkvmStatement.HaltTimestamp(end[6], end[7]), gamma, beta,
            chunked ? new ZkvmChainEnds(claim.InputSize, claim.InputCommitment) : null);
        return (null, new ZkvmCheckedStatement<TDef, TDigest>(shape, seeds, gamma, beta, fractions, fullKey, publicSum));
    }

    /// <summary>
    /// What an execution's statement requires of its shards' shapes alone (chips and heights, in order): every shard's chip
    /// set (the last shard's with the last-shard tables, the others' without), the heights in range, the proof's shape
    /// (<paramref name="claimedShape"/>, or the one a prover under <paramref name="config"/> chooses for the tallest table),
    /// the bus budget of the whole statement; and what they give: that shape, the statement's bus fractions (for the
    /// security bound) and the preprocessed key over all chips (cached per blowup in <paramref name="fullKeys"/>).
    /// </summary>
    public static (string? Error, ZkvmCheckedShapes<TDigest>? Shapes) CheckShapes(StarkConfig config, ZkvmProgram program, ZkvmClaim claim,
        IReadOnlyList<ShardShape> shapes, StarkConfig? claimedShape,
        System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>>? fullKeys = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(shapes);
        program = program.ForDigest(TDigest.Length);
        if (claim.InputSize > MemoryMap.InputMaxSize)
            return ($"the input of {claim.InputSize} bytes exceeds the input region", null);
        int n = shapes.Count;
        if (n == 0)
            return ("the proof has no shards", null);
        var chips = shapes.Select(c => c.Chips).ToArray();
        // The mode: chunked when the last shard has no MemoryInit; CheckShard then admits boundary chunk shards and no natural
        // boundary or input commitment anywhere, natural mode the reverse (a missing chunk would also leave a chain unbalanced).
        bool chunked = ZkvmChips.IsChunkedMode(chips[^1]);
        for (int s = 0; s < n; s++)
        {
            // The shard's AIR list is its chip set's (ChipSet: why leaving out a table with events cannot balance the buses).
            if (ZkvmChips.CheckShard(chips[s], s == n - 1, chunked) is { } error)
                return ($"shard {s}: {error}", null);
            int expected = chips[s].Count;
            if (shapes[s].LogHeights?.Length != expected)
                return ($"shard {s} does not have the {expected} tables of its chips", null);
            foreach (int h in shapes[s].LogHeights)
                if (h is < 1 or > 24)
                    return ($"shard {s}: table height 2^{h} out of range", null);
        }
        var heights = shapes.Select(c => c.LogHeights).ToArray();
        int tallest = heights.Max(h => h.Max());
        // The proof's shape: the configuration's own, or, for a statement whose claimed tables are all small enough, that
        // configuration's small-statement shape (StarkConfig.ForTallestTable; the same provable level, checked again per
        // shard). Every shard's STARK verifier (or leaf) then requires exactly this shape.
        var shape = config.ExpectedShape(claimedShape ?? config.ForTallestTable(tallest), tallest);
        // Before any other work: no bus of the claimed statement may allow p bounded sends and receives (a tuple sent p
        // times would cancel modulo p; docs/zkvm.md "Bus multiplicity bound").
        if (ZkvmBusBudget.Check(program, chips, heights, claim.Output.Length) is { } budget)
            return ("statement too large for a sound bus argument: " + budget, null);
        // One preprocessed key over all chips; each shard verifies with its subset (the preprocessed Program table
        // is a required chip, so every shard keeps it and the commitment is the same).
        var fullKey = FullKey(program, chips[^1], heights[^1], shape.LogBlowup, fullKeys);
        double fractions = ZkvmBusBudget.StatementFractions(program, chips, heights, claim.Output.Length);
        return (null, new ZkvmCheckedShapes<TDigest>(shape, fractions, fullKey));
    }

    /// <summary>
    /// The statement of an execution from what an aggregated or final proof carries instead of the shards' commitments
    /// (the claim, the shard count <paramref name="shardCount"/>, the allowed shard shapes <paramref name="shapes"/> — the
    /// shards' distinct shapes, which shard has which unknown —, the tree digest of their commitments): the shapes as
    /// <see cref="CheckShapeSet"/>, the cycle count's range, the shared challenges drawn from the shard count and the tree
    /// digest (<see cref="ZkvmStatement.Challenges{TDef, TDigest}(StarkConfig, ZkvmProgram, TDigest, ulong, ReadOnlySpan{KoalaBear}, ReadOnlySpan{byte}, int, long, int, TDigest)"/>)
    /// and the bus terms of the verifier's own tuples at the halt of the claimed cycle count. The per-shard checks
    /// <see cref="CheckStatement"/> makes on public values and chip sets by position are the tree's (its leaves and nodes),
    /// and the root's statement must equal what this statement derives (<c>Recursion.Aggregation.ZkvmAggregateStatement.Expected</c>):
    /// the chaining ends at the entry with clk 1 and at clk = cycles + 1, the input size, commitment and the digest.
    /// </summary>
    /// <remarks><paramref name="catalog"/>: the shapes are a shard catalog's (<see cref="CheckShapeSet"/>).</remarks>
    public static (string? Error, ZkvmCheckedStatement<TDef, TDigest>? Statement) CheckSummary(StarkConfig config, ZkvmProgram program,
        ZkvmClaim claim, IReadOnlyList<ShardShape> shapes, int shardCount, TDigest treeDigest,
        System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>>? fullKeys = null, bool catalog = false)
    {
        var (error, checkedShapes) = CheckShapeSet(config, program, claim, shapes, shardCount, fullKeys, catalog);
        if (error is not null)
            return (error, null);
        program = program.ForDigest(TDigest.Length);
        if (claim.InputCommitment.Length != TDigest.Length)
            return ($"the input commitment has {claim.InputCommitment.Length} elements, the configuration's digests {TDigest.Length}", null);
        // The last shard ends at clk = cycles + 1, whose pieces (q < 2^14, hi < 2^24: the leaves check both ends of every
        // shard) the root states; a count whose clock does not fit cannot be an execution's.
        if (claim.Cycles < 1 || (ulong)claim.Cycles + 1 >= 1UL << 38)
            return ($"the proof claims {claim.Cycles} cycles, out of the clock's range", null);
        var (shape, fractions, fullKey) = checkedShapes!;
        var (seeds, gamma, beta) = ZkvmStatement.Challenges<TDef, TDigest>(shape, program, fullKey.PreprocessedRoot, claim.InputSize,
            claim.InputCommitment, claim.Output, claim.ExitCode, claim.Cycles, shardCount, treeDigest);
        var (q, hi) = EndClock(claim.Cycles);
        var publicSum = ZkvmStatement.PublicBusSum(claim.Output, claim.ExitCode, ZkvmStatement.HaltTimestamp(q, hi), gamma, beta,
            IsChunked(shapes) ? new ZkvmChainEnds(claim.InputSize, claim.InputCommitment) : null);
        return (null, new ZkvmCheckedStatement<TDef, TDigest>(shape, seeds, gamma, beta, fractions, fullKey, publicSum));
    }

    /// <summary>
    /// What an execution of <paramref name="shardCount"/> shards, each of one of <paramref name="shapes"/>, requires of
    /// those shapes (<see cref="CheckShapes"/> when the shard of each shape is unknown: the aggregation tree's leaves bind
    /// each shard's shape into the digest and check its kind against its index): the shapes distinct and in order, each
    /// chip set valid for exactly one of the last and the other shards, exactly one last-shard shape, a shape of the other
    /// kind only with more than one shard, heights in range, the proof's shape for the tallest table, the bus budget and the
    /// bus fractions bounded over every assignment of the shapes to the shards (<see cref="ZkvmBusBudget.CheckBound"/>), and
    /// the full preprocessed key (the preprocessed tables' heights are the program's, read from the last-shard shape).
    /// <para>
    /// With <paramref name="catalog"/> the shapes are a shard catalog's (<see cref="ShardCatalog"/>, derived by the verifier
    /// from the program and k, not read from the file): the allowed shapes of every budget-policy execution, not this one's
    /// distinct shapes, so they may outnumber the shards. They are in chunked mode (a catalog in natural mode is refused),
    /// whose rules already allow several shapes of the last kind (the last shard's entries) and shapes that suit both kinds:
    /// what binds each shard to a shape of its kind is its leaf (its chip set is a constant of the leaf program, checked
    /// there against the shard's index). The remaining checks are the same: at least one last-kind shape, heights in range,
    /// the bus budget and fractions bounded over every assignment of the catalog's shapes to the shards (count × the largest
    /// shape's), the full key from a last-kind shape.
    /// </para>
    /// </summary>
    public static (string? Error, ZkvmCheckedShapes<TDigest>? Shapes) CheckShapeSet(StarkConfig config, ZkvmProgram program, ZkvmClaim claim,
        IReadOnlyList<ShardShape> shapes, int shardCount,
        System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>>? fullKeys = null, bool catalog = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(shapes);
        program = program.ForDigest(TDigest.Length);
        if (claim.InputSize > MemoryMap.InputMaxSize)
            return ($"the input of {claim.InputSize} bytes exceeds the input region", null);
        if (shardCount < 1)
            return ("the proof has no shards", null);
        if (shapes.Count == 0 || (!catalog && shapes.Count > shardCount))
            return ($"{shapes.Count} shard shapes for {shardCount} shards", null);
        int lastKind = -1;
        // Chunked mode (the budget policy's boundary chunk shards): no shape has the natural MemoryInit. Then the last shard is
        // a plain CPU shard, whose chip set a CPU shard elsewhere has too: the leaves check which CPU shard is the last by its
        // index (its image table sends), so here a CPU shape is valid for either place and at least one must exist.
        bool chunked = IsChunked(shapes);
        for (int s = 0; s < shapes.Count; s++)
        {
            if (s > 0 && Recursion.Aggregation.ZkvmExecutionSummary.Compare(shapes[s - 1], shapes[s]) >= 0)
                return ($"shape {s} does not follow shape {s - 1} in order", null);
            var chips = shapes[s].Chips;
            bool last = ZkvmChips.CheckShard(chips, lastShard: true, chunked) is null, other = ZkvmChips.CheckShard(chips, lastShard: false, chunked) is null;
            if (chunked)
            {
                if (!last && !other)
                    return ($"shape {s}: {ZkvmChips.CheckShard(chips, lastShard: false, chunked)}", null);
                if (last && lastKind < 0)
                    lastKind = s;
            }
            else if (catalog)
                return ($"shape {s}: a shard catalog holds the budget policy's shapes, whose memory boundary is in chunk shards", null);
            else if (last == other)
                return ($"shape {s}: {ZkvmChips.CheckShard(chips, lastShard: true) ?? "valid for the last and the other shards alike"}", null);
            else if (last)
            {
                if (lastKind >= 0)
                    return ("two last-shard shapes", null);
                lastKind = s;
            }
            else if (shardCount == 1)
                return ($"shape {s}: {ZkvmChips.CheckShard(chips, lastShard: true)}", null);
            if (shapes[s].LogHeights?.Length != chips.Count)
                return ($"shape {s} does not have the {chips.Count} tables of its chips", null);
            foreach (int h in shapes[s].LogHeights)
                if (h is < 1 or > 24)
                    return ($"shape {s}: table height 2^{h} out of range", null);
        }
        if (lastKind < 0)
            return ("no last-shard shape", null);
        int tallest = shapes.Max(s => s.LogHeights.Max());
        var shape = config.ExpectedShape(config.ForTallestTable(tallest), tallest);
        if (ZkvmBusBudget.CheckBound(program, shapes, shardCount, claim.Output.Length) is { } budget)
            return ("statement too large for a sound bus argument: " + budget, null);
        var fullKey = FullKey(program, shapes[lastKind].Chips, shapes[lastKind].LogHeights, shape.LogBlowup, fullKeys);
        double fractions = ZkvmBusBudget.StatementFractionsBound(program, shapes, shardCount, claim.Output.Length);
        return (null, new ZkvmCheckedShapes<TDigest>(shape, fractions, fullKey));
    }

    /// <summary>
    /// The preprocessed key over all chips at <paramref name="logBlowup"/> (the preprocessed tables' heights read from a
    /// last shard's <paramref name="chips"/> and <paramref name="logHeights"/>), cached per blowup in <paramref name="fullKeys"/>.
    /// </summary>
    private static VerifyingKey<KoalaBearParameters, TDigest> FullKey(ZkvmProgram program, ChipSet chips, IReadOnlyList<int> logHeights, int logBlowup,
        System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>>? fullKeys)
    {
        VerifyingKey<KoalaBearParameters, TDigest> Make(int blowup) => StarkSetup.Preprocess<KoalaBearParameters, TDigest>(program.Airs,
            ZkvmProgram.RegistryHeights(chips, logHeights), blowup)!.VerifyingKey;
        return fullKeys is null ? Make(logBlowup) : fullKeys.GetOrAdd(logBlowup, Make);
    }

    /// <summary>Whether an execution whose shards take <paramref name="shapes"/> is in chunked mode: no shape has the natural MemoryInit.</summary>
    public static bool IsChunked(IReadOnlyList<ShardShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        return !shapes.Any(s => s.Chips.Contains(ZkvmTable.MemoryInit));
    }

    /// <summary>The last shard's end clock (clk = cycles + 1) as the CPU's (q, hi) public values: q the low 14 bits.</summary>
    public static (KoalaBear Q, KoalaBear Hi) EndClock(long cycles)
    {
        ulong clk = (ulong)cycles + 1;
        return (KoalaBear.FromUInt64(clk & 0x3FFF), KoalaBear.FromUInt64(clk >> 14));
    }
}

/// <summary>What <see cref="ZkvmVerifier{TDef, TDigest}.CheckShapes"/> gives: the shape every shard proof has, the statement's bus fractions and the full preprocessed key.</summary>
public sealed record ZkvmCheckedShapes<TDigest>(StarkConfig Config, double Fractions, VerifyingKey<KoalaBearParameters, TDigest> FullKey)
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>;
