using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Input;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The coordinator's side of a distributed proof between and after the workers' two phases (docs/design.md,
/// "Distributed proving"): from every shard's commitment it checks the shard's shape (a CPU shard's chip set and, under the
/// budget policy, its budget; an accelerator shard's kind and tier), the bus budget and the input commitment
/// and draws the shared challenges from the same global transcript as <see cref="ZkvmProver{TDef, TDigest}"/>; from every
/// shard's proof it checks that each proof opens its phase-1 commitment and that the buses balance over all
/// shards and the public tuples, and assembles the proof file. With the same plan the file is byte for byte
/// the single-process prover's.
/// </summary>
public sealed class ZkvmShardAssembly
{
    private readonly ZkvmProgram _program;
    private readonly StarkConfig _config;
    private readonly ZkvmShardPlan _plan;
    private readonly byte[] _input;
    private readonly IProverBackend<KoalaBearParameters>? _backend;
    private ShardCommitment[]? _commitments;

    public ZkvmShardAssembly(ZkvmProgram program, StarkConfig config, ZkvmShardPlan plan, byte[] input, IProverBackend<KoalaBearParameters>? backend = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(input);
        config.Validate();
        (_program, _config, _plan, _input, _backend) = (program.ForDigest(config.DigestElements), config, plan, input, backend);
    }

    /// <summary>Every shard's challenges, from all shards' phase-1 commitments (in shard order).</summary>
    public ZkvmShardChallenges[] Challenges(IReadOnlyList<ShardCommitment> commitments)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        if (commitments.Count != _plan.Count)
            throw new ArgumentException($"{commitments.Count} commitments for {_plan.Count} shards");
        for (int s = 0; s < commitments.Count; s++)
        {
            int tables = commitments[s].Chips.Count;
            if (commitments[s].LogHeights.Length != tables || commitments[s].PublicValues.Length != tables)
                throw new InvalidOperationException($"shard {s}: a commitment of {commitments[s].LogHeights.Length} tables, expected {tables}");
            if (_plan.Jobs[s].Accelerator is { } calls)
            {
                CheckAcceleratorShard(s, calls, commitments[s]);
                continue;
            }
            if (ZkvmChips.Check(commitments[s].Chips, s == _plan.Count - 1) is { } error)
                throw new InvalidOperationException($"shard {s}: {error}");
            // Under the budget policy every shard is a catalog entry of the plan's budget (ShardBudget: non-last shards at the
            // budget, the last at one of its last-shard entries); a worker that padded to another budget (a job that does not
            // carry the plan's) would make a proof of other shapes than the single-process prover's: refused here.
            if (_plan.Budget is { } shardBudget && !(s == _plan.Count - 1 ? shardBudget.LastShardCatalog.Any(b => b.IsShapeOf(ByChip(commitments[s])))
                    : shardBudget.IsShapeOf(ByChip(commitments[s]))))
                throw new InvalidOperationException($"shard {s}: its CPU-side tables are not at a shape of the plan's shard budget (2^{shardBudget.LogShardSize} cycles)");
        }
        var chips = commitments.Select(c => c.Chips).ToArray();
        var heights = commitments.Select(c => c.LogHeights).ToArray();
        if (ZkvmBusBudget.Check(_program, chips, heights, _plan.Output.Length) is { } budget)
            throw new InvalidOperationException($"this execution ({_plan.Cycles:N0} cycles, {_plan.Count} shards) is too large for one sound bus argument: {budget}");
        // The last shard's worker committed to the input it was given; it must be this input.
        var inputCommitment = InputCommitmentOf(commitments);
        if (!inputCommitment.AsSpan().SequenceEqual(InputCommitment.Compute(_input, _config.DigestElements)))
            throw new InvalidOperationException("the last shard commits to another input");
        _commitments = [.. commitments];
        double fractions = ZkvmBusBudget.StatementFractions(_program, chips, heights, _plan.Output.Length);
        return (_config.ExtensionDegree, _config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Challenges<KoalaBearQuartic, KoalaBearDigest>(fractions),
            (4, _) => Challenges<KoalaBearQuartic, KoalaBearWideDigest>(fractions),
            (_, KoalaBearDigest.Length) => Challenges<KoalaBearOctic, KoalaBearDigest>(fractions),
            _ => Challenges<KoalaBearOctic, KoalaBearWideDigest>(fractions),
        };
    }

    /// <summary>
    /// An accelerator shard's commitment against its job (docs/design.md, "Distributed proving"): the chip set of an accelerator
    /// shard (<see cref="ZkvmChips.IsAcceleratorShard"/>) of the job's accelerator, its table at a tier of the rule
    /// (<see cref="ShardBudget.AcceleratorMinLogHeight"/> to <see cref="ShardBudget.AcceleratorMaxLogHeight(ZkvmProgram, int)"/>),
    /// and every height the plan's shape (the job's tier, the byte table at its budget, Program and image at their fixed
    /// heights). A worker that built another shape (another tier, another accelerator, a CPU shard) would make a proof of other
    /// shapes than the single-process prover's, or none: refused before any challenge is drawn.
    /// </summary>
    private void CheckAcceleratorShard(int s, AcceleratorShardCalls calls, ShardCommitment c)
    {
        var budget = _plan.Budget ?? throw new InvalidOperationException($"shard {s}: an accelerator shard in a plan without a shard budget");
        if (!ZkvmChips.IsAcceleratorShard(c.Chips) || c.Chips != ZkvmChips.AcceleratorShard(calls.Chip))
            throw new InvalidOperationException($"shard {s}: chips {c.Chips}, not an accelerator shard of {ZkvmChips.All[calls.Chip].Name}");
        var heights = ByChip(c);
        int tier = heights[calls.Chip];
        if (tier < ShardBudget.AcceleratorMinLogHeight || tier > budget.AcceleratorMaxLogHeight(_program, calls.Chip))
            throw new InvalidOperationException($"shard {s}: the {ZkvmChips.All[calls.Chip].Name} table at 2^{tier} rows is not a tier of the rule");
        if (!heights.AsSpan().SequenceEqual(_plan.Jobs[s].AcceleratorShapeByChip(_program)!))
            throw new InvalidOperationException($"shard {s}: its tables are not at the accelerator shard's shape in the plan (the accelerator at 2^{calls.LogHeight} rows)");
    }

    /// <summary>A commitment's log heights by chip index (−1: absent).</summary>
    private static int[] ByChip(ShardCommitment c)
    {
        var heights = Enumerable.Repeat(-1, ZkvmChips.Count).ToArray();
        var chips = c.Chips.Indices();
        for (int i = 0; i < chips.Length; i++)
            heights[chips[i]] = c.LogHeights[i];
        return heights;
    }

    private static KoalaBear[] InputCommitmentOf(IReadOnlyList<ShardCommitment> commitments) =>
        commitments[^1].PublicsOf(ZkvmTable.InputCommit)[InputCommitCols.PublicCommitment..];

    private ZkvmShardChallenges[] Challenges<TDef, TDigest>(double fractions)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var c = _commitments!;
        var root = PreprocessedRoot<TDigest>(c[^1]);
        var (seeds, gamma, beta) = ZkvmStatement.Challenges<TDef, TDigest>(_config, _program, root, (ulong)_input.Length, InputCommitmentOf(c), _plan.Output,
            _plan.ExitCode, _plan.Cycles, c);
        uint[] Canonical(ExtensionField<KoalaBear, TDef> e) => [.. e.Coefficients.ToArray().Select(x => x.ToCanonical())];
        return [.. seeds.Select(s => new ZkvmShardChallenges(Canonical(gamma), Canonical(beta), [.. s.Seed], fractions))];
    }

    private TDigest PreprocessedRoot<TDigest>(ShardCommitment last) where TDigest : struct, IDigest<TDigest, KoalaBearParameters> =>
        StarkSetup.Preprocess<KoalaBearParameters, TDigest>(_program.Airs, ZkvmProgram.RegistryHeights(last.Chips, last.LogHeights), _config.LogBlowup, _backend)!
            .VerifyingKey.PreprocessedRoot;

    /// <summary>
    /// The proof file (a <see cref="ProofEnvelope"/> of the <see cref="ZkvmProof{TDef, TDigest}"/>) from every shard's proof, and its report.
    /// Throws when a proof does not open its shard's phase-1 commitment or the buses do not balance.
    /// </summary>
    public (byte[] File, ZkvmProofReport Report) Assemble(IReadOnlyList<ZkvmShardProof> proofs, ZkvmShardChallenges[] challenges,
        IReadOnlyList<(string Phase, double Milliseconds)> timings)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        ArgumentNullException.ThrowIfNull(challenges);
        ArgumentNullException.ThrowIfNull(timings);
        if (_commitments is null)
            throw new InvalidOperationException("draw the challenges from the commitments first");
        if (proofs.Count != _plan.Count || challenges.Length != _plan.Count)
            throw new ArgumentException($"{proofs.Count} proofs for {_plan.Count} shards");
        return (_config.ExtensionDegree, _config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Assemble<KoalaBearQuartic, KoalaBearDigest>(proofs, challenges[0], timings),
            (4, _) => Assemble<KoalaBearQuartic, KoalaBearWideDigest>(proofs, challenges[0], timings),
            (_, KoalaBearDigest.Length) => Assemble<KoalaBearOctic, KoalaBearDigest>(proofs, challenges[0], timings),
            _ => Assemble<KoalaBearOctic, KoalaBearWideDigest>(proofs, challenges[0], timings),
        };
    }

    private (byte[], ZkvmProofReport) Assemble<TDef, TDigest>(IReadOnlyList<ZkvmShardProof> proofs, ZkvmShardChallenges challenges,
        IReadOnlyList<(string Phase, double Milliseconds)> timings)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var c = _commitments!;
        var limits = ProofShapeLimits.For(_config, ZkvmChips.Count);
        var shards = new StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, TDef>, TDigest>[proofs.Count];
        var total = default(ExtensionField<KoalaBear, TDef>);
        for (int s = 0; s < shards.Length; s++)
        {
            try
            {
                shards[s] = ProofSerializer.Deserialize<KoalaBearParameters, TDef, TDigest>(proofs[s].Proof, limits);
            }
            catch (ProofFormatException e)
            {
                throw new InvalidOperationException($"shard {s}: a malformed shard proof: {e.Message}", e);
            }
            if (shards[s].MainCommitment != c[s].Cap<TDigest>())
                throw new InvalidOperationException($"shard {s}: the proof does not open the shard's phase-1 main commitment");
            foreach (var sum in shards[s].CumulativeSums)
                total += sum;
        }
        var gamma = ZkvmShardWorker.Extension<TDef>(challenges.Gamma);
        var beta = ZkvmShardWorker.Extension<TDef>(challenges.Beta);
        var cpuPublics = c[^1].PublicsOf(ZkvmTable.Cpu);
        ulong haltTs = ZkvmStatement.HaltTimestamp(cpuPublics[6], cpuPublics[7]);
        total += ZkvmStatement.PublicBusSum(_plan.Output, _plan.ExitCode, haltTs, gamma, beta);
        if (!total.IsZero)
            throw new InvalidOperationException("the execution's buses do not balance across shards and public tuples (a worker or prover bug)");
        var proof = new ZkvmProof<TDef, TDigest>
        {
            ProgramDigest = _program.Digest,
            ExitCode = _plan.ExitCode,
            Cycles = _plan.Cycles,
            InputSize = (ulong)_input.Length,
            InputCommitment = InputCommitmentOf(c),
            Output = _plan.Output,
            ShardChips = [.. c.Select(x => x.Chips)],
            Shards = shards,
        };
        var file = new ProofEnvelope(ZkvmProofs.Statement, _config.Name, proof.ToBytes()).ToBytes();
        var heights = c.Select(x => x.LogHeights).ToArray();
        var chips = c.Select(x => x.Chips).ToArray();
        var report = new ZkvmProofReport(_config.Name, _plan.Cycles, _plan.Count, timings, file.Length, proofs.Min(p => p.ProvableBits), proofs.Min(p => p.ConjecturedBits))
        {
            LogShardSize = System.Numerics.BitOperations.Log2((ulong)_plan.ShardSize),
            BusLoad = ZkvmBusBudget.Load(_program, chips, heights, _plan.Output.Length),
        };
        return (file, report);
    }
}
