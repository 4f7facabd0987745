using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>
/// The one switch for which kernels run: the straightforward reference kernels (LogUp trace generation,
/// quotient evaluation, out-of-domain openings, DEEP inverse distances) instead of the optimised ones,
/// and a cap on the SIMD width the packed kernels use (so tests and benchmarks on a wide machine also run
/// the narrower paths). Every choice produces identical values, so proofs do not depend on it; tests and
/// benchmarks compare them.
/// <para>
/// The setting flows with the execution context (an <see cref="AsyncLocal{T}"/>, which also reaches the
/// worker tasks of <c>Parallel.For</c>), and it is only ever changed through a scope that restores the
/// previous value on dispose, so tests running beside each other cannot see each other's choice:
/// <code>
/// using (KernelSelection.UseReference()) { … }
/// using (KernelSelection.LimitSimd(SimdPath.Vector256)) { … }
/// </code>
/// </para>
/// </summary>
internal static class KernelSelection
{
    private static readonly AsyncLocal<Choice> s_choice = new();

    /// <summary>True: use the reference kernels of <paramref name="family"/> in this execution context.</summary>
    public static bool IsReference(ReferenceFamily family) => (s_choice.Value.Reference & family) != 0;

    /// <summary>The widest SIMD path packed kernels may use here: the machine's best, or less inside <see cref="LimitSimd"/>.</summary>
    public static SimdPath Simd<TParams>() where TParams : struct, IMontyParameters
    {
        var best = PackedMontyField31<TParams>.BestPath;
        var choice = s_choice.Value;
        return choice.Capped && choice.MaxSimd < best ? choice.MaxSimd : best;
    }

    /// <summary>Reference kernels (or, with false, the optimised ones) until the scope is disposed.</summary>
    public static Scope UseReference(bool reference = true) => UseReference(reference ? ReferenceFamily.All : ReferenceFamily.None);

    /// <summary>Reference kernels for exactly <paramref name="families"/> until the scope is disposed.</summary>
    public static Scope UseReference(ReferenceFamily families) => Set(s_choice.Value with { Reference = families });

    /// <summary>Packed kernels use at most <paramref name="path"/> until the scope is disposed (a path wider
    /// than the machine's best changes nothing).</summary>
    public static Scope LimitSimd(SimdPath path) => Set(s_choice.Value with { Capped = true, MaxSimd = path });

    private static Scope Set(Choice choice)
    {
        var previous = s_choice.Value;
        s_choice.Value = choice;
        return new Scope(previous);
    }

    internal readonly record struct Choice(ReferenceFamily Reference, bool Capped, SimdPath MaxSimd);

    /// <summary>Restores the previous selection when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Choice _previous;

        internal Scope(Choice previous) => _previous = previous;

        public void Dispose() => s_choice.Value = _previous;
    }
}

/// <summary>Groups of kernels that have a reference version (<see cref="KernelSelection.UseReference(ReferenceFamily)"/>).</summary>
[Flags]
internal enum ReferenceFamily
{
    /// <summary>The optimised kernels everywhere.</summary>
    None = 0,

    /// <summary>LogUp trace generation and the quotient's LogUp constraints (packed per row vs per point).</summary>
    LogUp = 1,

    /// <summary>Out-of-domain openings (column combinations, barycentric weights) and DEEP inverse distances.</summary>
    Openings = 2,

    /// <summary>The verifier's batched work: Merkle multi-openings hashed one state at a time, DEEP per query.</summary>
    Verifier = 4,

    /// <summary>The prover's compiled AIRs made afresh for every proof instead of kept by the <c>StarkProver</c> across its proofs.</summary>
    Compilation = 8,

    /// <summary>Every reference kernel.</summary>
    All = LogUp | Openings | Verifier | Compilation,
}
