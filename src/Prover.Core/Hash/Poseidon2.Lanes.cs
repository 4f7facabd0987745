using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Prover.Core.Hash;

/// <summary>
/// How many states an instance's batched kernels permute at once (<see cref="Lanes"/>). Width 16 takes the widest path
/// (<see cref="BatchLanes"/>). Width 24 with AVX-512 can also run 8-lane AVX2 blocks, and on CPUs that split 512-bit
/// operations in two (the AMD EPYC here) those measured faster per state (0.25 µs against 0.30 µs at KoalaBear-24), so
/// the instance times both once and keeps the faster. A lane's result does not depend on the lane count (every path is
/// the same arithmetic on the same words; tests compare each with the scalar reference), so the choice changes only time.
/// </summary>
public sealed partial class Poseidon2<TParams>
{
    /// <summary>
    /// The block sizes a width-24 instance with both SIMD widths uses, from its measured costs: for each count of
    /// states still to permute below <see cref="PlanSpan"/>, the lanes of the next block (16, 8, or 1 for one state
    /// alone through the single-state kernel), chosen by a shortest-path over the three costs; above it, full blocks of
    /// the cheaper width per state. A partial block's unused lanes are zero and its results dropped.
    /// </summary>
    private sealed class BlockPlan
    {
        public required int Full { get; init; }

        public required byte[] Next { get; init; }
    }

    /// <summary>Counts below this are planned exactly; larger ones take full blocks first (two 16-lane blocks).</summary>
    internal const int PlanSpan = 32;

    private BlockPlan? _plan; // null until measured; set once (the first finished measurement wins)

    /// <summary>States this instance's batched kernels permute per full block (16, 8 or 1).</summary>
    public int Lanes => Plan is { } plan ? plan.Full : BatchLanes;

    private BlockPlan? Plan
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (Width != 24 || BatchLanes != 16 || !AvailableLanes.Contains(8) || _single24 is null)
                return null;
            return Volatile.Read(ref _plan) ?? MeasurePlan();
        }
    }

    /// <summary>
    /// Lanes of the next block when <paramref name="remaining"/> (≥ 1) states are left: 16, 8, or 1 (one state alone).
    /// Without a measured plan (width 16, or one SIMD width only): full blocks of <see cref="BatchLanes"/>, a partial
    /// block of at least <paramref name="minPadded"/> states padded (0: never), the rest one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int NextBlockLanes(int remaining, int minPadded)
    {
        if (Plan is { } plan)
            return remaining >= PlanSpan ? plan.Full : plan.Next[remaining];
        int lanes = BatchLanes;
        return remaining >= lanes || (minPadded > 0 && remaining >= minPadded) ? lanes : 1;
    }

    /// <summary>The lane counts this machine can run for this instance's batched kernels, widest first.</summary>
    internal int[] AvailableLanes =>
        BatchLanes == 16 ? (Avx2Lanes<TParams>.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? [16, 8, 1] : [16, 1]) :
        BatchLanes == 8 ? [8, 1] : [1];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BlockPlan MeasurePlan()
    {
        TimeBlocks(16); // compiled and warm before timing
        TimeBlocks(8);
        TimeBlocks(1);
        long b16 = TimeBlocks(16), b8 = TimeBlocks(8), s1 = TimeBlocks(1); // ticks per 128 states
        // Per block: 16 lanes cost b16/8 (8 blocks timed), 8 lanes b8/16, one state s1/128.
        double[] cost = [b16 / 8.0, b8 / 16.0, s1 / 128.0];
        int[] lanesOf = [16, 8, 1];
        var best = new double[PlanSpan];
        var next = new byte[PlanSpan];
        for (int r = 1; r < PlanSpan; r++)
        {
            best[r] = double.MaxValue;
            for (int o = 0; o < 3; o++)
            {
                double c = cost[o] + best[Math.Max(0, r - lanesOf[o])];
                if (c < best[r])
                    (best[r], next[r]) = (c, (byte)lanesOf[o]);
            }
        }
        var plan = new BlockPlan { Full = b16 <= 2 * b8 ? 16 : 8, Next = next };
        return UseBlockPlan(plan);
    }

    private BlockPlan UseBlockPlan(BlockPlan plan)
    {
        // Every thread sees the same plan from here on (a racing second measurement does not replace the first). The
        // plan changes only the time: each block is permuted in the layout its caller filled (PermuteBlock reads the
        // lane count from the block's length), and a lane's result does not depend on the others.
        Interlocked.CompareExchange(ref _plan, plan, null);
        return Volatile.Read(ref _plan)!;
    }

    /// <summary>Ticks of the best of 5 runs of 128 states through <paramref name="lanes"/>-lane blocks (16, 8, or 1: single states).</summary>
    [SkipLocalsInit]
    internal long TimeBlocks(int lanes)
    {
        Span<uint> soa = stackalloc uint[Width * lanes];
        soa.Clear();
        long best = long.MaxValue;
        for (int rep = 0; rep < 5; rep++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 128 / lanes; i++)
            {
                if (lanes == 1)
                    PermuteMontgomery(soa);
                else
                    PermuteBlock(soa);
            }
            best = Math.Min(best, Stopwatch.GetTimestamp() - start);
        }
        return best;
    }

    /// <summary>
    /// Test hook: a fresh (non-standard) instance's plan replaced by <paramref name="full"/> and <paramref name="next"/>
    /// (lanes of the next block for 0 ≤ remaining &lt; <see cref="PlanSpan"/>), so that tests reach every block size.
    /// </summary>
    internal void UseBlockPlanForTest(int full, byte[] next)
    {
        if (Width != 24 || Plan is null)
            throw new PlatformNotSupportedException("block plans are used by width-24 instances on machines with AVX-512 and AVX2");
        if (next.Length != PlanSpan || next.Skip(1).Any(l => !AvailableLanes.Contains(l)))
            throw new ArgumentException("a plan names available lane counts for every remaining count below PlanSpan", nameof(next));
        Volatile.Write(ref _plan, new BlockPlan { Full = full, Next = next });
    }

    /// <summary>Test hook: <see cref="PermuteMany"/> with an explicit lane count from <see cref="AvailableLanes"/>.</summary>
    internal void PermuteManyWithLanesForTest(int lanes, Span<Field.MontyField31<TParams>> states)
    {
        if (!AvailableLanes.Contains(lanes))
            throw new PlatformNotSupportedException($"{lanes}-lane blocks need instructions this machine lacks");
        PermuteManyCore(states, lanes);
    }

    /// <summary>Test hook: <see cref="PermuteMany"/> through the instance's block plan.</summary>
    internal void PermuteManyPlannedForTest(Span<Field.MontyField31<TParams>> states) => PermuteManyCore(states, 0);
}
