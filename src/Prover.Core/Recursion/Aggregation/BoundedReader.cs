using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Stark;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>A bounded little-endian reader over proof bytes: every read checks the bytes are there (<see cref="ProofFormatException"/>).</summary>
internal ref struct BoundedReader(ReadOnlySpan<byte> all, string what)
{
    private readonly ReadOnlySpan<byte> _all = all;

    public int Position { get; private set; }

    public readonly int Remaining => _all.Length - Position;

    public readonly int Length => _all.Length;

    public ReadOnlySpan<byte> Take(int n, string field)
    {
        if (n < 0 || n > _all.Length - Position)
            throw new ProofFormatException($"malformed {what} at byte {Position}: truncated {field}");
        var s = _all.Slice(Position, n);
        Position += n;
        return s;
    }

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>A length-prefixed list of at most <paramref name="max"/> canonical field elements.</summary>
    public KoalaBear[] Felts(int max, string field)
    {
        uint n = U32(field + " length");
        if (n > (uint)max || n > (uint)Remaining / 4)
            throw new ProofFormatException($"{field}: {n} elements out of range");
        var v = new KoalaBear[n];
        for (int i = 0; i < v.Length; i++)
        {
            uint e = U32(field);
            if (e >= KoalaBearParameters.P)
                throw new ProofFormatException($"{field}: not a canonical field element");
            v[i] = KoalaBear.FromUInt64(e);
        }
        return v;
    }
}
