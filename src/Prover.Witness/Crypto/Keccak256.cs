using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prover.Witness.Crypto;

/// <summary>
/// Keccak-256 as Ethereum uses it: the Keccak[c = 512] sponge over Keccak-f[1600] with rate
/// 136 bytes and the <em>original</em> Keccak padding (domain byte 0x01, then pad10*1), not the
/// FIPS 202 SHA3-256 padding (0x06). Output: the first 32 bytes of the state.
/// </summary>
/// <remarks>
/// One-shot <see cref="Hash(ReadOnlySpan{byte}, Span{byte})"/> allocates nothing; an instance
/// hashes incrementally (<see cref="Append"/>, <see cref="GetHashAndReset(Span{byte})"/>) and is
/// not thread-safe.
/// </remarks>
public sealed partial class Keccak256
{
    /// <summary>Digest size in bytes.</summary>
    public const int HashSizeInBytes = 32;

    /// <summary>Sponge rate in bytes: (1600 − 2·256) / 8.</summary>
    public const int RateBytes = 136;

    /// <summary>Keccak padding domain byte (SHA3 would use 0x06).</summary>
    internal const byte KeccakDomain = 0x01;

    /// <summary>FIPS 202 SHA3 domain byte; used only by the tests to check the permutation against SHA3-256.</summary>
    internal const byte Sha3Domain = 0x06;

    private KeccakState _state;
    private RateBuffer _buffer;
    private int _buffered;

    /// <summary>Creates an incremental hasher in its initial (empty-input) state.</summary>
    public Keccak256()
    {
    }

    /// <summary>keccak256 of the empty input, c5d24601…5d85a470.</summary>
    public static ReadOnlySpan<byte> EmptyHash =>
    [
        0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
        0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
    ];

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">destination is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
            ThrowDestinationTooShort();
        Sponge(data, destination, KeccakDomain);
    }

    /// <summary>Hashes <paramref name="data"/> and returns a new 32-byte array.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var result = new byte[HashSizeInBytes];
        Sponge(data, result, KeccakDomain);
        return result;
    }

    /// <summary>Hashes <paramref name="data"/> into a <see cref="Hash256"/> value.</summary>
    public static Hash256 HashToValue(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[HashSizeInBytes];
        Sponge(data, digest, KeccakDomain);
        return new Hash256(digest);
    }

    /// <summary>Absorbs more input.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = _buffer;
        if (_buffered > 0)
        {
            int take = Math.Min(RateBytes - _buffered, data.Length);
            data[..take].CopyTo(buffer[_buffered..]);
            _buffered += take;
            data = data[take..];
            if (_buffered < RateBytes)
                return;
            AbsorbBlock(ref _state, buffer);
            _buffered = 0;
        }

        while (data.Length >= RateBytes)
        {
            AbsorbBlock(ref _state, data);
            data = data[RateBytes..];
        }

        data.CopyTo(buffer);
        _buffered = data.Length;
    }

    /// <summary>Writes the hash of everything appended so far and resets to the initial state.</summary>
    /// <exception cref="ArgumentException">destination is shorter than 32 bytes.</exception>
    public void GetHashAndReset(Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
            ThrowDestinationTooShort();
        Span<byte> buffer = _buffer;
        buffer[_buffered..].Clear();
        buffer[_buffered] ^= KeccakDomain;
        buffer[RateBytes - 1] ^= 0x80;
        AbsorbBlock(ref _state, buffer);
        Squeeze(ref _state, destination);
        Reset();
    }

    /// <summary>Returns the hash of everything appended so far and resets to the initial state.</summary>
    public byte[] GetHashAndReset()
    {
        var result = new byte[HashSizeInBytes];
        GetHashAndReset(result);
        return result;
    }

    /// <summary>Forgets all appended input.</summary>
    public void Reset()
    {
        ((Span<ulong>)_state).Clear();
        ((Span<byte>)_buffer).Clear();
        _buffered = 0;
    }

    /// <summary>The Keccak sponge with a single squeeze of up to one rate block (32 bytes here).</summary>
    [SkipLocalsInit]
    internal static void Sponge(ReadOnlySpan<byte> data, Span<byte> destination, byte domain)
    {
        Debug.Assert(destination.Length >= HashSizeInBytes);
        KeccakState state = default;
        while (data.Length >= RateBytes)
        {
            AbsorbBlock(ref state, data);
            data = data[RateBytes..];
        }

        // Final block: the tail, the domain byte, zeros, and the closing 1 bit of pad10*1 in the
        // last byte of the rate (the two may share a byte when the tail is 135 bytes long).
        Span<byte> last = stackalloc byte[RateBytes];
        data.CopyTo(last);
        last[data.Length..].Clear();
        last[data.Length] ^= domain;
        last[RateBytes - 1] ^= 0x80;
        AbsorbBlock(ref state, last);
        Squeeze(ref state, destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AbsorbBlock(ref KeccakState state, ReadOnlySpan<byte> block)
    {
        Debug.Assert(block.Length >= RateBytes);
        block = block[..RateBytes];
        Span<ulong> lanes = state;
        if (BitConverter.IsLittleEndian)
        {
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(block);
            for (int i = 0; i < RateBytes / 8; i++)
                lanes[i] ^= words[i];
        }
        else
        {
            for (int i = 0; i < RateBytes / 8; i++)
                lanes[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
        }

        KeccakF1600.Permute(ref state);
    }

    private static void Squeeze(ref KeccakState state, Span<byte> destination)
    {
        ReadOnlySpan<ulong> lanes = state;
        for (int i = 0; i < HashSizeInBytes / 8; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * i)..], lanes[i]);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDestinationTooShort() =>
        throw new ArgumentException($"Destination must hold at least {HashSizeInBytes} bytes.", "destination");

    [InlineArray(RateBytes)]
    private struct RateBuffer
    {
        private byte _b0;
    }
}
