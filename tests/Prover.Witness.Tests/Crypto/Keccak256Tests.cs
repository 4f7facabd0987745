using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Prover.Witness.Crypto;
using Xunit.Abstractions;

namespace Prover.Witness.Tests.Crypto;

public sealed class Keccak256Tests(ITestOutputHelper output)
{
    // Expected digests computed outside this code base by a separate, array-based Python Keccak
    // written from FIPS 202 and cross-checked against hashlib.sha3_256 (same permutation, domain
    // byte 0x06); Keccak-256 differs only in the domain byte (0x01).
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("616263", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("c0", "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")] // empty RLP list (ommers hash)
    [InlineData("80", "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")] // empty trie root
    public void KnownAnswers(string inputHex, string expectedHex)
    {
        byte[] input = Hex.Decode(inputHex);
        Assert.Equal(expectedHex, Hex.Encode(Keccak256.Hash(input)));
    }

    /// <summary>Lengths around the 136-byte rate: 135 puts domain and final bit in one byte.</summary>
    [Theory]
    [InlineData(135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f")]
    [InlineData(136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed")]
    [InlineData(137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a")]
    [InlineData(200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0")]
    [InlineData(272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5")]
    [InlineData(1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b")]
    public void KnownAnswers_AcrossTheRateBoundary(int length, string expectedHex)
    {
        byte[] input = Pattern(length);
        Assert.Equal(expectedHex, Hex.Encode(Keccak256.Hash(input)));

        Span<byte> digest = stackalloc byte[40];
        digest.Fill(0xee);
        Keccak256.Hash(input, digest);
        Assert.Equal(expectedHex, Hex.Encode(digest[..32]));
        Assert.True(digest[32..].IndexOfAnyExcept((byte)0xee) < 0, "wrote past 32 bytes");
    }

    [Fact]
    public void KnownAnswer_MillionA()
    {
        byte[] input = new byte[1_000_000];
        input.AsSpan().Fill((byte)'a');
        Assert.Equal("fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96", Hex.Encode(Keccak256.Hash(input)));
    }

    [Fact]
    public void EmptyHash_MatchesHashOfEmpty() =>
        Assert.Equal(Keccak256.Hash([]), Keccak256.EmptyHash.ToArray());

    [Fact]
    public void Streaming_EqualsOneShot_ForRandomSplits()
    {
        var random = TestRandom.Create(output, 1234);
        var hasher = new Keccak256();
        for (int trial = 0; trial < 300; trial++)
        {
            int length = random.Next(0, 700);
            byte[] data = random.Bytes(length);
            int position = 0;
            while (position < length)
            {
                int chunk = random.Next(0, Math.Min(length - position, 300) + 1);
                hasher.Append(data.AsSpan(position, chunk));
                position += chunk;
            }

            Assert.Equal(Keccak256.Hash(data), hasher.GetHashAndReset());
        }
    }

    [Fact]
    public void GetHashAndReset_Resets()
    {
        var hasher = new Keccak256();
        hasher.Append("abc"u8);
        _ = hasher.GetHashAndReset();
        Assert.Equal(Keccak256.EmptyHash.ToArray(), hasher.GetHashAndReset());
        hasher.Append("ab"u8);
        hasher.Reset();
        hasher.Append("abc"u8);
        Assert.Equal("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", Hex.Encode(hasher.GetHashAndReset()));
    }

    /// <summary>
    /// The same sponge with the FIPS 202 domain byte must be SHA3-256: a differential test of the
    /// permutation against the platform's implementation (OpenSSL), over many lengths.
    /// </summary>
    [Fact]
    public void Permutation_MatchesPlatformSha3_256()
    {
        if (!SHA3_256.IsSupported)
        {
            output.WriteLine("SHA3-256 not supported by the platform; differential check not run");
            return;
        }

        var random = TestRandom.Create(output, 99);
        Span<byte> ours = stackalloc byte[32];
        for (int length = 0; length < 600; length += 1 + random.Next(7))
        {
            byte[] data = random.Bytes(length);
            Keccak256.Sponge(data, ours, Keccak256.Sha3Domain);
            Assert.Equal(SHA3_256.HashData(data), ours.ToArray());
        }
    }

    /// <summary>The eight-lane AVX-512 permutation equals eight scalar ones on random states.</summary>
    [Fact]
    public void EightLanePermutation_MatchesScalar()
    {
        if (!KeccakF1600x8.IsSupported)
        {
            output.WriteLine("AVX-512 not available; eight-lane permutation not run");
            return;
        }

        var random = TestRandom.Create(output, 8);
        for (int trial = 0; trial < 20; trial++)
        {
            var scalar = new KeccakState[8];
            KeccakStatex8 vector = default;
            for (int i = 0; i < KeccakF1600.Lanes; i++)
            {
                var lanes = new ulong[8];
                for (int m = 0; m < 8; m++)
                {
                    lanes[m] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
                    scalar[m][i] = lanes[m];
                }

                vector[i] = System.Runtime.Intrinsics.Vector512.Create(lanes);
            }

            KeccakF1600x8.Permute(ref vector);
            for (int m = 0; m < 8; m++)
            {
                KeccakF1600.Permute(ref scalar[m]);
                for (int i = 0; i < KeccakF1600.Lanes; i++)
                    Assert.Equal(scalar[m][i], vector[i].GetElement(m));
            }
        }
    }

    /// <summary>Batch hashing (vector and scalar paths) equals one-at-a-time hashing, for mixed lengths and batch sizes.</summary>
    [Fact]
    public void HashMany_MatchesOneAtATime()
    {
        var random = TestRandom.Create(output, 1111);
        for (int trial = 0; trial < 60; trial++)
        {
            int count = random.Next(0, 60);
            var messages = new List<byte[]>();
            for (int i = 0; i < count; i++)
                messages.Add(random.Bytes(random.Next(3) == 0 ? random.Next(130, 420) : random.Next(0, 140)));
            Hash256[] expected = [.. messages.Select(m => Keccak256.HashToValue(m))];

            var hashes = new Hash256[count];
            Keccak256.HashMany(messages, hashes);
            Assert.Equal(expected, hashes);
            Keccak256.HashMany(messages, hashes.AsSpan(), vectorised: false);
            Assert.Equal(expected, hashes);
            if (KeccakF1600x8.IsSupported)
            {
                Array.Clear(hashes);
                Keccak256.HashMany(messages, hashes.AsSpan(), vectorised: true);
                Assert.Equal(expected, hashes);
            }
        }

        Assert.Throws<ArgumentException>(() => Keccak256.HashMany([[1], [2]], new Hash256[1]));
    }

    /// <summary>RC[i] bit 2^j − 1 is rc(j + 7i) from the degree-8 LFSR x^8 + x^6 + x^5 + x^4 + 1 (FIPS 202, Algorithm 5).</summary>
    [Fact]
    public void RoundConstants_MatchTheLfsr()
    {
        for (int round = 0; round < 24; round++)
        {
            ulong expected = 0;
            for (int j = 0; j <= 6; j++)
            {
                if (Rc(j + 7 * round))
                    expected |= 1UL << ((1 << j) - 1);
            }

            Assert.Equal(expected, KeccakF1600.RoundConstants[round]);
        }

        static bool Rc(int t)
        {
            if (t % 255 == 0)
                return true;
            int r = 1; // bits R[0..7], R[0] in bit 0
            for (int i = 1; i <= t % 255; i++)
            {
                r <<= 1; // R = 0 || R, R[8] now in bit 8
                int r8 = (r >> 8) & 1;
                r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
                r &= 0xff;
            }

            return (r & 1) == 1;
        }
    }

    [Fact]
    public void ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => Keccak256.Hash("abc"u8, new byte[31]));
        Assert.Throws<ArgumentException>(() => new Keccak256().GetHashAndReset(new byte[31]));
    }

    [Fact]
    public void Hash256_RoundTripsAndCompares()
    {
        Hash256 a = Keccak256.HashToValue([]);
        Assert.Equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", a.ToString());
        Assert.Equal(a, Hash256.Parse(a.ToString()));
        Assert.Equal(Keccak256.EmptyHash.ToArray(), a.ToArray());
        Assert.NotEqual(a, Keccak256.HashToValue([0]));
        Assert.Throws<FormatException>(() => Hash256.Parse("0x1234"));
    }

    private static byte[] Pattern(int length)
    {
        var result = new byte[length];
        for (int i = 0; i < length; i++)
            result[i] = (byte)(i * 7 + 3);
        return result;
    }
}
