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
/// computed by running main without the wide digest of provable-128 (at e6a31d6: batched LogUp, one byte table, Merkle caps and multi-openings, FRI arity 8;
/// first pinned at 902ed01 and recomputed by running main each time main changed the proofs), so any change to the
/// 8-element Merkle, sponge, transcript or proof format path shows up here. The zkVM pin was recomputed on branch chips
/// (zkVM proof version 3: per-shard chip sets, hello's shards without the Mul and DivRem tables). Proofs are deterministic (no
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
    [InlineData("fibonacci", 6, "development", "89a25d62fa5ff68a0913ccc43e395780b336ee290e796571befb3cc4678d8c01")]
    [InlineData("lookup", 5, "development", "8aa4be5ef10ec9b40526e7ae52de2051469f85c2077e7ca7413b090ce7dd7659")]
    [InlineData("fibonacci", 4, "provable-100", "6c7f32d473ab28bfa5c55a5dcd8dc52b8fb54a046cd135c3da819a55cbd176e5")]
    [InlineData("fibonacci", 12, "development", "d1a12d88406028c3f2327853f7b4eb0bb5f3a7a33fe0b634447d11327a793c72")] // FRI steps and multi-openings
    [InlineData("poseidon2", 9, "provable-100", "b6442889266a97e7d1488b7ce7005867ffcf6a65efb70249c5e2d4a2feae47a0")]
    public void Demo_proof_bytes_are_those_of_main(string demo, int logRows, string config, string sha256)
    {
        var (file, _) = DemoProofs.Prove(demo, logRows, config);
        Assert.Equal(sha256, Sha(file));
    }

    /// <summary>
    /// Recomputed on branch <c>modmul</c> (issue 15) after the chip registry: hello makes no modmul call, so its shards have no
    /// modmul tables, but the syscall chip gained the two modmul selectors and ModMul sends, which changes its table.
    /// </summary>
    [Fact]
    public void Zkvm_proof_bytes_are_those_of_main()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 10 }).Prove(program, [1, 2, 3]);
        Assert.Equal("2d45c33c6a0d4370c17a59d6fdb952dd42bf865d92a061e255e24a56e1c4e14c", Sha(proof.ToBytes()));
    }
}
