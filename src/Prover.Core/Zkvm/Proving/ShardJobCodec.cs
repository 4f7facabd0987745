using System.Buffers.Binary;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// Little-endian writer of a <see cref="ZkvmShardJob"/>'s bytes (the header and every kind's payload use it, so a new kind
/// writes its payload with the same primitives).
/// </summary>
internal sealed class ShardJobWriter(int capacity)
{
    private readonly MemoryStream _stream = new(capacity);
    private readonly byte[] _buffer = new byte[8];

    public void U8(byte v) => _stream.WriteByte(v);

    public void U16(ushort v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer, v);
        _stream.Write(_buffer, 0, 2);
    }

    public void U32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, v);
        _stream.Write(_buffer, 0, 4);
    }

    public void U64(ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer, v);
        _stream.Write(_buffer, 0, 8);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public byte[] ToArray() => _stream.ToArray();
}

/// <summary>
/// Reader of a <see cref="ZkvmShardJob"/>'s bytes: every read is checked against the bytes left, and every count against what
/// its entries would need (<see cref="Count"/>), so a malformed job is a <see cref="FormatException"/> and never allocates
/// beyond its own length.
/// </summary>
internal ref struct ShardJobReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public int Position { get; private set; }

    public readonly int Left => _bytes.Length - Position;

    public ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Left)
            throw new FormatException($"truncated shard job at byte {Position}");
        var s = _bytes.Slice(Position, n);
        Position += n;
        return s;
    }

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>A count of entries of at least <paramref name="entryBytes"/> bytes each, checked against the bytes left.</summary>
    public int Count(int entryBytes)
    {
        uint n = U32();
        if (n > (uint)(Left / entryBytes))
            throw new FormatException($"{n} entries do not fit in the {Left} bytes left");
        return (int)n;
    }

    /// <summary>A flag byte: 0 or 1.</summary>
    public bool Flag(string what) => U8() switch
    {
        0 => false,
        1 => true,
        _ => throw new FormatException($"{what} is not 0 or 1"),
    };

    public readonly void End()
    {
        if (Left != 0)
            throw new FormatException($"{Left} trailing bytes after the shard job");
    }
}
