using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The layout of one quotient launch (a kernel argument): the sizes and the offsets into the packed arrays of
/// <see cref="QuotientKernels.QuotientRows"/>.
/// </summary>
public readonly struct QuotientShape
{
    public QuotientShape(ExtensionShape extension, int instructions, int variablesAt, int outputsAt, int outputs, int publicsAt,
        int mainWidth, int preprocessedWidth, int logQ, int logD, int firstRow, QuotientDomain domain)
    {
        Domain = domain;
        Extension = extension;
        Instructions = instructions;
        VariablesAt = variablesAt;
        OutputsAt = outputsAt;
        Outputs = outputs;
        PublicsAt = publicsAt;
        MainWidth = mainWidth;
        PreprocessedWidth = preprocessedWidth;
        LogQ = logQ;
        LogD = logD;
        FirstRow = firstRow;
    }

    public ExtensionShape Extension { get; }

    /// <summary>Instructions (= registers per point) of the constraint program.</summary>
    public int Instructions { get; }

    /// <summary>Where the variables (3 ints each: source 0 main / 1 preprocessed / 2 public, column, row offset) start in the program array.</summary>
    public int VariablesAt { get; }

    /// <summary>Where the output registers start in the program array, and how many constraints there are.</summary>
    public int OutputsAt { get; }

    public int Outputs { get; }

    /// <summary>Where the public values start in the values array (after the constants).</summary>
    public int PublicsAt { get; }

    public int MainWidth { get; }

    public int PreprocessedWidth { get; }

    /// <summary>log2 of the quotient domain's size and of the number of chunks d.</summary>
    public int LogQ { get; }

    public int LogD { get; }

    /// <summary>The first point of this launch (launches cover slices of the domain, so the registers stay bounded).</summary>
    public int FirstRow { get; }

    public QuotientDomain Domain { get; }
}

/// <summary>The constants of the quotient domain g·H_Q of a trace of n rows (Montgomery words), for the selectors.</summary>
public readonly struct QuotientDomain
{
    public QuotientDomain(uint shift, uint omegaQ, uint omegaN, uint omegaNInverse, uint n)
    {
        Shift = shift;
        OmegaQ = omegaQ;
        OmegaN = omegaN;
        OmegaNInverse = omegaNInverse;
        N = n;
    }

    /// <summary>g, ω_Q, ω_n, ω_n^−1 and n as a field element.</summary>
    public uint Shift { get; }

    public uint OmegaQ { get; }

    public uint OmegaN { get; }

    public uint OmegaNInverse { get; }

    public uint N { get; }
}

