using BenchmarkDotNet.Attributes;
using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Benchmarks.Hash;

/// <summary>
/// Poseidon2 throughput: time per permutation (OperationsPerInvoke = states): the portable scalar
/// kernel one state at a time (baseline), the public single-state call, batched SIMD across states on
/// one thread, and batched over all threads.
/// Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*Poseidon2Benchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[GenericTypeArguments(typeof(KoalaBearParameters))]
[GenericTypeArguments(typeof(BabyBearParameters))]
public class Poseidon2Benchmarks<TParams> where TParams : struct, IMontyParameters
{
    private const int States = 1 << 14;

    private Poseidon2<TParams> _perm = null!;
    private MontyField31<TParams>[] _states = [];

    [Params(16, 24)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _perm = Width == 16 ? Poseidon2.Width16<TParams>() : Poseidon2.Width24<TParams>();
        var rng = new Random(1);
        _states = Enumerable.Range(0, States * Width).Select(_ => MontyField31<TParams>.FromCanonical((uint)rng.NextInt64(TParams.P))).ToArray();
        // The variants must agree before they are timed.
        var a = (MontyField31<TParams>[])_states.Clone();
        var b = (MontyField31<TParams>[])_states.Clone();
        var c = (MontyField31<TParams>[])_states.Clone();
        var d = (MontyField31<TParams>[])_states.Clone();
        for (int i = 0; i < a.Length; i += Width)
        {
            _perm.Permute(a.AsSpan(i, Width));
            _perm.PermuteScalarForTest(MontyField31<TParams>.AsMontgomery(d.AsSpan(i, Width)));
        }
        _perm.PermuteMany(b);
        _perm.PermuteManyParallel(c);
        if (!a.AsSpan().SequenceEqual(b) || !a.AsSpan().SequenceEqual(c) || !a.AsSpan().SequenceEqual(d))
            throw new InvalidOperationException("Poseidon2 variants disagree");
    }

    /// <summary>The portable scalar kernel, one state at a time.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = States)]
    public void ScalarOneAtATime()
    {
        int w = Width;
        Span<uint> words = MontyField31<TParams>.AsMontgomery(_states);
        for (int i = 0; i < words.Length; i += w)
            _perm.PermuteScalarForTest(words.Slice(i, w));
    }

    /// <summary>The public single-state call (in-register AVX-512 kernel for width 16 where available).</summary>
    [Benchmark(OperationsPerInvoke = States)]
    public void OneAtATime()
    {
        int w = Width;
        for (int i = 0; i < _states.Length; i += w)
            _perm.Permute(_states.AsSpan(i, w));
    }

    [Benchmark(OperationsPerInvoke = States)]
    public void BatchSimd() => _perm.PermuteMany(_states);

    [Benchmark(OperationsPerInvoke = States)]
    public void BatchParallel() => _perm.PermuteManyParallel(_states);
}
