using System.Collections.Concurrent;
using System.Security.Cryptography;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>The shared LogUp challenges of one shard's proof, as canonical values (independent of the extension degree).</summary>
public sealed record ZkvmShardChallenges(uint[] Gamma, uint[] Beta, ulong[] Seed, double StatementFractions);

/// <summary>One shard's proof (<see cref="ProofSerializer"/> bytes) with its security and phase timings.</summary>
public sealed record ZkvmShardProof(byte[] Proof, double ProvableBits, double ConjecturedBits, IReadOnlyList<(string Phase, double Milliseconds)> Timings);

/// <summary>
/// A worker's side of a distributed proof (docs/design.md, "Distributed proving"): phase 1 re-executes a
/// <see cref="ZkvmShardJob"/> (or, for an accelerator shard, builds it from the job's calls), builds the shard's traces exactly
/// as <see cref="ZkvmProver{TDef, TDigest}"/> does and commits them; phase 2 takes the traces phase 1 kept on this worker (within <c>traceCacheBytes</c>) or rebuilds them
/// (re-execution and trace generation cost about 1% of a shard's proof, so a phase-2 job can go to any worker) and
/// proves the shard with the shared challenges.
/// Checks on the way: the program and input digests, the re-executed record against the job's memory, and the
/// register file at the shard's end against the coordinator's replay. Thread-safe; caches preprocessed keys.
/// </summary>
/// <param name="backend">Where the STARK kernels run (null: the CPU).</param>
/// <param name="traceCacheBytes">
/// Memory for keeping phase-1 traces until the same worker proves the shard (then phase 2 skips re-execution and trace
/// generation, as the single-process prover does); 0 keeps nothing. A phase-2 job for traces not kept rebuilds them.
/// </param>
public sealed class ZkvmShardWorker(IProverBackend<KoalaBearParameters>? backend = null, long traceCacheBytes = 0)
{
    /// <summary>Preprocessed proving keys (a <see cref="ProvingKey{TParams, TDigest}"/> of the configuration's digest, or null) by program, configuration and heights.</summary>
    private readonly ConcurrentDictionary<string, object?> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ShardTraces Traces, long Bytes)> _traces = new(StringComparer.Ordinal);
    private long _cachedBytes;

    /// <summary>Phase-1 traces kept for phase 2 now.</summary>
    public int CachedShards => _traces.Count;

    /// <summary>
    /// Phase 1: the shard's heights, public values and main commitment. With <paramref name="keepAs"/> the traces are kept
    /// (within the cache's budget) for a later <see cref="Prove"/> with the same key.
    /// </summary>
    public ShardCommitment Commit(ZkvmProgram program, byte[] input, ZkvmShardJob job, StarkConfig config, CancellationToken cancellation = default,
        string? keepAs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(program);
        program = program.ForDigest(config.DigestElements);
        var shard = BuildTraces(program, input, job, cancellation);
        if (keepAs is not null)
            Keep(keepAs, shard);
        cancellation.ThrowIfCancellationRequested();
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => ShardCommitment.Of(shard.Chips, shard.LogHeights, shard.Publics,
                new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(config, backend).CommitMainTraces(shard.Traces)),
            (4, _) => ShardCommitment.Of(shard.Chips, shard.LogHeights, shard.Publics,
                new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearWideDigest>(config, backend).CommitMainTraces(shard.Traces)),
            (_, KoalaBearDigest.Length) => ShardCommitment.Of(shard.Chips, shard.LogHeights, shard.Publics,
                new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(config, backend).CommitMainTraces(shard.Traces)),
            _ => ShardCommitment.Of(shard.Chips, shard.LogHeights, shard.Publics,
                new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(config, backend).CommitMainTraces(shard.Traces)),
        };
    }

    /// <summary>
    /// Phase 2: the shard's proof under the shared challenges (from the traces kept as <paramref name="keptAs"/>, else rebuilt).
    /// <paramref name="checkConstraints"/> checks every table against its AIR first, as <see cref="ZkvmProverOptions.CheckConstraints"/>
    /// does on the single-process path (off by default there and here: it costs about half a second per 2^18-cycle shard).
    /// </summary>
    public ZkvmShardProof Prove(ZkvmProgram program, byte[] input, ZkvmShardJob job, StarkConfig config, ZkvmShardChallenges challenges,
        CancellationToken cancellation = default, string? keptAs = null, bool checkConstraints = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(challenges);
        ArgumentNullException.ThrowIfNull(program);
        program = program.ForDigest(config.DigestElements);
        ShardTraces? kept = null;
        if (keptAs is not null && _traces.TryRemove(keptAs, out var entry))
        {
            Interlocked.Add(ref _cachedBytes, -entry.Bytes);
            kept = entry.Traces;
        }
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Prove<KoalaBearQuartic, KoalaBearDigest>(program, input, job, config, challenges, kept, checkConstraints, cancellation),
            (4, _) => Prove<KoalaBearQuartic, KoalaBearWideDigest>(program, input, job, config, challenges, kept, checkConstraints, cancellation),
            (_, KoalaBearDigest.Length) => Prove<KoalaBearOctic, KoalaBearDigest>(program, input, job, config, challenges, kept, checkConstraints, cancellation),
            _ => Prove<KoalaBearOctic, KoalaBearWideDigest>(program, input, job, config, challenges, kept, checkConstraints, cancellation),
        };
    }

    /// <summary>Drops kept traces (a cancelled or finished proof's).</summary>
    public void Forget(string keptAs)
    {
        if (_traces.TryRemove(keptAs, out var entry))
            Interlocked.Add(ref _cachedBytes, -entry.Bytes);
    }

    private void Keep(string key, ShardTraces shard)
    {
        long bytes = shard.Traces.Sum(t => (long)t.Width * t.Height * sizeof(uint));
        if (Interlocked.Add(ref _cachedBytes, bytes) > traceCacheBytes || !_traces.TryAdd(key, (shard, bytes)))
            Interlocked.Add(ref _cachedBytes, -bytes);
    }

    private ZkvmShardProof Prove<TDef, TDigest>(ZkvmProgram program, byte[] input, ZkvmShardJob job, StarkConfig config, ZkvmShardChallenges challenges,
        ShardTraces? kept, bool checkConstraints, CancellationToken cancellation)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var extra = new List<(string, double)>();
        // Kept traces were built from this very job in phase 1 (the key is the job's digest), so they are what a rebuild gives.
        var shard = kept ?? BuildTraces(program, input, job, cancellation);
        if (kept is null)
            extra.Add(("traces rebuilt for phase 2", clock.Elapsed.TotalMilliseconds));
        cancellation.ThrowIfCancellationRequested();
        if ((job.Kind == ZkvmShardKind.Accelerator ? ZkvmChips.IsAcceleratorShard(shard.Chips) ? null : $"chips {shard.Chips} are not an accelerator shard's"
                : ZkvmChips.Check(shard.Chips, job.IsLast)) is { } error)
            throw new InvalidOperationException($"shard {job.Index}: {error} (a trace generator bug)");
        var airs = program.AirsOf(shard.Chips);
        clock.Restart();
        var key = Key<TDigest>(program, shard.Chips, shard.LogHeights, config);
        extra.Add(("preprocessed key (worker, cached)", clock.Elapsed.TotalMilliseconds));
        var seed = new SharedBusChallenges<ExtensionField<KoalaBear, TDef>>(Extension<TDef>(challenges.Gamma), Extension<TDef>(challenges.Beta), [.. challenges.Seed])
        {
            StatementFractions = challenges.StatementFractions,
        };
        var prover = new StarkProver<KoalaBearParameters, TDef, TDigest>(config, backend) { CheckConstraints = checkConstraints };
        clock.Restart();
        var proof = prover.Prove(airs, shard.Traces, shard.Publics, key, seed);
        extra.Add(("stark prover call, whole", clock.Elapsed.TotalMilliseconds));
        var security = prover.LastSecurity!;
        clock.Restart();
        var bytes = ProofSerializer.Serialize<KoalaBearParameters, TDef, TDigest>(proof);
        extra.Add(("shard proof serialised", clock.Elapsed.TotalMilliseconds));
        return new ZkvmShardProof(bytes, security.Provable, security.Conjectured, [.. prover.LastTimings, .. extra]);
    }

    internal static ExtensionField<KoalaBear, TDef> Extension<TDef>(uint[] canonical) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        if (canonical.Length != TDef.Degree)
            throw new ArgumentException($"a challenge of degree {canonical.Length}, expected {TDef.Degree}");
        Span<KoalaBear> c = stackalloc KoalaBear[canonical.Length];
        for (int i = 0; i < c.Length; i++)
            c[i] = canonical[i] < KoalaBearParameters.P ? KoalaBear.FromUInt64(canonical[i]) : throw new ArgumentException("a challenge coefficient is not canonical");
        return ExtensionField<KoalaBear, TDef>.FromCoefficients(c);
    }

    /// <summary>
    /// The preprocessed key of a shard with <paramref name="chips"/>: a subset of the key over all chips (only the preprocessed
    /// tables' heights matter; the key is the same for every shard of a program and configuration).
    /// </summary>
    private ProvingKey<KoalaBearParameters, TDigest>? Key<TDigest>(ZkvmProgram program, ChipSet chips, int[] logHeights, StarkConfig config)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var heights = ZkvmProgram.RegistryHeights(chips, logHeights);
        string id = string.Join(',', [Convert.ToHexString(program.Digest), config.Name, config.LogBlowup.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TDigest.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. program.Airs.Select((a, t) => a.PreprocessedWidth > 0 ? heights[t].ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")]);
        if (_keys.Count > 16)
            _keys.Clear();
        var full = (ProvingKey<KoalaBearParameters, TDigest>?)_keys.GetOrAdd(id, _ => StarkSetup.Preprocess<KoalaBearParameters, TDigest>(program.Airs, heights, config.LogBlowup, backend));
        return full?.Subset(program.Airs, chips.Indices());
    }

    /// <summary>
    /// Re-executes the job's CPU shard, or gathers an accelerator shard's calls, and builds its traces, checking everything the
    /// job claims that the worker can see.
    /// </summary>
    internal static ShardTraces BuildTraces(ZkvmProgram program, byte[] input, ZkvmShardJob job, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(job);
        if (!job.ProgramDigest.AsSpan().SequenceEqual(program.Digest))
            throw new InvalidOperationException("the shard job is about another program");
        if (job.InputSize != (ulong)input.Length || !job.InputDigest.AsSpan().SequenceEqual(SHA256.HashData(input)))
            throw new InvalidOperationException("the shard job is about another input");
        cancellation.ThrowIfCancellationRequested();
        if (job.Accelerator is { } calls)
        {
            // Built as the single-process prover builds it (AcceleratorShards.Build), from the calls taken through its own
            // gathering: calls that are not one chunk of this accelerator's, out of order, or at a tier not theirs are refused.
            var budget = job.Budget ?? throw new InvalidOperationException($"shard {job.Index}: an accelerator shard job without a shard budget");
            return AcceleratorShards.Build(program, AcceleratorShards.ChunkOf(program, calls, budget), budget);
        }
        var resume = job.Resume ?? throw new InvalidOperationException($"shard {job.Index}: a CPU shard job without its start state");
        var registers = (job.Registers ?? throw new InvalidOperationException($"shard {job.Index}: a CPU shard job without its register file")).ToRegisterFile();
        var memory = new MemoryBoundaries(program, input);
        if (job.IsLast && job.PriorAccesses.Count > 0)
        {
            // The earlier shards' last accesses, as the single-process prover's boundary has seen them by now.
            var prior = new ExecutionRecord(0, new ShardStart(0, 0, new ulong[32]));
            prior.MemoryAccesses.Capacity = job.PriorAccesses.Count;
            foreach (var a in job.PriorAccesses)
                prior.MemoryAccesses.Add(new MemoryAccessEvent(a.Address, a.Value, 0, a.Clk, 0));
            memory.Add(prior);
        }
        // The same re-execution as the single-process prover's phase 2 (ShardCheckpoint), padded to the job's budget as it
        // pads (a budget the shard's tables pass throws there); a record that touches other memory than the job lists is a corrupt job.
        var shard = ShardCheckpoint.Rebuild(program, input, resume, registers, memory, job.IsLast, new MachineOptions().MaxCycles, job.Budget);
        if (job.ExpectedEnd is { } end && !end.Matches(registers))
            throw new InvalidOperationException($"shard {job.Index}: the register file at the shard's end differs from the coordinator's replay");
        return shard;
    }
}
