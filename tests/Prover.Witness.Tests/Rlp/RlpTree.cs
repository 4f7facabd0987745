using Prover.Witness.Rlp;

namespace Prover.Witness.Tests.Rlp;

/// <summary>A generic RLP value for tests: a byte string or a list of values.</summary>
internal abstract record RlpTree
{
    public static RlpTree Decode(ref RlpReader reader)
    {
        if (!reader.IsList)
            return new Str(reader.ReadBytes().ToArray());
        RlpReader list = reader.ReadList();
        var items = new List<RlpTree>();
        while (list.HasMore)
            items.Add(Decode(ref list));
        return new Lst(items);
    }

    public static RlpTree DecodeOne(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        RlpTree tree = Decode(ref reader);
        reader.CheckEnd();
        return tree;
    }

    public abstract void WriteTo(RlpWriter writer);

    public byte[] Encode()
    {
        var writer = new RlpWriter(4);
        WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Encoding through the static one-shot helpers (a second, independent code path).</summary>
    public abstract byte[] EncodeStatic();

    /// <summary>A random tree of at most about 200 nodes and 200 kB (a node budget keeps it bounded).</summary>
    public static RlpTree Random(Random random, int depth)
    {
        int budget = 200;
        return Random(random, depth, ref budget);
    }

    private static RlpTree Random(Random random, int depth, ref int budget)
    {
        budget--;
        if (depth == 0 || budget <= 0 || random.Next(3) == 0)
        {
            int length = random.Next(6) switch
            {
                0 => 0,
                1 => 1,
                2 => random.Next(2, 56),
                3 => random.Next(54, 58),
                4 => random.Next(56, 300),
                _ => random.Next(250, 2_000),
            };
            return new Str(random.Bytes(length));
        }

        int count = random.Next(4) == 0 ? random.Next(20, 60) : random.Next(0, 5);
        var items = new List<RlpTree>(count);
        for (int i = 0; i < count && budget > 0; i++)
            items.Add(Random(random, depth - 1, ref budget));
        return new Lst(items);
    }

    public sealed record Str(byte[] Value) : RlpTree
    {
        public override void WriteTo(RlpWriter writer) => writer.WriteBytes(Value);

        public override byte[] EncodeStatic() => Prover.Witness.Rlp.Rlp.EncodeBytes(Value);

        public bool Equals(Str? other) => other is not null && Value.AsSpan().SequenceEqual(other.Value);

        public override int GetHashCode() => Value.Length;
    }

    public sealed record Lst(List<RlpTree> Items) : RlpTree
    {
        public override void WriteTo(RlpWriter writer)
        {
            writer.StartList();
            foreach (RlpTree item in Items)
                item.WriteTo(writer);
            writer.EndList();
        }

        public override byte[] EncodeStatic() => Prover.Witness.Rlp.Rlp.EncodeList([.. Items.Select(i => i.EncodeStatic())]);

        public bool Equals(Lst? other) => other is not null && Items.SequenceEqual(other.Items);

        public override int GetHashCode() => Items.Count;
    }
}
