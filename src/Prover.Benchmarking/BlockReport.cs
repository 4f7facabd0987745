namespace Prover.Benchmarking;

/// <summary>What a proof of one block measured (absent when not proved).</summary>
public sealed record ProvingFigures(
    string Config,
    double ProvingMs,
    int ProofSize,
    double VerificationMs,
    bool Verified,
    bool? ProvedValidation,
    long InitialMemoryBytes,
    long PeakMemoryBytes,
    double ProvableBits,
    double ConjecturedBits,
    int Shards,
    IReadOnlyList<(string Phase, double Milliseconds)> Phases,
    EnergyReading Energy);

/// <summary>
/// One block's benchmark. Execution figures come from the emulator; <see cref="ExecutionError"/> or
/// <see cref="ProvingError"/> say why a stage did not finish ("crashed" in the EF's report).
/// </summary>
public sealed record BlockReport(
    string Name,
    string Source,
    DateTimeOffset Completed,
    ulong? BlockNumber,
    ulong GasUsed,
    bool? ExpectedValid,
    bool? SuccessfulValidation,
    int? ExitCode,
    long Cycles,
    IReadOnlyDictionary<string, long> RegionCycles,
    double ExecutionMs,
    EnergyReading? ExecutionEnergy,
    string? ExecutionError,
    ProvingFigures? Proving,
    string? ProvingError)
{
    /// <summary>Cycles per unit of gas (null for a block without gas).</summary>
    public double? CyclesPerGas => GasUsed == 0 || Cycles == 0 ? null : Cycles / (double)GasUsed;

    /// <summary>Whether the guest's verdict matched the expected one (null when nothing was expected).</summary>
    public bool? OutputMatched => ExpectedValid is { } e && ExecutionError is null ? SuccessfulValidation == e : null;

    /// <summary>Cycles outside every named region.</summary>
    public long UnattributedCycles => Math.Max(0, Cycles - RegionCycles.Values.Sum());
}
