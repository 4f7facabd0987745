using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The layout of a table's LogUp data for <see cref="LogUpKernels"/> and <see cref="QuotientKernels.QuotientLogUp"/> (a kernel
/// argument). The int array <c>logUp</c> holds, from 0, Groups + 1 offsets of each group's members (in members, 4 ints each),
/// then the members: output index of the interaction's first value (its multiplicity follows its values), value count,
/// 1 for a send / 0 for a receive, and the interaction's index. The uint array <c>challenges</c> holds β^1 … β^MaxValues
/// (4 words each), then γ − bus_i per interaction (4 words each), then (quotient only) α^(K+l) for the Groups LogUp
/// constraints and T/N (the claimed cumulative sum over the table's height).
/// </summary>
public readonly struct LogUpShape
{
    public LogUpShape(int groups, int membersAt, int gammaBusAt, int alphaAt, int sumAt, uint one)
    {
        Groups = groups;
        MembersAt = membersAt;
        GammaBusAt = gammaBusAt;
        AlphaAt = alphaAt;
        SumAt = sumAt;
        One = one;
    }

    /// <summary>LogUp groups (the trace has Groups extension columns: the first Groups − 1 groups, then the cyclic running sum in place of the last).</summary>
    public int Groups { get; }

    public int MembersAt { get; }

    /// <summary>Where γ − bus_i starts in the challenges array (β powers come first, from 0).</summary>
    public int GammaBusAt { get; }

    /// <summary>Where α^(K+l) starts, and T/N (quotient only).</summary>
    public int AlphaAt { get; }

    public int SumAt { get; }

    /// <summary>1 in Montgomery form.</summary>
    public uint One { get; }
}

/// <summary>The trace-side layout of <see cref="LogUpKernels.LogUpRows"/>: program offsets, widths and the slice of rows.</summary>
public readonly struct LogUpTraceShape
{
    public LogUpTraceShape(ExtensionShape extension, int instructions, int variablesAt, int outputsAt, int publicsAt, int mainWidth, int preprocessedWidth,
        int rows, int firstRow)
    {
        PublicsAt = publicsAt;
        Extension = extension;
        Instructions = instructions;
        VariablesAt = variablesAt;
        OutputsAt = outputsAt;
        MainWidth = mainWidth;
        PreprocessedWidth = preprocessedWidth;
        Rows = rows;
        FirstRow = firstRow;
    }

    public ExtensionShape Extension { get; }

    public int Instructions { get; }

    public int VariablesAt { get; }

    public int OutputsAt { get; }

    /// <summary>Where the public values start in the values array (after the constants).</summary>
    public int PublicsAt { get; }

    public int MainWidth { get; }

    public int PreprocessedWidth { get; }

    /// <summary>Trace height n (rows in natural order; the next row of n − 1 is 0).</summary>
    public int Rows { get; }

    public int FirstRow { get; }
}

