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
/// first pinned at 902ed01 and recomputed by running main each time main changed the proofs; format 5 — the LogUp quotient
/// raise in the header and next-row openings of the columns read there — recomputed by running branch `size` after
/// merging main's zkVM proof version 3: per-shard chip sets; format 7 — the cyclic LogUp running sum in place of each table's
/// last group column — recomputed from this test's output on branch `lgsum`, every demo's bytes changing with the version; format 9 — one quotient
/// for all tables — on branch `qcomb`; the development demos again on main when development took 96 queries and 20 PoW bits,
/// from the CLI's `prover demo` files, whose SHA-256 prefixes the failing test printed), so any change to the
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
    [InlineData("fibonacci", 6, "development", "4e2336a880c67f3e9e4bc27fef0f8d6abe432545472e14c175ace673e7444af3")]
    [InlineData("lookup", 5, "development", "4cf9223c2461224b9829aa329b7be785e8ea17e9f1faff77d6aefaea11c9c3e3")]
    [InlineData("fibonacci", 4, "provable-100", "e865dbd7b632efda1d4dfb6a3e88825f62b9cf2a913595740e6972b0e14679a1")]
    [InlineData("fibonacci", 12, "development", "f0836b2c7c06aa8eed8a5bd7a91c7e1adf1799fc1baf65d86d4c4a4f6749fe65")] // FRI steps and multi-openings
    [InlineData("poseidon2", 9, "provable-100", "18b1fd4fd1269752cf96f3a3c09b18f0d63b33d14d10c9072db7cedc530e8e5c")]
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
        // Recomputed by running main after merging branches keccak and modmul onto format 5 (issue 15): the syscall chip
        // gained the KECCAK_PERMUTE and MODMUL256/384 selector columns and their sends (hello has no accelerator tables:
        // those chips are WhenUsed). Recomputed for the merge of branches guestopt (hello.elf's runtime: word-wise libc
        // routines changed its code and so the Program ROM; still 206 cycles), sha256 (the syscall chip's SHA256_COMPRESS
        // selector and send) and ecc (six point selectors and their Weierstrass sends; registry 17 sha256, 18–23 point chips).
        _output.WriteLine($"hello zkVM proof: {proof.ToBytes().Length} B, SHA-256 {Sha(proof.ToBytes())}");
        // Recomputed on branch lean2 (issue 19) from this test's output: the byte table is sized to use (rows of the pairs
        // the shard looks up, 16 bit columns, no preprocessed columns) and the zkVM proof version is 4.
        // Recomputed on main from this test's output after merging branches lean4 and image (issue 19, issue 14): the mul
        // gadget and the load/store chip check bytes in pairs on the ByteAnd bus (more main columns, fewer interactions), every
        // shard has the preprocessed image table (chip 24), which sends the initial memory in the last shard, and the zkVM
        // proof version is 6.
        // Recomputed on branch lean5 (issue 19) from this test's output: development raises LogUp quotients up to 2 chunks
        // (the configuration's raise is in the header, so every development proof's transcript changes; the bitwise table
        // pairs its lookups). The development demo pins above were recomputed from the same run. Recomputed again on lean5
        // for the CPU chip's clk_q bound by induction (one inverse column instead of two Range16 lookups), and again for its
        // next pc without Range16 lookups, for the load/store chip's TopByte column, and for zkVM proof version 7. (hello's size moves by ±1% between these: with a 2^9-row LDE the count of distinct
        // query rows, hence of opened rows, depends on the transcript.)
        // Recomputed on branch lgsum (issue 19) from this test's output: STARK format 7 and zkVM proof version 8 (each table's
        // cyclic LogUp running sum stands in for its last group's column: one LogUp column and three constraints fewer per table).
        // Recomputed again on lgsum from this test's output: only the running sum is opened at ζ·ω (64,021 → 58,049 B).
        // Recomputed on branch qcomb (issue 19) from this test's output after merging lgsum: one quotient for all of a proof's
        // tables (STARK format 9, zkVM proof version 9); the demo pins above were recomputed from the same run (a one-table proof's
        // bytes differ only through the version in the transcript: μ's draw leaves ζ as it was, drawn after observing Q's cap).
        // Recomputed on main from this test's output after merging both (lgsum's ζ·ω openings of the running sum only, and
        // qcomb's one quotient): 51,909 B.
        // Recomputed on branch gtree (issue 14) from this test's output: zkVM proof version 10, the global transcript observes
        // the tree digest of the shards' commitments instead of each commitment (other challenges, so other queried rows;
        // the format is unchanged): 56,165 B.
        Assert.Equal("566b2d967ef6972f5cfec0d8d241751e68c72e28da15c6620cbeed12fe2edb4b", Sha(proof.ToBytes()));
    }
}
