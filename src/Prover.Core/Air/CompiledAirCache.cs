using Prover.Core.Field;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Prover.Core.Air;

/// <summary>
/// Compiled AIRs kept across verifications (a verifier of many proofs of one statement compiles each table's symbolic
/// constraints once instead of once per proof). A <see cref="CompiledAir{F}"/> is a pure function of the AIR object
/// (its <see cref="IAir{F}.Eval"/>, which AIRs keep fixed after construction) and the LogUp batching, so a cached one is
/// exactly what a fresh compilation would give; entries are keyed by the AIR's identity (weakly: an AIR no longer
/// referenced drops its entries) and the batching's value. Thread-safe.
/// </summary>
public sealed class CompiledAirCache<F> where F : struct, IField<F>
{
    private readonly ConditionalWeakTable<IAir<F>, ConcurrentDictionary<BatchingKey, CompiledAir<F>>> _entries = new();

    /// <summary>The compilation of <paramref name="air"/> under <paramref name="batching"/>, made on first use.</summary>
    public CompiledAir<F> Get(IAir<F> air, LogUpBatching? batching)
    {
        ArgumentNullException.ThrowIfNull(air);
        var byBatching = _entries.GetValue(air, _ => new ConcurrentDictionary<BatchingKey, CompiledAir<F>>());
        return byBatching.GetOrAdd(new BatchingKey(batching), (key, a) => new CompiledAir<F>(a, key.Batching), air);
    }

    /// <summary>A dictionary key for a batching that may be null (no batching).</summary>
    private readonly record struct BatchingKey(LogUpBatching? Batching);
}
