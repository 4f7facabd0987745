using Prover.Core.Hash;

namespace Prover.Core.Machine;

public sealed unsafe partial class Machine
{
    /// <summary>
    /// SHA256_COMPRESS (<see cref="Syscall.Sha256Compress"/>): H := H + rounds(H, W) on the state at
    /// <paramref name="statePtr"/> (8 little-endian uint32) with the block's 16 words at <paramref name="blockPtr"/> (little-endian
    /// uint32). Faults on the arguments the chip cannot prove (misaligned pointers, the state outside writable RAM, the block
    /// outside RAM, overlapping), so every execution that runs can be proven.
    /// </summary>
    private void Sha256Compress<T>(ref T tracer, ulong statePtr, ulong blockPtr, int index, long cycles) where T : struct, ITracer
    {
        const ulong StateBytes = 32, BlockBytes = 64;
        if ((statePtr & 7) != 0 || (blockPtr & 7) != 0)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"sha256_compress: pointers 0x{statePtr:x}, 0x{blockPtr:x} must be 8-aligned");
        if (statePtr < _program.CodeEnd || statePtr > MemoryMap.RamEnd - StateBytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"sha256_compress: the state at 0x{statePtr:x} is not 32 bytes of writable RAM");
        if (blockPtr < MemoryMap.RamBase || blockPtr > MemoryMap.RamEnd - BlockBytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"sha256_compress: the block at 0x{blockPtr:x} is not 64 bytes of RAM");
        if (statePtr < blockPtr + BlockBytes && blockPtr < statePtr + StateBytes)
            Fault(MachineFault.BadSyscallArgument, index, cycles - 1, $"sha256_compress: the state at 0x{statePtr:x} overlaps the block at 0x{blockPtr:x}");
        uint* h = (uint*)_memory.PointerTo(statePtr);
        var block = new ReadOnlySpan<uint>(_memory.PointerTo(blockPtr), 16);
        Span<uint> state = stackalloc uint[8];
        for (int i = 0; i < 8; i++)
            state[i] = h[i];
        Sha256Compression.Compress(state, block);
        if (T.Enabled)
        {
            Span<ulong> output = stackalloc ulong[4];
            for (int i = 0; i < 4; i++)
                output[i] = state[2 * i] | (ulong)state[2 * i + 1] << 32;
            tracer.Sha256Compress(statePtr, blockPtr, output);
        }
        for (int i = 0; i < 8; i++)
            h[i] = state[i];
    }
}
