using System.Diagnostics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.Memory;
using SyscallNumbers = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Proving;

/// <summary>Options of <see cref="ZkvmProver{TDef, TDigest}"/>.</summary>
public sealed record ZkvmProverOptions
{
    public StarkConfig Config { get; init; } = StarkConfig.Provable100;

    /// <summary>
    /// Cycles per shard (a power of two; each shard's tables are at most this tall). Null (default): the largest
    /// shard whose modelled peak memory fits <see cref="MemoryBudgetBytes"/> (<see cref="ShardMemoryModel"/>),
    /// at most 2^<see cref="ShardMemoryModel.MaxLogShardSize"/>, chosen after an untraced run counts the cycles.
    /// </summary>
    public long? ShardSize { get; init; }

    /// <summary>
    /// Memory the automatic shard size may plan for, and that bounds the main LDEs kept between the phases
    /// (<see cref="RetainMainCommitments"/>); null: <see cref="ShardMemoryModel.DefaultBudgetBytes"/>. The shard size ignores it when
    /// <see cref="ShardSize"/> is given.
    /// </summary>
    public long? MemoryBudgetBytes { get; init; }

    public IProverBackend<KoalaBearParameters>? Backend { get; init; }

    /// <summary>
    /// Several backends (one per device): the shard proofs run on them at once, one shard per backend at a time, each shard on a
    /// backend whose <see cref="IProverBackend{TParams}.DeviceMemoryBytes"/> holds its modelled peak (<see cref="ShardProofSlots"/>);
    /// the proof is the same bytes as with one backend. The main commitments and the preprocessed key use <see cref="Backend"/>, or the
    /// first of these when it is null. Null or empty: <see cref="Backend"/> alone.
    /// </summary>
    public IReadOnlyList<IProverBackend<KoalaBearParameters>>? Backends { get; init; }

    /// <summary>
    /// Longest execution proved: a longer one stops with <see cref="MachineFault.CycleLimitExceeded"/> before it is
    /// traced further. It bounds the proving time; the memory held between the phases grows with it only by each
    /// shard's checkpoint (docs/design.md, "Shard retention between the phases"). At most <see cref="ZkvmProver{TDef, TDigest}.MaxCycles"/>.
    /// </summary>
    public long MaxCycles { get; init; } = DefaultMaxCycles;

    /// <summary>
    /// 2^26 cycles: 26 times the example Ethereum block (2.6 M cycles), about 2.5 mainnet blocks; longer executions
    /// take hours on a CPU and are bounded by the bus argument (docs/zkvm.md, "Bus multiplicity bound").
    /// </summary>
    public const long DefaultMaxCycles = 1L << 26;

    /// <summary>
    /// How shards are shaped (docs/design.md, "Recursion", piece (b)): <see cref="ShardShapePolicy.Natural"/> (default) cuts
    /// every <see cref="ShardSize"/> cycles with natural table heights; <see cref="ShardShapePolicy.Budget"/> also cuts when
    /// a CPU-side table would pass its budget (<see cref="ShardBudget"/>) and pads every shard but the last to the budget.
    /// </summary>
    public ShardShapePolicy ShapePolicy { get; init; } = ShardShapePolicy.Natural;

    /// <summary>Check every table against its AIR before proving (slower; a bug then fails with the violated constraint).</summary>
    public bool CheckConstraints { get; init; }

    /// <summary>Called with a phase name and a fraction in [0, 1] as work progresses.</summary>
    public Action<string, double>? Progress { get; init; }

    /// <summary>Called with a phase name, the shards done in that phase and the shard count, before each shard and at the phase's end.</summary>
    public Action<string, int, int>? ShardProgress { get; init; }

    /// <summary>Checked before every shard step of every phase (trace generation, main commitment, shard proof): a cancelled proof throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Whether phase 2 reuses the main LDEs and Merkle trees phase 1 made for the main commitments instead of making them
    /// again (docs/design.md, "Shard retention between the phases"). Null (default): each shard's, in order, while the kept
    /// bytes stay within the memory budget less the modelled peak of proving (<see cref="MainRetentionAllowance"/>), on a
    /// single host backend; false: never (every shard's main LDE and tree are made twice); true: every shard's on a single
    /// host backend, whatever the memory (tests). The proof bytes are the same either way (ShardRetentionTests).
    /// </summary>
    public bool? RetainMainCommitments { get; init; }

    /// <summary>
    /// Whether a shard whose main LDEs are kept (<see cref="RetainMainCommitments"/>) keeps its traces too while they fit the
    /// same allowance, so that phase 2 proves from them instead of rebuilding the shard from its checkpoint (default true;
    /// false: every shard is rebuilt, the reference for ShardRetentionTests). The proof bytes are the same either way.
    /// </summary>
    public bool RetainTracesWithMainCommitments { get; init; } = true;

    /// <summary>
    /// Reference retention (tests only): keep every shard's traces from phase 1 to phase 2, as the prover did before
    /// shards were rebuilt from checkpoints; the proof bytes are the same (ShardRetentionTests), the memory is not.
    /// </summary>
    internal bool RetainTraces { get; init; }

