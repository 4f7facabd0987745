using System.Runtime.InteropServices;

namespace Prover.Core.Machine;

/// <summary>
/// One predecoded instruction, 8 bytes. <see cref="Rd"/> is 32 (a scratch register that is never
/// read) when the encoding writes x0, so the interpreter needs no x0 test. <see cref="Imm"/> is the
/// sign-extended immediate; for branches and JAL whose target lies inside the code it is the offset in
/// instructions (bytes / 4), which the interpreter adds to its instruction index. For
/// <see cref="Opcode.Illegal"/> and <see cref="Opcode.Slow"/> it is the raw 32-bit word.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public readonly struct Instruction(Opcode op, byte rd, byte rs1, byte rs2, int imm)
{
    /// <summary>Index of the scratch register that receives writes to x0.</summary>
    public const byte ZeroSink = 32;

    public readonly Opcode Op = op;
    public readonly byte Rd = rd;
    public readonly byte Rs1 = rs1;
    public readonly byte Rs2 = rs2;
    public readonly int Imm = imm;

    /// <summary>The architectural destination register (0 for the scratch register).</summary>
    public int ArchRd => Rd == ZeroSink ? 0 : Rd;

    public override string ToString() => $"{Op} rd=x{ArchRd} rs1=x{Rs1} rs2=x{Rs2} imm={Imm}";
}
