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
}
