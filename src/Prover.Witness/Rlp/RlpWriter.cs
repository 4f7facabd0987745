using System.Buffers.Binary;
using System.Numerics;

namespace Prover.Witness.Rlp;

/// <summary>
/// Builds a canonical RLP encoding: a sequence of items appended in order, lists opened with
/// <see cref="StartList"/> and closed with <see cref="EndList"/> (nesting allowed).
/// </summary>
/// <remarks>
/// A list's prefix depends on its payload length, known only at <see cref="EndList"/>; the writer
/// then moves the payload right by the prefix size and writes the prefix in front. Each byte moves
/// once per enclosing list, which is cheap for Ethereum's shallow structures (headers, transactions,
/// trie nodes). The buffer grows geometrically and can be reused with <see cref="Reset"/>.
/// </remarks>
public sealed class RlpWriter
{
    private byte[] _buffer;
    private int _length;
    private readonly Stack<int> _openLists = new();

    /// <summary>A writer with an initial capacity of <paramref name="capacity"/> bytes.</summary>
    public RlpWriter(int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    /// <summary>Bytes written so far (lists still open count with their payload only).</summary>
    public int Length => _length;

    /// <summary>Lists opened and not yet closed.</summary>
    public int OpenLists => _openLists.Count;

    /// <summary>The bytes written so far.</summary>
    /// <exception cref="InvalidOperationException">a list is still open.</exception>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            ThrowIfListsOpen();
            return _buffer.AsSpan(0, _length);
        }
    }

    /// <summary>A copy of the encoding.</summary>
    /// <exception cref="InvalidOperationException">a list is still open.</exception>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Forgets everything written, keeping the buffer.</summary>
    public void Reset()
    {
        _length = 0;
        _openLists.Clear();
    }

    /// <summary>Appends a byte string.</summary>
    public RlpWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < 0x80)
        {
            Reserve(1)[0] = value[0];
            return this;
        }

        Span<byte> destination = Reserve(Rlp.PrefixLength(value.Length) + value.Length);
        int prefix = Rlp.WritePrefix(destination, value.Length, isList: false);
        value.CopyTo(destination[prefix..]);
        return this;
    }

    /// <summary>Appends an unsigned integer (big-endian, no leading zeros; zero is the empty string).</summary>
    public RlpWriter WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return WriteBytes(bytes[(BitOperations.LeadingZeroCount(value) / 8)..]);
    }

    /// <summary>Appends a non-negative integer of at most 256 bits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">negative or wider than 256 bits.</exception>
    public RlpWriter WriteBigInteger(BigInteger value)
    {
        if (value.Sign < 0)
            throw new ArgumentOutOfRangeException(nameof(value), "RLP integers are non-negative.");
        int byteCount = value.GetByteCount(isUnsigned: true);
        if (byteCount > 32)
            throw new ArgumentOutOfRangeException(nameof(value), "RLP integers here are at most 256 bits.");
        Span<byte> bytes = stackalloc byte[32];
        if (value.IsZero)
            return WriteBytes([]);
        value.TryWriteBytes(bytes, out int written, isUnsigned: true, isBigEndian: true);
        return WriteBytes(bytes[..written]);
    }

    /// <summary>Appends a big-endian unsigned integer given as bytes, dropping its leading zero bytes.</summary>
    public RlpWriter WriteUInt256(ReadOnlySpan<byte> bigEndian)
    {
        int firstNonZero = bigEndian.IndexOfAnyExcept((byte)0);
        return WriteBytes(firstNonZero < 0 ? [] : bigEndian[firstNonZero..]);
    }

    /// <summary>Appends an item that is already RLP-encoded, unchanged (the caller vouches for it).</summary>
    public RlpWriter WriteRaw(ReadOnlySpan<byte> encodedItem)
    {
        encodedItem.CopyTo(Reserve(encodedItem.Length));
        return this;
    }

    /// <summary>Appends the empty list 0xc0.</summary>
    public RlpWriter WriteEmptyList()
    {
        Reserve(1)[0] = 0xc0;
        return this;
    }

    /// <summary>Opens a list: items written until the matching <see cref="EndList"/> form its payload.</summary>
    public RlpWriter StartList()
    {
        _openLists.Push(_length);
        return this;
    }

    /// <summary>Closes the innermost open list.</summary>
    /// <exception cref="InvalidOperationException">no list is open.</exception>
    public RlpWriter EndList()
    {
        if (_openLists.Count == 0)
            throw new InvalidOperationException("EndList without a matching StartList.");
        int start = _openLists.Pop();
        int payloadLength = _length - start;
        int prefixLength = Rlp.PrefixLength(payloadLength);
        Reserve(prefixLength);
        _buffer.AsSpan(start, payloadLength).CopyTo(_buffer.AsSpan(start + prefixLength));
        Rlp.WritePrefix(_buffer.AsSpan(start), payloadLength, isList: true);
        return this;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            long needed = (long)_length + count;
            if (needed > Array.MaxLength)
                throw new InvalidOperationException("RLP encoding too large.");
            int newSize = (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length));
            Array.Resize(ref _buffer, newSize);
        }

        Span<byte> result = _buffer.AsSpan(_length, count);
        _length += count;
        return result;
    }

    private void ThrowIfListsOpen()
    {
        if (_openLists.Count != 0)
            throw new InvalidOperationException($"{_openLists.Count} list(s) still open.");
    }
}