/// <summary>
/// LogUp trace generation on the device (the CPU's <c>LogUp.GenerateTrace</c> / <c>LogUpPacked</c>, word for word), over the
/// binomial quartic extension. Per row: the AIR's interaction program (values and multiplicities), each group's fraction sum
/// g_j = N_j/P_j with P_j = Π_i fp_i and N_j = Σ_i m̃_i·Π_{l≠i} fp_l (one inversion per group and row: the same element as
/// Σ_i m̃_i/fp_i, since field inverses are unique), and the row's sum Σ_j g_j; then the cyclic running sum
/// s_r = Σ_(r'&lt;r) rowSum_r' − r·T/N by a two-level scan (block sums, a prefix over the blocks that also yields T, each block's
/// rows). Extension addition is coefficient-wise, so the scan's order does not change the words.
/// </summary>
public static class LogUpKernels
{
    /// <summary>
    /// Row FirstRow + t of the trace: writes the group columns of the LogUp trace (width 4·Groups; the last group's value goes
    /// to the running-sum column, which <see cref="RunningSum"/> overwrites) and the row's sum (4 words) into rowSums; a vanished fingerprint
    /// (P_j = 0) sets rowSums[4·Rows] to 1 (the host reports it, as the CPU reference throws).
    /// </summary>
    public static void LogUpRows(Index1D t, ArrayView<int> program, ArrayView<uint> values, ArrayView<uint> main, ArrayView<uint> preprocessed,
        ArrayView<int> logUp, ArrayView<uint> challenges, ArrayView<uint> registers, ArrayView<uint> trace, ArrayView<uint> rowSums,
        LogUpTraceShape s, LogUpShape l)
    {
        var e = s.Extension;
        var f = e.Field;
        int row = s.FirstRow + t.X;
        int next = row + 1 == s.Rows ? 0 : row + 1;
        long r0 = (long)t.X * s.Instructions;
        uint one = l.One;
        for (int k = 0; k < s.Instructions; k++)
        {
            int op = program[3 * k], a = program[3 * k + 1], b = program[3 * k + 2];
            uint v;
            if (op == 0)
            {
                v = values[a];
            }
            else if (op == 1)
            {
                int at = s.VariablesAt + 3 * a;
                int source = program[at], column = program[at + 1];
                long r = program[at + 2] == 0 ? row : next;
                v = source == 0 ? main[r * s.MainWidth + column]
                    : source == 1 ? preprocessed[r * s.PreprocessedWidth + column]
                    : values[s.PublicsAt + column];
            }
            else if (op == 2)
            {
                v = row == 0 ? one : 0u;
            }
            else if (op == 3)
            {
                v = row == s.Rows - 1 ? one : 0u;
            }
            else if (op == 4)
            {
                v = row == s.Rows - 1 ? 0u : one;
            }
            else if (op == 5)
            {
                v = f.Add(registers[r0 + a], registers[r0 + b]);
            }
            else if (op == 6)
            {
                v = f.Sub(registers[r0 + a], registers[r0 + b]);
            }
            else if (op == 7)
            {
                v = f.Mul(registers[r0 + a], registers[r0 + b]);
            }
            else
            {
                v = f.Sub(0u, registers[r0 + a]);
            }
            registers[r0 + k] = v;
        }
        int width = 4 * l.Groups;
        long o = (long)row * width;
        uint s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int j = 0; j < l.Groups; j++)
        {
            uint n0 = 0, n1 = 0, n2 = 0, n3 = 0, p0 = one, p1 = 0, p2 = 0, p3 = 0;
            for (int m = logUp[j]; m < logUp[j + 1]; m++)
            {
                int at = l.MembersAt + 4 * m;
                Fraction(e, program, registers, challenges, s.OutputsAt, r0, logUp[at], logUp[at + 1], logUp[at + 2], l.GammaBusAt + 4 * logUp[at + 3],
                    out uint f0, out uint f1, out uint f2, out uint f3, out uint signed);
                // N ← N·fp + m̃·P, P ← P·fp: after every member, N = Σ_i m̃_i·Π_{l≠i} fp_l and P = Π_i fp_i.
                ExtensionKernels.Mul(e, n0, n1, n2, n3, f0, f1, f2, f3, out uint a0, out uint a1, out uint a2, out uint a3);
                n0 = f.Add(a0, f.Mul(signed, p0));
                n1 = f.Add(a1, f.Mul(signed, p1));
                n2 = f.Add(a2, f.Mul(signed, p2));
                n3 = f.Add(a3, f.Mul(signed, p3));
                ExtensionKernels.Mul(e, p0, p1, p2, p3, f0, f1, f2, f3, out p0, out p1, out p2, out p3);
            }
            if ((p0 | p1 | p2 | p3) == 0u)
                rowSums[4L * s.Rows] = 1u;
            ExtensionKernels.Inverse(e, p0, p1, p2, p3, out uint i0, out uint i1, out uint i2, out uint i3);
            ExtensionKernels.Mul(e, n0, n1, n2, n3, i0, i1, i2, i3, out uint g0, out uint g1, out uint g2, out uint g3);
            long c = o + 4 * j;
            trace[c] = g0;
            trace[c + 1] = g1;
            trace[c + 2] = g2;
            trace[c + 3] = g3;
            s0 = f.Add(s0, g0);
            s1 = f.Add(s1, g1);
            s2 = f.Add(s2, g2);
            s3 = f.Add(s3, g3);
        }
        long w = 4L * row;
        rowSums[w] = s0;
        rowSums[w + 1] = s1;
        rowSums[w + 2] = s2;
        rowSums[w + 3] = s3;
    }

    /// <summary>
    /// One interaction's fingerprint fp = (γ − bus) − Σ_v β^(v+1)·x_v and signed multiplicity m̃ (± m), reading the values from
    /// the registers of the program's outputs (outputs[first + v] is a register index in program at outputsAt).
    /// </summary>
    internal static void Fraction(in ExtensionShape e, ArrayView<int> program, ArrayView<uint> registers, ArrayView<uint> challenges, int outputsAt,
        long r0, int first, int count, int send, int gammaBusAt, out uint f0, out uint f1, out uint f2, out uint f3, out uint signed)
    {
        var f = e.Field;
        f0 = challenges[gammaBusAt];
        f1 = challenges[gammaBusAt + 1];
        f2 = challenges[gammaBusAt + 2];
        f3 = challenges[gammaBusAt + 3];
        for (int v = 0; v < count; v++)
        {
            uint x = registers[r0 + program[outputsAt + first + v]];
            int b = 4 * v;
            f0 = f.Sub(f0, f.Mul(challenges[b], x));
            f1 = f.Sub(f1, f.Mul(challenges[b + 1], x));
            f2 = f.Sub(f2, f.Mul(challenges[b + 2], x));
            f3 = f.Sub(f3, f.Mul(challenges[b + 3], x));
        }
        uint m = registers[r0 + program[outputsAt + first + count]];
        signed = send != 0 ? m : f.Sub(0u, m);
    }

    /// <summary>blockSums[b] = Σ of rowSums over rows [b·block, min(rows, (b + 1)·block)) (4 words each).</summary>
    public static void BlockSums(Index1D b, ArrayView<uint> rowSums, ArrayView<uint> blockSums, int rows, int block, MontyField f)
    {
        int start = b.X * block;
        int end = start + block < rows ? start + block : rows;
        uint s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int r = start; r < end; r++)
        {
            long o = 4L * r;
            s0 = f.Add(s0, rowSums[o]);
            s1 = f.Add(s1, rowSums[o + 1]);
            s2 = f.Add(s2, rowSums[o + 2]);
            s3 = f.Add(s3, rowSums[o + 3]);
        }
        long w = 4L * b.X;
        blockSums[w] = s0;
        blockSums[w + 1] = s1;
        blockSums[w + 2] = s2;
        blockSums[w + 3] = s3;
    }

    /// <summary>
    /// One thread: blockSums[b] becomes block b's running sum before its first row, Σ_(b'&lt;b) blockSums[b'] − b·block·T/N;
    /// T = Σ_b blockSums[b] goes to blockSums[blocks] and T/N to blockSums[blocks + 1] (4 words each; the buffer holds
    /// blocks + 2 sums). <paramref name="inverseRows"/> is 1/N and <paramref name="blockOverRows"/> block/N (Montgomery form).
    /// </summary>
    public static void BlockPrefix(Index1D t, ArrayView<uint> blockSums, int blocks, uint inverseRows, uint blockOverRows, MontyField f)
    {
        if (t.X != 0)
            return;
        uint s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int b = 0; b < blocks; b++)
        {
            long o = 4L * b;
            uint v0 = blockSums[o], v1 = blockSums[o + 1], v2 = blockSums[o + 2], v3 = blockSums[o + 3];
            blockSums[o] = s0;
            blockSums[o + 1] = s1;
            blockSums[o + 2] = s2;
            blockSums[o + 3] = s3;
            s0 = f.Add(s0, v0);
            s1 = f.Add(s1, v1);
            s2 = f.Add(s2, v2);
            s3 = f.Add(s3, v3);
        }
        long total = 4L * blocks;
        blockSums[total] = s0;
        blockSums[total + 1] = s1;
        blockSums[total + 2] = s2;
        blockSums[total + 3] = s3;
        blockSums[total + 4] = f.Mul(s0, inverseRows);
        blockSums[total + 5] = f.Mul(s1, inverseRows);
        blockSums[total + 6] = f.Mul(s2, inverseRows);
        blockSums[total + 7] = f.Mul(s3, inverseRows);
        // Block b starts b·block rows in: subtract b·(block·T/N) from its prefix.
        uint d0 = f.Mul(s0, blockOverRows), d1 = f.Mul(s1, blockOverRows), d2 = f.Mul(s2, blockOverRows), d3 = f.Mul(s3, blockOverRows);
        uint o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        for (int b = 0; b < blocks; b++)
        {
            long o = 4L * b;
            blockSums[o] = f.Sub(blockSums[o], o0);
            blockSums[o + 1] = f.Sub(blockSums[o + 1], o1);
            blockSums[o + 2] = f.Sub(blockSums[o + 2], o2);
            blockSums[o + 3] = f.Sub(blockSums[o + 3], o3);
            o0 = f.Add(o0, d0);
            o1 = f.Add(o1, d1);
            o2 = f.Add(o2, d2);
            o3 = f.Add(o3, d3);
        }
    }

    /// <summary>
    /// Block b's rows: the cyclic running sum (its block's start from <see cref="BlockPrefix"/>, then s_(r+1) = s_r + rowSum_r − T/N,
    /// exclusive: row r holds the sum before its own row) into the trace's last extension column.
    /// </summary>
    public static void RunningSum(Index1D b, ArrayView<uint> rowSums, ArrayView<uint> blockPrefix, ArrayView<uint> trace, int rows, int block, int width, MontyField f)
    {
        int start = b.X * block;
        int end = start + block < rows ? start + block : rows;
        long p = 4L * b.X;
        long perRow = 4L * ((rows + block - 1) / block + 1);
        uint t0 = blockPrefix[perRow], t1 = blockPrefix[perRow + 1], t2 = blockPrefix[perRow + 2], t3 = blockPrefix[perRow + 3];
        uint s0 = blockPrefix[p], s1 = blockPrefix[p + 1], s2 = blockPrefix[p + 2], s3 = blockPrefix[p + 3];
        for (int r = start; r < end; r++)
        {
            long c = (long)r * width + width - 4;
            trace[c] = s0;
            trace[c + 1] = s1;
            trace[c + 2] = s2;
            trace[c + 3] = s3;
            long o = 4L * r;
            s0 = f.Add(s0, f.Sub(rowSums[o], t0));
            s1 = f.Add(s1, f.Sub(rowSums[o + 1], t1));
            s2 = f.Add(s2, f.Sub(rowSums[o + 2], t2));
            s3 = f.Add(s3, f.Sub(rowSums[o + 3], t3));
        }
    }
}
