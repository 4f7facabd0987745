using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Core.Recursion;

/// <summary>Supplies the untrusted witness data a <see cref="RecursionOp.Hint"/> reads.</summary>
public interface IRecursionHints<TParams> where TParams : struct, IMontyParameters
{
    /// <summary>
    /// <paramref name="count"/> felts of channel <paramref name="channel"/> given the arguments' values. Throws
    /// <see cref="RecursionHintException"/> when the data does not exist (a proof of another shape).
    /// </summary>
    MontyField31<TParams>[] Read(int channel, ReadOnlySpan<MontyField31<TParams>> arguments, int count);
}

/// <summary>The hint source cannot answer: the proof does not have the shape the program was built for.</summary>
public sealed class RecursionHintException(string message) : Exception(message);

/// <summary>
/// The memory of a run: every felt and ext variable's value (each written once). What the recursion chips' trace
/// generator reads each instruction's operands from.
/// </summary>
public sealed record RecursionMemory<TParams, TDef>(MontyField31<TParams>[] Felts, ExtensionField<MontyField31<TParams>, TDef>[] Exts)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>;

/// <summary>The outcome of running a recursion program: accepted, or the failed check and where.</summary>
public sealed record RecursionRun(bool Accepted, string? Failure, int FailedInstruction, long Executed)
{
    /// <summary>Canonical values of the program's <see cref="RecursionProgram.Outputs"/> after an accepted run (empty otherwise).</summary>
    public IReadOnlyList<uint> Outputs { get; init; } = [];

    public override string ToString() => Accepted ? "accepted" : $"rejected at instruction {FailedInstruction}: {Failure}";
}

