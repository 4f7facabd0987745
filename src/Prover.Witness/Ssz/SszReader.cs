using System.Buffers.Binary;

namespace Prover.Witness.Ssz;

/// <summary>
/// A forward cursor over an SSZ value. Every read checks bounds first and throws
/// <see cref="SszException"/> with the absolute position, so a truncated or oversized input is an
/// error, never an out-of-range access or an allocation the input does not pay for.
/// </summary>
public ref struct SszReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _base;
    private int _pos;

    /// <param name="data">the bytes of exactly one SSZ value</param>
    /// <param name="baseOffset">absolute position of <paramref name="data"/>[0], for error messages</param>
    public SszReader(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        _data = data;
        _base = baseOffset;
        _pos = 0;
    }

    public readonly int Length => _data.Length;
    public readonly int Position => _pos;
    public readonly int Remaining => _data.Length - _pos;
    public readonly long AbsolutePosition => _base + _pos;

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if ((uint)count > (uint)Remaining)
            SszException.Throw($"truncated: need {count} bytes, {Remaining} left", AbsolutePosition);
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public byte[] ReadArray(int count) => ReadBytes(count).ToArray();

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    public bool ReadBool()
    {
        long at = AbsolutePosition;
        byte b = ReadBytes(1)[0];
        if (b > 1)
            SszException.Throw($"boolean must be 0 or 1, got {b}", at);
        return b == 1;
    }

    /// <summary>Reads a 4-byte offset of a variable-size field; range checks happen in <see cref="VariableParts"/>.</summary>
    public uint ReadOffset() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    /// <summary>Fails unless every byte was consumed (no trailing bytes).</summary>
    public readonly void CheckEnd()
    {
        if (_pos != _data.Length)
            SszException.Throw($"{_data.Length - _pos} trailing bytes", AbsolutePosition);
    }

    /// <summary>
    /// Splits the variable part of a container. <paramref name="offsets"/> are the offsets read from the
    /// fixed part, in field order; the cursor must stand at the end of the fixed part. The first offset
    /// must equal the fixed size, offsets must not decrease, and the last part ends at the end of the
    /// value. Returns the (start, length) of each part and moves the cursor to the end.
    /// </summary>
    public (int Start, int Length)[] VariableParts(scoped ReadOnlySpan<uint> offsets)
    {
        var parts = new (int, int)[offsets.Length];
        if (offsets.Length == 0)
            return parts;
        if (offsets[0] != (uint)_pos)
            SszException.Throw($"first offset {offsets[0]} must equal the fixed size {_pos}", _base + _pos);
        for (int i = 0; i < offsets.Length; i++)
        {
            uint start = offsets[i];
            uint end = i + 1 < offsets.Length ? offsets[i + 1] : (uint)_data.Length;
            if (end < start)
                SszException.Throw($"offset {end} of part {i + 1} is below offset {start} of part {i}", _base + start);
            if (end > (uint)_data.Length)
                SszException.Throw($"offset {end} past the end ({_data.Length})", _base + _pos);
            parts[i] = ((int)start, (int)(end - start));
        }
        _pos = _data.Length;
        return parts;
    }

    /// <summary>A reader over one part returned by <see cref="VariableParts"/>.</summary>
    public readonly SszReader Sub((int Start, int Length) part) =>
        new(_data.Slice(part.Start, part.Length), _base + part.Start);

    /// <summary>
    /// Decodes <c>List[T, limit]</c> (or a progressive list when <paramref name="limit"/> is null) of
    /// fixed-size elements that fill this whole reader.
    /// </summary>
    public T[] ReadFixedList<T>(int elementSize, long? limit, ElementDecoder<T> decode, string what)
    {
        if (Remaining % elementSize != 0)
            SszException.Throw($"{what}: {Remaining} bytes is not a multiple of the element size {elementSize}", AbsolutePosition);
        int count = Remaining / elementSize;
        if (limit is { } l && count > l)
            SszException.Throw($"{what}: {count} elements exceed the limit {l}", AbsolutePosition);
        var result = new T[count];
        for (int i = 0; i < count; i++)
        {
            var element = new SszReader(ReadBytes(elementSize), AbsolutePosition - elementSize);
            result[i] = decode(ref element);
            element.CheckEnd();
        }
        return result;
    }

    /// <summary>
    /// Decodes a list of variable-size elements (offset table, then the elements) that fills this whole
    /// reader. The element count comes from the first offset, so it is bounded by the input length
    /// before anything is allocated.
    /// </summary>
    public T[] ReadVariableList<T>(long? limit, ElementDecoder<T> decode, string what)
    {
        if (Remaining == 0)
            return [];
        long start = AbsolutePosition;
        uint first = ReadOffset();
        if (first % 4 != 0 || first == 0 || first > (uint)_data.Length)
            SszException.Throw($"{what}: first offset {first} is not a valid offset-table size", start);
        int count = (int)(first / 4);
        if (limit is { } l && count > l)
            SszException.Throw($"{what}: {count} elements exceed the limit {l}", start);
        Span<uint> small = count <= 64 ? stackalloc uint[count] : default;
        uint[] offsets = count <= 64 ? [] : new uint[count];
        Span<uint> offs = count <= 64 ? small : offsets;
        offs[0] = first;
        for (int i = 1; i < count; i++)
            offs[i] = ReadOffset();
        var parts = VariableParts(offs);
        var result = new T[count];
        for (int i = 0; i < count; i++)
        {
            var element = Sub(parts[i]);
            result[i] = decode(ref element);
            element.CheckEnd();
        }
        return result;
    }

    /// <summary>Decodes <c>List[byte, limit]</c> filling this whole reader.</summary>
    public byte[] ReadByteList(long limit, string what)
    {
        if (Remaining > limit)
            SszException.Throw($"{what}: {Remaining} bytes exceed the limit {limit}", AbsolutePosition);
        return ReadArray(Remaining);
    }
}

/// <summary>Decodes one element from a reader holding exactly that element.</summary>
public delegate T ElementDecoder<T>(ref SszReader reader);
