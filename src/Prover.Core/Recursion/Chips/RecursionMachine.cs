using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;

namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The recursion chips for one <see cref="RecursionProgram"/>: every instruction is assigned to the table that executes
/// it (base ALU, ext ALU, conversions, Poseidon2, bits, assertions, hints) and the program's outputs to the output table,
/// each table with the program's rows as preprocessed columns. The tables' heights and fixed columns depend only on the
/// program, so the verifying key (<see cref="Setup{TDigest}"/>) identifies the program. A program padded to a
/// <see cref="RecursionShape"/> (<see cref="RecursionProgram.PaddedTo"/>) gets exactly the shape's tables at the shape's
/// heights instead of its own (its key then names the program and the shape); one without keeps its own.
/// </summary>
public sealed class RecursionMachine<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private readonly RecursionChip<TParams, TDef>[] _chips;

    /// <summary>The chips of a program; throws <see cref="ArgumentException"/> for a malformed program and <see cref="NotSupportedException"/> for permutations of a width other than 16 or 24.</summary>
    public RecursionMachine(RecursionProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.ExtensionDegree != TDef.Degree)
            throw new ArgumentException($"the program works in a degree-{program.ExtensionDegree} extension, not {TDef.Name}");
        Program = program;
        Plan = RecursionMemoryPlan.For(program);
        var code = program.Instructions;
        RecursionInstruction[] Of(params RecursionOp[] ops) => code.Where(i => ops.Contains(i.Op)).ToArray();
        // One Poseidon2 table per permutation width the program uses (16 for 8-element digests, 24 for 12-element ones),
        // in increasing width; a program with no permutation keeps the (empty) width-16 table, so the tables of a
        // width-16 program are exactly those of before the width-24 table existed.
        var permutations = Of(RecursionOp.Permute, RecursionOp.PermuteSwap);
        var used = permutations.Select(i => i.Operands!.Length).Distinct().Order().ToArray();
        var shape = program.Shape;
        var widths = shape is null ? used.DefaultIfEmpty(16).ToArray() : [.. shape.Poseidon2Widths];
        if (shape is not null)
        {
            // A padded program: the shape's tables, whatever the program uses (a missing width, or another output
            // count, cannot be padded: the table would not exist, or would state other public values).
            foreach (int w in used)
                if (!widths.Contains(w))
                    throw new ArgumentException($"the program does not fit the shape: it permutes at width {w}, the shape has Poseidon2 widths [{string.Join(", ", widths)}]");
            if (program.Outputs.Count != shape.OutputCount)
                throw new ArgumentException($"the program does not fit the shape: it states {program.Outputs.Count} outputs, the shape {shape.OutputCount}");
        }
        foreach (int w in widths)
            if (w is not (16 or 24))
                throw new NotSupportedException($"the recursion chips prove Poseidon2 of width 16 or 24, not {w}");
        var chips = new List<RecursionChip<TParams, TDef>>
        {
            new BaseAluChip<TParams, TDef>(program, Plan, Of(BaseAluChip<TParams, TDef>.Operations)),
            new ExtAluChip<TParams, TDef>(program, Plan, Of(ExtAluChip<TParams, TDef>.Operations)),
            new ExtConvertChip<TParams, TDef>(Plan, Of(ExtConvertChip<TParams, TDef>.Operations)),
        };
        foreach (int w in widths)
            chips.Add(new Poseidon2Chip<TParams, TDef>(Plan, permutations.Where(i => i.Operands!.Length == w).ToArray(), w));
        chips.AddRange(
        [
            new BitsChip<TParams, TDef>(Plan, Of(RecursionOp.Bits)),
            new AssertEqChip<TParams, TDef>(Of(AssertEqChip<TParams, TDef>.Operations)),
            new HintChip<TParams, TDef>(Plan, Of(RecursionOp.Hint)),
        ]);
        if (program.Outputs.Count > 0)
            chips.Add(new PublicOutputChip<TParams, TDef>(program.Outputs));
        _chips = [.. chips];
        if (shape is not null)
        {
            // The shape's table list is the machine's (same construction order); each table at the shape's height.
            if (!shape.TableNames.SequenceEqual(_chips.Select(c => c.Name)))
                throw new InvalidOperationException($"the shape's tables [{string.Join(", ", shape.TableNames)}] are not the machine's");
            for (int t = 0; t < _chips.Length; t++)
                _chips[t].PadTo(shape.LogHeights[t]);
        }
        // Every multiplicity is a fixed column, so the integer count of each bus's fractions is known here; below p, a
        // tuple's count cannot wrap around to zero (RecursionBus). Each read is one receive and one unit of its write's send.
        long reads = Plan.FeltReads.Sum(r => (long)r) + Plan.ExtReads.Sum(r => (long)r);
        if (2 * reads >= (long)TParams.P)
            throw new ArgumentException($"the program's {reads} memory reads would let a bus count wrap around p");
    }

    public RecursionProgram Program { get; }

    public RecursionMemoryPlan Plan { get; }

    /// <summary>The tables, in proof order (the output table last, where the program has outputs).</summary>
    public IReadOnlyList<RecursionChip<TParams, TDef>> Chips => _chips;

    public IAir<MontyField31<TParams>>[] Airs => [.. _chips];

    public int[] LogHeights => [.. _chips.Select(c => c.LogHeight)];

    /// <summary>The proving key: the program's fixed columns committed at the tables' heights (its verifying key names the program).</summary>
    public ProvingKey<TParams, TDigest> Setup<TDigest>(StarkConfig config, IProverBackend<TParams>? backend = null)
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(config);
        return StarkSetup.Preprocess<TParams, TDigest>(Airs, LogHeights, config.LogBlowup, backend)!;
    }

    /// <summary>The main traces of a run whose memory is <paramref name="memory"/>.</summary>
    public RowMajorMatrix<MontyField31<TParams>>[] GenerateTraces(RecursionMemory<TParams, TDef> memory) =>
        [.. _chips.Select(c => c.GenerateTrace(memory))];

    /// <summary>The public values of each table: the outputs on the output table, none elsewhere.</summary>
    public MontyField31<TParams>[][] PublicValues(IReadOnlyList<uint> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return [.. _chips.Select(c => c is PublicOutputChip<TParams, TDef> ? outputs.Select(MontyField31<TParams>.FromCanonical).ToArray() : [])];
    }

    /// <summary>The machine's shape: its tables at their heights (the program's own shape, or the one it was padded to).</summary>
    public RecursionShape TableShape =>
        new(_chips.OfType<Poseidon2Chip<TParams, TDef>>().Select(c => c.StateWidth).ToArray(), Program.Outputs.Count, LogHeights);

    /// <summary>
    /// The smallest shape holding the program: its tables at their smallest heights (<see cref="RecursionChip{TParams, TDef}.NaturalLogHeight"/>),
    /// whatever shape it was padded to.
    /// </summary>
    public static RecursionShape NaturalShape(RecursionProgram program) => new RecursionMachine<TParams, TDef>(program.Unpadded).TableShape;

    /// <summary>
    /// The AIRs of every program padded to <paramref name="shape"/> (the chips' constraints depend on the shape only):
    /// those of an empty program of the shape, for verifier programs that check proofs of any program of the shape.
    /// </summary>
    public static IAir<MontyField31<TParams>>[] AirsOf(RecursionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var b = new RecursionBuilder<TParams, TDef>();
        for (int k = 0; k < shape.OutputCount; k++)
            b.Output(b.Zero);
        return new RecursionMachine<TParams, TDef>(b.Build().PaddedTo(shape)).Airs;
    }

    /// <summary>Rows of each table (the instructions it executes) and its height, for reports.</summary>
    public IEnumerable<(string Table, int Rows, int LogHeight, int Width, int PreprocessedWidth)> Shape() =>
        _chips.Select(c => (c.Name, c.Rows, c.LogHeight, c.Width, c.PreprocessedWidth));
}
