using System.Numerics;

namespace Prover.Core.Machine;

public sealed unsafe partial class Machine
{
    /// <summary>
    /// The modmul syscalls (<see cref="Syscall.ModMul256"/>, <see cref="Syscall.ModMul384"/>): x := x·y mod m on
    /// <paramref name="limbs"/> 64-bit limbs, x at <paramref name="xPtr"/>, y then m at <paramref name="ymPtr"/>. Faults on
    /// the arguments the chip cannot prove (misaligned or out-of-RAM pointers, x in the code, overlapping blocks,
    /// m = 0, a quotient x·y / m of 2^(64·limbs) or more, which y &lt; m rules out), so every execution that runs can be proven.
    /// </summary>
    private void ModMul<T>(ref T tracer, ulong xPtr, ulong ymPtr, int limbs, int index, long cycles) where T : struct, ITracer
    {
        ulong bytes = 8 * (ulong)limbs;
        string name = limbs == 4 ? "modmul256" : "modmul384";
        if ((xPtr & 7) != 0 || (ymPtr & 7) != 0)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: pointers 0x{xPtr:x}, 0x{ymPtr:x} must be 8-aligned");
        if (xPtr < _program.CodeEnd || xPtr > MemoryMap.RamEnd - bytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: x at 0x{xPtr:x} is not in writable RAM");
        if (ymPtr < MemoryMap.RamBase || ymPtr > MemoryMap.RamEnd - 2 * bytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: y and m at 0x{ymPtr:x} are not in RAM");
        if (xPtr < ymPtr + 2 * bytes && ymPtr < xPtr + bytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: x at 0x{xPtr:x} overlaps y and m at 0x{ymPtr:x}");
        ulong* x = (ulong*)_memory.PointerTo(xPtr);
        ulong* y = (ulong*)_memory.PointerTo(ymPtr);
        ulong* m = y + limbs;
        var xv = ToInteger(x, limbs);
        var yv = ToInteger(y, limbs);
        var mv = ToInteger(m, limbs);
        if (mv.IsZero)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: modulus 0");
        var q = BigInteger.DivRem(xv * yv, mv, out var r);
        if (q >> (64 * limbs) != 0)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: the quotient x·y / m does not fit {64 * limbs} bits (reduce y below m)");
        Span<ulong> result = stackalloc ulong[limbs];
        result.Clear();
        r.TryWriteBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result), out _, isUnsigned: true);
        if (T.Enabled)
            tracer.ModMul(xPtr, ymPtr, limbs, result);
        for (int i = 0; i < limbs; i++)
            x[i] = result[i];
    }

    private static BigInteger ToInteger(ulong* limbs, int n) =>
        new(new ReadOnlySpan<byte>(limbs, 8 * n), isUnsigned: true, isBigEndian: false);
}