/// <summary>
/// The quotient of an AIR without LogUp columns on the device: the shared constraint program (<c>ConstraintProgram.Export</c>)
/// interpreted per point of the quotient domain, folded with α and divided by Z_H — the CPU's <c>QuotientEvaluator</c>
/// word for word (exact field arithmetic; the fold's order does not change the values).
/// </summary>
public static class QuotientKernels
{
    /// <summary>
    /// Point i = FirstRow + t of g·H_Q (natural order) reads LDE row bitrev(i) and, for the next row, bitrev(i + d);
    /// program holds the code (3 ints per instruction), the variables and the output registers; values holds the
    /// constants then the public values (Montgomery); alphaZh holds α^q (4 words per constraint), then 1/Z_H and Z_H
    /// (d words each); registers holds Instructions words per thread; result gets 4 words per point. The selectors
    /// are computed where the program reads them, as <c>QuotientSelectors</c> defines them (x = g·ω_Q^i):
    /// first = Z_H(x)/((x − 1)·n), last = Z_H(x)/((x·ω_n − 1)·n), transition = x − ω_n^−1 (each inverse unique, so
    /// the words equal the CPU's batch inversion).
    /// </summary>
    public static void QuotientRows(Index1D t, ArrayView<int> program, ArrayView<uint> values, ArrayView<uint> main, ArrayView<uint> preprocessed,
        ArrayView<uint> alphaZh, ArrayView<uint> registers, ArrayView<uint> result, QuotientShape s)
    {
        var f = s.Extension.Field;
        int q = 1 << s.LogQ;
        int i = s.FirstRow + t.X;
        int row = (int)MontyField.BitReverse((uint)i, s.LogQ);
        int next = (int)MontyField.BitReverse((uint)((i + (1 << s.LogD)) & (q - 1)), s.LogQ);
        long r0 = (long)t.X * s.Instructions;
        var dom = s.Domain;
        int d = 1 << s.LogD;
        uint x = dom.Shift, power = dom.OmegaQ;
        for (int b = 0; b < s.LogQ; b++)
        {
            if (((i >> b) & 1) != 0)
                x = f.Mul(x, power);
            power = f.Mul(power, power);
        }
        uint zhValue = alphaZh[4 * s.Outputs + d + (i & (d - 1))];
        uint one = f.Mul(dom.OmegaN, dom.OmegaNInverse); // 1 in Montgomery form
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
        uint c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (int c = 0; c < s.Outputs; c++)
        {
            uint value = registers[r0 + program[s.OutputsAt + c]];
            c0 = f.Add(c0, f.Mul(alphaZh[4 * c], value));
            c1 = f.Add(c1, f.Mul(alphaZh[4 * c + 1], value));
            c2 = f.Add(c2, f.Mul(alphaZh[4 * c + 2], value));
            c3 = f.Add(c3, f.Mul(alphaZh[4 * c + 3], value));
        }
        uint zh = alphaZh[4 * s.Outputs + (i & (d - 1))];
        long o = 4L * i;
        result[o] = f.Mul(c0, zh);
        result[o + 1] = f.Mul(c1, zh);
        result[o + 2] = f.Mul(c2, zh);
        result[o + 3] = f.Mul(c3, zh);
    }

