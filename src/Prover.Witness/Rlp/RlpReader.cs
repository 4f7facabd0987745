using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Prover.Witness.Rlp;

/// <summary>
/// A forward-only cursor over a sequence of RLP items (Yellow Paper, appendix B) that accepts only
/// the canonical encoding.
/// </summary>
/// <remarks>
/// <para>Canonical means: a single byte below 0x80 is never wrapped in a string prefix; the short
/// forms are used for payloads under 56 bytes and the long forms only from 56 on; a long-form
/// length has no leading zero byte; every length lies within the enclosing item; integers
/// (<see cref="ReadUInt64"/>, <see cref="ReadBigInteger"/>) have no leading zero byte, so zero is the
/// empty string 0x80. Every violation throws <see cref="RlpException"/> with the offset in the
/// outermost input.</para>
/// <para>Adversarial input: nothing is allocated before the bytes it describes are known to be
/// present (lengths are checked against the remaining input first), and <see cref="ReadList"/>
/// refuses to nest deeper than <see cref="MaxDepth"/>, so a recursive consumer is bounded too.
/// <see cref="ReadRaw"/> and <see cref="SkipItem"/> check only the item's own prefix and extent;
/// call <see cref="ValidateItem"/> for a full recursive check of an item kept for later.</para>
/// <para>Integers: <see cref="ReadBigInteger"/> returns a non-negative
/// <see cref="BigInteger"/> of at most 32 bytes (uint256); <see cref="ReadUInt256"/> writes the same
/// value as 32 big-endian bytes without allocating.</para>
/// </remarks>
public ref struct RlpReader
{
    /// <summary>Deepest list nesting accepted (the outermost reader is depth 0).</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private readonly int _depth;
    private int _position;

    /// <summary>A reader over <paramref name="data"/>, a sequence of zero or more RLP items.</summary>
    public RlpReader(ReadOnlySpan<byte> data)
        : this(data, 0, 0)
    {
    }

    private RlpReader(ReadOnlySpan<byte> data, int baseOffset, int depth)
    {
        _data = data;
        _baseOffset = baseOffset;
        _depth = depth;
        _position = 0;
    }

    /// <summary>Offset of the next item in the outermost input.</summary>
    public readonly int Position => _baseOffset + _position;

    /// <summary>Bytes left in this reader.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True while there is another item to read.</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>Nesting depth of this reader (0 for the outermost).</summary>
    public readonly int Depth => _depth;

    /// <summary>True when the next item is a list (its prefix is at least 0xc0).</summary>
    /// <exception cref="RlpException">no item left.</exception>
    public readonly bool IsList
    {
        get
        {
            if (_position >= _data.Length)
                ThrowAt("expected an item, found the end of the input", _position);
            return _data[_position] >= 0xc0;
        }
    }

    /// <summary>Reads the next item, which must be a list, and returns a reader over its payload.</summary>
    public RlpReader ReadList()
    {
        int start = _position;
        (int payloadOffset, int payloadLength, bool isList) = ReadHeader();
        if (!isList)
            ThrowAt("expected a list, found a string", start);
        if (_depth >= MaxDepth)
            ThrowAt($"lists nested deeper than {MaxDepth}", start);
        _position = payloadOffset + payloadLength;
        return new RlpReader(_data.Slice(payloadOffset, payloadLength), _baseOffset + payloadOffset, _depth + 1);
    }

    /// <summary>Reads the next item, which must be a string (byte array), and returns its payload.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int start = _position;
        (int payloadOffset, int payloadLength, bool isList) = ReadHeader();
        if (isList)
            ThrowAt("expected a string, found a list", start);
        _position = payloadOffset + payloadLength;
        return _data.Slice(payloadOffset, payloadLength);
    }

    /// <summary>Reads a string of exactly <paramref name="exactLength"/> bytes (20 for an address, 32 for a hash) into a new array.</summary>
    public byte[] ReadBytes(int exactLength) => ReadFixedBytes(exactLength).ToArray();

    /// <summary>Reads a string of exactly <paramref name="exactLength"/> bytes without copying.</summary>
    public ReadOnlySpan<byte> ReadFixedBytes(int exactLength)
    {
        int start = _position;
        ReadOnlySpan<byte> payload = ReadBytes();
        if (payload.Length != exactLength)
            ThrowAt($"expected a string of {exactLength} bytes, found {payload.Length}", start);
        return payload;
    }

    /// <summary>Reads the next item whole (prefix and payload), for hashing or later decoding.</summary>
    public ReadOnlySpan<byte> ReadRaw()
    {
        int start = _position;
        (int payloadOffset, int payloadLength, _) = ReadHeader();
        _position = payloadOffset + payloadLength;
        return _data[start.._position];
    }

    /// <summary>Skips the next item (checking only its prefix and extent).</summary>
    public void SkipItem() => _ = ReadRaw();

    /// <summary>Reads a canonical unsigned integer of at most 8 bytes.</summary>
    public ulong ReadUInt64()
    {
        int start = _position;
        ReadOnlySpan<byte> payload = ReadBytes();
        if (payload.Length > 8)
            ThrowAt($"integer of {payload.Length} bytes does not fit in 64 bits", start);
        CheckNoLeadingZero(payload, start);
        ulong value = 0;
        foreach (byte b in payload)
            value = (value << 8) | b;
        return value;
    }

    /// <summary>Reads a canonical unsigned integer of at most 32 bytes (uint256).</summary>
    public BigInteger ReadBigInteger()
    {
        ReadOnlySpan<byte> payload = ReadUInt256Payload();
        return payload.IsEmpty ? BigInteger.Zero : new BigInteger(payload, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reads a canonical unsigned integer of at most 32 bytes as 32 big-endian bytes (zero-padded on the left).</summary>
    public void ReadUInt256(scoped Span<byte> destination32)
    {
        if (destination32.Length != 32)
            throw new ArgumentException("Destination must be 32 bytes.", nameof(destination32));
        ReadOnlySpan<byte> payload = ReadUInt256Payload();
        destination32[..(32 - payload.Length)].Clear();
        payload.CopyTo(destination32[(32 - payload.Length)..]);
    }

    /// <summary>Reads a canonical unsigned integer payload of at most 32 bytes (big-endian, no leading zero).</summary>
    public ReadOnlySpan<byte> ReadUInt256Payload()
    {
        int start = _position;
        ReadOnlySpan<byte> payload = ReadBytes();
        if (payload.Length > 32)
            ThrowAt($"integer of {payload.Length} bytes does not fit in 256 bits", start);
        CheckNoLeadingZero(payload, start);
        return payload;
    }

    /// <summary>Throws unless every byte of this reader has been consumed.</summary>
    public readonly void CheckEnd()
    {
        if (_position != _data.Length)
            ThrowAt($"{_data.Length - _position} unexpected trailing bytes", _position);
    }

    /// <summary>
    /// Reads the next item and checks it completely: its prefix and, recursively, every nested
    /// item's (depth bounded by <see cref="MaxDepth"/>). Returns the whole encoded item.
    /// </summary>
    public ReadOnlySpan<byte> ValidateItem()
    {
        int start = _position;
        if (IsList)
        {
            RlpReader list = ReadList();
            while (list.HasMore)
                list.ValidateItem();
        }
        else
        {
            ReadBytes();
        }

        return _data[start.._position];
    }

    /// <summary>Checks that <paramref name="encoded"/> is exactly one canonical RLP item, nested items included.</summary>
    public static void Validate(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        reader.ValidateItem();
        reader.CheckEnd();
    }

    /// <summary>
    /// Decodes the prefix at the current position: the payload's offset and length within
    /// <see cref="_data"/> and whether the item is a list. Does not move the cursor.
    /// </summary>
    private readonly (int PayloadOffset, int PayloadLength, bool IsList) ReadHeader()
    {
        int start = _position;
        if (start >= _data.Length)
            ThrowAt("expected an item, found the end of the input", start);
        int remaining = _data.Length - start - 1; // bytes after the prefix byte
        byte prefix = _data[start];

        if (prefix < 0x80)
            return (start, 1, false);

        if (prefix <= 0xb7)
        {
            int length = prefix - 0x80;
            if (length > remaining)
                ThrowTruncated(start, length, remaining);
            if (length == 1 && _data[start + 1] < 0x80)
                ThrowAt($"single byte 0x{_data[start + 1]:x2} below 0x80 must not be wrapped in a string prefix", start);
            return (start + 1, length, false);
        }

        if (prefix <= 0xbf)
            return LongForm(start, prefix - 0xb7, remaining, isList: false);

        if (prefix <= 0xf7)
        {
            int length = prefix - 0xc0;
            if (length > remaining)
                ThrowTruncated(start, length, remaining);
            return (start + 1, length, true);
        }

        return LongForm(start, prefix - 0xf7, remaining, isList: true);
    }

    private readonly (int PayloadOffset, int PayloadLength, bool IsList) LongForm(int start, int lengthOfLength, int remaining, bool isList)
    {
        if (lengthOfLength > remaining)
            ThrowAt($"length of length {lengthOfLength} runs past the end of the input", start);
        ReadOnlySpan<byte> lengthBytes = _data.Slice(start + 1, lengthOfLength);
        if (lengthBytes[0] == 0)
            ThrowAt("long-form length has a leading zero byte", start);

        // At most 8 length bytes, so this fits a ulong; compare against what is left before
        // narrowing, so a claimed 2^64 − 1 fails cleanly.
        ulong length = 0;
        foreach (byte b in lengthBytes)
            length = (length << 8) | b;

        if (length < 56)
            ThrowAt($"long form used for a payload of {length} bytes (short form required below 56)", start);
        ulong available = (ulong)(remaining - lengthOfLength);
        if (length > available)
            ThrowAt($"{(isList ? "list" : "string")} of {length} bytes runs past the end of the input ({available} bytes left)", start);
        return (start + 1 + lengthOfLength, (int)length, isList);
    }

    private readonly void CheckNoLeadingZero(ReadOnlySpan<byte> payload, int start)
    {
        if (!payload.IsEmpty && payload[0] == 0)
            ThrowAt("integer has a leading zero byte (zero is encoded as 0x80)", start);
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(int start, int length, int remaining) =>
        ThrowAt($"item of {length} bytes runs past the end of the input ({remaining} bytes left)", start);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowAt(string message, int localOffset) =>
        throw new RlpException(message, _baseOffset + localOffset);
}
