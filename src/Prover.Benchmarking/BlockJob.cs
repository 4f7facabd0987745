namespace Prover.Benchmarking;

/// <summary>One block to benchmark: its canonical input (or why it could not be made) and what is expected of it.</summary>
public sealed record BlockJob(string Name, string Source, byte[]? Input, bool? ExpectedValid, string? LoadError = null);
