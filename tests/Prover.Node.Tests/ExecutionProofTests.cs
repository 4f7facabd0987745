using System.Security.Cryptography;
using Prover.Node.Eip8025;
using Prover.Witness.Ssz;

namespace Prover.Node.Tests;

/// <summary>EIP-8025 containers: SSZ round trips, strict decoding, and roots against an independent reference (execution_proof_roots.py).</summary>
public class ExecutionProofTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // name, hash_tree_root, sha256(SSZ bytes) — printed by `python3 tests/Prover.Node.Tests/execution_proof_roots.py`
        { "empty", "766050ca9a15f39921dd17c1d52b6fca7c228e03a6defc9755e8a1b1ff0fb404", "ecfb2036f3dd00e699b718754dfaa9df856894de08164d27742faff176bf0bb8" },
        { "small", "fa8347e618b6e57d1b2600cc90e3d086c83779f523e2838aa925cb5708a13d7e", "a45931f4aacb5ebe3aa6d6a1fe926fd08d737e6281ba6acdfbcadfb499fc235d" },
        { "kib", "80601af228b243907d97cd02a4bf7b0cc1f5693d7986718bae8d1c841d45b5f5", "6959cd29f44636a5660f4a46acf4284f8e4e0cc2eb59f5b44ec86d5cbee54f21" },
        { "small-16mib", "1b37236979130c415bfae3c9e7cd4155275f363c6a2d40b2969f5af5adc156a1", "a45931f4aacb5ebe3aa6d6a1fe926fd08d737e6281ba6acdfbcadfb499fc235d" },
    };

    private static (ExecutionProof Proof, int Limit) Case(string name) => name switch
    {
        "empty" => (new ExecutionProof([], 0, new PublicInput(new byte[32])), ExecutionProof.SpecMaxProofSize),
        "small" => (new ExecutionProof([.. Enumerable.Range(0, 100).Select(i => (byte)i)], 0x4B,
            new PublicInput([.. Enumerable.Range(0, 32).Select(i => (byte)i)])), ExecutionProof.SpecMaxProofSize),
        "kib" => (new ExecutionProof([.. Enumerable.Range(0, 1000).Select(i => (byte)((i * 7 + 3) % 256))], 1,
            new PublicInput(Enumerable.Repeat((byte)0xAA, 32).ToArray())), ExecutionProof.SpecMaxProofSize),
        "small-16mib" => (Case("small").Proof, 16 << 20),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RootsAndBytesMatchTheIndependentReference(string name, string root, string bytesSha256)
    {
        var (proof, limit) = Case(name);
        Assert.Equal(root, Convert.ToHexStringLower(proof.HashTreeRoot(limit)));
        var bytes = proof.Encode(limit);
        Assert.Equal(bytesSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(proof, ExecutionProof.Decode(bytes, limit));
    }

    [Fact]
    public void PublicInputRootIsTheRootItself()
    {
        var root = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(root, new PublicInput(root).HashTreeRoot());
    }

    [Fact]
    public void RoundTripsRandomContainers()
    {
        var rng = new Random(8025);
        for (int i = 0; i < 20; i++)
        {
            var data = new byte[rng.Next(0, 5000)];
            rng.NextBytes(data);
            var root = new byte[32];
            rng.NextBytes(root);
            var proof = new ExecutionProof(data, (byte)rng.Next(256), new PublicInput(root));
            var decoded = ExecutionProof.Decode(proof.Encode());
            Assert.Equal(proof, decoded);
            Assert.Equal(proof.HashTreeRoot(), decoded.HashTreeRoot());
        }
    }

    [Fact]
    public void RejectsMalformedBytes()
    {
        var bytes = Case("small").Proof.Encode();
        Assert.Throws<SszException>(() => ExecutionProof.Decode(bytes.AsSpan(0, 36)));
        var badOffset = (byte[])bytes.Clone();
        badOffset[0] = 38;
        Assert.Throws<SszException>(() => ExecutionProof.Decode(badOffset));
        // 100 proof bytes are over a 99-byte limit, for decoding, encoding and rooting.
        Assert.Throws<SszException>(() => ExecutionProof.Decode(bytes, 99));
        Assert.Throws<ArgumentException>(() => Case("small").Proof.Encode(99));
        Assert.Throws<ArgumentException>(() => Case("small").Proof.HashTreeRoot(99));
        Assert.Throws<ArgumentException>(() => new PublicInput(new byte[31]));
    }

    [Fact]
    public void TheRootCommitsToEveryField()
    {
        var (p, _) = Case("small");
        var root = p.HashTreeRoot();
        var otherData = (byte[])p.ProofData.Clone();
        otherData[^1] ^= 1;
        Assert.NotEqual(root, new ExecutionProof(otherData, p.ProofType, p.PublicInput).HashTreeRoot());
        Assert.NotEqual(root, new ExecutionProof(p.ProofData, (byte)(p.ProofType + 1), p.PublicInput).HashTreeRoot());
        var otherRoot = (byte[])p.PublicInput.NewPayloadRequestRoot.Clone();
        otherRoot[0] ^= 1;
        Assert.NotEqual(root, new ExecutionProof(p.ProofData, p.ProofType, new PublicInput(otherRoot)).HashTreeRoot());
    }
}