/// <summary>
/// Runs a <see cref="RecursionProgram"/> natively: the reference semantics the recursion chips will prove. Every
/// check of the IR is a check here: assertions, inverses of zero, non-boolean select bits. A run stops at the first
/// failed check (a chip trace of it could not satisfy its constraints).
/// </summary>
public static class RecursionExecutor<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    /// <summary>The Poseidon2 permutation of a width (16 or 24) the IR's <see cref="RecursionOp.Permute"/> means.</summary>
    public static Poseidon2<TParams> Permutation(int width) => width switch
    {
        16 => Digest<TParams>.Permutation,
        24 => WideDigest<TParams>.Permutation,
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Poseidon2 widths are 16 and 24"),
    };

    public static RecursionRun Run(RecursionProgram program, IRecursionHints<TParams> hints) => Run(program, hints, out _);

    /// <summary>
    /// Runs the program and hands back its memory (every variable's value; the recursion chips' trace generator reads
    /// each instruction's operands from it). Where the run fails, the memory holds the values written before the failure.
    /// </summary>
    public static RecursionRun Run(RecursionProgram program, IRecursionHints<TParams> hints, out RecursionMemory<TParams, TDef> memory) =>
        Execute(program, hints, keepGoing: false, out memory);

    /// <summary>
    /// For tests of the recursion chips only: runs past failed checks (an inverse of zero writes zero, a select on a
    /// non-bit writes c + a·(b − c), a failed assertion is ignored, an unanswered hint writes zeros) and reports the
    /// first failure, so that a forced trace of a rejected run can be built and shown to be unprovable.
    /// </summary>
    internal static RecursionRun RunPastFailures(RecursionProgram program, IRecursionHints<TParams> hints, out RecursionMemory<TParams, TDef> memory) =>
        Execute(program, hints, keepGoing: true, out memory);

    /// <summary>
    /// For tests only: <see cref="RunPastFailures(RecursionProgram, IRecursionHints{TParams}, out RecursionMemory{TParams, TDef})"/>
    /// that also lists every failed check's message in order in <paramref name="failures"/> (to show that a given check
    /// fires on hints that also fail earlier checks).
    /// </summary>
    internal static RecursionRun RunPastFailures(RecursionProgram program, IRecursionHints<TParams> hints, List<string> failures) =>
        Execute(program, hints, keepGoing: true, out _, failures);

    private static RecursionRun Execute(RecursionProgram program, IRecursionHints<TParams> hints, bool keepGoing, out RecursionMemory<TParams, TDef> memory,
        List<string>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(hints);
        if (program.ExtensionDegree != TDef.Degree)
            throw new ArgumentException($"the program works in a degree-{program.ExtensionDegree} extension, not {TDef.Name}");
        int d = TDef.Degree;
        var f = new MontyField31<TParams>[program.FeltCount];
        var e = new ExtensionField<MontyField31<TParams>, TDef>[program.ExtCount];
        memory = new RecursionMemory<TParams, TDef>(f, e);
        RecursionRun? firstFailure = null;
        var one = MontyField31<TParams>.One;
        var code = program.Instructions;
        Span<MontyField31<TParams>> coefficients = stackalloc MontyField31<TParams>[d];
        var state = new MontyField31<TParams>[24];
        for (int pc = 0; pc < code.Count; pc++)
        {
            var i = code[pc];
            RecursionRun Fail(string why) => new(false, why, pc, pc);
            // In keepGoing mode a failure is remembered and the instruction completes as its chip's trace would be forced.
            bool Failed(string why)
            {
                failures?.Add(why);
                firstFailure ??= Fail(why);
                return !keepGoing;
            }
            switch (i.Op)
            {
                case RecursionOp.FConst: f[i.Dst] = MontyField31<TParams>.FromCanonical(program.FeltConstants[i.A]); break;
                case RecursionOp.EConst:
                    for (int c = 0; c < d; c++)
                        coefficients[c] = MontyField31<TParams>.FromCanonical(program.ExtConstants[i.A * d + c]);
                    e[i.Dst] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(coefficients);
                    break;
                case RecursionOp.FAdd: f[i.Dst] = f[i.A] + f[i.B]; break;
                case RecursionOp.FSub: f[i.Dst] = f[i.A] - f[i.B]; break;
                case RecursionOp.FMul: f[i.Dst] = f[i.A] * f[i.B]; break;
                case RecursionOp.FInv:
                    if (f[i.A].IsZero && Failed("inverse of zero")) return firstFailure!;
                    f[i.Dst] = f[i.A].IsZero ? default : f[i.A].Inverse();
                    break;
                case RecursionOp.EAdd: e[i.Dst] = e[i.A] + e[i.B]; break;
                case RecursionOp.ESub: e[i.Dst] = e[i.A] - e[i.B]; break;
                case RecursionOp.EMul: e[i.Dst] = e[i.A] * e[i.B]; break;
                case RecursionOp.EInv:
                    if (e[i.A].IsZero && Failed("inverse of zero")) return firstFailure!;
                    e[i.Dst] = e[i.A].IsZero ? default : e[i.A].Inverse();
                    break;
                case RecursionOp.EMulF: e[i.Dst] = e[i.A] * f[i.B]; break;
                case RecursionOp.EAddF: e[i.Dst] = e[i.A] + f[i.B]; break;
                case RecursionOp.EFromF: e[i.Dst] = ExtensionField<MontyField31<TParams>, TDef>.FromBase(f[i.A]); break;
                case RecursionOp.EFromCoeffs:
                    for (int c = 0; c < d; c++)
                        coefficients[c] = f[i.Operands![c]];
                    e[i.Dst] = ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(coefficients);
                    break;
                case RecursionOp.EToCoeffs:
                    e[i.A].Coefficients.CopyTo(f.AsSpan(i.Dst, d));
                    break;
                case RecursionOp.FSelect:
                case RecursionOp.ESelect:
                    var bit = f[i.A];
                    if (!bit.IsZero && bit != one)
                    {
                        if (Failed("select on a value that is not a bit")) return firstFailure!;
                        if (i.Op == RecursionOp.FSelect) f[i.Dst] = f[i.C] + bit * (f[i.B] - f[i.C]);
                        else e[i.Dst] = e[i.C] + (e[i.B] - e[i.C]) * bit;
                        break;
                    }
                    if (i.Op == RecursionOp.FSelect) f[i.Dst] = bit.IsZero ? f[i.C] : f[i.B];
                    else e[i.Dst] = bit.IsZero ? e[i.C] : e[i.B];
                    break;
                case RecursionOp.Bits:
                    uint v = f[i.A].ToCanonical();
                    for (int c = 0; c < 31; c++)
                        f[i.Dst + c] = MontyField31<TParams>.FromCanonical((v >> c) & 1);
                    break;
                case RecursionOp.Permute:
                    int w = i.Operands!.Length;
                    for (int c = 0; c < w; c++)
                        state[c] = f[i.Operands[c]];
                    Permutation(w).Permute(state.AsSpan(0, w));
                    state.AsSpan(0, w).CopyTo(f.AsSpan(i.Dst, w));
                    break;
                case RecursionOp.PermuteSwap:
                {
                    int w2 = i.Operands!.Length, h = w2 / 2;
                    var swap = f[i.A];
                    if (!swap.IsZero && swap != one && Failed("a Merkle step's order bit is not a bit"))
                        return firstFailure!;
                    // Forced (keepGoing) with a non-bit: the chip's input columns x + bit·(x' − x), x' the other half's word.
                    for (int c = 0; c < w2; c++)
                    {
                        var x = f[i.Operands[c]];
                        var other = f[i.Operands[c < h ? c + h : c - h]];
                        state[c] = x + swap * (other - x);
                    }
                    Permutation(w2).Permute(state.AsSpan(0, w2));
                    state.AsSpan(0, w2).CopyTo(f.AsSpan(i.Dst, w2));
                    break;
                }
                case RecursionOp.EMulFAdd: e[i.Dst] = e[i.C] + e[i.A] * f[i.B]; break;
                case RecursionOp.EMulAdd: e[i.Dst] = e[i.C] + e[i.A] * e[i.B]; break;
                case RecursionOp.AssertEqF:
                    if (f[i.A] != f[i.B] && Failed(program.Messages[i.C])) return firstFailure!;
                    break;
                case RecursionOp.AssertEqE:
                    if (e[i.A] != e[i.B] && Failed(program.Messages[i.C])) return firstFailure!;
                    break;
                case RecursionOp.Hint:
                    var args = i.Operands!.Select(a => f[a]).ToArray();
                    MontyField31<TParams>[] data;
                    try
                    {
                        data = hints.Read(i.A, args, i.B);
                    }
                    catch (RecursionHintException x)
                    {
                        if (Failed("the proof does not fit the program: " + x.Message)) return firstFailure!;
                        data = new MontyField31<TParams>[i.B];
                    }
                    if (data.Length != i.B)
                    {
                        if (Failed($"hint channel {i.A} answered {data.Length} values, {i.B} read")) return firstFailure!;
                        data = new MontyField31<TParams>[i.B];
                    }
                    data.CopyTo(f.AsSpan(i.Dst, i.B));
                    break;
                default:
                    throw new InvalidOperationException($"unknown recursion operation {i.Op}");
            }
        }
        if (firstFailure is not null)
            return firstFailure;
        return new RecursionRun(true, null, -1, code.Count) { Outputs = [.. program.Outputs.Select(o => f[o].ToCanonical())] };
    }
}
