using System.Diagnostics;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Benchmarking;

/// <summary>How <see cref="BlockBenchmarkRunner"/> runs each block.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Also prove and verify each block (minutes and GBs per block on a small machine).</summary>
    public bool Prove { get; init; }
    public string Config { get; init; } = "development";
    public long ShardSize { get; init; } = 1L << 20;
    public long MaxCycles { get; init; } = 1L << 36;
}

/// <summary>
/// Executes (and optionally proves and verifies) each block with the embedded Ethereum guest and
/// collects one <see cref="BlockReport"/> per block. A failing block is reported, never thrown.
/// </summary>
public sealed class BlockBenchmarkRunner(BenchmarkOptions options, EnergyMeter energy)
{
    /// <summary>GUEST_EXIT_MISSING_NODE (native/guest/evm/common.h).</summary>
    public const int ExitMissingNode = 5;

    /// <param name="job">the block</param>
    /// <param name="progress">(stage, fraction of this block done)</param>
    public BlockReport Run(BlockJob job, Action<string, double>? progress = null)
    {
        if (job.Input is null)
            return Failed(job, job.LoadError ?? "no input");
        ulong? number = null;
        ulong gas = 0;
        try
        {
            var payload = StatelessInput.Decode(job.Input).NewPayloadRequest.ExecutionPayload;
            (number, gas) = (payload.BlockNumber, payload.GasUsed);
        }
        catch (FormatException)
        {
            // not a well-formed input: the guest must reject it, and runs anyway
        }
        progress?.Invoke("executing", 0);
        BlockExecution run;
        EnergyReading execEnergy;
        try
        {
            (run, execEnergy) = energy.Measure(() => EthereumGuest.Execute(job.Input, new MachineOptions { MaxCycles = options.MaxCycles }));
        }
        catch (MachineException e)
        {
            return Failed(job, "guest fault: " + e.Message) with { BlockNumber = number, GasUsed = gas };
        }
        var r = run.Result;
        string? execError = r.ExitCode switch
        {
            0 when run.Validation is not null => null,
            0 => $"no validation result: {run.OutputError}",
            ExitMissingNode => "witness incomplete: the guest needed a trie node or code the witness lacks (GUEST_EXIT_MISSING_NODE)",
            _ => $"guest exited with code {r.ExitCode}",
        };
        var report = new BlockReport(job.Name, job.Source, DateTimeOffset.UtcNow, number, gas, job.ExpectedValid,
            run.Validation?.SuccessfulValidation, r.ExitCode, r.Cycles, r.RegionCycles, run.Milliseconds, execEnergy, execError, null, null);
        if (!options.Prove)
            return report;
        if (execError is not null)
            return report with { ProvingError = "not proved: the execution did not finish" };

        progress?.Invoke("proving", 0.05);
        try
        {
            var program = new ZkvmProgram(EthereumGuest.Program);
            long initial = Process.GetCurrentProcess().WorkingSet64;
            var sw = Stopwatch.StartNew();
            var ((file, proof), proveEnergy) = energy.Measure(() => ZkvmProofs.Prove(program, job.Input, options.Config, options.ShardSize, null,
                (phase, fraction) => progress?.Invoke(phase, 0.05 + 0.9 * fraction)));
            double provingMs = sw.Elapsed.TotalMilliseconds;
            progress?.Invoke("verifying", 0.95);
            var check = ZkvmProofs.Verify(program, file, job.Input);
            bool? provedValid = check.Result.Output is { } output && TryDecode(output) is { } v ? v.SuccessfulValidation : null;
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;
            var figures = new ProvingFigures(proof.Config, provingMs, file.Length, check.VerificationMilliseconds, check.Result.IsValid, provedValid,
                initial, peak, proof.ProvableBits, proof.ConjecturedBits, proof.Shards, proof.Timings, proveEnergy);
            return report with
            {
                Completed = DateTimeOffset.UtcNow,
                Proving = figures,
                ProvingError = check.Result.IsValid ? null : $"the proof does not verify: {check.Result.Error}",
            };
        }
        catch (Exception e) when (e is MachineException or InvalidOperationException or OutOfMemoryException or ArgumentException)
        {
            return report with { ProvingError = $"proving failed: {e.Message}" };
        }
    }

    private static StatelessValidationResult? TryDecode(byte[] output)
    {
        try
        {
            return StatelessValidationResult.Decode(output);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static BlockReport Failed(BlockJob job, string reason) => new(job.Name, job.Source, DateTimeOffset.UtcNow, null, 0, job.ExpectedValid,
        null, null, 0, new Dictionary<string, long>(), 0, null, reason, null, null);
}
