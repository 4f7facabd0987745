using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Recursion.Aggregation;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Gpu;
using Prover.Gpu.Ilgpu;
using Prover.Node.Eip8025;
using Prover.Witness.Ssz;

namespace Prover.Node;

/// <summary>
/// The entry point node software references: executes, proves and verifies guest inputs (by default
/// Ethereum blocks through the embedded stateless validator) and wraps proofs as EIP-8025
/// <see cref="ExecutionProof"/>s. Thread-safe; at most <see cref="NodeProverOptions.MaxConcurrentProofs"/>
/// proofs run at once (later callers wait, cancellably). Owns its backend (a GPU context where one is
/// used): dispose it when done. The same input and options give the same proof bytes.
/// </summary>
public sealed class NodeProver : IDisposable
{
    private readonly IProverBackend<KoalaBearParameters> _backend;
    private readonly IReadOnlyList<IProverBackend<KoalaBearParameters>> _otherDevices = [];
    private readonly SemaphoreSlim _proofSlots;
    private readonly ILogger _logger;
    private readonly IProofEngine? _engine;
    private bool _disposed;

    /// <param name="options">What to prove and how.</param>
    /// <param name="logger">Where the prover logs.</param>
    /// <param name="engine">Where proofs are made; null: in this process, on <see cref="NodeProverOptions.Backend"/>.</param>
    public NodeProver(NodeProverOptions? options = null, ILogger<NodeProver>? logger = null, IProofEngine? engine = null)
    {
        Options = options ?? new NodeProverOptions();
        _engine = engine;
        Options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // With an engine (a cluster) the proofs are made elsewhere: opening a device here as well would hold a second
        // context on the GPU the in-process worker already uses (`--cluster local --backend ilgpu`), so the node keeps
        // the CPU backend for the little it does itself.
        string report = "proofs made by the engine";
        _backend = engine is not null ? CpuBackend<KoalaBearParameters>.Instance : GpuBackend.CreateOrCpu<KoalaBearParameters>(Options.Backend switch
        {
            ProverBackendKind.Auto => BackendKind.Auto,
            ProverBackendKind.Cuda => BackendKind.Cuda,
            ProverBackendKind.OpenCl => BackendKind.OpenCl,
            ProverBackendKind.Ilgpu => BackendKind.Ilgpu,
            ProverBackendKind.IlgpuCpu => BackendKind.IlgpuCpu,
            _ => BackendKind.Cpu,
        }, out report);
        // Several GPUs: every other GPU is a slot of its own for the shard proofs (ZkvmProverOptions.Backends).
        if (_backend is IlgpuProverBackend<KoalaBearParameters> { Device.Api: not "cpu" } && Options.Backend is ProverBackendKind.Ilgpu or ProverBackendKind.Auto)
        {
            _otherDevices = GpuBackend.OpenOtherIlgpuGpus<KoalaBearParameters>(out string others);
            if (_otherDevices.Count > 0)
                report += $"; shard proofs also on {others}";
        }
        _proofSlots = new SemaphoreSlim(Options.MaxConcurrentProofs, Options.MaxConcurrentProofs);
        _logger.LogInformation("prover ready: guest {Guest}, configuration {Config}, backend {Backend} ({Report})", Options.Guest.Name,
            Options.Configuration.Name, _backend.Name, report);
    }

    public NodeProverOptions Options { get; }

    /// <summary>The backend's name (cpu, cuda, opencl, ilgpu-cuda, ilgpu-opencl, ilgpu-cpu).</summary>
    public string BackendName => _engine is null ? _backend.Name : _engine.Name;

    /// <summary>Host↔device bytes and the device memory peak so far, for an ILGPU backend; null otherwise.</summary>
    public IReadOnlyDictionary<string, long>? DeviceCounters => GpuBackend.DeviceCounters(_backend);

    /// <summary>The digest of the guest program the proofs are about (the program's verifying identity).</summary>
    public byte[] ProgramDigest => Options.Guest.Program.Digest;

