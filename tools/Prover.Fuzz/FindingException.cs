namespace Prover.Fuzz;

/// <summary>A harness's own check failed on an accepted input (e.g. a decode/encode round trip differs): a finding.</summary>
public sealed class FindingException(string message) : Exception(message);
