using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prover.Core.Machine;

/// <summary>
/// The guest's RAM and input as native buffers. RAM is one <c>calloc</c> of
/// <see cref="MemoryMap.RamSize"/> bytes: the C library maps it lazily, so only pages the guest
/// touches cost host memory, and they start zeroed. The input is a copy padded with zeros to a
/// multiple of 8 (so whole double words can be read for tracing), readable only up to its size.
/// </summary>
internal sealed unsafe class GuestMemory : IDisposable
{
    private byte* _ram;
    private byte* _input;
    private long* _ramStamps;
    private long* _inputStamps;

    public GuestMemory(ReadOnlySpan<byte> input)
    {
        if ((ulong)input.Length > MemoryMap.InputMaxSize)
            throw new ArgumentException($"input of {input.Length} bytes exceeds the input region ({MemoryMap.InputMaxSize} bytes)", nameof(input));
        _ram = (byte*)NativeMemory.AllocZeroed((nuint)MemoryMap.RamSize);
        InputSize = (ulong)input.Length;
        InputPadded = (InputSize + 7) & ~7UL;
        _input = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(8, InputPadded));
        input.CopyTo(new Span<byte>(_input, input.Length));
    }

    ~GuestMemory() => Free();

    /// <summary>Pointer to the byte at <see cref="MemoryMap.RamBase"/>.</summary>
    public byte* Ram => _ram;

    public byte* Input => _input;

    public ulong InputSize { get; }

    public ulong InputPadded { get; }

    /// <summary>Whether [addr, addr + len) lies entirely in RAM or entirely in the input.</summary>
    public bool IsReadable(ulong addr, ulong len) =>
        (addr - MemoryMap.RamBase <= MemoryMap.RamSize && len <= MemoryMap.RamSize - (addr - MemoryMap.RamBase)) ||
        (addr - MemoryMap.InputBase <= InputSize && len <= InputSize - (addr - MemoryMap.InputBase));

    /// <summary>Pointer to a readable range (checked by the caller with <see cref="IsReadable"/>).</summary>
    public byte* PointerTo(ulong addr) =>
        addr >= MemoryMap.InputBase ? _input + (addr - MemoryMap.InputBase) : _ram + (addr - MemoryMap.RamBase);

    /// <summary>The double word at an 8-aligned address in RAM or the (padded) input, for tracing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadDword(ulong alignedAddr) => Unsafe.ReadUnaligned<ulong>(PointerTo(alignedAddr));

    /// <summary>The last-access timestamp slot of an 8-aligned double word (tracing only; allocated on first use).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long* StampSlot(ulong alignedAddr) =>
        alignedAddr >= MemoryMap.InputBase
            ? _inputStamps + ((alignedAddr - MemoryMap.InputBase) >> 3)
            : _ramStamps + ((alignedAddr - MemoryMap.RamBase) >> 3);

    public void EnableTimestamps()
    {
        if (_ramStamps != null)
            return;
        _ramStamps = (long*)NativeMemory.AllocZeroed((nuint)(MemoryMap.RamSize / 8), sizeof(long));
        _inputStamps = (long*)NativeMemory.AllocZeroed((nuint)Math.Max(1, InputPadded / 8), sizeof(long));
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        NativeMemory.Free(_ram);
        NativeMemory.Free(_input);
        NativeMemory.Free(_ramStamps);
        NativeMemory.Free(_inputStamps);
        _ram = _input = null;
        _ramStamps = _inputStamps = null;
    }
}
