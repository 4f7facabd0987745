namespace Prover.Core.Recursion;

/// <summary>
/// The operations of the recursion IR. Every instruction writes fresh variables (each variable is written once), so
/// a program is a straight-line circuit: loops are unrolled by the builder, data-dependent choices are
/// <see cref="FSelect"/>/<see cref="ESelect"/> on bits. Base-field variables (felts) and extension-field variables
/// (exts, <see cref="RecursionProgram.ExtensionDegree"/> coefficients) live in two memories.
/// </summary>
public enum RecursionOp : byte
{
    /// <summary>felt[Dst] = FeltConstants[A].</summary>
    FConst,
    /// <summary>ext[Dst] = ExtConstants[A] (D coefficients).</summary>
    EConst,
    FAdd, FSub, FMul,
    /// <summary>felt[Dst] = 1/felt[A]; the executor (a chip: felt[A]·felt[Dst] = 1) fails on zero.</summary>
    FInv,
    EAdd, ESub, EMul,
    /// <summary>ext[Dst] = 1/ext[A], failing on zero.</summary>
    EInv,
    /// <summary>ext[Dst] = ext[A]·felt[B].</summary>
    EMulF,
    /// <summary>ext[Dst] = ext[A] + felt[B] (added to coefficient 0).</summary>
    EAddF,
    /// <summary>ext[Dst] = felt[A] embedded.</summary>
    EFromF,
    /// <summary>ext[Dst] = Σ_i felt[Operands[i]]·X^i (D operands).</summary>
    EFromCoeffs,
    /// <summary>felt[Dst + i] = coefficient i of ext[A], i &lt; D.</summary>
    EToCoeffs,
    /// <summary>felt[Dst] = felt[A] != 0 ? felt[B] : felt[C] where felt[A] must be 0 or 1 (a chip asserts A·(A − 1) = 0).</summary>
    FSelect,
    /// <summary>ext[Dst] = felt[A] != 0 ? ext[B] : ext[C], felt[A] boolean.</summary>
    ESelect,
    /// <summary>felt[Dst + i] = bit i of the canonical value of felt[A], i &lt; 31 (a chip: booleans, Σ 2^i·b_i = A, canonical).</summary>
    Bits,
    /// <summary>felt[Dst..Dst+W) = Poseidon2_W(felt[Operands]) (W = Operands.Length, 16 or 24).</summary>
    Permute,
    /// <summary>Fails unless felt[A] = felt[B]; Messages[C] says what was checked.</summary>
    AssertEqF,
    /// <summary>Fails unless ext[A] = ext[B]; Messages[C].</summary>
    AssertEqE,
    /// <summary>
    /// Reads B felts of untrusted witness data into felt[Dst..Dst+B) from hint channel A, passing the current values of
    /// felt[Operands] (arguments: e.g. the query indices the proof's openings are answered at). The program checks
    /// everything it reads; hints only supply the data.
    /// </summary>
    Hint,
    /// <summary>
    /// felt[Dst..Dst+W) = Poseidon2_W(felt[A] = 0 ? felt[Operands] : the two halves of felt[Operands] swapped), felt[A]
    /// boolean: a Merkle path's step, (node ‖ sibling) or (sibling ‖ node) by the index bit, in one Poseidon2 row (the
    /// chip orders the halves itself; no selects).
    /// </summary>
    PermuteSwap,
    /// <summary>ext[Dst] = ext[C] + ext[A]·felt[B] (a fused multiply-add row: the DEEP row combination's step).</summary>
    EMulFAdd,
    /// <summary>ext[Dst] = ext[C] + ext[A]·ext[B].</summary>
    EMulAdd,
}

/// <summary>One IR instruction; <see cref="Operands"/> is used by the operations that take a list.</summary>
public readonly record struct RecursionInstruction(RecursionOp Op, int Dst, int A, int B, int C, int[]? Operands = null);