    /// <summary>
    /// Tests only: at most 2^this rows (keys or input pairs) per boundary chunk shard under <see cref="ShardShapePolicy.Budget"/>,
    /// below the tier rule's (<see cref="BoundaryChunks.Plan"/>), so that a small execution's boundary spans several chunks.
    /// </summary>
    internal int? ChunkMaxLogRows { get; init; }

    /// <summary>Tests only: a bus-count bound below p, so that a small execution shows the prover's refusal.</summary>
    internal ulong? BusBudgetLimit { get; init; }

    /// <summary>
    /// Soundness tests only: edits a shard's traces and public values after generation (a cheating prover). Both arrays
    /// are indexed by chip (<see cref="ZkvmTable"/>); an absent chip's trace is null, and a trace set to null (or to a
    /// matrix) takes the chip out of (or into) the shard. The prover then skips its own chip-set and balance checks.
    /// </summary>
    internal Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? Tamper { get; init; }
}

/// <summary>Figures of one proof: cycles, shards, time per phase (ms) and proof size.</summary>
public sealed record ZkvmProofReport(string Config, long Cycles, int Shards, IReadOnlyList<(string Phase, double Milliseconds)> Timings, int ProofBytes, double ProvableBits,
    double ConjecturedBits)
{
    /// <summary>log2 of the cycles per shard the proof used (given, or chosen from the memory budget).</summary>
    public int LogShardSize { get; init; }

    /// <summary>The memory budget the shard size was chosen for, and the model's peak estimate for that size; null when the shard size was given.</summary>
    public (long Budget, long Estimate)? Memory { get; init; }

    /// <summary>Bytes of the per-shard checkpoints kept between the two phases (docs/design.md, "Shard retention between the phases").</summary>
    public long CheckpointBytes { get; init; }

    /// <summary>
    /// Shards whose phase 2 reused phase 1's main LDEs and tree (<see cref="ZkvmProverOptions.RetainMainCommitments"/>), and
    /// the most bytes those (with the traces kept beside them, <see cref="TracesKept"/>) held at once.
    /// </summary>
    public (int Shards, long Bytes) MainCommitmentsKept { get; init; }

    /// <summary>Shards whose traces were kept with their main LDEs, so phase 2 did not rebuild them (<see cref="ZkvmProverOptions.RetainTracesWithMainCommitments"/>).</summary>
    public int TracesKept { get; init; }

    /// <summary>The fullest bus of the statement and its share of the bus-count bound p (docs/zkvm.md "Bus multiplicity bound").</summary>
    public (int Bus, double Share) BusLoad { get; init; }
}

