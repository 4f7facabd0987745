using System.Buffers.Binary;

namespace Prover.Witness.Ssz;

/// <summary>
/// Appends an SSZ serialization to a growable buffer. Variable-size fields of a container are written
/// as a 4-byte placeholder in the fixed part (<see cref="ReserveOffset"/>) that is filled in with
/// <see cref="PatchOffset"/> once the field's data begins.
/// </summary>
public sealed class SszWriter
{
    private byte[] _buffer;
    private int _length;

    public SszWriter(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    private Span<byte> Grow(int count)
    {
        if (_buffer.Length - _length < count)
        {
            long needed = (long)_length + count;
            if (needed > int.MaxValue)
                throw new InvalidOperationException("SSZ value larger than 2 GiB");
            long size = Math.Max(needed, Math.Min((long)_buffer.Length * 2, int.MaxValue));
            Array.Resize(ref _buffer, (int)size);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>Writes a fixed-size byte vector, checking its length.</summary>
    public void WriteVector(ReadOnlySpan<byte> bytes, int size, string what)
    {
        if (bytes.Length != size)
            throw new ArgumentException($"{what} must be {size} bytes, got {bytes.Length}");
        WriteBytes(bytes);
    }

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

    public void WriteBool(bool value) => Grow(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>Writes a placeholder offset and returns its position.</summary>
    public int ReserveOffset()
    {
        int at = _length;
        WriteUInt32(0);
        return at;
    }

    /// <summary>Sets the offset at <paramref name="at"/> to the current length minus <paramref name="containerStart"/>.</summary>
    public void PatchOffset(int at, int containerStart) =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(at, 4), checked((uint)(_length - containerStart)));

    /// <summary>Writes a list of variable-size elements: the offset table, then the elements.</summary>
    public void WriteVariableList<T>(IReadOnlyList<T> items, Action<SszWriter, T> write)
    {
        int start = _length;
        int table = _length;
        for (int i = 0; i < items.Count; i++)
            WriteUInt32(0);
        for (int i = 0; i < items.Count; i++)
        {
            PatchOffset(table + 4 * i, start);
            write(this, items[i]);
        }
    }

    /// <summary>Writes <c>List[List[byte, N], M]</c> (or a progressive list of byte lists).</summary>
    public void WriteByteLists(IReadOnlyList<byte[]> items) => WriteVariableList(items, static (w, b) => w.WriteBytes(b));
}
