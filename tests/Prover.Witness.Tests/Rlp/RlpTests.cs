using System.Numerics;
using Prover.Witness.Rlp;
using Xunit.Abstractions;

namespace Prover.Witness.Tests.Rlp;

public sealed class RlpTests(ITestOutputHelper output)
{
    // Examples from the Yellow Paper appendix B and the ethereum.org RLP page.
    [Fact]
    public void KnownEncodings()
    {
        Assert.Equal("83646f67", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeBytes("dog"u8)));
        Assert.Equal("c88363617483646f67", Hex.Encode(new RlpWriter().StartList().WriteBytes("cat"u8).WriteBytes("dog"u8).EndList().ToArray()));
        Assert.Equal("80", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeBytes([])));
        Assert.Equal("c0", Hex.Encode(new RlpWriter().StartList().EndList().ToArray()));
        Assert.Equal("80", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeUInt64(0)));
        Assert.Equal("00", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeBytes([0])));
        Assert.Equal("0f", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeUInt64(15)));
        Assert.Equal("820400", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeUInt64(1024)));
        Assert.Equal("8180", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeUInt64(0x80)));
        Assert.Equal("88ffffffffffffffff", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeUInt64(ulong.MaxValue)));
        // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
        byte[] three = new RlpWriter()
            .StartList()
                .StartList().EndList()
                .StartList().StartList().EndList().EndList()
                .StartList().StartList().EndList().StartList().StartList().EndList().EndList().EndList()
            .EndList().ToArray();
        Assert.Equal("c7c0c1c0c3c0c1c0", Hex.Encode(three));
        byte[] lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit"u8.ToArray();
        Assert.Equal(56, lorem.Length);
        Assert.Equal("b838" + Hex.Encode(lorem), Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeBytes(lorem)));
        Assert.Equal("b90400", Hex.Encode(Prover.Witness.Rlp.Rlp.EncodeBytes(new byte[1024]).AsSpan(0, 3)));
        Assert.Equal("f90400", Hex.Encode(new RlpWriter().StartList().WriteRaw(new byte[1024]).EndList().ToArray().AsSpan(0, 3)));
    }

    [Fact]
    public void Reader_DecodesKnownEncodings()
    {
        var reader = new RlpReader(Hex.Decode("c88363617483646f67"));
        Assert.True(reader.IsList);
        RlpReader list = reader.ReadList();
        Assert.Equal("cat"u8, list.ReadBytes());
        Assert.Equal(5, list.Position);
        Assert.Equal("83646f67", Hex.Encode(list.ReadRaw()));
        Assert.False(list.HasMore);
        list.CheckEnd();
        reader.CheckEnd();

        reader = new RlpReader(Hex.Decode("80" + "0f" + "820400" + "88ffffffffffffffff"));
        Assert.Equal(0UL, reader.ReadUInt64());
        Assert.Equal(15UL, reader.ReadUInt64());
        Assert.Equal(1024UL, reader.ReadUInt64());
        Assert.Equal(ulong.MaxValue, reader.ReadUInt64());
        reader.CheckEnd();
    }

    [Fact]
    public void UInt256_RoundTripsAndPads()
    {
        BigInteger max = (BigInteger.One << 256) - 1;
        byte[] encoded = Prover.Witness.Rlp.Rlp.EncodeBigInteger(max);
        Assert.Equal("a0" + new string('f', 64), Hex.Encode(encoded));
        Assert.Equal(max, new RlpReader(encoded).ReadBigInteger());
        Assert.Throws<ArgumentOutOfRangeException>(() => Prover.Witness.Rlp.Rlp.EncodeBigInteger(max + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Prover.Witness.Rlp.Rlp.EncodeBigInteger(-1));

        Span<byte> word = stackalloc byte[32];
        new RlpReader(Hex.Decode("820400")).ReadUInt256(word);
        Assert.Equal(new string('0', 60) + "0400", Hex.Encode(word));
        Assert.Equal("820400", Hex.Encode(new RlpWriter().WriteUInt256(word).ToArray()));
        Assert.Equal("80", Hex.Encode(new RlpWriter().WriteUInt256(new byte[32]).ToArray()));
    }

    [Fact]
    public void Integers_RoundTrip_Random()
    {
        var random = TestRandom.Create(output, 7);
        for (int i = 0; i < 2000; i++)
        {
            ulong value = (ulong)random.NextInt64() >> random.Next(64);
            byte[] encoded = Prover.Witness.Rlp.Rlp.EncodeUInt64(value);
            var reader = new RlpReader(encoded);
            Assert.Equal(value, reader.ReadUInt64());
            reader.CheckEnd();

            var big = new BigInteger(random.Bytes(random.Next(0, 33)), isUnsigned: true);
            encoded = Prover.Witness.Rlp.Rlp.EncodeBigInteger(big);
            reader = new RlpReader(encoded);
            Assert.Equal(big, reader.ReadBigInteger());
            reader.CheckEnd();
        }
    }

    /// <summary>Each non-canonical or malformed input is refused, at the right offset.</summary>
    [Theory]
    [InlineData("8100", 0, "single byte")]               // 0x00 wrapped
    [InlineData("817f", 0, "single byte")]               // 0x7f wrapped
    [InlineData("c3808100", 2, "single byte")]           // nested: offset of the inner item
    [InlineData("b800", 0, "leading zero")]              // long-form length with leading zero
    [InlineData("b90038" + "00", 0, "leading zero")]
    [InlineData("b837" + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0, "short form required")]
    [InlineData("f837" + "8080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080", 0, "short form required")]
    [InlineData("83646f", 0, "runs past the end")]       // truncated string
    [InlineData("c883636174", 0, "runs past the end")]  // truncated list
    [InlineData("b9", 0, "runs past the end")]           // length bytes missing
    [InlineData("bfffffffffffffffff", 0, "runs past the end")] // claims 2^64 − 1 bytes
    [InlineData("ff7fffffffffffffff", 0, "runs past the end")]
    [InlineData("", 0, "end of the input")]
    [InlineData("c1c2", 1, "runs past the end")]
    public void Malformed_IsRejectedWithOffset(string hex, int offset, string fragment)
    {
        byte[] input = Hex.Decode(hex);
        var e = Assert.Throws<RlpException>(() => RlpReader.Validate(input));
        Assert.Equal(offset, e.Offset);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Theory]
    [InlineData("00", "leading zero")]        // integer zero must be 0x80
    [InlineData("820001", "leading zero")]
    [InlineData("89010000000000000000", "64 bits")]
    [InlineData("c0", "expected a string")]
    public void NonCanonicalIntegers_AreRejected(string hex, string fragment)
    {
        byte[] input = Hex.Decode(hex);
        var e = Assert.Throws<RlpException>(() => new RlpReader(input).ReadUInt64());
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BigInteger_RejectsMoreThan32Bytes()
    {
        byte[] encoded = Prover.Witness.Rlp.Rlp.EncodeBytes(Enumerable.Repeat((byte)1, 33).ToArray());
        Assert.Throws<RlpException>(() => new RlpReader(encoded).ReadBigInteger());
        Assert.Throws<RlpException>(() => new RlpReader([0x00]).ReadBigInteger());
    }

    [Fact]
    public void TypeMismatches_AndTrailingBytes_AreRejected()
    {
        Assert.Throws<RlpException>(() => new RlpReader([0x80]).ReadList());
        Assert.Throws<RlpException>(() => new RlpReader([0xc0]).ReadBytes());
        var e = Assert.Throws<RlpException>(() => RlpReader.Validate([0xc0, 0x80]));
        Assert.Equal(1, e.Offset);
        Assert.Contains("trailing", e.Message, StringComparison.Ordinal);

        var reader = new RlpReader(Prover.Witness.Rlp.Rlp.EncodeBytes(new byte[19]));
        e = Assert.Throws<RlpException>(() => new RlpReader(Prover.Witness.Rlp.Rlp.EncodeBytes(new byte[19])).ReadBytes(20));
        Assert.Contains("20 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(19, reader.ReadFixedBytes(19).Length);
    }

    [Fact]
    public void Nesting_IsBoundedByMaxDepth()
    {
        static byte[] Nested(int depth)
        {
            var writer = new RlpWriter();
            for (int i = 0; i < depth; i++)
                writer.StartList();
            for (int i = 0; i < depth; i++)
                writer.EndList();
            return writer.ToArray();
        }

        RlpReader.Validate(Nested(RlpReader.MaxDepth));
        var e = Assert.Throws<RlpException>(() => RlpReader.Validate(Nested(RlpReader.MaxDepth + 1)));
        Assert.Contains("nested deeper", e.Message, StringComparison.Ordinal);

        // The error points at the innermost list, the one past the limit.
        byte[] tooDeep = Nested(RlpReader.MaxDepth + 1);
        var reader = new RlpReader(tooDeep);
        for (int i = 0; i < RlpReader.MaxDepth; i++)
            reader = reader.ReadList();
        Assert.Equal(reader.Position, e.Offset);
    }

    [Fact]
    public void Writer_RejectsUnbalancedLists()
    {
        var writer = new RlpWriter();
        writer.StartList();
        Assert.Throws<InvalidOperationException>(() => writer.ToArray());
        writer.EndList();
        Assert.Throws<InvalidOperationException>(() => writer.EndList());
        Assert.Equal([0xc0], writer.ToArray());
        writer.Reset();
        Assert.Equal(0, writer.Length);
    }

    /// <summary>decode(encode(t)) = t, both encoders agree, and the encoding validates.</summary>
    [Fact]
    public void RoundTrip_RandomTrees()
    {
        var random = TestRandom.Create(output, 2024);
        for (int trial = 0; trial < 400; trial++)
        {
            RlpTree tree = RlpTree.Random(random, random.Next(0, 6));
            byte[] encoded = tree.Encode();
            Assert.Equal(encoded, tree.EncodeStatic());
            RlpReader.Validate(encoded);
            Assert.Equal(tree, RlpTree.DecodeOne(encoded));
            var reader = new RlpReader(encoded);
            Assert.Equal(encoded, reader.ReadRaw().ToArray());
            reader.CheckEnd();
        }
    }

    /// <summary>
    /// Random bytes, truncations and single-byte corruptions of valid encodings: the decoder either
    /// throws <see cref="RlpException"/> or accepts, and what it accepts re-encodes to the same
    /// bytes (canonical encoding is a bijection). No other exception, no hang, no huge allocation
    /// (a claimed length is checked against the input before anything is read).
    /// </summary>
    [Fact]
    public void Fuzz_NeverCrashes_AndAcceptedInputIsCanonical()
    {
        var random = TestRandom.Create(output, 31337);
        int accepted = 0, rejected = 0;
        var valid = new List<byte[]>();
        for (int i = 0; i < 150; i++)
            valid.Add(RlpTree.Random(random, random.Next(1, 5)).Encode());

        void Check(byte[] input)
        {
            RlpTree tree;
            try
            {
                tree = RlpTree.DecodeOne(input);
            }
            catch (RlpException)
            {
                rejected++;
                return;
            }

            accepted++;
            Assert.Equal(input, tree.Encode());
        }

        for (int i = 0; i < 3000; i++)
        {
            byte[] noise = random.Bytes(random.Next(0, 64));
            Check(noise);
        }

        foreach (byte[] encoded in valid)
        {
            for (int cut = 0; cut < encoded.Length; cut += 1 + encoded.Length / 40)
                Check(encoded[..cut]); // a proper prefix is never a complete item
            for (int k = 0; k < 40; k++)
            {
                byte[] corrupt = (byte[])encoded.Clone();
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
                Check(corrupt);
            }
        }

        output.WriteLine($"accepted {accepted}, rejected {rejected}");
        Assert.True(rejected > 0 && accepted > 0);
    }

    /// <summary>
    /// The reader allocates nothing while validating, whatever lengths the input claims; a rejection
    /// costs one exception (a small constant). Measured per call with the thread's allocation counter.
    /// </summary>
    [Fact]
    public void Validate_AllocationIsBoundedByAConstant()
    {
        var random = TestRandom.Create(output, 271828);
        var inputs = new List<byte[]>
        {
            Hex.Decode("bfffffffffffffffff"), Hex.Decode("ffffffffffffffffff"), Hex.Decode("b9ffff"), Hex.Decode("fbffffffff00"),
        };
        for (int i = 0; i < 500; i++)
        {
            byte[] input = random.Bytes(random.Next(1, 40));
            input[0] = (byte)random.Next(0xb8, 0x100); // long forms: the largest claims
            inputs.Add(input);
        }

        for (int i = 0; i < 50; i++)
            inputs.Add(RlpTree.Random(random, 4).Encode());

        RlpReader.Validate([0xc0]); // warm up (JIT, static data)
        try
        {
            RlpReader.Validate([0xbf]);
        }
        catch (RlpException)
        {
        }

        long worst = 0;
        foreach (byte[] input in inputs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool ok = true;
            try
            {
                RlpReader.Validate(input);
            }
            catch (RlpException)
            {
                ok = false;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (ok)
                Assert.Equal(0, allocated);
            worst = Math.Max(worst, allocated);
        }

        output.WriteLine($"worst allocation per call: {worst} bytes");
        Assert.InRange(worst, 0, 16 * 1024);
    }

    [Fact]
    public void ProperPrefixes_AreNeverAccepted()
    {
        var random = TestRandom.Create(output, 5);
        for (int trial = 0; trial < 100; trial++)
        {
            byte[] encoded = RlpTree.Random(random, 3).Encode();
            int step = 1 + encoded.Length / 500;
            for (int cut = 0; cut < encoded.Length; cut += random.Next(1, step + 1))
                Assert.Throws<RlpException>(() => RlpReader.Validate(encoded.AsSpan(0, cut)));
        }
    }
}