/// <summary>
/// Proves guest executions (docs/zkvm.md, "Proving an execution"): runs the guest with tracing, builds
/// every chip's trace shard by shard (registers carried across shards with absolute timestamps, the one
/// memory boundary of the whole execution in the last shard) and commits each shard's main traces as its
/// record completes, keeping only a checkpoint per shard; draws the shared LogUp challenges from a transcript
/// of all commitments and claims; then rebuilds and proves one shard at a time with them (docs/design.md,
/// "Shard retention between the phases"). Before returning it checks that the buses balance across all shards and the verifier's
/// public tuples, so an internal inconsistency fails here, never as a proof that does not verify.
/// </summary>
public sealed class ZkvmProver<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ZkvmProverOptions _options;

    public ZkvmProver(ZkvmProverOptions? options = null)
    {
        _options = options ?? new ZkvmProverOptions();
        if (_options.ShardSize is { } size && (size < 2 || (size & (size - 1)) != 0 || size > 1L << 24))
            throw new ArgumentException("the shard size is a power of two between 2 and 2^24");
        if (_options.MemoryBudgetBytes is <= 0)
            throw new ArgumentException("the memory budget must be positive");
    }

    public ZkvmProofReport? LastReport { get; private set; }

    /// <summary>Longest provable execution (timestamps 4·clk + slot stay below 2^40).</summary>
    public const long MaxCycles = (1L << 38) - 1;

    /// <summary>Executes <paramref name="program"/> on <paramref name="input"/> and proves it. Machine faults surface as <see cref="MachineException"/>.</summary>
    public ZkvmProof<TDef, TDigest> Prove(ZkvmProgram program, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(input);
        // The input-commitment chip follows the digest's shape (8 elements: width 16; 12: width 24).
        program = program.ForDigest(TDigest.Length);
        var timings = new List<(string, double)>();
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings.Add((phase, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }
        var progress = _options.Progress;
        var cancel = _options.Cancellation;
        void Step(string phase, int done, int count)
        {
            cancel.ThrowIfCancellationRequested();
            _options.ShardProgress?.Invoke(phase, done, count);
        }

        progress?.Invoke("execute", 0);
        var (shardSize, memoryPlan, plannedShards) = ChooseShardSize(program, input);
        if (memoryPlan is not null)
            Lap("probe (table heights for the shard size)");
        // ts = 4·clk + slot must stay below 2^40 (ts_hi < 2^24): at most 2^38 − 1 cycles.
        long maxCycles = Math.Min(_options.MaxCycles, MaxCycles);
        int expectedShards = plannedShards; // 0 when unknown (a given shard size: no probe ran)
        var shardBudget = _options.ShapePolicy == ShardShapePolicy.Budget ? ShardBudget.ForShardSize(shardSize) : null;

        // Phase 1 (docs/design.md, "Shard retention between the phases"): one traced run; each shard's traces are built as
        // soon as its record is complete, committed, and dropped with the record. What stays per shard is its statement
        // (chips, heights, public values, main commitment) and a checkpoint to rebuild the same traces in phase 2, so the
        // memory held grows with one shard's traces, not with the execution. The configuration is known once a table is
        // taller than the small-statement bound (StarkConfig.ForTallestTable); until then shards wait for their commitment
        // and are rebuilt (cheaply: every table is at most 2^12 rows) once the run ends.
        bool retainTraces = _options.RetainTraces || _options.Tamper is not null;
        var checkpoints = new List<ShardCheckpoint?>(); // null: an accelerator shard (its chunk below)
        // Under the budget policy, every accelerator's calls of the whole execution, gathered in execution order into the
        // accelerator shards (AcceleratorShards), which come after the CPU shards and before the last one; each such
        // shard's chunk of calls is what phase 2 rebuilds it from (null: a CPU shard).
        var accelerators = shardBudget is null ? null : new AcceleratorShards(program, shardBudget);
        var acceleratorChunks = new List<AcceleratorChunk?>();
        // Under the budget policy, the memory boundary and the input commitment in boundary chunk shards (BoundaryChunks), after
        // the accelerator shards and before the last shard; each such shard's chunk is what phase 2 rebuilds it from.
        var boundaryChunks = new List<BoundaryChunk?>();
        var statements = new List<ShardTraces>(); // traces dropped (empty) unless retained
        var kept = new List<ShardTraces?>();
        var commitments = new List<ShardCommitment?>();
        var registers = new RegisterFile(ZkvmProgram.InitialRegisters());
        var memory = new MemoryBoundaries(program, input);
        MemoryBoundaries? checkOnly = null; // for rebuilding shards that are not the last
        var outputBytes = new List<byte>();
        long consoleBytes = 0;
        StarkConfig? config = null;
        StarkProver<KoalaBearParameters, TDef, TDigest>? prover = null;
        int tallest = 0;
        var traceClock = new Stopwatch();
        var commitClock = new Stopwatch();
        // Phase 1 (and the key) run on the given backend, or the first of several.
        var backend = _options.Backend ?? _options.Backends?.FirstOrDefault();
        // Main LDEs and trees kept for phase 2 (null: made again there). Only on one host backend: several backends prove
        // shards on others, and a device backend's copies would hold device memory across the phases.
        var retainedMains = new List<StarkProver<KoalaBearParameters, TDef, TDigest>.RetainedMain?>();
        bool mayRetain = _options.RetainMainCommitments != false && _options.Backends is not { Count: > 1 }
            && (backend ?? CpuBackend<KoalaBearParameters>.Instance).DeviceMemoryBytes is null;
        long? retainAllowance = null; // set from the first committed shard when the budget decides
        long retainedBytes = 0;
        int mainsUsed = 0;
        // Traces kept with their shard's main LDEs (phase 2 skips the rebuild); not when a device backend or several prove.
        bool retainTracesWithMains = _options.RetainTracesWithMainCommitments;
        int tracesKept = 0;
        ShardCommitment Commit(ShardTraces t, int s)
        {
            commitClock.Start();
            StarkProver<KoalaBearParameters, TDef, TDigest>.RetainedMain? keptMain = null;
            MerkleCap<KoalaBearParameters, TDigest> cap;
            if (mayRetain)
            {
                keptMain = prover!.CommitMainTracesRetained(t.Traces);
                cap = keptMain.Cap;
                if (_options.RetainMainCommitments != true)
                {
                    retainAllowance ??= MainRetentionAllowance(program, t, memoryPlan, config!);
                    if (retainedBytes + keptMain.Bytes > retainAllowance)
                        keptMain = null; // over the allowance: this shard's LDE is dropped and made again in phase 2
                }
                if (keptMain is not null)
                {
                    retainedBytes += keptMain.Bytes;
                    // The shard's traces too while the allowance holds them (a third of the LDE and tree at blowup 2): phase 2
                    // then proves from them instead of rebuilding the shard from its checkpoint (the same traces: the rebuild is
                    // checked against phase 1's statement and gives the same bytes, ShardRetentionTests).
                    long traceBytes = t.Traces.Sum(m => (long)m.Values.Length * 4);
                    if (retainTracesWithMains && kept[s] is null && (_options.RetainMainCommitments == true || retainedBytes + traceBytes <= retainAllowance))
                    {
                        kept[s] = t;
                        retainedBytes += traceBytes;
                        tracesKept++;
                    }
                }
            }
            else
            {
                cap = prover!.CommitMainTraces(t.Traces);
            }
            while (retainedMains.Count <= s)
                retainedMains.Add(null);
            retainedMains[s] = keptMain;
            var c = ShardCommitment.Of(t.Chips, t.LogHeights, t.Publics, cap);
            commitClock.Stop();
            return c;
        }
        void Decide(StarkConfig c)
        {
            config = c;
            prover = new StarkProver<KoalaBearParameters, TDef, TDigest>(c, backend) { CheckConstraints = _options.CheckConstraints };
        }
        ShardTraces Checked(int s, ShardTraces shard, bool last)
        {
            if (_options.Tamper is { } tamper)
            {
                // The hook edits the traces by chip index; a table it sets to null is left out of the shard.
                var (byChip, publicsByChip) = shard.ByChip();
                tamper(s, byChip, publicsByChip);
                return ShardTraces.FromChips(byChip, publicsByChip);
            }
            if (ZkvmChips.CheckShard(shard.Chips, last, chunked: shardBudget is not null) is { } error)
                throw new InvalidOperationException($"shard {s}: {error} (a trace generator bug)");
            return shard;
        }
        void CommitWaiting()
        {
            for (int w = 0; w < commitments.Count; w++)
                if (commitments[w] is null)
                {
                    Step("main commitments", w, Math.Max(expectedShards, checkpoints.Count));
                    commitments[w] = Commit(kept[w] ?? Rebuild(w), w);
                }
        }
        using var machine = new Machine.Machine(program.Program, input,
            new MachineOptions { ShardSize = shardSize, MaxCycles = maxCycles, RowLimits = shardBudget?.RowLimits(program) });
        void Phase1(ExecutionRecord record, bool last)
        {
            var (checkpoint, shard) = BuildCpuShard(record, last);
            AddCpuShard(checkpoint, shard, last);
        }
        // A CPU shard's checkpoint and traces (its registers and memory accesses carried on); added by AddCpuShard.
        (ShardCheckpoint, ShardTraces) BuildCpuShard(ExecutionRecord record, bool last)
        {
            int s = checkpoints.Count;
            progress?.Invoke("trace generation", expectedShards == 0 ? 0 : Math.Min(1, (double)s / expectedShards));
            Step("trace generation", s, Math.Max(expectedShards, s + 1));
            traceClock.Start();
            var checkpoint = ShardCheckpoint.Of(record, registers, consoleBytes, outputBytes.Count, last);
            foreach (var e in record.Syscalls)
            {
                if (e.Number == SyscallNumbers.Commit)
                    outputBytes.Add((byte)e.A1);
                else if (e.Number == SyscallNumbers.Write && e.A0 == 1)
                    consoleBytes += (long)e.Result;
            }
            var shard = ShardTraceBuilder.Build(program, record, registers, memory, input, last, shardBudget);
            // The last record's calls were taken before the accelerator shards were built (they precede the last shard).
            if (!last)
                accelerators?.Add(record);
            machine.Recycle(record);
            traceClock.Stop();
            return (checkpoint, shard);
        }
        void AddCpuShard(ShardCheckpoint checkpoint, ShardTraces built, bool last)
        {
            int s = checkpoints.Count;
            var shard = Checked(s, built, last);
            checkpoints.Add(checkpoint);
            acceleratorChunks.Add(null);
            boundaryChunks.Add(null);
            Committed(s, shard);
        }
        // A boundary chunk shard (the budget policy): built from its run of keys or input pairs, committed like a CPU shard.
        void BoundaryPhase1(BoundaryChunk chunk)
        {
            int s = checkpoints.Count;
            Step("trace generation", s, Math.Max(expectedShards, s + 1));
            traceClock.Start();
            var shard = Checked(s, BoundaryChunks.Build(program, input, chunk, shardBudget!), last: false);
            traceClock.Stop();
            checkpoints.Add(null);
            acceleratorChunks.Add(null);
            boundaryChunks.Add(chunk);
            Committed(s, shard);
        }
        // An accelerator shard (the budget policy): built from its chunk of calls, committed like a CPU shard.
        void AcceleratorPhase1(AcceleratorChunk chunk)
        {
            int s = checkpoints.Count;
            progress?.Invoke("trace generation", expectedShards == 0 ? 0 : Math.Min(1, (double)s / expectedShards));
            Step("trace generation", s, Math.Max(expectedShards, s + 1));
            traceClock.Start();
            var shard = Checked(s, AcceleratorShards.Build(program, chunk, shardBudget!), last: false);
            traceClock.Stop();
            checkpoints.Add(null);
            acceleratorChunks.Add(chunk);
            boundaryChunks.Add(null);
            Committed(s, shard);
        }
        void Committed(int s, ShardTraces shard)
        {
            // The statement without its traces (a record copy keeps the heights computed from the traces).
            statements.Add(shard with { Traces = [] });
            kept.Add(retainTraces ? shard : null);
            tallest = Math.Max(tallest, shard.LogHeights.DefaultIfEmpty(0).Max());
            if (config is null && ReferenceEquals(_options.Config.ForTallestTable(tallest), _options.Config))
            {
                Decide(_options.Config);
                // Shards that waited for the configuration: rebuilt and committed now (their tables are small).
                CommitWaiting();
            }
            if (config is not null)
            {
                Step("main commitments", s, Math.Max(expectedShards, s + 1));
                commitments.Add(Commit(shard, s));
            }
            else
            {
                commitments.Add(null);
            }
        }
        // A record is built once the next one arrives: only then is it known not to be the last.
        ExecutionRecord? pending = null;
        var runClock = Stopwatch.StartNew();
        var result = machine.RunTraced(record =>
        {
            cancel.ThrowIfCancellationRequested();
            if (pending is not null)
                Phase1(pending, last: false);
            pending = record;
        });
        if (pending is null)
            throw new InvalidOperationException("the traced run produced no shard");
        if (accelerators is not null)
        {
            // The accelerator shards just before the last shard, which must stay the last index (it alone has the memory
            // boundary and the input commitment; the verifier and the leaves check its kind by its position).
            accelerators.Add(pending);
            foreach (var chunk in accelerators.Chunks)
                AcceleratorPhase1(chunk);
            // The last shard's traces first (they complete the memory boundary: its accesses and the final registers), then the
            // boundary chunk shards, then the last shard, which stays the last index.
            var (lastCheckpoint, lastShard) = BuildCpuShard(pending, last: true);
            var (init, final) = memory.Entries(registers);
            foreach (var chunk in BoundaryChunks.Plan(program, shardBudget!, init, final, input.Length, _options.ChunkMaxLogRows))
                BoundaryPhase1(chunk);
            AddCpuShard(lastCheckpoint, lastShard, last: true);
        }
        else
        {
            Phase1(pending, last: true);
        }
        pending = null;
        if (config is null)
        {
            // A small statement under provable-100 is proved with that preset's small-statement shape (StarkConfig.ForTallestTable:
            // blowup 64, fewer queries, the same provable level); the verifier accepts it for statements that small only.
            Decide(_options.Config.ForTallestTable(tallest));
            CommitWaiting();
        }
        runClock.Stop();
        timings.Add(("execute (traced)", Math.Max(0, runClock.Elapsed.TotalMilliseconds - traceClock.Elapsed.TotalMilliseconds - commitClock.Elapsed.TotalMilliseconds)));
        timings.Add(("trace generation", traceClock.Elapsed.TotalMilliseconds));
        timings.Add(("main commitments (all shards)", commitClock.Elapsed.TotalMilliseconds));
        clock.Restart();
        cancel.ThrowIfCancellationRequested();

        var output = outputBytes.ToArray();
        int count = statements.Count;
        var chips = statements.Select(t => t.Chips).ToArray();
        var heights = statements.Select(t => t.LogHeights).ToArray();
        // Refuse a statement the verifier would refuse: every bus must stay below p bounded sends and receives over all
        // shards (docs/zkvm.md "Bus multiplicity bound").
        if (ZkvmBusBudget.Check(program, chips, heights, output.Length, _options.BusBudgetLimit) is { } budget && _options.Tamper is null)
            throw new InvalidOperationException($"this execution ({result.Cycles:N0} cycles, {count} shards) is too large for one sound bus argument: {budget}");

        // One preprocessed key over every chip (only the preprocessed tables' heights matter: the Program and image tables,
        // present in every shard at their program-fixed heights); each shard proves with its subset. A shard whose preprocessed heights differ from the
        // last shard's fails in the STARK prover's key check.
        var fullKey = StarkSetup.Preprocess<KoalaBearParameters, TDigest>(program.Airs, ZkvmProgram.RegistryHeights(chips[^1], heights[^1]),
            config!.LogBlowup, backend)!;
        ProvingKey<KoalaBearParameters, TDigest> Key(ChipSet c) => fullKey.Subset(program.Airs, c.Indices());
        Lap("preprocessed commitment");

        var committed = commitments.Select(c => c!.Value).ToArray();
        // Chunked mode (the budget policy): the input commitment is the input chunks' chain's end, bound by the verifier's end tuple.
        bool chunked = ZkvmChips.IsChunkedMode(chips[^1]);
        var inputCommitment = chips[^1].Contains(ZkvmTable.InputCommit) ? statements[^1].PublicsOf(ZkvmTable.InputCommit)[InputCommitCols.PublicCommitment..]
            : InputCommitment.Compute(input, TDigest.Length);
        var (seeds, gamma, beta) = ZkvmStatement.Challenges<TDef, TDigest>(config, program, fullKey.VerifyingKey.PreprocessedRoot, (ulong)input.Length,
            inputCommitment, output, result.ExitCode, result.Cycles, committed);
        double fractions = ZkvmBusBudget.StatementFractions(program, chips, heights, output.Length);
        Security.SecurityReport? security = null;
        var proofs = new StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>[count];
        var total = default(ExtensionField<KoalaBear, TDef>);
        var phase = new Dictionary<string, double>();
        var rebuildClock = new Stopwatch();
        // Phase 2 on one slot per backend (the first is phase 1's prover); the shared state below is updated under a lock, and
        // its updates (a sum, the weakest security, summed timings) do not depend on the order in which the shards finish. A
        // shard's traces are rebuilt under the lock too (the rebuild shares the memory boundaries), then proved on the slot.
        var slots = _options.Backends is { Count: > 1 } several
            ? several.Select((b, i) => i == 0 && ReferenceEquals(b, backend) ? prover! : new StarkProver<KoalaBearParameters, TDef, TDigest>(config, b)
                { CheckConstraints = _options.CheckConstraints }).ToArray()
            : [prover!];
        var shapes = slots.Length > 1 ? ShardMemoryModel.Shapes(program.Airs) : null;
        var gate = new object();
        bool Fits(StarkProver<KoalaBearParameters, TDef, TDigest> slot, int s)
        {
            if (shapes is null || slot.Backend.DeviceMemoryBytes is not { } available)
                return true;
            // The shard alone (its tables' heights, no execution record): the model's peak of one shard proof.
            var logHeights = Enumerable.Repeat(-1, shapes.Length).ToArray();
            var indices = chips[s].Indices();
            for (int i = 0; i < indices.Length; i++)
                logHeights[indices[i]] = heights[s][i];
            return ShardMemoryModel.EstimatePeakBytes(shapes, logHeights, 1, 0, TDef.Degree, config.LogBlowup, TDigest.Length) <= available;
        }
        int started = 0;
        void ProveShard(StarkProver<KoalaBearParameters, TDef, TDigest> slot, int s)
        {
            ShardTraces t;
            lock (gate)
            {
                progress?.Invoke("shard proofs", (double)started / count);
                Step("shard proofs", started++, count);
                // Phase 2: this shard's traces again (kept only when retained), proved, then dropped.
                rebuildClock.Start();
                t = kept[s] ?? Rebuild(s);
                kept[s] = null;
                rebuildClock.Stop();
            }
            StarkProver<KoalaBearParameters, TDef, TDigest>.RetainedMain? main = null;
            lock (gate)
            {
                // Phase 1's LDEs and tree of this shard, when kept (one backend: the slot is phase 1's prover).
                if (s < retainedMains.Count && ReferenceEquals(slot, prover))
                {
                    main = retainedMains[s];
                    retainedMains[s] = null;
                    if (main is not null)
                        mainsUsed++;
                }
            }
            var shardProof = slot.Prove(program.AirsOf(t.Chips), t.Traces, t.Publics, Key(t.Chips), seeds[s] with { StatementFractions = fractions }, main);
            if (shardProof.MainCommitment != committed[s].Cap<TDigest>())
                throw new InvalidOperationException($"shard {s}: the main commitment changed between the two phases");
            lock (gate)
            {
                proofs[s] = shardProof;
                security = security is null ? slot.LastSecurity : Security.SecurityReport.Weakest(security, slot.LastSecurity!);
                foreach (var (p, ms) in slot.LastTimings)
                    phase[p] = phase.GetValueOrDefault(p) + ms;
                foreach (var sum in shardProof.CumulativeSums)
                    total += sum;
            }
        }
        try
        {
            ShardProofSlots.Run(slots, count, Fits, ProveShard, cancel);
        }
        finally
        {
            // The key was made for this proof: the copies its shards had each device retain (IProverBackend.Retain) go with it.
            foreach (var b in slots.Select(p => p.Backend).Distinct<IProverBackend<KoalaBearParameters>>(ReferenceEqualityComparer.Instance))
                b.ReleaseRetained([.. fullKey.Traces, .. fullKey.Ldes]);
        }
        progress?.Invoke("shard proofs", 1);
        _options.ShardProgress?.Invoke("shard proofs", count, count);
        Lap("shard proofs");
        if (!retainTraces)
            phase["traces rebuilt for phase 2"] = rebuildClock.Elapsed.TotalMilliseconds;
        foreach (var (p, ms) in phase)
            timings.Add(("  " + p, ms));

        // Rebuilds shard s from its checkpoint and checks it against what phase 1 committed to: the same chips, heights and
        // public values, and (except for the last shard) the register file the next shard starts from.
        ShardTraces Rebuild(int s)
        {
            if (boundaryChunks[s] is { } boundary)
            {
                var rebuilt = BoundaryChunks.Build(program, input, boundary, shardBudget!);
                if (rebuilt.Chips != statements[s].Chips || !rebuilt.LogHeights.AsSpan().SequenceEqual(statements[s].LogHeights))
                    throw new InvalidOperationException($"shard {s}: the rebuilt boundary chunk shard's chips or heights differ from phase 1's");
                return rebuilt;
            }
            if (acceleratorChunks[s] is { } chunk)
            {
                var built = AcceleratorShards.Build(program, chunk, shardBudget!);
                var committedShape = statements[s];
                if (built.Chips != committedShape.Chips || !built.LogHeights.AsSpan().SequenceEqual(committedShape.LogHeights))
                    throw new InvalidOperationException($"shard {s}: the rebuilt accelerator shard's chips or heights differ from phase 1's");
                return built;
            }
            var checkpoint = checkpoints[s]!;
            var regs = checkpoint.Registers.ToRegisterFile();
            // Only the last shard reads the memory boundary; phase 1's holds every shard's last accesses, and rebuilding the last
            // shard adds its accesses again in the same order, which leaves the boundary as it was.
            var shard = checkpoint.Rebuild(program, input, regs, checkpoint.IsLast ? memory : checkOnly ??= new MemoryBoundaries(program, input, recordAccesses: false),
                maxCycles, shardBudget);
            var expected = statements[s];
            if (shard.Chips != expected.Chips || !shard.LogHeights.AsSpan().SequenceEqual(expected.LogHeights)
                || !shard.Publics.Zip(expected.Publics).All(p => p.First.AsSpan().SequenceEqual(p.Second)) || shard.Publics.Length != expected.Publics.Length)
                throw new InvalidOperationException($"shard {s}: the rebuilt shard's chips, heights or public values differ from phase 1's");
            // The next CPU shard (accelerator shards between them carry no registers).
            int next = s + 1;
            while (next < checkpoints.Count && checkpoints[next] is null)
                next++;
            if (next < checkpoints.Count && !checkpoints[next]!.Registers.Matches(regs))
                throw new InvalidOperationException($"shard {s}: the rebuilt shard ends with another register file than the next shard starts from");
            return shard;
        }

        var cpuPublics = statements[^1].PublicsOf(ZkvmTable.Cpu);
        ulong haltTs = ZkvmStatement.HaltTimestamp(cpuPublics[6], cpuPublics[7]);
        total += ZkvmStatement.PublicBusSum(output, result.ExitCode, haltTs, gamma, beta,
            chunked ? new ZkvmChainEnds((ulong)input.Length, inputCommitment) : null);
        if (!total.IsZero && _options.Tamper is null)
            throw new InvalidOperationException("the execution's buses do not balance across shards and public tuples (a prover bug)");

        var proof = new ZkvmProof<TDef, TDigest>
        {
            ProgramDigest = program.Digest,
            ExitCode = result.ExitCode,
            Cycles = result.Cycles,
            InputSize = (ulong)input.Length,
            InputCommitment = inputCommitment,
            Output = output,
            ShardChips = chips,
            Shards = proofs,
        };
        LastReport = new ZkvmProofReport(config.Name, result.Cycles, count, timings, proof.ToBytes().Length, security?.Provable ?? 0, security?.Conjectured ?? 0)
        {
            LogShardSize = System.Numerics.BitOperations.Log2((ulong)shardSize),
            Memory = memoryPlan,
            BusLoad = ZkvmBusBudget.Load(program, chips, heights, output.Length),
            CheckpointBytes = checkpoints.Sum(c => c?.Bytes ?? 0) + acceleratorChunks.Sum(c => c?.Bytes ?? 0) + boundaryChunks.Sum(c => c?.Bytes ?? 0),
            MainCommitmentsKept = (mainsUsed, retainedBytes),
            TracesKept = tracesKept,
        };
        return proof;
    }

    /// <summary>
    /// The given shard size, or the largest that fits the memory budget for this execution (its table heights
    /// measured by a traced probe run in small shards, cheap next to proving), with the budget and the model's estimate.
    /// </summary>
    /// <summary>
    /// Bytes phase 1 may keep of main LDEs and trees for phase 2: the memory budget (<see cref="ZkvmProverOptions.MemoryBudgetBytes"/>,
    /// or <see cref="ShardMemoryModel.DefaultBudgetBytes"/>) less the modelled peak of the proof without them (the chosen
    /// shard size's estimate, or, with a given shard size, that of one proof of the first committed shard's tables, as
    /// <see cref="ShardProofSlots"/> models a shard). Never negative. What the model counts stays within the budget, so a
    /// statement the automatic shard size fits keeps fitting, and one the model fills keeps nothing.
    /// </summary>
    private long MainRetentionAllowance(ZkvmProgram program, ShardTraces first, (long Budget, long Estimate)? plan, StarkConfig config)
    {
        long budget = _options.MemoryBudgetBytes ?? ShardMemoryModel.DefaultBudgetBytes();
        long estimate;
        if (plan is { } p)
        {
            estimate = p.Estimate;
        }
        else
        {
            var shapes = ShardMemoryModel.Shapes(program.Airs);
            var logHeights = Enumerable.Repeat(-1, shapes.Length).ToArray();
            var indices = first.Chips.Indices();
            for (int i = 0; i < indices.Length; i++)
                logHeights[indices[i]] = first.LogHeights[i];
            estimate = ShardMemoryModel.EstimatePeakBytes(shapes, logHeights, 1, 0, TDef.Degree, config.LogBlowup, TDigest.Length);
        }
        return Math.Max(0, budget - estimate);
    }

    private (long ShardSize, (long Budget, long Estimate)? Plan, int Shards) ChooseShardSize(ZkvmProgram program, byte[] input)
    {
        if (_options.ShardSize is { } given)
            return (given, null, 0);
        var profile = ShardProfile.Probe(program, input, ShardMemoryModel.ProbeLogShardSize, Math.Min(_options.MaxCycles, MaxCycles));
        long budget = _options.MemoryBudgetBytes ?? ShardMemoryModel.DefaultBudgetBytes();
        var shapes = ShardMemoryModel.Shapes(program.Airs);
        int d = TDef.Degree, logBlowup = _options.Config.LogBlowup;
        int log = ShardMemoryModel.ChooseLogShardSize(shapes, profile, d, logBlowup, budget, digestElements: TDigest.Length, policy: _options.ShapePolicy);
        return (1L << log, (budget, ShardMemoryModel.EstimatePeakBytes(shapes, profile, log, d, logBlowup, TDigest.Length, _options.ShapePolicy)),
            (int)Math.Min(int.MaxValue, profile.Shards(log)));
    }

    /// <summary>The committed output: the bytes of the commit syscalls, in order.</summary>
    public static byte[] CommittedOutput(IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var bytes = new List<byte>();
        foreach (var r in records)
            foreach (var e in r.Syscalls)
                if (e.Number == SyscallNumbers.Commit)
                    bytes.Add((byte)e.A1);
        return [.. bytes];
    }
}

