using System.Numerics;
using System.Runtime.InteropServices;

namespace Prover.Core.Machine;

public sealed unsafe partial class Machine
{
    /// <summary>
    /// The Weierstrass point syscalls (<see cref="Syscall.Secp256k1Add"/>, <see cref="Syscall.Secp256k1Double"/>): P := P + Q
    /// or P := 2P in affine coordinates, P at <paramref name="pPtr"/>, Q at <paramref name="qPtr"/> (add only). Faults on the
    /// arguments the chips cannot prove (misaligned or out-of-RAM pointers, P in the code, overlapping blocks, x_P ≡ x_Q for
    /// add, y ≡ 0 for double), so every execution that runs can be proven.
    /// </summary>
    private void Weierstrass<T>(ref T tracer, ulong number, ulong pPtr, ulong qPtr, int index, long cycles) where T : struct, ITracer
    {
        var (curve, isDouble) = WeierstrassCurve.Of(number)!.Value;
        int limbs = curve.Limbs;
        ulong bytes = 16 * (ulong)limbs;
        string name = $"{curve.Name}_{(isDouble ? "double" : "add")}";
        if ((pPtr & 7) != 0 || (!isDouble && (qPtr & 7) != 0))
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: pointers 0x{pPtr:x}, 0x{qPtr:x} must be 8-aligned");
        if (pPtr < _program.CodeEnd || pPtr > MemoryMap.RamEnd - bytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: P at 0x{pPtr:x} is not in writable RAM");
        if (!isDouble)
        {
            if (qPtr < MemoryMap.RamBase || qPtr > MemoryMap.RamEnd - bytes)
                Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: Q at 0x{qPtr:x} is not in RAM");
            if (pPtr < qPtr + bytes && qPtr < pPtr + bytes)
                Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: P at 0x{pPtr:x} overlaps Q at 0x{qPtr:x}");
        }
        ulong* p = (ulong*)_memory.PointerTo(pPtr);
        var x1 = ToInteger(p, limbs);
        var y1 = ToInteger(p + limbs, limbs);
        (BigInteger X, BigInteger Y)? r;
        if (isDouble)
        {
            r = curve.Double(x1, y1);
            if (r is null)
                Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: y ≡ 0 (2P is the point at infinity)");
        }
        else
        {
            ulong* q = (ulong*)_memory.PointerTo(qPtr);
            r = curve.Add(x1, y1, ToInteger(q, limbs), ToInteger(q + limbs, limbs));
            if (r is null)
                Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"{name}: x_P ≡ x_Q (P = ±Q is the guest's case)");
        }
        Span<ulong> result = stackalloc ulong[2 * limbs];
        result.Clear();
        r!.Value.X.TryWriteBytes(MemoryMarshal.AsBytes(result[..limbs]), out _, isUnsigned: true);
        r.Value.Y.TryWriteBytes(MemoryMarshal.AsBytes(result[limbs..]), out _, isUnsigned: true);
        if (T.Enabled)
            tracer.Weierstrass(number, pPtr, isDouble ? 0 : qPtr, limbs, result);
        for (int i = 0; i < 2 * limbs; i++)
            p[i] = result[i];
    }
}
