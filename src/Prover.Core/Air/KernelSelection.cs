namespace Prover.Core.Air;

/// <summary>
/// Selects the straightforward reference kernels (LogUp trace generation, quotient evaluation) instead
/// of the optimised ones, for tests and benchmarks that compare them. Both produce identical values, so
/// proofs do not depend on the choice. The setting flows with the execution context (an
/// <see cref="AsyncLocal{T}"/>): a test that sets it does not affect tests running beside it.
/// </summary>
internal static class KernelSelection
{
    private static readonly AsyncLocal<bool> s_reference = new();

    /// <summary>True: use the reference kernels in this execution context.</summary>
    public static bool UseReference
    {
        get => s_reference.Value;
        set => s_reference.Value = value;
    }
}