/// <summary>The traces and public values of one shard's statement: its chips' tables in registry order.</summary>
internal sealed record ShardTraces(ChipSet Chips, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics)
{
    public int[] LogHeights { get; } = [.. Traces.Select(t => System.Numerics.BitOperations.Log2((uint)t.Height))];

    /// <summary>The public values of chip <paramref name="chip"/>'s table (it must be present).</summary>
    public KoalaBear[] PublicsOf(int chip) => Publics[Chips.Position(chip)];

    /// <summary>The shard from traces and public values by chip index (null trace: chip absent).</summary>
    public static ShardTraces FromChips(RowMajorMatrix<KoalaBear>?[] traces, KoalaBear[][] publics)
    {
        ulong bits = 0;
        for (int c = 0; c < traces.Length; c++)
            if (traces[c] is not null)
                bits |= 1UL << c;
        var chips = new ChipSet(bits);
        var indices = chips.Indices();
        return new ShardTraces(chips, [.. indices.Select(c => traces[c]!)], [.. indices.Select(c => publics[c] ?? [])]);
    }

    /// <summary>Traces and public values by chip index (null trace and no public values for an absent chip).</summary>
    public (RowMajorMatrix<KoalaBear>?[] Traces, KoalaBear[][] Publics) ByChip()
    {
        var traces = new RowMajorMatrix<KoalaBear>?[ZkvmChips.Count];
        var publics = new KoalaBear[ZkvmChips.Count][];
        for (int c = 0; c < publics.Length; c++)
            publics[c] = [];
        var indices = Chips.Indices();
        for (int i = 0; i < indices.Length; i++)
            (traces[indices[i]], publics[indices[i]]) = (Traces[i], Publics[i]);
        return (traces, publics);
    }
}

