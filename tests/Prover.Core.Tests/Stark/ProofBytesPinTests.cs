using System.Security.Cryptography;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Tests.Machine;
using Prover.Core.Tests.Zkvm;
using Prover.Core.Zkvm.Proving;
using Xunit.Abstractions;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// Pins the bytes of proofs under the 8-element-digest configurations: the SHA-256 of each file below was
/// computed by running main at 902ed01 (before the wide digest of provable-128 existed), so any change to the
/// 8-element Merkle, sponge, transcript or proof format path shows up here. Proofs are deterministic (no
/// randomness; the PoW witness is the smallest that works), so the bytes must match exactly.
/// </summary>
public sealed class ProofBytesPinTests
{
    private readonly ITestOutputHelper _output;

    public ProofBytesPinTests(ITestOutputHelper output) => _output = output;

    private string Sha(byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        _output.WriteLine($"{bytes.Length} bytes, sha256 {hex}");
        return hex;
    }

    [Theory]
    [InlineData("fibonacci", 6, "development", "667980641324c8750f8125ee798fe97a35d0b4b44cf1be6b0105d3352b210d17")]
    [InlineData("lookup", 5, "development", "9f411b4ec49df1c4d6bbc6f77ef34c74792a3016d1fe4b28f14ee06306685e65")]
    [InlineData("fibonacci", 4, "provable-100", "321ae4dc1e6ef112fc89c37204a74493687ac28f5d0aac91b33f95e99bcff65f")]
    public void Demo_proof_bytes_are_those_of_main(string demo, int logRows, string config, string sha256)
    {
        var (file, _) = DemoProofs.Prove(demo, logRows, config);
        Assert.Equal(sha256, Sha(file));
    }

    [Fact]
    public void Zkvm_proof_bytes_are_those_of_main()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 10 }).Prove(program, [1, 2, 3]);
        Assert.Equal("4d55d13d6866999491aa3b53d7cbdab3eca2ab654c435f45c3797213473d1df1", Sha(proof.ToBytes()));
    }
}
