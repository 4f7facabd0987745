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
/// computed by running main without the wide digest of provable-128 (at 7c36ac8: batched LogUp, one byte table;
/// first pinned at 902ed01 and recomputed by running main each time main changed the proofs), so any change to the
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
    [InlineData("fibonacci", 6, "development", "ab5ec965361362026479cc28651b7a14888bd03bd1caf3ea8dbc6e51029a01e6")]
    [InlineData("lookup", 5, "development", "5813583e3c1f732d17128c3d1ed0a214a867f864ab520df605bc34375a4ded90")]
    [InlineData("fibonacci", 4, "provable-100", "3a0d844e8b9b9c3b210e457b18d9a32ceada9cf811b4ef4bf9d71ce31eac0ad2")]
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
        Assert.Equal("44f0c98d60f4b8c67db429bbc89efa3085c6b20f99b288d300cb893a96f34b99", Sha(proof.ToBytes()));
    }
}
