using System.Buffers.Binary;
using System.Text;

namespace Prover.Core.Stark;

/// <summary>
/// A proof file: which statement it proves (e.g. "demo/fibonacci"), under which named configuration,
/// and the proof bytes. Layout: "PRVE", u16 envelope version, u8 + UTF-8 statement, u8 + UTF-8
/// configuration name, u32 length + proof bytes; nothing may follow.
/// </summary>
public sealed record ProofEnvelope(string Statement, string ConfigName, byte[] Proof)
{
    public const ushort Version = 1;

    private static ReadOnlySpan<byte> Magic => "PRVE"u8;

    public byte[] ToBytes()
    {
        var statement = Encoding.UTF8.GetBytes(Statement);
        var config = Encoding.UTF8.GetBytes(ConfigName);
        if (statement.Length > 255 || config.Length > 255)
            throw new InvalidOperationException("statement or configuration name longer than 255 bytes");
        var result = new byte[4 + 2 + 1 + statement.Length + 1 + config.Length + 4 + Proof.Length];
        var span = result.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version);
        int pos = 6;
        span[pos++] = (byte)statement.Length;
        statement.CopyTo(span[pos..]);
        pos += statement.Length;
        span[pos++] = (byte)config.Length;
        config.CopyTo(span[pos..]);
        pos += config.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], (uint)Proof.Length);
        Proof.CopyTo(span[(pos + 4)..]);
        return result;
    }

    /// <summary>Parses an envelope; throws <see cref="ProofFormatException"/> on malformed bytes.</summary>
    public static ProofEnvelope Parse(ReadOnlySpan<byte> bytes)
    {
        int pos = 0;
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, int n)
        {
            if (n < 0 || n > data.Length - pos)
                throw new ProofFormatException($"malformed proof file at byte {pos}: truncated");
            var s = data.Slice(pos, n);
            pos += n;
            return s;
        }
        if (!Take(bytes, 4).SequenceEqual(Magic))
            throw new ProofFormatException("not a proof file (bad magic)");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, 2));
        if (version != Version)
            throw new ProofFormatException($"unsupported proof file version {version}");
        string statement = StrictUtf8.Decode(Take(bytes, Take(bytes, 1)[0]), "malformed proof file: the statement name");
        string config = StrictUtf8.Decode(Take(bytes, Take(bytes, 1)[0]), "malformed proof file: the configuration name");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, 4));
        if (length != bytes.Length - pos)
            throw new ProofFormatException($"proof length {length} does not match the {bytes.Length - pos} bytes that follow");
        return new ProofEnvelope(statement, config, Take(bytes, (int)length).ToArray());
    }
}
