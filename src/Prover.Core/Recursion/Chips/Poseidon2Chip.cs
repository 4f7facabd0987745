using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The program's Poseidon2 permutations of one width W (16 for 8-element digests, 24 for the 12-element digests of
/// provable-128), one per row, on the production permutation AIR (<see cref="Poseidon2Air{TParams}"/> of width W, the
/// one the input commitment uses at 16): its constraints force every round column from the W inputs, so the W outputs
/// are the permutation of the inputs and nothing else. A row also executes a Merkle step
/// (<see cref="RecursionOp.PermuteSwap"/>): it reads (node ‖ sibling) and an order bit and permutes (node ‖ sibling)
/// where the bit is 0, (sibling ‖ node) where it is 1 — the path's conditional swap of the two W/2-element children,
/// without selects. Preprocessed: the W input addresses, the first output address (outputs are consecutive), the W
/// outputs' read counts, a flag for real rows, the order bit's address and a flag for Merkle-step rows. Padding rows
/// hold the permutation of the zero state (the round constraints hold on every row) and touch no bus. The constraints
/// are written once over W; a machine has one such table per width its program uses.
/// </summary>
public sealed class Poseidon2Chip<TParams, TDef> : RecursionChip<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private readonly Poseidon2Air<TParams> _air;
    private readonly RecursionInstruction[] _code;
    private readonly RecursionMemoryPlan _plan;
    private readonly MontyField31<TParams>[] _padding;

    // Preprocessed columns: InAddr + k (k < W), OutAddr, OutMult + k, IsReal, BitAddr, IsSwap.
    private const int InAddr = 0;
    private int OutAddr => StateWidth;
    private int OutMult => StateWidth + 1;
    private int IsReal => 2 * StateWidth + 1;
    private int BitAddr => IsReal + 1;
    private int IsSwap => BitAddr + 1;

    /// <summary>The width-16 table (every instruction must be a width-16 permutation).</summary>
    public Poseidon2Chip(RecursionMemoryPlan plan, RecursionInstruction[] code) : this(plan, code, 16)
    {
    }

    /// <summary>The table of width-<paramref name="width"/> permutations (16 or 24); an instruction of another width is refused.</summary>
    public Poseidon2Chip(RecursionMemoryPlan plan, RecursionInstruction[] code, int width) : base(code.Length)
    {
        ArgumentNullException.ThrowIfNull(code);
        _air = new Poseidon2Air<TParams>(width);
        foreach (var i in code)
            if (i.Operands!.Length != width)
                throw new NotSupportedException($"this table proves Poseidon2 of width {width}, not {i.Operands.Length}");
        _plan = plan;
        _code = code;
        _padding = new MontyField31<TParams>[Width];
        _air.FillPermutation(_padding, 0, new MontyField31<TParams>[width]);
    }

    /// <summary>The permutation's width W.</summary>
    public int StateWidth => _air.StateWidth;

    private int Half => StateWidth / 2;

    public override string Name => StateWidth == 16 ? "recursion-poseidon2" : $"recursion-poseidon2-w{StateWidth}";

    /// <summary>Main columns after the permutation's: the order bit, then the W/2 differences d_k = bit·(in[k+W/2] − in[k]).</summary>
    public int BitColumn => _air.Width;

    public int DifferenceColumn(int k) => _air.Width + 1 + k;

    public override int Width => _air.Width + 1 + Half;

    public override int PreprocessedWidth => IsSwap + 1;

    public override void Eval(AirBuilder<MontyField31<TParams>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Every row is a permutation: inputs in columns [0, W), outputs in the last W of the permutation's columns.
        _air.EvalPermutation(builder, 0);
        var m = builder.Local;
        var p = builder.PreprocessedLocal;
        var bit = m[BitColumn];
        var one = SymbolicExpression<MontyField31<TParams>>.One;
        // The order bit. Why the swap cannot be cheated:
        // - it is boolean (a non-bit would make the permutation's input an affine mix of the two children);
        // - on a Merkle-step row it is read from memory at the program's address (a fixed column), so it is the index bit
        //   the program computed — the prover cannot choose the order;
        // - on every other row (plain permutations, padding) it is zero, so a sponge's or a compression's input cannot be
        //   reordered.
        builder.AssertBool(bit);
        builder.AssertZero(bit * (one - p[IsSwap]));
        // d_k = bit·(in[k+W/2] − in[k]) (degree 2), so the words read from memory, raw[k] = in[k] + d_k and
        // raw[k+W/2] = in[k+W/2] − d_k, are linear in the columns: raw = in where the bit is 0, raw = in with its halves
        // swapped where it is 1. The permutation's input is therefore exactly the children in the order the bit gives.
        var raw = new SymbolicExpression<MontyField31<TParams>>[StateWidth];
        for (int k = 0; k < Half; k++)
        {
            var d = m[DifferenceColumn(k)];
            builder.AssertEq(d, bit * (m[k + Half] - m[k]));
            raw[k] = m[k] + d;
            raw[k + Half] = m[k + Half] - d;
        }
        for (int k = 0; k < StateWidth; k++)
            builder.Receive(RecursionBus.FeltMemory, Tuple(p[InAddr + k], raw[k]), p[IsReal]);
        builder.Receive(RecursionBus.FeltMemory, Tuple(p[BitAddr], bit), p[IsSwap]);
        for (int k = 0; k < StateWidth; k++)
            builder.Send(RecursionBus.FeltMemory, Tuple(p[OutAddr] + Value(k), m[_air.OutputColumn(k)]), p[OutMult + k]);
    }

    protected override void FillPreprocessed(int row, Span<MontyField31<TParams>> columns)
    {
        var i = _code[row];
        for (int k = 0; k < StateWidth; k++)
        {
            columns[InAddr + k] = Value(i.Operands![k]);
            columns[OutMult + k] = Value(_plan.FeltReads[i.Dst + k]);
        }
        columns[OutAddr] = Value(i.Dst);
        columns[IsReal] = Value(1);
        if (i.Op == RecursionOp.PermuteSwap)
        {
            columns[BitAddr] = Value(i.A);
            columns[IsSwap] = Value(1);
        }
    }

    protected override void FillMain(int row, Span<MontyField31<TParams>> columns, RecursionMemory<TParams, TDef> memory)
    {
        var i = _code[row];
        Span<MontyField31<TParams>> input = stackalloc MontyField31<TParams>[24];
        input = input[..StateWidth];
        var bit = i.Op == RecursionOp.PermuteSwap ? memory.Felts[i.A] : default;
        // The permutation's input: the words read, their halves swapped by the bit (x + bit·(x' − x), as the executor).
        for (int k = 0; k < StateWidth; k++)
        {
            var x = memory.Felts[i.Operands![k]];
            var other = memory.Felts[i.Operands[k < Half ? k + Half : k - Half]];
            input[k] = x + bit * (other - x);
        }
        _air.FillPermutation(columns, 0, input);
        columns[BitColumn] = bit;
        for (int k = 0; k < Half; k++)
            columns[DifferenceColumn(k)] = bit * (input[k + Half] - input[k]);
    }

    protected override void FillPadding(Span<MontyField31<TParams>> columns) => _padding.CopyTo(columns);
}
