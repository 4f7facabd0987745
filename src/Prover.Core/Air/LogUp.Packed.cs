using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>
/// LogUp trace generation on SIMD lanes (16 consecutive rows per step with AVX-512, 8 with AVX2: one
/// kernel, generic over the width <see cref="IPackedLanes{TV}"/>), producing exactly the trace
/// of <see cref="LogUp.GenerateTrace"/> (the reference; tests compare them). Per chunk of rows:
/// <list type="number">
/// <item>only the interaction outputs are evaluated (<see cref="CompiledAir{F}.InteractionProgram"/>),
/// packed;</item>
/// <item>fingerprints γ − (bus + Σ_j β^(j+1)·v_j) per coefficient: D base products per value;</item>
/// <item>a group of rows (one vector) whose multiplicities are all zero (padding, unselected interactions) has
/// h = 0 and takes no part in the inversion (h·fp − m = 0 holds with h = m = 0); a zero lane in an
/// active group gets fp = 1 and h = 0·(1/1) = 0;</item>
/// <item>Montgomery's batch inversion runs per lane, one independent chain per lane on vectors, with one
/// scalar extension inversion per lane and chunk;</item>
/// <item>the running sum: per-row sums in parallel, then chunk offsets, then a parallel fill.</item>
/// </list>
/// Field arithmetic is exact, so the order of operations does not change a single value.
/// </summary>
[SkipLocalsInit]
internal static class LogUpPacked<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private const int ChunkRows = 256;

    public static bool IsSupported => KernelSelection.Simd<TParams>() >= SimdPath.Vector256;

    /// <summary>The optimised kernel where AVX-512 or AVX2 is present (the widest the selection allows) and the table has ≥ 16 rows; the reference otherwise (or inside <see cref="KernelSelection.UseReference"/>).</summary>
    public static (RowMajorMatrix<MontyField31<TParams>> Trace, ExtensionField<MontyField31<TParams>, TDef> CumulativeSum) GenerateTrace(
        CompiledAir<MontyField31<TParams>> air, RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed,
        IReadOnlyList<MontyField31<TParams>> publicValues, ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta)
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(main);
        if (KernelSelection.IsReference(ReferenceFamily.LogUp) || !IsSupported || main.Height < 16 || air.Interactions.Count == 0)
            return LogUp.GenerateTrace(air, main, preprocessed, publicValues, gamma, beta);
        return KernelSelection.Simd<TParams>() == SimdPath.Vector512
            ? Generate<Lanes512<TParams>, Vector512<uint>>(air, main, preprocessed, publicValues, gamma, beta)
            : Generate<Lanes256<TParams>, Vector256<uint>>(air, main, preprocessed, publicValues, gamma, beta);
    }

    private sealed class Scratch<TV>(int instructions, int outputs, int entries, int d)
        where TV : unmanaged
    {
        public readonly TV[] Registers = new TV[instructions];
        public readonly TV[] Outputs = new TV[outputs];
        public readonly TV[] Multiplicities = new TV[entries];
        public readonly bool[] Active = new bool[entries];
        public readonly TV[] Fingerprints = new TV[entries * d];
        public readonly TV[] Prefix = new TV[entries * d];
    }

    private static (RowMajorMatrix<MontyField31<TParams>>, ExtensionField<MontyField31<TParams>, TDef>) Generate<TL, TV>(
        CompiledAir<MontyField31<TParams>> air, RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed,
        IReadOnlyList<MontyField31<TParams>> publicValues, ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int n = main.Height, k = air.Interactions.Count, d = TDef.Degree, lanesPer = TL.Count;
        int width = d * (k + 1);
        var program = air.InteractionProgram;
        int maxValues = air.Interactions.Max(i => i.Values.Count);
        var betaPowers = beta.Powers(maxValues + 1);
        var betaParts = new TV[(maxValues + 1) * d];
        for (int j = 0; j <= maxValues; j++)
            for (int c = 0; c < d; c++)
                betaParts[j * d + c] = TL.Broadcast(betaPowers[j][c].Montgomery);
        // γ − bus per interaction, and where each interaction's outputs start in the interaction program.
        var gammaBus = new TV[k * d];
        var offsets = new int[k];
        var counts = new int[k];
        var sends = new bool[k];
        for (int i = 0; i < k; i++)
        {
            var interaction = air.Interactions[i];
            var gb = gamma - ExtensionField<MontyField31<TParams>, TDef>.FromBase(MontyField31<TParams>.FromUInt64((ulong)interaction.Bus));
            for (int c = 0; c < d; c++)
                gammaBus[i * d + c] = TL.Broadcast(gb[c].Montgomery);
            offsets[i] = air.InteractionOutput(i) - air.ConstraintCount;
            counts[i] = interaction.Values.Count;
            sends[i] = interaction.Kind == InteractionKind.Send;
        }
        var publics = new uint[publicValues.Count];
        for (int i = 0; i < publics.Length; i++)
            publics[i] = publicValues[i].Montgomery;

        var trace = new RowMajorMatrix<MontyField31<TParams>>(n, width);
        int chunkRows = Math.Min(n, ChunkRows), chunks = n / chunkRows, groups = chunkRows / lanesPer;
        var chunkTotals = new ExtensionField<MontyField31<TParams>, TDef>[chunks];
        var one = TL.Broadcast(MontyField31<TParams>.One.Montgomery);
        bool vanished = false;
        Parallel.For(0, chunks, () => new Scratch<TV>(program.InstructionCount, program.ConstraintCount, groups * k, d), (chunk, _, s) =>
        {
            int firstRow = chunk * chunkRows;
            // 1–2: interaction outputs and fingerprints.
            for (int g = 0; g < groups; g++)
            {
                var inputs = new PackedRows<TL, TV>(main, preprocessed, publics, firstRow + g * lanesPer);
                program.EvaluatePacked<TParams, TL, TV, PackedRows<TL, TV>>(ref inputs, s.Registers, s.Outputs);
                for (int i = 0; i < k; i++)
                {
                    int e = g * k + i, o = offsets[i];
                    var m = s.Outputs[o + counts[i]];
                    if (!sends[i])
                        m = TL.Neg(m);
                    s.Multiplicities[e] = m;
                    var zero = TL.ZeroMask(m);
                    s.Active[e] = !TL.AllSet(zero);
                    if (!s.Active[e])
                        continue;
                    var fp = s.Fingerprints.AsSpan(e * d, d);
                    for (int c = 0; c < d; c++)
                    {
                        var acc = gammaBus[i * d + c];
                        for (int j = 0; j < counts[i]; j++)
                            acc = TL.Sub(acc, TL.Mul(betaParts[(j + 1) * d + c], s.Outputs[o + j]));
                        fp[c] = c == 0 ? TL.Select(zero, one, acc) : TL.Clear(acc, zero);
                    }
                }
            }
            // 4: forward pass (prefix products), one inversion per lane, backward pass.
            Span<TV> running = stackalloc TV[d];
            Span<TV> tmp = stackalloc TV[d];
            running.Clear();
            running[0] = one;
            for (int e = 0; e < groups * k; e++)
            {
                if (!s.Active[e])
                    continue;
                running.CopyTo(s.Prefix.AsSpan(e * d, d));
                PackedExtension<TParams, TDef, TL, TV>.Mul(running, s.Fingerprints.AsSpan(e * d, d), running);
            }
            Span<MontyField31<TParams>> parts = stackalloc MontyField31<TParams>[d];
            Span<uint> lanes = stackalloc uint[16 * d];
            for (int lane = 0; lane < lanesPer; lane++)
            {
                var product = PackedExtension<TParams, TDef, TL, TV>.Extract(running, lane);
                if (product.IsZero)
                {
                    vanished = true; // reported after the loop, as the reference does (not as an AggregateException)
                    return s;
                }
                var inverse = product.Inverse();
                for (int c = 0; c < d; c++)
                    lanes[c * lanesPer + lane] = inverse[c].Montgomery;
            }
            for (int c = 0; c < d; c++)
                running[c] = TL.Create(lanes.Slice(c * lanesPer, lanesPer));
            for (int e = groups * k - 1; e >= 0; e--)
            {
                if (!s.Active[e])
                    continue;
                var fp = s.Fingerprints.AsSpan(e * d, d);
                PackedExtension<TParams, TDef, TL, TV>.Mul(s.Prefix.AsSpan(e * d, d), running, tmp);
                PackedExtension<TParams, TDef, TL, TV>.Mul(running, fp, running);
                PackedExtension<TParams, TDef, TL, TV>.MulBase(tmp, s.Multiplicities[e], fp); // fp now holds h
            }
            // Write h and the per-row sums (in the running-sum column for now).
            var values = MemoryMarshal.Cast<MontyField31<TParams>, uint>(trace.Values.AsSpan());
            var total = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int g = 0; g < groups; g++)
            {
                Span<TV> rowSum = tmp;
                rowSum.Clear();
                int row0 = firstRow + g * lanesPer;
                for (int i = 0; i < k; i++)
                {
                    int e = g * k + i;
                    if (!s.Active[e])
                        continue;
                    for (int c = 0; c < d; c++)
                    {
                        var h = s.Fingerprints[e * d + c];
                        rowSum[c] = TL.Add(rowSum[c], h);
                        TL.Store(h, lanes);
                        int col = d * i + c;
                        for (int lane = 0; lane < lanesPer; lane++)
                            values[(row0 + lane) * width + col] = lanes[lane];
                    }
                }
                for (int c = 0; c < d; c++)
                {
                    TL.Store(rowSum[c], lanes);
                    int col = d * k + c;
                    for (int lane = 0; lane < lanesPer; lane++)
                        values[(row0 + lane) * width + col] = lanes[lane];
                }
                for (int lane = 0; lane < lanesPer; lane++)
                    total += ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(trace.Row(row0 + lane).Slice(d * k, d));
            }
            chunkTotals[chunk] = total;
            return s;
        }, _ => { });
        if (vanished)
            // Probability ≤ rows/|F| for honest challenges (only fingerprints with a non-zero multiplicity count here).
            throw new InvalidOperationException($"{air.Name}: a LogUp fingerprint vanished for these challenges");

        // 5: chunk offsets, then each chunk's running sums from its offset.
        var starts = new ExtensionField<MontyField31<TParams>, TDef>[chunks];
        var sum = default(ExtensionField<MontyField31<TParams>, TDef>);
        for (int c = 0; c < chunks; c++)
        {
            starts[c] = sum;
            sum += chunkTotals[c];
        }
        Parallel.For(0, chunks, chunk =>
        {
            var acc = starts[chunk];
            for (int row = chunk * chunkRows; row < (chunk + 1) * chunkRows; row++)
            {
                var slot = trace.Row(row).Slice(d * k, d);
                acc += ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(slot);
                acc.Coefficients.CopyTo(slot);
            }
        });
        return (trace, sum);
    }

    /// <summary>One vector of consecutive trace rows (and their cyclic successors) as lanes.</summary>
    private readonly struct PackedRows<TL, TV>(RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, uint[] publics, int row0)
        : IPackedConstraintInputs<TV>
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        public TV Load(Variable v)
        {
            int count = TL.Count;
            if (v.Source == VariableSource.Public)
                return TL.Broadcast(publics[v.Index]);
            var m = v.Source == VariableSource.Main ? main : preprocessed!;
            var values = MemoryMarshal.Cast<MontyField31<TParams>, uint>(m.Values.AsSpan());
            int w = m.Width, n = m.Height;
            Span<uint> lanes = stackalloc uint[16];
            int first = row0 + v.Offset;
            if (first + count - 1 < n)
            {
                ref uint start = ref Unsafe.Add(ref MemoryMarshal.GetReference(values), first * w + v.Index);
                for (int j = 0; j < count; j++)
                    lanes[j] = Unsafe.Add(ref start, j * w);
            }
            else
            {
                for (int j = 0; j < count; j++)
                    lanes[j] = values[((first + j) % n) * w + v.Index];
            }
            return TL.Create(lanes);
        }

        public TV IsFirstRow => Selector(0);

        public TV IsLastRow => Selector(main.Height - 1);

        public TV IsTransition => TL.Sub(TL.Broadcast(MontyField31<TParams>.One.Montgomery), IsLastRow);

        private TV Selector(int row)
        {
            Span<uint> lanes = stackalloc uint[16];
            for (int j = 0; j < TL.Count; j++)
                lanes[j] = row0 + j == row ? MontyField31<TParams>.One.Montgomery : 0;
            return TL.Create(lanes);
        }
    }
}
