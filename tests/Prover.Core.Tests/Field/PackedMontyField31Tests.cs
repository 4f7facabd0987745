using System.Runtime.Intrinsics;
using Prover.Core.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Field;

/// <summary>Every SIMD path of <see cref="PackedMontyField31{TParams}"/> against the scalar field, for each field.</summary>
public abstract class PackedMontyField31Tests<TParams>(ITestOutputHelper output)
    where TParams : struct, IMontyParameters
{
    private const int Seed = 7_031_121;

    private static MontyField31<TParams> F(uint canonical) => MontyField31<TParams>.FromCanonical(canonical);

    /// <summary>Edge values (0, 1, 2, p−1, p−2, p/2, and their Montgomery words as canonical values) then random ones.</summary>
    private MontyField31<TParams>[] Values(int count, Random rng)
    {
        uint p = TParams.P;
        uint[] edges = [0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1, F(1).Montgomery, F(p - 1).Montgomery];
        var result = new MontyField31<TParams>[count];
        for (int i = 0; i < count; i++)
            result[i] = i < edges.Length * 3 ? F(edges[i % edges.Length]) : F((uint)rng.NextInt64(p));
        return result;
    }

    private (MontyField31<TParams>[] A, MontyField31<TParams>[] B) Pairs(int count)
    {
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed);
        var a = Values(count, rng);
        var b = Values(count, rng);
        // Every pair of the 9 edge values meets once in the first 81 positions.
        var edgesA = a[..9];
        var edgesB = b[..9];
        for (int i = 0; i < 81 && i < count; i++)
        {
            a[i] = edgesA[i / 9];
            b[i] = edgesB[i % 9];
        }
        return (a, b);
    }

    [Theory]
    [SimdPathData(SimdPath.Scalar)]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Span_operations_match_scalar_field(SimdPath path)
    {
        // Lengths that exercise the 16-lane body, the 8-lane step and the scalar tail.
        foreach (int n in new[] { 0, 1, 7, 8, 15, 16, 17, 31, 33, 100, 1000 })
        {
            var (a, b) = Pairs(Math.Max(n, 81));
            a = a[..n];
            b = b[..n];
            var dst = new MontyField31<TParams>[n];
            PackedMontyField31<TParams>.Binary<PackedMontyField31<TParams>.AddOp>(a, b, dst, path);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], dst[i]);
            PackedMontyField31<TParams>.Binary<PackedMontyField31<TParams>.SubOp>(a, b, dst, path);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] - b[i], dst[i]);
            PackedMontyField31<TParams>.Binary<PackedMontyField31<TParams>.MulOp>(a, b, dst, path);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] * b[i], dst[i]);

            var x = (MontyField31<TParams>[])a.Clone();
            PackedMontyField31<TParams>.NegInPlace(x, path);
            for (int i = 0; i < n; i++) Assert.Equal(-a[i], x[i]);

            foreach (var s in new[] { F(0), F(1), F(TParams.P - 1), F(TParams.P - 2), F(123_456_789) })
            {
                x = (MontyField31<TParams>[])a.Clone();
                PackedMontyField31<TParams>.ScaleInPlace(x, s, path);
                for (int i = 0; i < n; i++) Assert.Equal(a[i] * s, x[i]);
            }
        }
    }

    [Fact]
    public void Public_span_helpers_use_the_best_path_and_agree()
    {
        var (a, b) = Pairs(1003);
        var dst = new MontyField31<TParams>[a.Length];
        PackedMontyField31<TParams>.Mul(a, b, dst);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] * b[i], dst[i]);
        PackedMontyField31<TParams>.Add(a, b, dst);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] + b[i], dst[i]);
        PackedMontyField31<TParams>.Sub(a, b, dst);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] - b[i], dst[i]);
        var acc = (MontyField31<TParams>[])a.Clone();
        PackedMontyField31<TParams>.MulInPlace(acc, b);
        PackedMontyField31<TParams>.AddInPlace(acc, b);
        PackedMontyField31<TParams>.SubInPlace(acc, a);
        PackedMontyField31<TParams>.NegInPlace(acc);
        PackedMontyField31<TParams>.ScaleInPlace(acc, F(5));
        for (int i = 0; i < a.Length; i++) Assert.Equal(-(a[i] * b[i] + b[i] - a[i]) * F(5), acc[i]);
        Assert.Throws<ArgumentException>(() => PackedMontyField31<TParams>.Mul(a, b.AsSpan(1), dst));
    }

    [Fact]
    public void Paths_wider_than_the_hardware_are_clamped_not_fatal()
    {
        // Asking for Vector512 on a machine (or runtime setting) without AVX-512 runs the widest available
        // path instead of throwing PlatformNotSupportedException; the results are the field's either way.
        var (a, b) = Pairs(100);
        foreach (var path in new[] { SimdPath.Vector512, SimdPath.Vector256 })
        {
            var x = (MontyField31<TParams>[])a.Clone();
            PackedMontyField31<TParams>.ScaleInPlace(x, b[3], path);
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] * b[3], x[i]);
            var dst = new MontyField31<TParams>[a.Length];
            PackedMontyField31<TParams>.Binary<PackedMontyField31<TParams>.MulOp>(a, b, dst, path);
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] * b[i], dst[i]);
        }
        Assert.True(PackedMontyField31<TParams>.Clamp(SimdPath.Vector512) == SimdSupport.Best);
    }

    [SimdFact(SimdPath.Vector512)]
    public void Register_kernels_512_match_scalar_field()
    {
        var (a, b) = Pairs(16 * 64);
        for (int v = 0; v < a.Length; v += 16)
        {
            var va = Vector512.Create(MontyField31<TParams>.AsMontgomery(a.AsSpan(v, 16)));
            var vb = Vector512.Create(MontyField31<TParams>.AsMontgomery(b.AsSpan(v, 16)));
            var s = b[v];
            var vs = Vector512.Create(s.Montgomery);
            var vsMu = Vector512.Create(s.Montgomery * TParams.MontyMu);
            var add = PackedMontyField31<TParams>.Add(va, vb);
            var sub = PackedMontyField31<TParams>.Sub(va, vb);
            var mul = PackedMontyField31<TParams>.Mul(va, vb);
            var neg = PackedMontyField31<TParams>.Neg(va);
            var mulS = PackedMontyField31<TParams>.MulBroadcast(va, vs, vsMu);
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal((a[v + i] + b[v + i]).Montgomery, add[i]);
                Assert.Equal((a[v + i] - b[v + i]).Montgomery, sub[i]);
                Assert.Equal((a[v + i] * b[v + i]).Montgomery, mul[i]);
                Assert.Equal((-a[v + i]).Montgomery, neg[i]);
                Assert.Equal((a[v + i] * s).Montgomery, mulS[i]);
            }
        }
    }

    [SimdFact(SimdPath.Vector256)]
    public void Register_kernels_256_match_scalar_field()
    {
        var (a, b) = Pairs(8 * 64);
        for (int v = 0; v < a.Length; v += 8)
        {
            var va = Vector256.Create(MontyField31<TParams>.AsMontgomery(a.AsSpan(v, 8)));
            var vb = Vector256.Create(MontyField31<TParams>.AsMontgomery(b.AsSpan(v, 8)));
            var s = b[v];
            var vs = Vector256.Create(s.Montgomery);
            var vsMu = Vector256.Create(s.Montgomery * TParams.MontyMu);
            var add = PackedMontyField31<TParams>.Add(va, vb);
            var sub = PackedMontyField31<TParams>.Sub(va, vb);
            var mul = PackedMontyField31<TParams>.Mul(va, vb);
            var neg = PackedMontyField31<TParams>.Neg(va);
            var mulS = PackedMontyField31<TParams>.MulBroadcast(va, vs, vsMu);
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal((a[v + i] + b[v + i]).Montgomery, add[i]);
                Assert.Equal((a[v + i] - b[v + i]).Montgomery, sub[i]);
                Assert.Equal((a[v + i] * b[v + i]).Montgomery, mul[i]);
                Assert.Equal((-a[v + i]).Montgomery, neg[i]);
                Assert.Equal((a[v + i] * s).Montgomery, mulS[i]);
            }
        }
    }
}

public sealed class KoalaBearPackedTests(ITestOutputHelper output) : PackedMontyField31Tests<KoalaBearParameters>(output);

public sealed class BabyBearPackedTests(ITestOutputHelper output) : PackedMontyField31Tests<BabyBearParameters>(output);