/// <summary>
/// A compiled recursion program: the instruction list and its memory layout (how many felts and exts it writes),
/// its constants, and the messages of its assertions. Built by <see cref="RecursionBuilder{TParams, TDef}"/>; run by
/// <see cref="RecursionExecutor{TParams, TDef}"/>.
/// </summary>
public sealed class RecursionProgram
{
    internal RecursionProgram(RecursionInstruction[] instructions, int feltCount, int extCount, uint[] feltConstants, uint[] extConstants,
        string[] messages, int extensionDegree, int[] outputs)
    {
        Outputs = outputs;
        Instructions = instructions;
        FeltCount = feltCount;
        ExtCount = extCount;
        FeltConstants = feltConstants;
        ExtConstants = extConstants;
        Messages = messages;
        ExtensionDegree = extensionDegree;
    }

    private RecursionProgram(RecursionProgram program, RecursionShape shape)
        : this((RecursionInstruction[])program.Instructions, program.FeltCount, program.ExtCount, (uint[])program.FeltConstants,
            (uint[])program.ExtConstants, (string[])program.Messages, program.ExtensionDegree, (int[])program.Outputs)
    {
        Shape = shape;
        _unpadded = program;
    }

    private readonly RecursionProgram? _unpadded;

    /// <summary>
    /// The recursion machine's shape this program is proved at (<see cref="PaddedTo"/>); null: its own tables at their
    /// smallest heights, as every program built by <see cref="RecursionBuilder{TParams, TDef}"/> is.
    /// </summary>
    public RecursionShape? Shape { get; }

    /// <summary>
    /// The same instructions proved at <paramref name="shape"/>: every table of the shape at the shape's height (a table
    /// the program does not use present and empty), so that proofs of several programs padded to one shape have the same
    /// AIRs and heights. The verifying key depends on the program and the shape. A program that does not fit (a table
    /// taller than the shape's, a permutation width or an output count the shape lacks) is refused when its machine is
    /// built (<see cref="Chips.RecursionMachine{TParams, TDef}"/>, <see cref="ArgumentException"/>).
    /// </summary>
    public RecursionProgram PaddedTo(RecursionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new RecursionProgram(Unpadded, shape);
    }

    /// <summary>The program this one pads (itself where it has no shape).</summary>
    public RecursionProgram Unpadded => _unpadded ?? this;

    public IReadOnlyList<RecursionInstruction> Instructions { get; }

    /// <summary>Base-field variables the program writes (the felt memory's size).</summary>
    public int FeltCount { get; }

    /// <summary>Extension-field variables the program writes.</summary>
    public int ExtCount { get; }

    /// <summary>Canonical values of the base-field constants.</summary>
    public IReadOnlyList<uint> FeltConstants { get; }

    /// <summary>Canonical coefficients of the extension constants, D per constant.</summary>
    public IReadOnlyList<uint> ExtConstants { get; }

    /// <summary>What each assertion checks (the reason a failed run reports).</summary>
    public IReadOnlyList<string> Messages { get; }

    public int ExtensionDegree { get; }

    /// <summary>
    /// The felts the program states as its public outputs, in order (what a proof of its run will expose: for the
    /// verifier program of a proof in a shared-challenge group, its statement and bus sum, which the layer above checks).
    /// </summary>
    public IReadOnlyList<int> Outputs { get; }

    /// <summary>How many instructions of each operation the program holds (what sizes the recursion chips' tables).</summary>
    public IReadOnlyDictionary<RecursionOp, int> Counts()
    {
        var counts = new SortedDictionary<RecursionOp, int>();
        foreach (var i in Instructions)
            counts[i.Op] = counts.GetValueOrDefault(i.Op) + 1;
        return counts;
    }

    /// <summary>Number of Poseidon2 permutations of each width.</summary>
    public IReadOnlyDictionary<int, int> Permutations()
    {
        var counts = new SortedDictionary<int, int>();
        foreach (var i in Instructions)
            if (i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap)
                counts[i.Operands!.Length] = counts.GetValueOrDefault(i.Operands!.Length) + 1;
        return counts;
    }

    /// <summary>Felts read from hints (the witness data the program consumes).</summary>
    public long HintFelts => Instructions.Where(i => i.Op == RecursionOp.Hint).Sum(i => (long)i.B);
}
