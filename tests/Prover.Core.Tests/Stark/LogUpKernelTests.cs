using System.Runtime.Intrinsics;
using Prover.Core.Air;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Field;
using Prover.Core.Tests.Machine;
using Prover.Core.Tests.Zkvm;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The optimised LogUp kernels (packed trace generation with zero-multiplicity skipping, packed LogUp
/// constraints in the quotient) against their references, on zkVM-shaped tables (many interactions,
/// padding rows, preprocessed columns), for the quartic and octic extensions, and whole proofs byte for byte.
/// </summary>
public sealed class LogUpKernelTests
{
    /// <summary>Shard 0 of the misaligned guest in shards of 2^9 cycles: every chip it has, with padding.</summary>
    private static readonly Lazy<(IReadOnlyList<IAir<KoalaBear>> Airs, RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics)> Shard = new(() =>
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        RowMajorMatrix<KoalaBear>[]? traces = null;
        KoalaBear[][]? publics = null;
        int[]? chips = null;
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config,
            ShardSize = 1 << 9,
            Tamper = (s, t, p) =>
            {
                if (s == 0)
                    (traces, publics) = ([.. t.OfType<RowMajorMatrix<KoalaBear>>().Select(m => m.Clone())], [.. p.Where((_, c) => t[c] is not null).Select(x => x.ToArray())]);
                chips ??= [.. t.Select((m, c) => (m, c)).Where(x => x.m is not null).Select(x => x.c)];
            },
        }).Prove(program, []);
        return ([.. chips!.Select(c => program.Airs[c])], traces!, publics!);
    });

    private static ExtensionField<KoalaBear, TDef> Ext<TDef>(Random rng) where TDef : struct, IExtensionDefinition<KoalaBear, TDef> =>
        ExtensionField<KoalaBear, TDef>.FromCoefficients([.. Enumerable.Range(0, TDef.Degree).Select(_ => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus)))]);

    private static T WithReference<T>(bool reference, Func<T> f)
    {
        using (KernelSelection.UseReference(reference ? ReferenceFamily.LogUp : ReferenceFamily.None))
            return f();
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Packed_extension_product_equals_the_scalar_one(SimdPath path)
    {
        if (path == SimdPath.Vector512)
            CheckAll<Lanes512<KoalaBearParameters>, Vector512<uint>>();
        else
            CheckAll<Lanes256<KoalaBearParameters>, Vector256<uint>>();

        static void CheckAll<TL, TV>() where TL : struct, IPackedLanes<TV> where TV : unmanaged
        {
            Check<KoalaBearQuartic, TL, TV>();
            Check<KoalaBearOctic, TL, TV>();
            Check<KoalaBearQuintic, TL, TV>(); // not binomial: the general reduction
        }

        static void Check<TDef, TL, TV>() where TDef : struct, IExtensionDefinition<KoalaBear, TDef> where TL : struct, IPackedLanes<TV> where TV : unmanaged
        {
            var rng = new Random(11);
            int n = TL.Count;
            var a = Enumerable.Range(0, n).Select(_ => Ext<TDef>(rng)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => Ext<TDef>(rng)).ToArray();
            var pa = Pack(a);
            var pb = Pack(b);
            var scaled = new TV[TDef.Degree];
            PackedExtension<KoalaBearParameters, TDef, TL, TV>.MulBase(pa, pb[0], scaled);
            PackedExtension<KoalaBearParameters, TDef, TL, TV>.Mul(pa, pb, pa);
            for (int lane = 0; lane < n; lane++)
            {
                Assert.Equal(a[lane] * b[lane], PackedExtension<KoalaBearParameters, TDef, TL, TV>.Extract(pa, lane));
                Assert.Equal(a[lane] * b[lane][0], PackedExtension<KoalaBearParameters, TDef, TL, TV>.Extract(scaled, lane));
            }

            TV[] Pack(ExtensionField<KoalaBear, TDef>[] x) =>
                [.. Enumerable.Range(0, TDef.Degree).Select(c => TL.Create([.. x.Select(v => v[c].Montgomery)]))];
        }
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256, false)]
    [SimdPathData(SimdPath.Vector256, true)]
    [SimdPathData(SimdPath.Vector512, false)]
    [SimdPathData(SimdPath.Vector512, true)]
    public void LogUp_trace_kernels_agree_on_zkvm_tables(SimdPath path, bool octic)
    {
        using (KernelSelection.LimitSimd(path))
        {
            Assert.Equal(path, KernelSelection.Simd<KoalaBearParameters>());
            if (octic) Check<KoalaBearOctic>(); else Check<KoalaBearQuartic>();
        }

        static void Check<TDef>() where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var (airs, traces, publics) = Shard.Value;
            var heights = traces.Select(t => int.Log2(t.Height)).ToArray();
            var key = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(airs, heights, 1);
            var rng = new Random(5);
            int checkedTables = 0;
            for (int t = 0; t < airs.Count; t++)
            {
                var air = new CompiledAir<KoalaBear>(airs[t]);
                if (air.Interactions.Count == 0)
                    continue;
                // The honest trace, and a random one with about half its rows zero (mixed zero and non-zero multiplicities).
                var random = traces[t].Clone();
                for (int r = 0; r < random.Height; r++)
                    for (int c = 0; c < random.Width; c++)
                        random[r, c] = rng.Next(2) == 0 ? default : KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
                foreach (var main in new[] { traces[t], random })
                {
                    var (gamma, beta) = (Ext<TDef>(rng), Ext<TDef>(rng));
                    var reference = LogUp.GenerateTrace(air, main, key?.Traces[t], publics[t], gamma, beta);
                    var fast = LogUpPacked<KoalaBearParameters, TDef>.GenerateTrace(air, main, key?.Traces[t], publics[t], gamma, beta);
                    Assert.Equal(reference.CumulativeSum, fast.CumulativeSum);
                    Assert.Equal(reference.Trace.Values, fast.Trace.Values);
                }
                checkedTables++;
            }
            Assert.True(checkedTables >= 8, $"{checkedTables} tables with interactions");
        }
    }

    /// <summary>
    /// Batched LogUp against a direct computation of the same fractions: every group column, on every row of every
    /// zkVM table, is Σ_i ±m_i·fp_i^(−1) over its members, each fingerprint inverted on its own (no batch inversion,
    /// no shared denominator), the last group's column is not stored, and the cyclic running sum is s_i = Σ_(r&lt;i) Σ_j g_j(r)
    /// − i·T/N (each row's value from its own prefix, not by the kernels' recurrence); on every SIMD path this machine has (the
    /// scalar path is the reference kernel), the kernel's trace is that, and it satisfies every LogUp constraint.
    /// </summary>
    [Theory]
    [SimdPathData(SimdPath.Scalar)]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Vector512)]
    public void Batched_columns_equal_the_direct_sum_of_their_fractions(SimdPath path)
    {
        var (airs, traces, publics) = Shard.Value;
        var heights = traces.Select(t => int.Log2(t.Height)).ToArray();
        var key = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(airs, heights, 1);
        var rng = new Random(7);
        int shared = 0;
        for (int t = 0; t < airs.Count; t++)
        {
            var air = new CompiledAir<KoalaBear>(airs[t]);
            if (air.Interactions.Count == 0)
                continue;
            var (gamma, beta) = (Ext<KoalaBearQuartic>(rng), Ext<KoalaBearQuartic>(rng));
            (RowMajorMatrix<KoalaBear> Trace, KoalaBearExt4 CumulativeSum) fast;
            using (KernelSelection.LimitSimd(path))
                fast = LogUpPacked<KoalaBearParameters, KoalaBearQuartic>.GenerateTrace(air, traces[t], key?.Traces[t], publics[t], gamma, beta);
            var direct = Direct(air, traces[t], key?.Traces[t], publics[t], gamma, beta, out var sum);
            Assert.Equal(sum, fast.CumulativeSum);
            Assert.Equal(direct.Values, fast.Trace.Values);
            Assert.Null(AirChecker.FindLogUpViolation(air, traces[t], key?.Traces[t], publics[t], fast.Trace, gamma, beta, fast.CumulativeSum));
            shared += air.LogUpGroups.Count(g => g.Count > 1);
        }
        Assert.True(shared >= 40, $"{shared} columns shared by several interactions");

        static RowMajorMatrix<KoalaBear> Direct(CompiledAir<KoalaBear> air, RowMajorMatrix<KoalaBear> main, RowMajorMatrix<KoalaBear>? pre,
            KoalaBear[] publics, KoalaBearExt4 gamma, KoalaBearExt4 beta, out KoalaBearExt4 sum)
        {
            int columns = air.LogUpGroups.Count, n = main.Height;
            var result = new RowMajorMatrix<KoalaBear>(n, 4 * columns);
            var prefix = new KoalaBearExt4[n + 1];
            var registers = new KoalaBear[air.Program.InstructionCount];
            var outputs = new KoalaBear[air.Program.ConstraintCount];
            sum = default;
            for (int row = 0; row < n; row++)
            {
                var inputs = new TraceRowInputs<KoalaBear>(main, pre, publics, row);
                air.Program.Evaluate<KoalaBear, TraceRowInputs<KoalaBear>>(ref inputs, registers, outputs);
                for (int j = 0; j < columns; j++)
                {
                    KoalaBearExt4 g = default;
                    foreach (int i in air.LogUpGroups[j])
                    {
                        var interaction = air.Interactions[i];
                        int o = air.InteractionOutput(i);
                        var values = outputs.AsSpan(o, interaction.Values.Count).ToArray().Select(KoalaBearExt4.FromBase).ToArray();
                        var m = KoalaBearExt4.FromBase(outputs[o + values.Length]);
                        var fraction = m * LogUp.Fingerprint<KoalaBear, KoalaBearExt4>(interaction.Bus, values, gamma, beta).Inverse();
                        g += interaction.Kind == InteractionKind.Send ? fraction : -fraction;
                    }
                    if (j < columns - 1)
                        g.Coefficients.CopyTo(result.Row(row).Slice(4 * j, 4));
                    sum += g;
                }
                prefix[row + 1] = sum;
            }
            var inverse = KoalaBear.FromUInt64((ulong)n).Inverse();
            for (int row = 0; row < n; row++)
                (prefix[row] - sum * (inverse * KoalaBear.FromUInt64((ulong)row))).Coefficients.CopyTo(result.Row(row).Slice(4 * (columns - 1), 4));
            return result;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quotient_kernels_agree_on_zkvm_tables(bool octic)
    {
        if (octic) Check<KoalaBearOctic>(); else Check<KoalaBearQuartic>();

        static void Check<TDef>() where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        {
            var (airs, traces, publics) = Shard.Value;
            const int LogBlowup = 2;
            var heights = traces.Select(t => int.Log2(t.Height)).ToArray();
            var key = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(airs, heights, LogBlowup);
            var shift = KoalaBear.MultiplicativeGenerator;
            var dft = Radix2Dft<KoalaBearParameters>.Instance;
            var rng = new Random(6);
            for (int t = 0; t < airs.Count; t++)
            {
                var air = new CompiledAir<KoalaBear>(airs[t]);
                var (alpha, gamma, beta, sum) = (Ext<TDef>(rng), Ext<TDef>(rng), Ext<TDef>(rng), Ext<TDef>(rng));
                var lde = dft.CosetLdeBitReversed(traces[t], LogBlowup, shift);
                RowMajorMatrix<KoalaBear>? logUpLde = null;
                if (air.Interactions.Count > 0)
                    logUpLde = dft.CosetLdeBitReversed(LogUp.GenerateTrace(air, traces[t], key?.Traces[t], publics[t], gamma, beta).Trace, LogBlowup, shift);
                ExtensionField<KoalaBear, TDef>[] Run(bool reference, SimdPath path)
                {
                    using (KernelSelection.LimitSimd(path))
                        return WithReference(reference, () => QuotientEvaluator<KoalaBearParameters, TDef>.Evaluate(air, heights[t], lde, key?.Ldes[t], logUpLde,
                            publics[t], alpha, gamma, beta, sum));
                }
                // The scalar reference against every packed path this machine has (optimised and reference LogUp fold).
                var expected = Run(true, SimdPath.Scalar);
                foreach (var path in new[] { SimdPath.Vector256, SimdPath.Vector512 }.Where(p => p <= SimdSupport.Best))
                {
                    Assert.Equal(expected, Run(false, path));
                    Assert.Equal(expected, Run(true, path));
                }
            }
        }
    }

    [Fact]
    public void Optimised_and_reference_kernels_give_identical_zkvm_proofs()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        byte[] Prove(bool reference) => WithReference(reference, () =>
            new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 9 }).Prove(program, []).ToBytes());
        Assert.Equal(Prove(true), Prove(false));
    }

    [Theory]
    [SimdPathData(SimdPath.Scalar)]
    [SimdPathData(SimdPath.Vector256)]
    public void Narrower_simd_paths_give_identical_zkvm_proofs(SimdPath path)
    {
        // The whole prover capped at a narrower path (the AVX2 packed LogUp and quotient kernels, or no
        // packed kernels at all) gives the proof of the machine's best path, byte for byte.
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        byte[] Prove() => new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 9 }).Prove(program, []).ToBytes();
        var best = Prove();
        using (KernelSelection.LimitSimd(path))
            Assert.Equal(best, Prove());
    }
}
