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
/// <item>per LogUp column (a group of interactions, <see cref="CompiledAir{F}.LogUpGroups"/>) one fraction
/// N/D = Σ_i m̃_i/fp_i, built as N ← N·fp_i + m̃_i·D, D ← D·fp_i (for a group of one, N = m̃ and D = fp),
/// so only one denominator per column is inverted;</item>
/// <item>a vector of rows whose multiplicities in a column's group are all zero (padding, unselected
/// interactions) has g = 0 and takes no part in the inversion (the group constraint holds with g = 0 and
/// every m = 0); a lane whose multiplicities are all zero in an active vector gets D = 1 and N = 0, so g = 0;</item>
/// <item>Montgomery's batch inversion runs per lane, one independent chain per lane on vectors, with one
/// scalar extension inversion per lane and chunk;</item>
/// <item>the running sum (cyclic, <see cref="LogUp"/>): per-row sums in parallel, then chunk totals give T and each chunk's
/// offset, then a parallel fill of s_i = Σ_(r&lt;i) rowSum_r − i·T/N (the last group's column is not stored).</item>
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
        public readonly TV[] Multiplicities = new TV[entries]; // groups of one: the signed multiplicity (N)
        public readonly TV[] Numerators = new TV[entries * d]; // larger groups: N
        public readonly bool[] Active = new bool[entries];
        public readonly TV[] Denominators = new TV[entries * d]; // D; after the inversion, the column's value
        public readonly TV[] Prefix = new TV[entries * d];
        public readonly TV[] Fingerprint = new TV[d];
        public readonly TV[] Product = new TV[d];
    }

    private static (RowMajorMatrix<MontyField31<TParams>>, ExtensionField<MontyField31<TParams>, TDef>) Generate<TL, TV>(
        CompiledAir<MontyField31<TParams>> air, RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed,
        IReadOnlyList<MontyField31<TParams>> publicValues, ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta)
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
    {
        int n = main.Height, k = air.Interactions.Count, d = TDef.Degree, lanesPer = TL.Count;
        var groupList = air.LogUpGroups;
        int columns = groupList.Count;
        var members = new int[columns][];
        for (int j = 0; j < columns; j++)
            members[j] = [.. groupList[j]];
        int width = d * columns;
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
        var zeroVector = TL.Broadcast(0);
        bool vanished = false;
        Parallel.For(0, chunks, () => new Scratch<TV>(program.InstructionCount, program.ConstraintCount, groups * columns, d), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, _, s) =>
        {
            int firstRow = chunk * chunkRows;
            // Fingerprint of interaction i into fp (D base products per value).
            void FingerprintOf(Scratch<TV> s, int i, Span<TV> fp)
            {
                int o = offsets[i];
                for (int c = 0; c < d; c++)
                {
                    var acc = gammaBus[i * d + c];
                    for (int j = 0; j < counts[i]; j++)
                        acc = TL.Sub(acc, TL.Mul(betaParts[(j + 1) * d + c], s.Outputs[o + j]));
                    fp[c] = acc;
                }
            }
            TV Signed(Scratch<TV> s, int i)
            {
                var m = s.Outputs[offsets[i] + counts[i]];
                return sends[i] ? m : TL.Neg(m);
            }
            // 1–3: interaction outputs, fingerprints, one fraction N/D per column.
            for (int g = 0; g < groups; g++)
            {
                var inputs = new PackedRows<TL, TV>(main, preprocessed, publics, firstRow + g * lanesPer);
                program.EvaluatePacked<TParams, TL, TV, PackedRows<TL, TV>>(ref inputs, s.Registers, s.Outputs);
                for (int j = 0; j < columns; j++)
                {
                    int e = g * columns + j;
                    var group = members[j];
                    var den = s.Denominators.AsSpan(e * d, d);
                    // Lanes where every multiplicity of the group is zero.
                    var zero = TL.ZeroMask(Signed(s, group[0]));
                    for (int a = 1; a < group.Length; a++)
                        zero = TL.Select(TL.ZeroMask(Signed(s, group[a])), zero, zeroVector);
                    s.Active[e] = !TL.AllSet(zero);
                    if (!s.Active[e])
                        continue;
                    FingerprintOf(s, group[0], den);
                    if (group.Length == 1)
                    {
                        s.Multiplicities[e] = Signed(s, group[0]);
                    }
                    else
                    {
                        var num = s.Numerators.AsSpan(e * d, d);
                        num.Clear();
                        num[0] = Signed(s, group[0]);
                        var fp = s.Fingerprint.AsSpan();
                        var t = s.Product.AsSpan();
                        for (int a = 1; a < group.Length; a++)
                        {
                            FingerprintOf(s, group[a], fp);
                            // N ← N·fp + m̃·D, D ← D·fp: N/D gains m̃/fp.
                            PackedExtension<TParams, TDef, TL, TV>.Mul(num, fp, num);
                            PackedExtension<TParams, TDef, TL, TV>.MulBase(den, Signed(s, group[a]), t);
                            for (int c = 0; c < d; c++)
                                num[c] = TL.Add(num[c], t[c]);
                            PackedExtension<TParams, TDef, TL, TV>.Mul(den, fp, den);
                        }
                    }
                    // Lanes with nothing to add: D = 1 (N is 0 there), so they never make the inversion fail.
                    den[0] = TL.Select(zero, one, den[0]);
                    for (int c = 1; c < d; c++)
                        den[c] = TL.Clear(den[c], zero);
                }
            }
            // 4: forward pass (prefix products), one inversion per lane, backward pass.
            Span<TV> running = stackalloc TV[d];
            Span<TV> tmp = stackalloc TV[d];
            running.Clear();
            running[0] = one;
            for (int e = 0; e < groups * columns; e++)
            {
                if (!s.Active[e])
                    continue;
                running.CopyTo(s.Prefix.AsSpan(e * d, d));
                PackedExtension<TParams, TDef, TL, TV>.Mul(running, s.Denominators.AsSpan(e * d, d), running);
            }
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
            for (int e = groups * columns - 1; e >= 0; e--)
            {
                if (!s.Active[e])
                    continue;
                var den = s.Denominators.AsSpan(e * d, d);
                PackedExtension<TParams, TDef, TL, TV>.Mul(s.Prefix.AsSpan(e * d, d), running, tmp); // 1/D
                PackedExtension<TParams, TDef, TL, TV>.Mul(running, den, running);
                if (members[e % columns].Length == 1)
                    PackedExtension<TParams, TDef, TL, TV>.MulBase(tmp, s.Multiplicities[e], den); // den now holds g
                else
                    PackedExtension<TParams, TDef, TL, TV>.Mul(tmp, s.Numerators.AsSpan(e * d, d), den);
            }
            // Write g (all groups but the last, whose column the running sum replaces) and the per-row sums (in the running-sum column for now).
            var values = MemoryMarshal.Cast<MontyField31<TParams>, uint>(trace.Values.AsSpan());
            var total = default(ExtensionField<MontyField31<TParams>, TDef>);
            for (int g = 0; g < groups; g++)
            {
                Span<TV> rowSum = tmp;
                rowSum.Clear();
                int row0 = firstRow + g * lanesPer;
                for (int j = 0; j < columns; j++)
                {
                    int e = g * columns + j;
                    if (!s.Active[e])
                        continue;
                    for (int c = 0; c < d; c++)
                    {
                        var h = s.Denominators[e * d + c];
                        rowSum[c] = TL.Add(rowSum[c], h);
                        if (j == columns - 1)
                            continue;
                        TL.Store(h, lanes);
                        int col = d * j + c;
                        for (int lane = 0; lane < lanesPer; lane++)
                            values[(row0 + lane) * width + col] = lanes[lane];
                    }
                }
                for (int c = 0; c < d; c++)
                {
                    TL.Store(rowSum[c], lanes);
                    int col = d * (columns - 1) + c;
                    for (int lane = 0; lane < lanesPer; lane++)
                        values[(row0 + lane) * width + col] = lanes[lane];
                }
                for (int lane = 0; lane < lanesPer; lane++)
                    total += ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(trace.Row(row0 + lane).Slice(d * (columns - 1), d));
            }
            chunkTotals[chunk] = total;
            return s;
        }, _ => { });
        if (vanished)
            // Probability ≤ rows·interactions/|F| for honest challenges (only fingerprints of columns with a non-zero multiplicity count here).
            throw new InvalidOperationException($"{air.Name}: a LogUp fingerprint vanished for these challenges");

        // 5: chunk offsets and T, then each chunk's running sums from its offset: s_i = Σ_(r<i) rowSum_r − i·T/N.
        var starts = new ExtensionField<MontyField31<TParams>, TDef>[chunks];
        var sum = default(ExtensionField<MontyField31<TParams>, TDef>);
        for (int c = 0; c < chunks; c++)
        {
            starts[c] = sum;
            sum += chunkTotals[c];
        }
        var perRow = LogUp.SumPerRow<MontyField31<TParams>, ExtensionField<MontyField31<TParams>, TDef>>(sum, n);
        Parallel.For(0, chunks, chunk =>
        {
            int firstRow = chunk * chunkRows;
            var acc = starts[chunk] - perRow * ExtensionField<MontyField31<TParams>, TDef>.FromBase(MontyField31<TParams>.FromUInt64((ulong)firstRow));
            for (int row = firstRow; row < firstRow + chunkRows; row++)
            {
                var slot = trace.Row(row).Slice(d * (columns - 1), d);
                var rowSum = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(slot);
                acc.Coefficients.CopyTo(slot);
                acc += rowSum - perRow;
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