    /// <summary>
    /// The LogUp constraints of a table at the points of one <see cref="QuotientRows"/> slice (run right after it, reading its
    /// registers: the program's interaction outputs), added to the quotient: result[i] += (Σ_j α^(K+j)·L_j(x))/Z_H(x), with
    /// L_j = g_j·Π_i fp_i − Σ_i m̃_i·Π_{l≠i} fp_l per group, the last group's g being s' − s − Σ_(j&lt;G−1) g_j + T/N (the cyclic
    /// running sum, <c>LogUp.EvaluateConstraints</c>: the same field values, so the same words; the constraint a cheating
    /// LogUp column must violate is the CPU's, term for term). logUpLde holds the LogUp trace's LDE (4·Groups words
    /// per row, bit-reversed rows).
    /// </summary>
    public static void QuotientLogUp(Index1D t, ArrayView<int> program, ArrayView<int> logUp, ArrayView<uint> challenges, ArrayView<uint> logUpLde,
        ArrayView<uint> alphaZh, ArrayView<uint> registers, ArrayView<uint> result, QuotientShape s, LogUpShape l)
    {
        var e = s.Extension;
        var f = e.Field;
        int q = 1 << s.LogQ;
        int i = s.FirstRow + t.X;
        int d = 1 << s.LogD;
        long row = MontyField.BitReverse((uint)i, s.LogQ);
        long next = MontyField.BitReverse((uint)((i + d) & (q - 1)), s.LogQ);
        long r0 = (long)t.X * s.Instructions;
        int width = 4 * l.Groups;
        long lo = row * width, no = next * width;
        uint c0 = 0, c1 = 0, c2 = 0, c3 = 0; // Σ_l α^(K+l)·L_l
        uint s0 = 0, s1 = 0, s2 = 0, s3 = 0; // Σ_(j<G−1) g_j
        for (int j = 0; j < l.Groups; j++)
        {
            uint n0 = 0, n1 = 0, n2 = 0, n3 = 0, p0 = l.One, p1 = 0, p2 = 0, p3 = 0;
            for (int m = logUp[j]; m < logUp[j + 1]; m++)
            {
                int at = l.MembersAt + 4 * m;
                LogUpKernels.Fraction(e, program, registers, challenges, s.OutputsAt, r0, logUp[at], logUp[at + 1], logUp[at + 2], l.GammaBusAt + 4 * logUp[at + 3],
                    out uint f0, out uint f1, out uint f2, out uint f3, out uint signed);
                ExtensionKernels.Mul(e, n0, n1, n2, n3, f0, f1, f2, f3, out uint a0, out uint a1, out uint a2, out uint a3);
                n0 = f.Add(a0, f.Mul(signed, p0));
                n1 = f.Add(a1, f.Mul(signed, p1));
                n2 = f.Add(a2, f.Mul(signed, p2));
                n3 = f.Add(a3, f.Mul(signed, p3));
                ExtensionKernels.Mul(e, p0, p1, p2, p3, f0, f1, f2, f3, out p0, out p1, out p2, out p3);
            }
            long g = lo + 4 * j, h = no + 4 * j;
            uint g0, g1, g2, g3;
            if (j < l.Groups - 1)
            {
                g0 = logUpLde[g];
                g1 = logUpLde[g + 1];
                g2 = logUpLde[g + 2];
                g3 = logUpLde[g + 3];
                s0 = f.Add(s0, g0);
                s1 = f.Add(s1, g1);
                s2 = f.Add(s2, g2);
                s3 = f.Add(s3, g3);
            }
            else
            {
                // The last group: s' − s − Σ_(j<G−1) g_j + T/N (column G − 1 holds s).
                g0 = f.Add(f.Sub(f.Sub(logUpLde[h], logUpLde[g]), s0), challenges[l.SumAt]);
                g1 = f.Add(f.Sub(f.Sub(logUpLde[h + 1], logUpLde[g + 1]), s1), challenges[l.SumAt + 1]);
                g2 = f.Add(f.Sub(f.Sub(logUpLde[h + 2], logUpLde[g + 2]), s2), challenges[l.SumAt + 2]);
                g3 = f.Add(f.Sub(f.Sub(logUpLde[h + 3], logUpLde[g + 3]), s3), challenges[l.SumAt + 3]);
            }
            ExtensionKernels.Mul(e, g0, g1, g2, g3, p0, p1, p2, p3, out uint v0, out uint v1, out uint v2, out uint v3);
            AddWeighted(e, challenges, l.AlphaAt + 4 * j, f.Sub(v0, n0), f.Sub(v1, n1), f.Sub(v2, n2), f.Sub(v3, n3), ref c0, ref c1, ref c2, ref c3);
        }
        uint zh = alphaZh[4 * s.Outputs + (i & (d - 1))];
        long o = 4L * i;
        result[o] = f.Add(result[o], f.Mul(c0, zh));
        result[o + 1] = f.Add(result[o + 1], f.Mul(c1, zh));
        result[o + 2] = f.Add(result[o + 2], f.Mul(c2, zh));
        result[o + 3] = f.Add(result[o + 3], f.Mul(c3, zh));
    }

    /// <summary>c += challenges[at..at+4]·v (extension products).</summary>
    private static void AddWeighted(in ExtensionShape e, ArrayView<uint> challenges, int at, uint v0, uint v1, uint v2, uint v3,
        ref uint c0, ref uint c1, ref uint c2, ref uint c3)
    {
        var f = e.Field;
        ExtensionKernels.Mul(e, challenges[at], challenges[at + 1], challenges[at + 2], challenges[at + 3], v0, v1, v2, v3,
            out uint r0, out uint r1, out uint r2, out uint r3);
        c0 = f.Add(c0, r0);
        c1 = f.Add(c1, r1);
        c2 = f.Add(c2, r2);
        c3 = f.Add(c3, r3);
    }
}
