using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's bit decompositions, one per row: the 31 bits of a felt's canonical value. Main columns: the bits
/// b_0 … b_30 and running products of the top bits (for the canonicity check at degree 2). Preprocessed: the input's
/// address, the first output address (bits are consecutive), each bit's read count, and a flag for real rows.
/// <para>
/// Why the bits are the canonical ones: each b_i is boolean, the row reads the input as Σ 2^i·b_i, and the value of the
/// bits is below p. With p = 2^31 − 2^k + 1 (KoalaBear: k = 24), a 31-bit value is ≥ p exactly when its top 31 − k bits
/// are all one and some lower bit is one; the constraint Π(top bits)·Σ(lower bits) = 0 excludes that (the sum of at most
/// k booleans vanishes in the field only when all are zero). Without it, a value x &lt; 2^k − 1 would also decompose as
/// x + p, letting the prover flip a query index's bits.
/// </para>
/// </summary>
public sealed class BitsChip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private const int N = RecursionMemoryPlan.BitCount;

    /// <summary>k with p = 2^31 − 2^k + 1.</summary>
    private static readonly int LowBits = LowBitCount();

    // Preprocessed columns.
    private const int InAddr = 0, OutAddr = 1, OutMult = 2, IsReal = 2 + N;

    private readonly RecursionInstruction[] _code;
    private readonly RecursionMemoryPlan _plan;

    public BitsChip(RecursionMemoryPlan plan, RecursionInstruction[] code) : base(code.Length)
    {
        _plan = plan;
        _code = code;
    }

    private static int LowBitCount()
    {
        ulong gap = (1UL << 31) - TParams.P + 1;
        if (TParams.P >= 1UL << 31 || !BitOperations.IsPow2(gap) || gap < 4)
            throw new NotSupportedException($"the bits table needs p = 2^31 − 2^k + 1, not {TParams.P}");
        return BitOperations.Log2(gap);
    }

    /// <summary>Top bits b_30 … b_k; their running products are the columns after the bits (the last is the full product).</summary>
    private static int TopBits => N - LowBits;

    public override string Name => "recursion-bits";

    public override int Width => N + TopBits - 1;

    public override int PreprocessedWidth => IsReal + 1;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        var value = SymbolicExpression<MontyField31<TParams>>.Zero;
        for (int i = 0; i < N; i++)
        {
            builder.AssertBool(m[i]);
            value += m[i] * Value(1L << i);
        }
        // prod_1 = b_30·b_29, prod_j = prod_(j−1)·b_(30−j): the last is the product of all top bits.
        var product = m[N - 1];
        for (int j = 1; j < TopBits; j++)
        {
            builder.AssertEq(m[N + j - 1], product * m[N - 1 - j]);
            product = m[N + j - 1];
        }
        var low = SymbolicExpression<MontyField31<TParams>>.Zero;
        for (int i = 0; i < LowBits; i++)
            low += m[i];
        builder.AssertZero(product * low);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[InAddr], value), p[IsReal]);
        for (int i = 0; i < N; i++)
            builder.Send(RecursionBus.FeltMemory, Tuple(p[OutAddr] + Value(i), m[i]), p[OutMult + i]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        columns[InAddr] = Value(i.A);
        columns[OutAddr] = Value(i.Dst);
        for (int k = 0; k < N; k++)
            columns[OutMult + k] = Value(_plan.FeltReads[i.Dst + k]);
        columns[IsReal] = Value(1);
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        Fill(columns, memory.Felts[i.A].ToCanonical());
    }

    /// <summary>The bits of v and the running products of its top bits.</summary>
    internal static void Fill(Span<MontyField31<TParams>> columns, uint v)
    {
        for (int k = 0; k < N; k++)
            columns[k] = Value((v >> k) & 1);
        var product = columns[N - 1];
        for (int j = 1; j < TopBits; j++)
            columns[N + j - 1] = product = product * columns[N - 1 - j];
    }
}
