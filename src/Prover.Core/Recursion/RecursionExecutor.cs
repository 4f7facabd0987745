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

    public static RecursionRun Run(RecursionProgram program, IRecursionHints<TParams> hints)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(hints);
        if (program.ExtensionDegree != TDef.Degree)
            throw new ArgumentException($"the program works in a degree-{program.ExtensionDegree} extension, not {TDef.Name}");
        int d = TDef.Degree;
        var f = new MontyField31<TParams>[program.FeltCount];
        var e = new ExtensionField<MontyField31<TParams>, TDef>[program.ExtCount];
        var one = MontyField31<TParams>.One;
        var code = program.Instructions;
        Span<MontyField31<TParams>> coefficients = stackalloc MontyField31<TParams>[d];
        var state = new MontyField31<TParams>[24];
        for (int pc = 0; pc < code.Count; pc++)
        {
            var i = code[pc];
            RecursionRun Fail(string why) => new(false, why, pc, pc);
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
                    if (f[i.A].IsZero) return Fail("inverse of zero");
                    f[i.Dst] = f[i.A].Inverse();
                    break;
                case RecursionOp.EAdd: e[i.Dst] = e[i.A] + e[i.B]; break;
                case RecursionOp.ESub: e[i.Dst] = e[i.A] - e[i.B]; break;
                case RecursionOp.EMul: e[i.Dst] = e[i.A] * e[i.B]; break;
                case RecursionOp.EInv:
                    if (e[i.A].IsZero) return Fail("inverse of zero");
                    e[i.Dst] = e[i.A].Inverse();
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
                    if (!bit.IsZero && bit != one) return Fail("select on a value that is not a bit");
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
                case RecursionOp.AssertEqF:
                    if (f[i.A] != f[i.B]) return Fail(program.Messages[i.C]);
                    break;
                case RecursionOp.AssertEqE:
                    if (e[i.A] != e[i.B]) return Fail(program.Messages[i.C]);
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
                        return Fail("the proof does not fit the program: " + x.Message);
                    }
                    if (data.Length != i.B) return Fail($"hint channel {i.A} answered {data.Length} values, {i.B} read");
                    data.CopyTo(f.AsSpan(i.Dst, i.B));
                    break;
                default:
                    throw new InvalidOperationException($"unknown recursion operation {i.Op}");
            }
        }
        return new RecursionRun(true, null, -1, code.Count) { Outputs = [.. program.Outputs.Select(o => f[o].ToCanonical())] };
    }
}
