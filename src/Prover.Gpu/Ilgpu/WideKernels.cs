using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The quotient, LogUp and opening kernels for an extension of degree D = 4 or 8 (<see cref="WideShape"/>; the prover uses them for
/// the octic extension of provable-100/128, the written-out quartic kernels for the quartic one). They compute what
/// <see cref="QuotientKernels"/>, <see cref="LogUpKernels"/> and <see cref="OpeningKernels"/> compute, with the same arrays and
/// offsets scaled by D words per extension value; each thread's extension temporaries live in a scratch region of device memory
/// (<see cref="Slots"/> values per thread), since ILGPU keeps local arrays in local memory anyway.
/// </summary>
public static class WideKernels
{
    /// <summary>Extension values of scratch each thread of <see cref="QuotientLogUp"/> and <see cref="LogUpRows"/> uses.</summary>
    public const int Slots = 8;

    private const int N = 0, P = 1, Fp = 2, T = 3, SumLocal = 4, SumNext = 5, Acc = 6, U = 7;

    /// <summary>As <see cref="QuotientKernels.QuotientRows"/> with alphaZh holding α^q as D words each (then 1/Z_H and Z_H) and D words per result.</summary>
    public static void QuotientRows(Index1D t, ArrayView<int> program, ArrayView<uint> values, ArrayView<uint> main, ArrayView<uint> preprocessed,
        ArrayView<uint> alphaZh, ArrayView<uint> registers, ArrayView<uint> result, QuotientShape s, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int q = 1 << s.LogQ;
        int i = s.FirstRow + t.X;
        int row = (int)MontyField.BitReverse((uint)i, s.LogQ);
        int next = (int)MontyField.BitReverse((uint)((i + (1 << s.LogD)) & (q - 1)), s.LogQ);
        long r0 = (long)t.X * s.Instructions;
        var dom = s.Domain;
        int d = 1 << s.LogD;
        uint x = Point(f, dom, i, s.LogQ);
        uint zhValue = alphaZh[dd * s.Outputs + d + (i & (d - 1))];
        uint one = f.Mul(dom.OmegaN, dom.OmegaNInverse);
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
                v = f.Mul(zhValue, f.Inverse(f.Mul(f.Sub(x, one), dom.N)));
            }
            else if (op == 3)
            {
                v = f.Mul(zhValue, f.Inverse(f.Mul(f.Sub(f.Mul(x, dom.OmegaN), one), dom.N)));
            }
            else if (op == 4)
            {
                v = f.Sub(x, dom.OmegaNInverse);
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
        long o = (long)dd * i;
        uint zh = alphaZh[dd * s.Outputs + (i & (d - 1))];
        for (int k = 0; k < dd; k++)
        {
            uint c = 0;
            for (int j = 0; j < s.Outputs; j++)
                c = f.Add(c, f.Mul(alphaZh[dd * j + k], registers[r0 + program[s.OutputsAt + j]]));
            result[o + k] = f.Mul(c, zh);
        }
    }

    /// <summary>x = shift·ω_Q^i by square-and-multiply.</summary>
    private static uint Point(in MontyField f, in QuotientDomain dom, int i, int logQ)
    {
        uint x = dom.Shift, power = dom.OmegaQ;
        for (int b = 0; b < logQ; b++)
        {
            if (((i >> b) & 1) != 0)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        return x;
    }

    /// <summary>Fp slot = (γ − bus) − Σ_v β^(v+1)·x_v; returns m̃ (<see cref="LogUpKernels.Fraction"/> with D words per value).</summary>
    private static uint Fraction(in WideShape e, ArrayView<int> program, ArrayView<uint> registers, ArrayView<uint> challenges, int outputsAt,
        long r0, int first, int count, int send, int gammaBusAt, ArrayView<uint> scratch, long fp)
    {
        var f = e.Field;
        int dd = e.Degree;
        WideExtension.Copy(e, challenges, gammaBusAt, scratch, fp);
        for (int v = 0; v < count; v++)
        {
            uint x = registers[r0 + program[outputsAt + first + v]];
            int b = dd * v;
            for (int k = 0; k < dd; k++)
                scratch[fp + k] = f.Sub(scratch[fp + k], f.Mul(challenges[b + k], x));
        }
        uint m = registers[r0 + program[outputsAt + first + count]];
        return send != 0 ? m : f.Sub(0u, m);
    }

    /// <summary>Slots N and P of group j's members: N = Σ_i m̃_i·Π_{l≠i} fp_l, P = Π_i fp_i (N ← N·fp + m̃·P, P ← P·fp).</summary>
    private static void GroupFraction(in WideShape e, ArrayView<int> program, ArrayView<int> logUp, ArrayView<uint> challenges, ArrayView<uint> registers,
        int outputsAt, long r0, int j, in LogUpShape l, ArrayView<uint> scratch, long s0)
    {
        var f = e.Field;
        int dd = e.Degree;
        long n = s0 + dd * N, p = s0 + dd * P, fp = s0 + dd * Fp, tt = s0 + dd * T;
        WideExtension.SetBase(e, 0u, scratch, n);
        WideExtension.SetBase(e, l.One, scratch, p);
        for (int m = logUp[j]; m < logUp[j + 1]; m++)
        {
            int at = l.MembersAt + 4 * m;
            uint signed = Fraction(e, program, registers, challenges, outputsAt, r0, logUp[at], logUp[at + 1], logUp[at + 2],
                l.GammaBusAt + dd * logUp[at + 3], scratch, fp);
            WideExtension.Mul(e, scratch, n, scratch, fp, scratch, tt);
            for (int k = 0; k < dd; k++)
                scratch[n + k] = f.Add(scratch[tt + k], f.Mul(signed, scratch[p + k]));
            WideExtension.Mul(e, scratch, p, scratch, fp, scratch, p);
        }
    }

    /// <summary>As <see cref="QuotientKernels.QuotientLogUp"/> (D words per value; scratch holds <see cref="Slots"/> values per thread).</summary>
    public static void QuotientLogUp(Index1D t, ArrayView<int> program, ArrayView<int> logUp, ArrayView<uint> challenges, ArrayView<uint> logUpLde,
        ArrayView<uint> alphaZh, ArrayView<uint> registers, ArrayView<uint> result, ArrayView<uint> scratch, QuotientShape s, LogUpShape l, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int q = 1 << s.LogQ;
        int i = s.FirstRow + t.X;
        int d = 1 << s.LogD;
        long row = MontyField.BitReverse((uint)i, s.LogQ);
        long next = MontyField.BitReverse((uint)((i + d) & (q - 1)), s.LogQ);
        long r0 = (long)t.X * s.Instructions;
        long s0 = (long)t.X * Slots * dd;
        long acc = s0 + dd * Acc, u = s0 + dd * U, sl = s0 + dd * SumLocal, gl = s0 + dd * SumNext, tt = s0 + dd * T;
        int width = dd * l.Groups;
        long lo = row * width, no = next * width;
        WideExtension.SetBase(e, 0u, scratch, acc);
        WideExtension.SetBase(e, 0u, scratch, sl);
        for (int j = 0; j < l.Groups; j++)
        {
            GroupFraction(e, program, logUp, challenges, registers, s.OutputsAt, r0, j, l, scratch, s0);
            long g = lo + dd * j;
            // L_j = g_j·P − N, weighted by α^(K+j).
            if (j < l.Groups - 1)
            {
                WideExtension.Mul(e, logUpLde, g, scratch, s0 + dd * P, scratch, tt);
                WideExtension.Add(e, scratch, sl, logUpLde, g, scratch, sl);
            }
            else
            {
                // The last group: s' − s − Σ_(j<G−1) g_j + T/N (column G − 1 holds s).
                WideExtension.Sub(e, logUpLde, no + dd * j, logUpLde, g, scratch, gl);
                WideExtension.Sub(e, scratch, gl, scratch, sl, scratch, gl);
                WideExtension.Add(e, scratch, gl, challenges, l.SumAt, scratch, gl);
                WideExtension.Mul(e, scratch, gl, scratch, s0 + dd * P, scratch, tt);
            }
            WideExtension.Sub(e, scratch, tt, scratch, s0 + dd * N, scratch, tt);
            WideExtension.Mul(e, challenges, l.AlphaAt + dd * j, scratch, tt, scratch, u);
            WideExtension.Add(e, scratch, acc, scratch, u, scratch, acc);
        }
        uint zh = alphaZh[dd * s.Outputs + (i & (d - 1))];
        long o = (long)dd * i;
        for (int k = 0; k < dd; k++)
            result[o + k] = f.Add(result[o + k], f.Mul(scratch[acc + k], zh));
    }

    /// <summary>As <see cref="LogUpKernels.LogUpRows"/> (D words per value; scratch holds <see cref="Slots"/> values per thread).</summary>
    public static void LogUpRows(Index1D t, ArrayView<int> program, ArrayView<uint> values, ArrayView<uint> main, ArrayView<uint> preprocessed,
        ArrayView<int> logUp, ArrayView<uint> challenges, ArrayView<uint> registers, ArrayView<uint> trace, ArrayView<uint> rowSums,
        ArrayView<uint> scratch, LogUpTraceShape s, LogUpShape l, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int row = s.FirstRow + t.X;
        int next = row + 1 == s.Rows ? 0 : row + 1;
        long r0 = (long)t.X * s.Instructions;
        long s0 = (long)t.X * Slots * dd;
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
        int width = dd * l.Groups; // the last group's value lands in the running-sum column, which RunningSum overwrites
        long o = (long)row * width;
        long sum = (long)dd * row;
        long p = s0 + dd * P, tt = s0 + dd * T;
        WideExtension.SetBase(e, 0u, rowSums, sum);
        for (int j = 0; j < l.Groups; j++)
        {
            GroupFraction(e, program, logUp, challenges, registers, s.OutputsAt, r0, j, l, scratch, s0);
            if (WideExtension.IsZero(e, scratch, p))
                rowSums[(long)dd * s.Rows] = 1u;
            WideExtension.Inverse(e, scratch, p, scratch, tt);
            WideExtension.Mul(e, scratch, s0 + dd * N, scratch, tt, trace, o + dd * j);
            WideExtension.Add(e, rowSums, sum, trace, o + dd * j, rowSums, sum);
        }
    }

    /// <summary>As <see cref="LogUpKernels.BlockSums"/> with D words per sum.</summary>
    public static void BlockSums(Index1D b, ArrayView<uint> rowSums, ArrayView<uint> blockSums, int rows, int block, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int start = b.X * block;
        int end = start + block < rows ? start + block : rows;
        for (int k = 0; k < dd; k++)
        {
            uint acc = 0;
            for (int r = start; r < end; r++)
                acc = f.Add(acc, rowSums[(long)dd * r + k]);
            blockSums[(long)dd * b.X + k] = acc;
        }
    }

    /// <summary>As <see cref="LogUpKernels.BlockPrefix"/> with D words per sum (one thread; T and T/N after the blocks).</summary>
    public static void BlockPrefix(Index1D t, ArrayView<uint> blockSums, int blocks, uint inverseRows, uint blockOverRows, WideShape e)
    {
        if (t.X != 0)
            return;
        var f = e.Field;
        int dd = e.Degree;
        for (int k = 0; k < dd; k++)
        {
            uint acc = 0;
            for (int b = 0; b < blocks; b++)
            {
                long o = (long)dd * b + k;
                uint v = blockSums[o];
                blockSums[o] = acc;
                acc = f.Add(acc, v);
            }
            blockSums[(long)dd * blocks + k] = acc;
            blockSums[(long)dd * (blocks + 1) + k] = f.Mul(acc, inverseRows);
            uint step = f.Mul(acc, blockOverRows), offset = 0;
            for (int b = 0; b < blocks; b++)
            {
                long o = (long)dd * b + k;
                blockSums[o] = f.Sub(blockSums[o], offset);
                offset = f.Add(offset, step);
            }
        }
    }

    /// <summary>As <see cref="LogUpKernels.RunningSum"/> with D words per sum.</summary>
    public static void RunningSum(Index1D b, ArrayView<uint> rowSums, ArrayView<uint> blockPrefix, ArrayView<uint> trace, int rows, int block, int width, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int start = b.X * block;
        int end = start + block < rows ? start + block : rows;
        long perRow = (long)dd * ((rows + block - 1) / block + 1);
        for (int k = 0; k < dd; k++)
        {
            uint acc = blockPrefix[(long)dd * b.X + k], step = blockPrefix[perRow + k];
            for (int r = start; r < end; r++)
            {
                trace[(long)r * width + width - dd + k] = acc;
                acc = f.Add(acc, f.Sub(rowSums[(long)dd * r + k], step));
            }
        }
    }

    /// <summary>As <see cref="OpeningKernels.Weights"/> with D words per value (zScale: z then the scale, D words each).</summary>
    public static void Weights(Index1D i, ArrayView<uint> weights, ArrayView<uint> zScale, uint omega, int logN, uint one, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        uint x = one, power = omega;
        for (int b = 0; b < logN; b++)
        {
            if (((i.X >> b) & 1) != 0)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        long o = (long)dd * i.X;
        weights[o] = f.Sub(zScale[0], x);
        for (int k = 1; k < dd; k++)
            weights[o + k] = zScale[k];
        WideExtension.Inverse(e, weights, o, weights, o);
        WideExtension.Scale(e, weights, o, x, weights, o);
        WideExtension.Mul(e, weights, o, zScale, dd, weights, o);
    }

    /// <summary>As <see cref="OpeningKernels.PartialSums"/> with D words per value.</summary>
    public static void PartialSums(Index1D t, ArrayView<uint> matrix, ArrayView<uint> weights, ArrayView<uint> partial, int width, int rows, int block, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        int b = t.X / width, c = t.X - b * width;
        int start = b * block;
        int end = start + block < rows ? start + block : rows;
        for (int k = 0; k < dd; k++)
        {
            uint acc = 0;
            for (int r = start; r < end; r++)
                acc = f.Add(acc, f.Mul(weights[(long)dd * r + k], matrix[(long)r * width + c]));
            partial[(long)dd * t.X + k] = acc;
        }
    }

    /// <summary>As <see cref="OpeningKernels.ReduceColumns"/> with D words per value.</summary>
    public static void ReduceColumns(Index1D c, ArrayView<uint> partial, ArrayView<uint> output, int width, int blocks, WideShape e)
    {
        var f = e.Field;
        int dd = e.Degree;
        for (int k = 0; k < dd; k++)
        {
            uint acc = 0;
            for (int b = 0; b < blocks; b++)
                acc = f.Add(acc, partial[(long)dd * ((long)b * width + c.X) + k]);
            output[(long)dd * c.X + k] = acc;
        }
    }
}
