namespace Prover.Core.Recursion.Chips;

/// <summary>
/// Which addresses each instruction reads and writes as the recursion chips execute it, and from that the number of reads
/// of every address: the multiplicity its single write sends on the memory bus (<see cref="RecursionBus"/>). The chips'
/// receives are exactly the reads listed here (one function for both, so the counts and the chips cannot disagree).
/// Hint arguments are not reads: the hint table does not look at them (they only tell the prover which witness to write).
/// </summary>
public sealed class RecursionMemoryPlan
{
    /// <summary>A memory access: the ext memory or the felt memory, and an address.</summary>
    public readonly record struct Access(bool Ext, int Address);

    /// <summary>Bits a <see cref="RecursionOp.Bits"/> instruction writes (a felt's canonical value has 31).</summary>
    public const int BitCount = 31;

    private RecursionMemoryPlan(int[] feltReads, int[] extReads)
    {
        FeltReads = feltReads;
        ExtReads = extReads;
    }

    /// <summary>Reads of each felt address (the multiplicity of its write).</summary>
    public int[] FeltReads { get; }

    /// <summary>Reads of each ext address.</summary>
    public int[] ExtReads { get; }

    /// <summary>
    /// The plan of a program. Throws <see cref="ArgumentException"/> unless every address is written exactly once,
    /// every read address is written, and every read comes after its write (what the builder guarantees; a hand-made
    /// program that breaks it would give a verifying key under which a variable has no value or two).
    /// </summary>
    public static RecursionMemoryPlan For(RecursionProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        int d = program.ExtensionDegree;
        var feltWritten = new bool[program.FeltCount];
        var extWritten = new bool[program.ExtCount];
        var feltReads = new int[program.FeltCount];
        var extReads = new int[program.ExtCount];
        var code = program.Instructions;
        for (int pc = 0; pc < code.Count; pc++)
        {
            var i = code[pc];
            foreach (var r in Reads(i, d))
            {
                bool[] written = r.Ext ? extWritten : feltWritten;
                if ((uint)r.Address >= (uint)written.Length || !written[r.Address])
                    throw new ArgumentException($"instruction {pc} ({i.Op}) reads {(r.Ext ? "ext" : "felt")} {r.Address}, which no earlier instruction writes");
                (r.Ext ? extReads : feltReads)[r.Address]++;
            }
            foreach (var w in Writes(i, d))
            {
                bool[] written = w.Ext ? extWritten : feltWritten;
                if ((uint)w.Address >= (uint)written.Length)
                    throw new ArgumentException($"instruction {pc} ({i.Op}) writes {(w.Ext ? "ext" : "felt")} {w.Address}, outside the program's memory");
                if (written[w.Address])
                    throw new ArgumentException($"instruction {pc} ({i.Op}) writes {(w.Ext ? "ext" : "felt")} {w.Address} a second time");
                written[w.Address] = true;
            }
        }
        foreach (int o in program.Outputs)
        {
            if ((uint)o >= (uint)feltWritten.Length || !feltWritten[o])
                throw new ArgumentException($"output felt {o} is never written");
            feltReads[o]++;
        }
        return new RecursionMemoryPlan(feltReads, extReads);
    }

    /// <summary>The reads the chips make for one instruction, in the order of its chip's receives.</summary>
    public static IEnumerable<Access> Reads(RecursionInstruction i, int d)
    {
        switch (i.Op)
        {
            case RecursionOp.FAdd or RecursionOp.FSub or RecursionOp.FMul or RecursionOp.AssertEqF:
                yield return new(false, i.A);
                yield return new(false, i.B);
                break;
            case RecursionOp.FInv or RecursionOp.Bits or RecursionOp.EFromF:
                yield return new(false, i.A);
                break;
            case RecursionOp.FSelect:
                yield return new(false, i.A);
                yield return new(false, i.B);
                yield return new(false, i.C);
                break;
            case RecursionOp.EAdd or RecursionOp.ESub or RecursionOp.EMul or RecursionOp.AssertEqE:
                yield return new(true, i.A);
                yield return new(true, i.B);
                break;
            case RecursionOp.EInv or RecursionOp.EToCoeffs:
                yield return new(true, i.A);
                break;
            case RecursionOp.EMulF or RecursionOp.EAddF:
                yield return new(true, i.A);
                yield return new(false, i.B);
                break;
            case RecursionOp.ESelect:
                yield return new(false, i.A);
                yield return new(true, i.B);
                yield return new(true, i.C);
                break;
            case RecursionOp.EFromCoeffs or RecursionOp.Permute:
                foreach (int a in i.Operands!)
                    yield return new(false, a);
                break;
            case RecursionOp.PermuteSwap:
                foreach (int a in i.Operands!)
                    yield return new(false, a);
                yield return new(false, i.A);
                break;
            case RecursionOp.EMulFAdd:
                yield return new(true, i.A);
                yield return new(false, i.B);
                yield return new(true, i.C);
                break;
            case RecursionOp.EMulAdd:
                yield return new(true, i.A);
                yield return new(true, i.B);
                yield return new(true, i.C);
                break;
            case RecursionOp.FConst or RecursionOp.EConst or RecursionOp.Hint:
                break;
            default:
                throw new ArgumentException($"unknown recursion operation {i.Op}");
        }
    }

    /// <summary>The addresses one instruction writes.</summary>
    public static IEnumerable<Access> Writes(RecursionInstruction i, int d)
    {
        switch (i.Op)
        {
            case RecursionOp.FConst or RecursionOp.FAdd or RecursionOp.FSub or RecursionOp.FMul or RecursionOp.FInv or RecursionOp.FSelect:
                yield return new(false, i.Dst);
                break;
            case RecursionOp.EConst or RecursionOp.EAdd or RecursionOp.ESub or RecursionOp.EMul or RecursionOp.EInv or RecursionOp.EMulF
                or RecursionOp.EAddF or RecursionOp.EFromF or RecursionOp.ESelect or RecursionOp.EFromCoeffs or RecursionOp.EMulFAdd or RecursionOp.EMulAdd:
                yield return new(true, i.Dst);
                break;
            case RecursionOp.EToCoeffs:
                for (int k = 0; k < d; k++)
                    yield return new(false, i.Dst + k);
                break;
            case RecursionOp.Bits:
                for (int k = 0; k < BitCount; k++)
                    yield return new(false, i.Dst + k);
                break;
            case RecursionOp.Permute or RecursionOp.PermuteSwap:
                for (int k = 0; k < i.Operands!.Length; k++)
                    yield return new(false, i.Dst + k);
                break;
            case RecursionOp.Hint:
                for (int k = 0; k < i.B; k++)
                    yield return new(false, i.Dst + k);
                break;
            case RecursionOp.AssertEqF or RecursionOp.AssertEqE:
                break;
            default:
                throw new ArgumentException($"unknown recursion operation {i.Op}");
        }
    }
}