/// <summary>
/// The initial and final memory of a whole execution: for every RAM key any shard touched, plus every key
/// with a verifier-known non-zero image value, every input double word the input-commitment chip sends,
/// and every register touched.
/// </summary>
internal sealed class MemoryBoundaries
{
    /// <summary>Initial value of every image and input key, and whether it comes from the image (verifier) or the input chip.</summary>
    private readonly Dictionary<ulong, (ulong Value, bool FromImage)> _known = [];
    private readonly Dictionary<ulong, (ulong Value, ulong Ts)> _last = [];

    /// <summary>Whether <see cref="Add"/> records the accesses (false: it only checks first touches, for rebuilding a shard that is not the last).</summary>
    private readonly bool _recordAccesses;

    public MemoryBoundaries(ZkvmProgram program, ReadOnlySpan<byte> input, bool recordAccesses = true)
    {
        _recordAccesses = recordAccesses;
        foreach (var (key, value) in program.Image)
            _known[key] = (value, true);
        foreach (var (key, value) in InputCommitTrace.SentWords(input))
            _known[key] = (value, false);
    }

    /// <summary>Records a shard's RAM accesses (in order) and checks first touches against the known initial memory.</summary>
    public void Add(ExecutionRecord record)
    {
        foreach (var e in record.InitialMemory)
        {
            ulong key = MemoryArgument.RamKey(e.Address);
            if (e.Timestamp == 0 && e.Value != _known.GetValueOrDefault(key).Value)
                throw new InvalidOperationException($"double word 0x{e.Address:x} started as 0x{e.Value:x}, not its image/input value");
        }
        if (!_recordAccesses)
            return;
        foreach (var e in record.MemoryAccesses)
            _last[MemoryArgument.RamKey(e.Address)] = (e.Value, MemoryArgument.RamTimestamp(e.Timestamp));
    }

