using System.Runtime.Intrinsics;
using System.Text.Json;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Tests.Field;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Hash;

/// <summary>Poseidon2 over one field: known answers, the plain reference, and every SIMD path against the scalar one.</summary>
public abstract class Poseidon2Tests<TParams>(ITestOutputHelper output, string vectorFile)
    where TParams : struct, IMontyParameters
{
    private const int Seed = 20261121;

    private static Poseidon2<TParams> Perm(int width) =>
        width == 16 ? Poseidon2.Width16<TParams>() : Poseidon2.Width24<TParams>();

    private JsonElement Section(int width) => SharedData.Vectors(vectorFile).GetProperty("poseidon2").GetProperty($"width{width}");

    private static uint[] Apply(Poseidon2<TParams> perm, uint[] canonical)
    {
        var state = canonical.Select(MontyField31<TParams>.FromCanonical).ToArray();
        perm.Permute(state);
        return state.Select(x => x.ToCanonical()).ToArray();
    }

    private uint[][] RandomStates(int count, int width)
    {
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed + count + width);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, width).Select(_ => (uint)rng.NextInt64(TParams.P)).ToArray())
            .ToArray();
    }

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Known_answers_match(int width)
    {
        var v = Section(width);
        var perm = Perm(width);
        var kat = v.GetProperty("kat_plonky3");
        Assert.Equal(kat.GetProperty("expected").U32Array(), Apply(perm, kat.GetProperty("input").U32Array()));
        Assert.Equal(v.GetProperty("perm(zeros)").U32Array(), Apply(perm, new uint[width]));
        Assert.Equal(v.GetProperty("perm([0..width-1])").U32Array(),
            Apply(perm, Enumerable.Range(0, width).Select(i => (uint)i).ToArray()));
    }

    /// <summary>The generated tables in the library are the vectors' constants (catches a stale generator run).</summary>
    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Embedded_constants_equal_vectors(int width)
    {
        var v = Section(width);
        string prefix = TParams.Name + width;
        uint[] Table(string suffix) => ConstantTable(prefix + suffix);
        Assert.Equal(v.GetProperty("round_constants_external_initial").U32Matrix().SelectMany(r => r), Table("ExternalInitial"));
        Assert.Equal(v.GetProperty("round_constants_external_final").U32Matrix().SelectMany(r => r), Table("ExternalFinal"));
        Assert.Equal(v.GetProperty("round_constants_internal").U32Array(), Table("Internal"));
        Assert.Equal(v.GetProperty("internal_diagonal").U32Array(), Table("Diagonal"));
    }

    private static uint[] ConstantTable(string name) => name switch
    {
        "KoalaBear16ExternalInitial" => Poseidon2Constants.KoalaBear16ExternalInitial.ToArray(),
        "KoalaBear16ExternalFinal" => Poseidon2Constants.KoalaBear16ExternalFinal.ToArray(),
        "KoalaBear16Internal" => Poseidon2Constants.KoalaBear16Internal.ToArray(),
        "KoalaBear16Diagonal" => Poseidon2Constants.KoalaBear16Diagonal.ToArray(),
        "KoalaBear24ExternalInitial" => Poseidon2Constants.KoalaBear24ExternalInitial.ToArray(),
        "KoalaBear24ExternalFinal" => Poseidon2Constants.KoalaBear24ExternalFinal.ToArray(),
        "KoalaBear24Internal" => Poseidon2Constants.KoalaBear24Internal.ToArray(),
        "KoalaBear24Diagonal" => Poseidon2Constants.KoalaBear24Diagonal.ToArray(),
        "BabyBear16ExternalInitial" => Poseidon2Constants.BabyBear16ExternalInitial.ToArray(),
        "BabyBear16ExternalFinal" => Poseidon2Constants.BabyBear16ExternalFinal.ToArray(),
        "BabyBear16Internal" => Poseidon2Constants.BabyBear16Internal.ToArray(),
        "BabyBear16Diagonal" => Poseidon2Constants.BabyBear16Diagonal.ToArray(),
        "BabyBear24ExternalInitial" => Poseidon2Constants.BabyBear24ExternalInitial.ToArray(),
        "BabyBear24ExternalFinal" => Poseidon2Constants.BabyBear24ExternalFinal.ToArray(),
        "BabyBear24Internal" => Poseidon2Constants.BabyBear24Internal.ToArray(),
        "BabyBear24Diagonal" => Poseidon2Constants.BabyBear24Diagonal.ToArray(),
        _ => throw new ArgumentException(name),
    };

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Reference_matches_known_answers(int width)
    {
        var v = Section(width);
        var reference = new ReferencePoseidon2<TParams>(v);
        var kat = v.GetProperty("kat_plonky3");
        Assert.Equal(kat.GetProperty("expected").U32Array(), reference.Permute(kat.GetProperty("input").U32Array()));
        Assert.Equal(v.GetProperty("perm(zeros)").U32Array(), reference.Permute(new uint[width]));
    }

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Parameters_match_vectors(int width)
    {
        var v = Section(width);
        var perm = Perm(width);
        Assert.Equal(width, perm.Width);
        Assert.Equal(v.GetProperty("sbox_degree").GetInt32(), Poseidon2<TParams>.SBoxDegree);
        Assert.Equal(v.GetProperty("full_rounds").GetInt32(), Poseidon2<TParams>.FullRounds);
        Assert.Equal(v.GetProperty("partial_rounds").GetInt32(), perm.PartialRounds);
    }

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Optimised_matches_reference_on_random_states(int width)
    {
        var reference = new ReferencePoseidon2<TParams>(Section(width));
        var perm = Perm(width);
        foreach (var state in RandomStates(50, width))
            Assert.Equal(reference.Permute(state), Apply(perm, state));
        // Edge values: all p − 1 (largest sums in the linear layers).
        var max = Enumerable.Repeat(TParams.P - 1, width).ToArray();
        Assert.Equal(reference.Permute(max), Apply(perm, max));
    }

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Every_single_state_kernel_matches_reference(int width)
    {
        var reference = new ReferencePoseidon2<TParams>(Section(width));
        var perm = Perm(width);
        var states = RandomStates(40, width).Append(Enumerable.Repeat(TParams.P - 1, width).ToArray()).Append(new uint[width]);
        foreach (var state in states)
        {
            var expected = reference.Permute(state);
            var words = state.Select(x => MontyField31<TParams>.FromCanonical(x).Montgomery).ToArray();
            var scalar = (uint[])words.Clone();
            perm.PermuteScalarForTest(scalar);
            Assert.Equal(expected, scalar.Select(w => MontyField31<TParams>.FromMontgomery(w).ToCanonical()).ToArray());
            if (width == 16 && Poseidon2<TParams>.SingleStateAvx512)
            {
                var vector = (uint[])words.Clone();
                perm.PermuteSingleAvx512ForTest(vector);
                Assert.Equal(expected, vector.Select(w => MontyField31<TParams>.FromMontgomery(w).ToCanonical()).ToArray());
            }
        }
        if (!Poseidon2<TParams>.SingleStateAvx512)
            output.WriteLine("AVX-512 not supported here: only the scalar single-state kernel was compared");
    }

    /// <summary>
    /// The single-state width-24 kernels (AVX2: three 256-bit vectors; AVX-512: a 512-bit and a 256-bit one) against the
    /// plain reference and the scalar kernel, on random states, edge states, and an instance with an arbitrary diagonal;
    /// and the dispatching <see cref="Poseidon2{TParams}.Permute"/> gives the same words. A path this process cannot run is
    /// skipped with its reason.
    /// </summary>
    [SharedTheory]
    [SimdPathData(SimdPath.Vector512)]
    [SimdPathData(SimdPath.Vector256)]
    [SimdPathData(SimdPath.Scalar)]
    public void Single_state_width24_kernels_match_reference(SimdPath path)
    {
        var kernel = path switch
        {
            SimdPath.Vector512 => Poseidon2<TParams>.Single24Kernel.Avx512,
            SimdPath.Vector256 => Poseidon2<TParams>.Single24Kernel.Avx2,
            _ => Poseidon2<TParams>.Single24Kernel.Scalar,
        };
        output.WriteLine($"kernel {kernel}; this machine dispatches to {Poseidon2<TParams>.Single24}");
        var v = Section(24);
        var initial = v.GetProperty("round_constants_external_initial").U32Matrix();
        var final = v.GetProperty("round_constants_external_final").U32Matrix();
        var internalRc = v.GetProperty("round_constants_internal").U32Array();
        var rng = new Random(Seed + 24);
        var diag = Enumerable.Range(0, 24).Select(_ => (uint)rng.NextInt64(TParams.P)).ToArray();
        var generic = new Poseidon2<TParams>(24, initial.SelectMany(r => r).ToArray(), final.SelectMany(r => r).ToArray(), internalRc, diag);
        foreach (var (perm, reference) in new[]
        {
            (Perm(24), new ReferencePoseidon2<TParams>(v)),
            (generic, new ReferencePoseidon2<TParams>(Poseidon2<TParams>.SBoxDegree, initial, final, internalRc, diag)),
        })
        {
            var states = RandomStates(64, 24).Append(Enumerable.Repeat(TParams.P - 1, 24).ToArray()).Append(new uint[24])
                .Append([.. Enumerable.Range(0, 24).Select(i => i % 2 == 0 ? TParams.P - 1 : 0u)]);
            foreach (var state in states)
            {
                var expected = reference.Permute(state);
                var words = state.Select(x => MontyField31<TParams>.FromCanonical(x).Montgomery).ToArray();
                perm.PermuteSingle24ForTest(kernel, words);
                Assert.Equal(expected, words.Select(w => MontyField31<TParams>.FromMontgomery(w).ToCanonical()).ToArray());
                Assert.Equal(expected, Apply(perm, state));
            }
        }
    }

    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Standard_instances_use_the_specialised_internal_layer(int width) =>
        Assert.True(Perm(width).HasSpecialisedInternalLayer);

    /// <summary>A diagonal with arbitrary entries (plus some shortcut ones) takes the generic layer; it must still match the reference.</summary>
    [SharedTheory]
    [InlineData(16)]
    [InlineData(24)]
    public void Generic_internal_layer_matches_reference(int width)
    {
        var v = Section(width);
        var rng = new Random(Seed);
        var diag = Enumerable.Range(0, width).Select(_ => (uint)rng.NextInt64(TParams.P)).ToArray();
        diag[1] = 1;
        diag[2] = TParams.P - 3;
        diag[3] = (TParams.P + 1) / 2; // 1/2
        diag[4] = TParams.P - (TParams.P + 1) / 4; // -1/4
        var initial = v.GetProperty("round_constants_external_initial").U32Matrix();
        var final = v.GetProperty("round_constants_external_final").U32Matrix();
        var internalRc = v.GetProperty("round_constants_internal").U32Array();
        var perm = new Poseidon2<TParams>(width, initial.SelectMany(r => r).ToArray(), final.SelectMany(r => r).ToArray(), internalRc, diag);
        Assert.False(perm.HasSpecialisedInternalLayer);
        var reference = new ReferencePoseidon2<TParams>(Poseidon2<TParams>.SBoxDegree, initial, final, internalRc, diag);
        var states = RandomStates(33, width);
        var flat = states.SelectMany(s => s).Select(MontyField31<TParams>.FromCanonical).ToArray();
        perm.PermuteMany(flat);
        for (int k = 0; k < states.Length; k++)
        {
            var expected = reference.Permute(states[k]);
            Assert.Equal(expected, Apply(perm, states[k]));
            Assert.Equal(expected, flat.AsSpan(k * width, width).ToArray().Select(x => x.ToCanonical()).ToArray());
            var words = states[k].Select(x => MontyField31<TParams>.FromCanonical(x).Montgomery).ToArray();
            perm.PermuteScalarForTest(words);
            Assert.Equal(expected, words.Select(w => MontyField31<TParams>.FromMontgomery(w).ToCanonical()).ToArray());
        }
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 37)]
    [InlineData(24, 40)]
    [InlineData(16, 1000)]
    public void PermuteMany_and_parallel_match_single_permutations(int width, int count)
    {
        var perm = Perm(width);
        var states = RandomStates(count, width);
        var expected = states.SelectMany(s => Apply(perm, s)).ToArray();
        var flat = states.SelectMany(s => s).Select(MontyField31<TParams>.FromCanonical).ToArray();
        var flat2 = (MontyField31<TParams>[])flat.Clone();
        perm.PermuteMany(flat);
        Assert.Equal(expected, flat.Select(x => x.ToCanonical()).ToArray());
        perm.PermuteManyParallel(flat2);
        Assert.Equal(expected, flat2.Select(x => x.ToCanonical()).ToArray());
        // Through the interface's default loop as well.
        var flat3 = states.SelectMany(s => s).Select(MontyField31<TParams>.FromCanonical).ToArray();
        IPermutation<MontyField31<TParams>> generic = new LoopOnly(perm);
        generic.PermuteMany(flat3);
        Assert.Equal(expected, flat3.Select(x => x.ToCanonical()).ToArray());
    }

    /// <summary>
    /// Every batched lane count this machine has (16: AVX-512, 8: AVX2, 1: one state at a time) through
    /// <see cref="Poseidon2{TParams}.PermuteMany"/>, against the scalar reference kernel state by state, with a partial
    /// last block; the lane count the instance chose (width 24 measures 16 against 8) is one of them. A path this process
    /// cannot run is skipped with its reason.
    /// </summary>
    [Theory]
    [SimdPathData(SimdPath.Vector512, 16)]
    [SimdPathData(SimdPath.Vector512, 24)]
    [SimdPathData(SimdPath.Vector256, 16)]
    [SimdPathData(SimdPath.Vector256, 24)]
    [SimdPathData(SimdPath.Scalar, 16)]
    [SimdPathData(SimdPath.Scalar, 24)]
    public void Batched_lane_counts_match_scalar_reference(SimdPath path, int width)
    {
        int lanes = path switch { SimdPath.Vector512 => 16, SimdPath.Vector256 => 8, _ => 1 };
        var perm = Perm(width);
        output.WriteLine($"{lanes} lanes; this instance chose {perm.Lanes} of [{string.Join(", ", perm.AvailableLanes)}]");
        Assert.Contains(perm.Lanes, perm.AvailableLanes);
        Assert.Contains(lanes, perm.AvailableLanes);
        var states = RandomStates(3 * lanes + 5, width).Append(Enumerable.Repeat(TParams.P - 1, width).ToArray()).ToArray();
        var flat = states.SelectMany(s => s).Select(MontyField31<TParams>.FromCanonical).ToArray();
        perm.PermuteManyWithLanesForTest(lanes, flat);
        for (int k = 0; k < states.Length; k++)
        {
            var words = states[k].Select(x => MontyField31<TParams>.FromCanonical(x).Montgomery).ToArray();
            perm.PermuteScalarForTest(words);
            Assert.Equal(words.Select(w => MontyField31<TParams>.FromMontgomery(w).ToCanonical()).ToArray(),
                flat.AsSpan(k * width, width).ToArray().Select(x => x.ToCanonical()).ToArray());
        }
    }

    [Fact]
    public void Width16_takes_the_widest_batch_and_lanes_stay_fixed()
    {
        Assert.Equal(Poseidon2<TParams>.BatchLanes, Perm(16).Lanes);
        int chosen = Perm(24).Lanes;
        for (int i = 0; i < 3; i++)
            Assert.Equal(chosen, Perm(24).Lanes);
    }

    private sealed class LoopOnly(Poseidon2<TParams> inner) : IPermutation<MontyField31<TParams>>
    {
        public int Width => inner.Width;

        public void Permute(Span<MontyField31<TParams>> state) => inner.Permute(state);
    }

    [Theory]
    [SimdPathData(SimdPath.Vector512, 16)]
    [SimdPathData(SimdPath.Vector512, 24)]
    public void Avx512_lanes_match_scalar(SimdPath path, int width)
    {
        Assert.Equal(SimdPath.Vector512, path);
        Assert.True(Avx512Lanes<TParams>.IsSupported);
        CheckLanes<Avx512Lanes<TParams>, Vector512<uint>>(width, 16);
    }

    [Theory]
    [SimdPathData(SimdPath.Vector256, 16)]
    [SimdPathData(SimdPath.Vector256, 24)]
    public void Avx2_lanes_match_scalar(SimdPath path, int width)
    {
        Assert.Equal(SimdPath.Vector256, path);
        Assert.True(Avx2Lanes<TParams>.IsSupported);
        CheckLanes<Avx2Lanes<TParams>, Vector256<uint>>(width, 8);
    }

    private void CheckLanes<TL, TV>(int width, int lanes) where TL : struct, IMontyLanes<TV> where TV : struct
    {
        var perm = Perm(width);
        var states = RandomStates(lanes, width);
        states[0] = Enumerable.Repeat(TParams.P - 1, width).ToArray();
        var soa = new uint[width * lanes];
        for (int l = 0; l < lanes; l++)
            for (int j = 0; j < width; j++)
                soa[j * lanes + l] = MontyField31<TParams>.FromCanonical(states[l][j]).Montgomery;
        perm.PermuteBlockWith<TL, TV>(System.Runtime.InteropServices.MemoryMarshal.Cast<uint, TV>(soa.AsSpan()));
        for (int l = 0; l < lanes; l++)
        {
            var expected = Apply(perm, states[l]);
            for (int j = 0; j < width; j++)
                Assert.Equal(expected[j], MontyField31<TParams>.FromMontgomery(soa[j * lanes + l]).ToCanonical());
        }
    }

    [Fact]
    public void Lane_arithmetic_matches_field_operations()
    {
        var rng = new Random(Seed);
        uint p = TParams.P;
        uint[] edges = [0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1];
        var values = edges.Concat(Enumerable.Range(0, 300).Select(_ => (uint)rng.NextInt64(p))).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            for (int j = 0; j < values.Length; j += 7)
            {
                var a = MontyField31<TParams>.FromCanonical(values[i]);
                var b = MontyField31<TParams>.FromCanonical(values[j]);
                uint sum = (a + b).Montgomery, product = (a * b).Montgomery;
                Assert.Equal(sum, ScalarLanes<TParams>.Add(a.Montgomery, b.Montgomery));
                Assert.Equal(product, ScalarLanes<TParams>.Mul(a.Montgomery, b.Montgomery));
                if (Avx512Lanes<TParams>.IsSupported)
                {
                    var va = Vector512.Create(a.Montgomery);
                    var vb = Vector512.Create(b.Montgomery);
                    Assert.Equal(Vector512.Create(sum), Avx512Lanes<TParams>.Add(va, vb));
                    Assert.Equal(Vector512.Create(product), Avx512Lanes<TParams>.Mul(va, vb));
                    Assert.Equal(Vector512.Create(product), Avx512Lanes<TParams>.MulConst(va, vb));
                }
                if (Avx2Lanes<TParams>.IsSupported)
                {
                    var va = Vector256.Create(a.Montgomery);
                    var vb = Vector256.Create(b.Montgomery);
                    Assert.Equal(Vector256.Create(sum), Avx2Lanes<TParams>.Add(va, vb));
                    Assert.Equal(Vector256.Create(product), Avx2Lanes<TParams>.Mul(va, vb));
                    Assert.Equal(Vector256.Create(product), Avx2Lanes<TParams>.MulConst(va, vb));
                }
            }
        }
    }

    [Fact]
    public void Wrong_state_length_is_rejected()
    {
        var perm = Perm(16);
        Assert.Throws<ArgumentException>(() => perm.Permute(new MontyField31<TParams>[15]));
        Assert.Throws<ArgumentException>(() => perm.PermuteMany(new MontyField31<TParams>[17]));
    }
}

public sealed class KoalaBearPoseidon2Tests(ITestOutputHelper output) : Poseidon2Tests<KoalaBearParameters>(output, "koalabear");

public sealed class BabyBearPoseidon2Tests(ITestOutputHelper output) : Poseidon2Tests<BabyBearParameters>(output, "babybear");
