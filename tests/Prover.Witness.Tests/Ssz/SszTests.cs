using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Prover.Witness.Formats;
using HexUtil = Prover.Witness.Formats.Hex;
using Prover.Witness.Ssz;

namespace Prover.Witness.Tests.Ssz;

public class SszTests
{
    private static JsonElement[] Cases()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Vectors", "ssz_stateless_input.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static TheoryData<string> CaseNames() => new(Cases().Select(c => c.GetProperty("name").GetString()!));

    private static (byte[] Wire, JsonElement Case) Load(string name)
    {
        var c = Cases().Single(x => x.GetProperty("name").GetString() == name);
        var ssz = HexUtil.ParseData(c.GetProperty("ssz").GetString(), "ssz");
        var wire = new byte[2 + ssz.Length];
        BinaryPrimitives.WriteUInt16BigEndian(wire, c.GetProperty("schema_id").GetUInt16());
        ssz.CopyTo(wire, 2);
        return (wire, c);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_encode_and_roots_match_an_independent_implementation(string name)
    {
        var (wire, c) = Load(name);
        var input = StatelessInput.Decode(wire);
        Assert.Equal(wire, input.Encode());
        Assert.Equal(c.GetProperty("npr_root").GetString(), HexUtil.ToHex(input.NewPayloadRequest.HashTreeRoot()));
        Assert.Equal(c.GetProperty("witness_root").GetString(), HexUtil.ToHex(input.Witness.HashTreeRoot()));
        Assert.Equal(c.GetProperty("input_root").GetString(), HexUtil.ToHex(input.HashTreeRoot()));
    }

    [Fact]
    public void Truncations_fail_cleanly_unless_they_drop_whole_trailing_keys()
    {
        // The last field (public_keys) runs to the end, so cutting whole 65-byte keys off the end
        // leaves a valid, shorter input; every other cut must fail with an SszException.
        var (wire, _) = Load("osaka-requests");
        var full = StatelessInput.Decode(wire);
        for (int len = 0; len < wire.Length; len++)
        {
            int cut = wire.Length - len;
            if (cut % 65 == 0 && cut / 65 <= full.PublicKeys.Length)
            {
                var shorter = StatelessInput.Decode(wire.AsSpan(0, len));
                Assert.Equal(full.PublicKeys.Length - cut / 65, shorter.PublicKeys.Length);
            }
            else
            {
                Assert.Throws<SszException>(() => StatelessInput.Decode(wire.AsSpan(0, len)));
            }
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var (wire, _) = Load("cancun-small");
        var longer = wire.Concat(new byte[] { 0 }).ToArray();
        var ex = Assert.Throws<SszException>(() => StatelessInput.Decode(longer));
        Assert.Contains("public_keys", ex.Message, StringComparison.Ordinal); // the last field absorbs the byte and is no longer a multiple of 65
    }

    [Fact]
    public void Single_byte_corruptions_either_fail_cleanly_or_decode_canonically()
    {
        // SSZ is bijective on valid inputs: whatever decodes must re-encode to the same bytes.
        var (wire, _) = Load("osaka-requests");
        var rng = new Random(20261121);
        Console.WriteLine("seed 20261121");
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bad = (byte[])wire.Clone();
            int at = rng.Next(bad.Length);
            bad[at] ^= (byte)(1 + rng.Next(255));
            try
            {
                var decoded = StatelessInput.Decode(bad);
                Assert.Equal(bad, decoded.Encode());
                accepted++;
            }
            catch (SszException)
            {
            }
        }
        Assert.InRange(accepted, 1, 2999); // most flips land in data bytes and decode; offset flips must fail
    }

    [Fact]
    public void Random_bytes_never_crash()
    {
        var rng = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[rng.Next(0, 200)];
            rng.NextBytes(bytes);
            if (bytes.Length >= 2)
                BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)((0x10 + rng.Next(5)) << 8 | 1));
            try { StatelessInput.Decode(bytes); }
            catch (SszException) { }
        }
    }

    [Fact]
    public void Huge_offsets_and_counts_are_rejected_before_allocating()
    {
        // A state list whose first offset claims 2^30 elements.
        var w = new SszWriter();
        w.WriteUInt32(12); w.WriteUInt32(16); w.WriteUInt32(16);
        w.WriteUInt32(0xFFFFFFFC);
        var r = new SszReader(w.WrittenSpan);
        try { ExecutionWitness.Read(ref r); Assert.Fail("accepted"); }
        catch (SszException ex) { Assert.Contains("offset", ex.Message, StringComparison.Ordinal); }
    }

    [Fact]
    public void Unknown_or_unsupported_schema_ids_are_rejected()
    {
        Assert.Throws<SszException>(() => StatelessInput.Decode([0x10, 0x02]));
        Assert.Throws<SszException>(() => StatelessInput.Decode([0x15, 0x01])); // Amsterdam has no shape here
        Assert.Throws<SszException>(() => StatelessInput.Decode([0x0D, 0x01])); // no fork index 0x0D (pre-merge)
        Assert.Throws<SszException>(() => StatelessInput.Decode([0x10]));
    }

    [Fact]
    public void Schema_ids_follow_fork_index()
    {
        Assert.Equal(0x0E01, Fork.Paris.SchemaId());
        Assert.Equal(0x0F01, Fork.Shanghai.SchemaId());
        Assert.Equal(0x1001, Fork.Cancun.SchemaId());
        Assert.Equal(0x1101, Fork.Prague.SchemaId());
        Assert.Equal(0x1201, Fork.Osaka.SchemaId());
        Assert.Equal(0x1401, Fork.Bpo2.SchemaId());
    }

    [Fact]
    public void Empty_progressive_list_root_is_hash_of_two_zero_chunks()
    {
        var expected = SHA256.HashData(new byte[64]);
        Assert.Equal(expected, Merkle.ProgressiveCompositeListRoot([]));
        Assert.Equal("0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b", HexUtil.ToHex(expected));
    }

    [Fact]
    public void Progressive_merkleization_follows_the_recursive_definition()
    {
        // Reference: the spec's recursion written out directly, for every count up to 90 chunks.
        static byte[] Reference(byte[][] chunks, int numLeaves)
        {
            if (chunks.Length == 0)
                return new byte[32];
            var first = chunks.Take(numLeaves).SelectMany(c => c).ToArray();
            var rest = chunks.Skip(numLeaves).ToArray();
            return Merkle.Hash(Reference(rest, numLeaves * 4), Merkle.Merkleize(first, (ulong)numLeaves));
        }
        var rng = new Random(3);
        for (int n = 0; n <= 90; n++)
        {
            var chunks = Enumerable.Range(0, n).Select(_ => { var c = new byte[32]; rng.NextBytes(c); return c; }).ToArray();
            Assert.Equal(Reference(chunks, 1), Merkle.MerkleizeProgressive(chunks.SelectMany(c => c).ToArray()));
        }
    }

    [Fact]
    public void Merkleize_pads_virtually_to_the_limit()
    {
        var chunk = Enumerable.Repeat((byte)7, 32).ToArray();
        var zero = new byte[32];
        var h01 = Merkle.Hash(chunk, zero);
        var expected = Merkle.Hash(h01, Merkle.Hash(zero, zero));
        Assert.Equal(expected, Merkle.Merkleize(chunk, 4));
        Assert.Equal(expected, Merkle.Merkleize(chunk, 3));
        Assert.Equal(chunk, Merkle.Merkleize(chunk, 1));
        Assert.Throws<ArgumentException>(() => Merkle.Merkleize(new byte[64], 1));
    }

    [Fact]
    public void Validation_result_is_43_bytes_in_the_documented_layout()
    {
        var (wire, _) = Load("prague-empty-requests");
        var input = StatelessInput.Decode(wire);
        var result = StatelessValidationResult.For(input, successful: true);
        var bytes = result.Encode();
        Assert.Equal(43, bytes.Length);
        Assert.Equal(input.NewPayloadRequest.HashTreeRoot(), bytes[..32]);
        Assert.Equal(1, bytes[32]);
        Assert.Equal(input.ChainId, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(33)));
        Assert.Equal(0x1101, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(41)));
        Assert.Equal(result, StatelessValidationResult.Decode(bytes) with { NewPayloadRequestRoot = result.NewPayloadRequestRoot });
        bytes[32] = 2;
        Assert.Throws<SszException>(() => StatelessValidationResult.Decode(bytes));
        Assert.Throws<SszException>(() => StatelessValidationResult.Decode(bytes.AsSpan(0, 42)));
    }
}
