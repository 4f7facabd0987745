using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Core.Field;

namespace Prover.Core.Hash;

public sealed partial class Poseidon2<TParams>
{
    /// <summary>
    /// Permutes <c>states.Length / Width</c> independent states stored one after another, on this
    /// thread: blocks of <see cref="Lanes"/> states are transposed into lanes and permuted with
    /// SIMD, the remainder one by one.
    /// </summary>
    [SkipLocalsInit]
    public void PermuteMany(Span<MontyField31<TParams>> states)
    {
        int w = Width;
        if (states.Length % w != 0)
            throw new ArgumentException($"{states.Length} elements are not a whole number of width-{w} states", nameof(states));
        PermuteManyCore(states, 0);
    }

    /// <summary>
    /// <paramref name="forcedLanes"/> 0: blocks by <see cref="NextBlockLanes"/> (a padded partial block only where the
    /// instance's measured plan says so); 16 or 8: full blocks of that many, the rest one by one (tests).
    /// </summary>
    [SkipLocalsInit]
    private void PermuteManyCore(Span<MontyField31<TParams>> states, int forcedLanes)
    {
        int w = Width;
        Span<uint> words = MontyField31<TParams>.AsMontgomery(states);
        int count = states.Length / w;
        Span<uint> buffer = stackalloc uint[w * Math.Max(BatchLanes, 1)];
        for (int k = 0; k < count;)
        {
            int remaining = count - k;
            int lanes = forcedLanes != 0 ? (remaining >= forcedLanes ? forcedLanes : 1) : NextBlockLanes(remaining, 0);
            if (lanes == 1)
            {
                PermuteMontgomery(words.Slice(k * w, w));
                k++;
                continue;
            }
            int here = Math.Min(lanes, remaining);
            Span<uint> soa = buffer[..(w * lanes)];
            if (here < lanes)
                soa.Clear(); // unused lanes zero; their results are dropped
            Span<uint> block = words.Slice(k * w, here * w);
            for (int l = 0; l < here; l++)
                for (int j = 0; j < w; j++)
                    soa[j * lanes + l] = block[l * w + j];
            PermuteBlock(soa);
            for (int l = 0; l < here; l++)
                for (int j = 0; j < w; j++)
                    block[l * w + j] = soa[j * lanes + l];
            k += here;
        }
    }

    /// <summary>
    /// <see cref="PermuteMany"/> spread over the thread pool (chunks of a few hundred states per task).
    /// The result is identical to the serial call.
    /// </summary>
    public unsafe void PermuteManyParallel(Span<MontyField31<TParams>> states)
    {
        int w = Width;
        if (states.Length % w != 0)
            throw new ArgumentException($"{states.Length} elements are not a whole number of width-{w} states", nameof(states));
        int count = states.Length / w;
        const int chunk = 256; // states per task: ~50 µs of work, large against scheduling cost
        if (count <= chunk || Environment.ProcessorCount == 1)
        {
            PermuteMany(states);
            return;
        }
        fixed (MontyField31<TParams>* basePtr = states)
        {
            nint address = (nint)basePtr;
            int tasks = (count + chunk - 1) / chunk;
            Parallel.For(0, tasks, t =>
            {
                int start = t * chunk;
                int n = Math.Min(chunk, count - start);
                PermuteMany(new Span<MontyField31<TParams>>((MontyField31<TParams>*)address + (long)start * w, n * w));
            });
        }
    }
}

/// <summary>The standard Poseidon2 instances (Plonky3 constants) for the project's fields.</summary>
public static class Poseidon2
{
    /// <summary>KoalaBear, width 16, x^3, 20 partial rounds: the project's default hash permutation.</summary>
    public static Poseidon2<KoalaBearParameters> KoalaBear16 { get; } = new(16,
        Poseidon2Constants.KoalaBear16ExternalInitial, Poseidon2Constants.KoalaBear16ExternalFinal,
        Poseidon2Constants.KoalaBear16Internal, Poseidon2Constants.KoalaBear16Diagonal);

    /// <summary>KoalaBear, width 24, x^3, 23 partial rounds.</summary>
    public static Poseidon2<KoalaBearParameters> KoalaBear24 { get; } = new(24,
        Poseidon2Constants.KoalaBear24ExternalInitial, Poseidon2Constants.KoalaBear24ExternalFinal,
        Poseidon2Constants.KoalaBear24Internal, Poseidon2Constants.KoalaBear24Diagonal);

    /// <summary>BabyBear, width 16, x^7, 13 partial rounds.</summary>
    public static Poseidon2<BabyBearParameters> BabyBear16 { get; } = new(16,
        Poseidon2Constants.BabyBear16ExternalInitial, Poseidon2Constants.BabyBear16ExternalFinal,
        Poseidon2Constants.BabyBear16Internal, Poseidon2Constants.BabyBear16Diagonal);

    /// <summary>BabyBear, width 24, x^7, 21 partial rounds.</summary>
    public static Poseidon2<BabyBearParameters> BabyBear24 { get; } = new(24,
        Poseidon2Constants.BabyBear24ExternalInitial, Poseidon2Constants.BabyBear24ExternalFinal,
        Poseidon2Constants.BabyBear24Internal, Poseidon2Constants.BabyBear24Diagonal);

    /// <summary>The standard width-16 permutation for the field <typeparamref name="TParams"/> (for generic code).</summary>
    public static Poseidon2<TParams> Width16<TParams>() where TParams : struct, IMontyParameters =>
        typeof(TParams) == typeof(KoalaBearParameters) ? (Poseidon2<TParams>)(object)KoalaBear16 :
        typeof(TParams) == typeof(BabyBearParameters) ? (Poseidon2<TParams>)(object)BabyBear16 :
        throw new NotSupportedException($"no standard Poseidon2 constants for {TParams.Name}");

    /// <summary>The standard width-24 permutation for the field <typeparamref name="TParams"/>.</summary>
    public static Poseidon2<TParams> Width24<TParams>() where TParams : struct, IMontyParameters =>
        typeof(TParams) == typeof(KoalaBearParameters) ? (Poseidon2<TParams>)(object)KoalaBear24 :
        typeof(TParams) == typeof(BabyBearParameters) ? (Poseidon2<TParams>)(object)BabyBear24 :
        throw new NotSupportedException($"no standard Poseidon2 constants for {TParams.Name}");
}