    public (List<MemoryEntry> Init, List<MemoryEntry> Final) Entries(RegisterFile registers)
    {
        if (!_recordAccesses)
            throw new InvalidOperationException("a check-only memory boundary has no entries (it rebuilds shards that are not the last)");
        var init = new List<MemoryEntry>();
        var final = new List<MemoryEntry>();
        var keys = new SortedSet<ulong>(_known.Keys);
        keys.UnionWith(_last.Keys);
        foreach (ulong key in keys)
        {
            bool known = _known.TryGetValue(key, out var k);
            ulong v0 = known ? k.Value : 0;
            init.Add(new MemoryEntry(key, v0, 0, Bound: known && k.FromImage, FromInput: known && !k.FromImage));
            var (v, ts) = _last.TryGetValue(key, out var l) ? l : (v0, 0UL);
            final.Add(new MemoryEntry(key, v, ts));
        }
        var initialRegs = ZkvmProgram.InitialRegisters();
        for (int r = 0; r < 32; r++)
        {
            if (!registers.Touched[r] && initialRegs[r] == 0)
                continue;
            ulong key = MemoryArgument.RegisterKeyBase + (ulong)r;
            init.Add(new MemoryEntry(key, initialRegs[r], 0, initialRegs[r] != 0));
            final.Add(new MemoryEntry(key, registers.Values[r], (ulong)registers.Timestamps[r]));
        }
        return (init, final);
    }
}
