using System.Buffers.Binary;
using System.Security.Cryptography;
using K4os.Compression.LZ4;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Zkvm.Proving;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;

namespace Prover.Cluster;

/// <summary>
/// The bytes that travel between coordinator and workers: LZ4 blocks with their length in front (shard jobs,
/// ELFs, inputs), and the phase results (a shard's commitment, a shard's proof) in a small binary form. Every
/// decoder checks lengths against the bytes and a limit, so a corrupt or hostile message is an error, never an
/// unbounded allocation.
/// </summary>
public static class ShardPayload
{
    /// <summary>Largest uncompressed payload accepted (a shard job of a 2^24-cycle shard stays far below).</summary>
    public const int MaxBytes = 1 << 30;

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        var target = new byte[4 + LZ4Codec.MaximumOutputSize(data.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(target, data.Length);
        int n = LZ4Codec.Encode(data, target.AsSpan(4), LZ4Level.L00_FAST);
        if (n < 0)
            throw new InvalidOperationException("LZ4 compression failed");
        return target[..(4 + n)];
    }

    public static byte[] Decompress(ReadOnlySpan<byte> packed, int maxBytes = MaxBytes)
    {
        if (packed.Length < 4)
            throw new FormatException("a compressed payload is at least its 4-byte length");
        int length = BinaryPrimitives.ReadInt32LittleEndian(packed);
        // LZ4 expands at most 255-fold, so the claimed length is checked against the bytes before it is allocated.
        if (length < 0 || length > maxBytes || length > (long)(packed.Length - 4) * 255 + 16)
            throw new FormatException($"a compressed payload claims {length} bytes from {packed.Length - 4}");
        var data = new byte[length];
        int n = LZ4Codec.Decode(packed[4..], data);
        if (n != length)
            throw new FormatException("a compressed payload does not decode to its length");
        return data;
    }

    public static byte[] Digest(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>The context id of a program and an input: the hex SHA-256 of both digests.</summary>
    public static string ContextId(byte[] programDigest, byte[] inputDigest) => Convert.ToHexStringLower(SHA256.HashData([.. programDigest, .. inputDigest]));

    public static byte[] EncodeCommitment(ShardCommitment c)
    {
        using var ms = new MemoryStream();
        var b = new byte[4];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b, v); ms.Write(b); }
        U32((uint)c.Chips.Bits);
        U32((uint)(c.Chips.Bits >> 32));
        U32((uint)c.LogHeights.Length);
        foreach (int h in c.LogHeights)
            U32((uint)h);
        U32((uint)c.PublicValues.Length);
        foreach (var p in c.PublicValues)
        {
            U32((uint)p.Length);
            foreach (var v in p)
                U32(v.ToCanonical());
        }
        // The main commitment: a Merkle cap (count, the digests' length: 8 or 12 elements, then each digest's elements).
        U32((uint)c.MainCommitment.Length);
        U32((uint)(c.MainCommitment.Length == 0 ? 0 : c.MainCommitment[0].Length));
        foreach (var digest in c.MainCommitment)
            foreach (var v in digest)
                U32(v.ToCanonical());
        return ms.ToArray();
    }

    public static ShardCommitment DecodeCommitment(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        var chips = new Core.Zkvm.Chips.ChipSet(r.U32() | (ulong)r.U32() << 32);
        int tables = r.Count(64);
        var heights = new int[tables];
        for (int t = 0; t < tables; t++)
            heights[t] = (int)r.U32() is var h && h is >= 0 and <= 30 ? h : throw new FormatException("a log height outside 0..30");
        var publics = new KoalaBear[r.Count(64)][];
        for (int t = 0; t < publics.Length; t++)
        {
            publics[t] = new KoalaBear[r.Count(1 << 16)];
            for (int i = 0; i < publics[t].Length; i++)
                publics[t][i] = r.Element();
        }
        int capCount = r.Count(1 << MerkleCap.MaxHeight);
        if (capCount == 0 || (capCount & (capCount - 1)) != 0)
            throw new FormatException($"a main commitment of {capCount} digests (a power of two expected)");
        int digestLength = r.Count(Digests.MaxLength);
        if (digestLength is not (8 or Digests.MaxLength))
            throw new FormatException($"a main commitment of {digestLength}-element digests (digests have 8 or {Digests.MaxLength})");
        var cap = new KoalaBear[capCount][];
        for (int d = 0; d < capCount; d++)
        {
            cap[d] = new KoalaBear[digestLength];
            for (int i = 0; i < digestLength; i++)
                cap[d][i] = r.Element();
        }
        r.End();
        return new ShardCommitment(chips, heights, publics, cap);
    }

    public static byte[] EncodeProof(ZkvmShardProof p)
    {
        using var ms = new MemoryStream(p.Proof.Length + 256);
        using var w = new BinaryWriter(ms);
        w.Write(p.Proof.Length);
        w.Write(p.Proof);
        w.Write(p.ProvableBits);
        w.Write(p.ConjecturedBits);
        w.Write(p.Timings.Count);
        foreach (var (phase, ms2) in p.Timings)
        {
            w.Write(phase);
            w.Write(ms2);
        }
        w.Flush();
        return ms.ToArray();
    }

    public static ZkvmShardProof DecodeProof(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            int n = r.ReadInt32();
            if (n < 0 || n > bytes.Length)
                throw new FormatException("a shard proof longer than its message");
            var proof = r.ReadBytes(n);
            double provable = r.ReadDouble(), conjectured = r.ReadDouble();
            int count = r.ReadInt32();
            if (count is < 0 or > 256)
                throw new FormatException("too many timings");
            var timings = new List<(string, double)>(count);
            for (int i = 0; i < count; i++)
                timings.Add((r.ReadString(), r.ReadDouble()));
            if (r.BaseStream.Position != bytes.Length)
                throw new FormatException("trailing bytes after a shard proof");
            return new ZkvmShardProof(proof, provable, conjectured, timings);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("a truncated shard proof", e);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _pos;

        public uint U32()
        {
            if (_bytes.Length - _pos < 4)
                throw new FormatException("a truncated shard commitment");
            uint v = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[_pos..]);
            _pos += 4;
            return v;
        }

        public int Count(int max)
        {
            uint n = U32();
            return n <= (uint)max && n <= (uint)(_bytes.Length - _pos) / 4 ? (int)n : throw new FormatException($"a count of {n} in a shard commitment");
        }

        public KoalaBear Element()
        {
            uint v = U32();
            return v < KoalaBearParameters.P ? KoalaBear.FromUInt64(v) : throw new FormatException("a non-canonical field element");
        }

        public readonly void End()
        {
            if (_pos != _bytes.Length)
                throw new FormatException("trailing bytes after a shard commitment");
        }
    }
}