    /// <summary>Runs the guest on <paramref name="input"/> without proving (fast mode). A guest fault surfaces as <see cref="MachineException"/>.</summary>
    public Task<ExecutionOutcome> ExecuteAsync(BlockInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var machine = new Machine(Options.Guest.Program.Program, input.Bytes);
            var sw = Stopwatch.StartNew();
            var result = machine.Run();
            double ms = sw.Elapsed.TotalMilliseconds;
            var validation = result.Success ? Options.Guest.DecodeOutput(result.Output) : null;
            _logger.LogInformation("executed {Name}: {Cycles} cycles, exit code {ExitCode}, valid {Valid}", input.Name, result.Cycles, result.ExitCode,
                validation?.SuccessfulValidation);
            var report = BaseReport(input, validation, result.ExitCode, result.Cycles) with
            {
                RegionCycles = result.RegionCycles,
                UnalignedAccesses = result.UnalignedAccesses,
                ExecutionDurationMs = Math.Round(ms, 3),
            };
            return new ExecutionOutcome(result.Output, validation, report);
        }, cancellationToken);
    }

    /// <summary>
    /// Proves the guest on <paramref name="input"/> and checks the proof. Progress comes per phase and per shard;
    /// cancellation is honoured before every shard step of every phase (and while waiting for a proof slot).
    /// A guest fault surfaces as <see cref="MachineException"/>.
    /// </summary>
    public async Task<ProofOutcome> ProveAsync(BlockInput input, IProgress<ProverProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _proofSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => ProveAsyncCore(input, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _proofSlots.Release();
        }
    }

    private async Task<ProofOutcome> ProveAsyncCore(BlockInput input, IProgress<ProverProgress>? progress, CancellationToken cancellationToken)
    {
        var program = Options.Guest.Program;
        progress?.Report(new ProverProgress(ProverPhase.Execute, 0, 0));
        _logger.LogInformation("proving {Name} ({Bytes} bytes) with {Config}, shards of 2^{LogShard} cycles", input.Name, input.Bytes.Length,
            Options.Configuration.Name, Options.LogShardSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(chosen by the memory budget)");
        var options = new ZkvmProverOptions
        {
            Config = Options.Configuration.Stark,
            ShardSize = Options.LogShardSize is { } log ? 1L << log : null,
            MemoryBudgetBytes = Options.MemoryBudgetBytes,
            ShapePolicy = Options.ShapePolicy,
            MaxCycles = Options.MaxCycles,
            Backend = _backend,
            Backends = _otherDevices.Count > 0 ? [_backend, .. _otherDevices] : null,
            Cancellation = cancellationToken,
            ShardProgress = (phase, done, count) =>
            {
                var p = phase switch
                {
                    "trace generation" => ProverPhase.TraceGeneration,
                    "main commitments" => ProverPhase.MainCommitments,
                    _ => ProverPhase.ShardProofs,
                };
                progress?.Report(new ProverProgress(p, done, count));
                _logger.LogDebug("{Phase}: shard {Done} of {Count}", p, done, count);
            },
        };
        var sw = Stopwatch.StartNew();
        var (file, report) = _engine is null
            ? ZkvmProofs.Prove(program, input.Bytes, options)
            : await _engine.ProveAsync(Options.Guest, input.Bytes, options, cancellationToken).ConfigureAwait(false);
        double proveMs = sw.Elapsed.TotalMilliseconds;
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new ProverProgress(ProverPhase.Verify, report.Shards, report.Shards));
        // The prover checks its buses before returning, so this verification guards against bugs, not cheats; it
        // also gives the verified public values and the verification time of the report. It demands what the chosen
        // configuration promises (development: insecure, and reported so), not the options' verification policy.
        var check = ZkvmProofs.Verify(program, file, input.Bytes, VerificationPolicy.Of(Options.Configuration.Stark));
        if (!check.Result.IsValid)
            throw new InvalidOperationException($"the proof of {input.Name} does not verify (a prover bug): {check.Result.Error}");
        var output = check.Result.Output ?? [];
        var validation = check.Result.ProvesSuccess ? Options.Guest.DecodeOutput(output) : null;
        _logger.LogInformation("proved {Name}: {Cycles} cycles in {Shards} shard(s), {Seconds:F1} s, {Bytes} bytes", input.Name, report.Cycles, report.Shards,
            proveMs / 1e3, file.Length);
        var blockReport = BaseReport(input, validation, check.Result.ExitCode, report.Cycles) with
        {
            Config = report.Config,
            Backend = _engine is null ? _backend.Name : _engine.Name,
            Shards = report.Shards,
            ProvingTimeMs = Math.Round(proveMs, 1),
            ProofSize = file.Length,
            VerificationTimeMs = Math.Round(check.VerificationMilliseconds, 2),
            Verified = true,
            ProvableBits = Math.Round(report.ProvableBits, 1),
            ConjecturedBits = Math.Round(report.ConjecturedBits, 1),
            BusLoad = Math.Round(report.BusLoad.Share, 4),
            PhasesMs = report.Timings.GroupBy(t => t.Phase.Trim()).ToDictionary(g => g.Key, g => Math.Round(g.Sum(t => t.Milliseconds), 1)),
        };
        // A budget-policy proof aggregates over the guest's shard catalog at its k: one final key for every such execution
        // (ShardCatalog); a natural-policy proof over its own shapes.
        if (Options.Stage != ProofStage.Shards)
            (file, blockReport) = Aggregate(file, blockReport, Options.ShapePolicy == ShardShapePolicy.Budget ? report.LogShardSize : null, cancellationToken);
        progress?.Report(new ProverProgress(ProverPhase.Done, report.Shards, report.Shards));
        return new ProofOutcome(file, output, validation, blockReport);
    }

    /// <summary>
    /// The shard proof file <paramref name="shards"/> taken to <see cref="NodeProverOptions.Stage"/>: aggregated, and for
    /// <see cref="ProofStage.Final"/> the final proof over the root (<see cref="ZkvmAggregateProofs"/>; the result is
    /// verified by a warm verifier there). The report states the result's size, security and verification, and adds each
    /// recursion proof's time to the phases.
    /// </summary>
    private (byte[] File, BlockReport Report) Aggregate(byte[] shards, BlockReport report, int? catalogLogShardSize, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var kind = Options.Stage == ProofStage.Final ? ZkvmAggregateKind.Final : ZkvmAggregateKind.Aggregated;
        var aggregate = ZkvmAggregateProofs.Aggregate(Options.Guest.Program, shards, kind,
            (layer, ms, bytes) => _logger.LogInformation("recursion {Layer}: {Bytes} bytes in {Seconds:F1} s", layer, bytes, ms / 1e3), Options.KeyCache, catalogLogShardSize);
        var phases = new Dictionary<string, double>(report.PhasesMs ?? new Dictionary<string, double>());
        foreach (var (layer, ms, _) in aggregate.Proofs)
            phases["recursion " + layer] = Math.Round(ms, 1);
        // Each step summed over the layers ("recursion: build (verifier program)", "recursion: STARK: main LDE", …).
        foreach (var g in aggregate.Phases.GroupBy(p => p.Phase.Trim()))
            phases["recursion: " + g.Key] = Math.Round(g.Sum(p => p.Milliseconds), 1);
        foreach (var g in aggregate.Phases.GroupBy(p => p.Layer))
            _logger.LogInformation("recursion {Layer} steps: {Steps}", g.Key, string.Join("; ", g.Select(p => $"{p.Phase} {p.Milliseconds:F0} ms")));
        return (aggregate.File, report with
        {
            ProvingTimeMs = Math.Round((report.ProvingTimeMs ?? 0) + aggregate.TotalMilliseconds, 1),
            ProofSize = aggregate.File.Length,
            VerificationTimeMs = Math.Round(aggregate.VerificationMilliseconds, 2),
            ProvableBits = aggregate.Security?.Provable,
            ConjecturedBits = aggregate.Security?.Conjectured,
            PhasesMs = phases,
            PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64,
        });
    }

    /// <summary>
    /// Verifies a proof file against the guest program, demanding the options' security level
    /// (<see cref="NodeProverOptions.MinimumProvableBits"/>, <see cref="NodeProverOptions.AcceptInsecureProofs"/>). With <paramref name="expectedInput"/>, the proof must
    /// also be about that input (its size and Poseidon2 commitment). Malformed proofs are invalid, never exceptions.
    /// </summary>
    public Task<VerificationOutcome> VerifyAsync(byte[] proof, byte[]? expectedInput = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Any stage: shard proofs, or an aggregated or final proof (by the file's envelope).
            var check = ZkvmAggregateProofs.IsAggregateProof(proof)
                ? ZkvmAggregateProofs.Verify(Options.Guest.Program, proof, expectedInput, Options.VerificationPolicy, keyCache: Options.KeyCache)
                : ZkvmProofs.Verify(Options.Guest.Program, proof, expectedInput, Options.VerificationPolicy);
            var r = check.Result;
            double? bits = check.Security?.Provable;
            if (!r.IsValid)
                return new VerificationOutcome(false, r.Error, null, null, 0, check.VerificationMilliseconds) { ProvableBits = bits };
            if (!r.ProvesSuccess)
                return new VerificationOutcome(false, $"the proof shows a failed execution (exit code {r.ExitCode})", r.Output, null, r.Cycles,
                    check.VerificationMilliseconds) { ProvableBits = bits };
            var output = r.Output ?? [];
            return new VerificationOutcome(true, null, output, Options.Guest.DecodeOutput(output), r.Cycles, check.VerificationMilliseconds)
            {
                ProvableBits = bits,
            };
        }, cancellationToken);
    }

    /// <summary>
    /// Wraps a proof as an EIP-8025 <see cref="ExecutionProof"/> of this prover's proof type; the public input is
    /// the payload root the proven output states. Throws when the proof does not show a valid block.
    /// </summary>
    public ExecutionProof ToExecutionProof(ProofOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Validation is not { SuccessfulValidation: true } v)
            throw new InvalidOperationException("the proof does not show a valid block: no EIP-8025 execution proof can be made of it");
        if (outcome.Proof.Length > Options.ProofType.MaxProofSize)
            throw new InvalidOperationException($"the proof is {outcome.Proof.Length} bytes, more than the proof type's limit of {Options.ProofType.MaxProofSize}");
        return new ExecutionProof(outcome.Proof, Options.ProofType.Id, new PublicInput(v.NewPayloadRequestRoot));
    }

    /// <summary>
    /// Verifies an EIP-8025 execution proof for the payload whose root is <paramref name="expectedRoot"/>: valid
    /// when it is of this prover's proof type, its public input names that root, its proof verifies against the
    /// guest program, the execution succeeded, and the proven output states that same root with a successful
    /// validation.
    /// </summary>
    public async Task<ExecutionProofVerdict> VerifyExecutionProofAsync(ExecutionProof proof, byte[] expectedRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(expectedRoot);
        if (proof.ProofType != Options.ProofType.Id)
            return ExecutionProofVerdict.Invalid($"proof type {proof.ProofType} is not this prover's ({Options.ProofType.Id})");
        if (!proof.PublicInput.NewPayloadRequestRoot.AsSpan().SequenceEqual(expectedRoot))
            return ExecutionProofVerdict.Invalid("the public input names another payload root");
        if (proof.ProofData.Length > Options.ProofType.MaxProofSize)
            return ExecutionProofVerdict.Invalid($"proof_data exceeds {Options.ProofType.MaxProofSize} bytes");
        var outcome = await VerifyAsync(proof.ProofData, null, cancellationToken).ConfigureAwait(false);
        if (!outcome.IsValid)
            return ExecutionProofVerdict.Invalid(outcome.Error ?? "invalid proof");
        // Soundness: the container's public input is only a label the sender chose. What binds the proof to the
        // payload is the guest's committed output, which the STARK verifier has just checked against the
        // program: the guest computes hash_tree_root(new_payload_request) from the very input it validated.
        if (outcome.Validation is not { } v)
            return ExecutionProofVerdict.Invalid("the proven output is not a stateless validation result");
        if (!v.NewPayloadRequestRoot.AsSpan().SequenceEqual(expectedRoot))
            return ExecutionProofVerdict.Invalid("the proven output is about another payload root");
        if (!v.SuccessfulValidation)
            return ExecutionProofVerdict.Invalid("the proof shows the payload is invalid");
        return ExecutionProofVerdict.Valid(outcome.VerificationMilliseconds);
    }

    private BlockReport BaseReport(BlockInput input, StatelessValidationResult? validation, int exitCode, long cycles)
    {
        ulong? blockNumber = null, gasUsed = null;
        if (ReferenceEquals(Options.Guest, ProverGuest.Ethereum))
        {
            try
            {
                var payload = StatelessInput.Decode(input.Bytes).NewPayloadRequest.ExecutionPayload;
                (blockNumber, gasUsed) = (payload.BlockNumber, payload.GasUsed);
            }
            catch (FormatException)
            {
                // The guest rejects a malformed input itself; the report then has no block fields.
            }
        }
        return new BlockReport
        {
            Guest = Options.Guest.Name,
            BlockNumber = blockNumber,
            GasUsed = gasUsed,
            NewPayloadRequestRoot = validation is null ? null : "0x" + Convert.ToHexStringLower(validation.NewPayloadRequestRoot),
            SuccessfulValidation = validation?.SuccessfulValidation,
            ExitCode = exitCode,
            TotalNumCycles = cycles,
            OutputMatched = input.ExpectedValid is { } expected ? (validation?.SuccessfulValidation ?? false) == expected : null,
            PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64,
            Hardware = HardwareInfo.Current(_backend.Name == "cpu" ? null : [_backend.Name]),
        };
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        (_backend as IDisposable)?.Dispose();
        foreach (var other in _otherDevices)
            (other as IDisposable)?.Dispose();
        _proofSlots.Dispose();
    }
}

/// <summary>The answer to an EIP-8025 verification: valid, or invalid with the reason.</summary>
public sealed record ExecutionProofVerdict(bool IsValid, string? Reason, double VerificationMilliseconds)
{
    internal static ExecutionProofVerdict Valid(double ms) => new(true, null, ms);

    internal static ExecutionProofVerdict Invalid(string reason) => new(false, reason, 0);
}
