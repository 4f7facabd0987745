using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Tables;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The input commitment under 12-element digests (docs/design.md, "Recursion", "At 128 bits"; docs/zkvm.md, "Input"):
/// the input-commitment chip hashes with width-24 Poseidon2 and commits to 12 elements, chosen by the configuration's
/// digest shape; 8-element configurations keep the width-16 chip. Honest proofs verify with the native 12-element
/// commitment; forged chip traces (another absorbed word, a changed 9th–12th digest element, another input length)
/// are rejected. Development rates with 12-element digests keep these fast.
/// </summary>
public sealed class WideInputCommitmentTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Wide = ZkvmProving.Config with { DigestElements = 12 };

    private static readonly byte[] Input = [.. Enumerable.Range(0, 37).Select(i => (byte)(5 * i + 2))];

    private static readonly Lazy<ZkvmProgram> Hello = new(() => ZkvmProgram.FromElf(GuestTests.Elf("hello")));

    private static ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest> Prove(Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null) =>
        new ZkvmProver<KoalaBearQuartic, KoalaBearWideDigest>(new ZkvmProverOptions { Config = Wide, ShardSize = 1L << 22, Tamper = tamper })
            .Prove(Hello.Value, Input);

    private static ZkvmVerification Verify(ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest> proof) =>
        new ZkvmVerifier<KoalaBearQuartic, KoalaBearWideDigest>(Wide, Hello.Value).Verify(proof.ToBytes());

    private static InputCommitAir WideAir => (InputCommitAir)Hello.Value.ForDigest(12).Airs[ZkvmTable.InputCommit];

    [Fact]
    public void The_chip_follows_the_digest_shape_and_nothing_else_changes()
    {
        var program = Hello.Value;
        Assert.Same(program, program.ForDigest(8));
        var wide = program.ForDigest(12);
        Assert.Same(wide, program.ForDigest(12));
        Assert.Same(wide, wide.ForDigest(12));
        Assert.Same(program, wide.ForDigest(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => program.ForDigest(10));
        var narrowAir = (InputCommitAir)program.Airs[ZkvmTable.InputCommit];
        Assert.Equal((16, 8, 10, "input-commit"), (narrowAir.StateWidth, narrowAir.CommitmentElements, narrowAir.PublicValueCount, narrowAir.Name));
        Assert.Equal((24, 12, 14), (WideAir.StateWidth, WideAir.CommitmentElements, WideAir.PublicValueCount));
        // The input chunk (the budget policy's chunked input commitment) follows the digest the same way.
        var narrowChunk = (InputChunkAir)program.Airs[ZkvmTable.InputChunk];
        var wideChunk = (InputChunkAir)wide.Airs[ZkvmTable.InputChunk];
        Assert.Equal((16, 8), (narrowChunk.StateWidth, narrowChunk.CommitmentElements));
        Assert.Equal((24, 12), (wideChunk.StateWidth, wideChunk.CommitmentElements));
        // Every other chip is the same object (compiled-AIR caches keyed by identity see one AIR), the digest is the program's.
        for (int c = 0; c < program.Airs.Count; c++)
            if (c is not (ZkvmTable.InputCommit or ZkvmTable.InputChunk))
            {
                Assert.Same(program.Airs[c], wide.Airs[c]);
                Assert.Same(program.CompiledAirs[c], wide.CompiledAirs[c]);
            }
        Assert.Equal(program.Digest, wide.Digest);
        Assert.Equal(8, program.InputCommitmentElements);
        Assert.Equal(12, wide.InputCommitmentElements);
    }

    [Fact]
    public void Native_wide_commitment_separates_lengths_and_contents()
    {
        KoalaBear[] C(byte[] x) => InputCommitment.Compute(x, 12);
        Assert.Equal(12, C([1, 2, 3]).Length);
        Assert.NotEqual(C([]), C([0]));
        Assert.NotEqual(C([0]), C([0, 0]));
        Assert.NotEqual(C(new byte[16]), C(new byte[17]));
        Assert.NotEqual(C([1, 2, 3]), C([1, 2, 4]));
        Assert.Equal(C([9, 8, 7]), C([9, 8, 7]));
        // Not the 8-element commitment extended: another permutation.
        Assert.NotEqual(InputCommitment.Compute([1, 2, 3]), C([1, 2, 3])[..8]);
        Assert.Equal(InputCommitment.Compute([1, 2, 3]), InputCommitment.Compute([1, 2, 3], 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => InputCommitment.Compute([1], 16));
        // The chip's trace states exactly the native commitment.
        var trace = InputCommitTrace.Generate(WideAir, Input, new LookupCounts(), out var publics);
        Assert.Equal(WideAir.Width, trace.Width);
        Assert.Equal(InputCommitment.Compute(Input, 12), publics[InputCommitCols.PublicCommitment..]);
        Assert.Equal([(ulong)Input.Length, 0UL], publics[..2].Select(p => (ulong)p.ToCanonical()));
    }

    [Fact]
    public void Honest_wide_proof_states_the_twelve_element_commitment()
    {
        var proof = Prove();
        Assert.Equal(12, proof.InputCommitment.Length);
        var result = Verify(proof);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(InputCommitment.Compute(Input, 12), result.InputCommitment);
        // The file check against the expected input uses the proof's commitment length.
        var check = new ZkvmProofCheck(Wide.Name, result, 0, Hello.Value.Digest);
        Assert.True(ZkvmProofFile.CheckInput(check, Input).Result.IsValid);
        Assert.False(ZkvmProofFile.CheckInput(check, [.. Input[..^1], 0]).Result.IsValid);
        // A changed 9th–12th element of the claim is rejected by the shard verifier.
        for (int k = 8; k < 12; k++)
        {
            var c = proof.InputCommitment.ToArray();
            c[k] += KoalaBear.One;
            var forged = Verify(With(proof, c));
            Assert.False(forged.IsValid, $"element {k + 1}");
            Assert.Contains("input-commitment chip", forged.Error);
        }
        // An 8-element commitment in a 12-element proof is not even written.
        Assert.Throws<InvalidOperationException>(() => With(proof, proof.InputCommitment[..8]).ToBytes());
    }

    private static ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest> With(ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest> p, KoalaBear[] commitment) => new()
    {
        ProgramDigest = p.ProgramDigest, ExitCode = p.ExitCode, Cycles = p.Cycles, InputSize = p.InputSize, InputCommitment = commitment,
        Output = p.Output, ShardChips = p.ShardChips, Shards = p.Shards,
    };

    private void AssertRejected(string what, Action<RowMajorMatrix<KoalaBear>, KoalaBear[][]> tamper, Func<ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest>, ZkvmProof<KoalaBearQuartic, KoalaBearWideDigest>>? claim = null)
    {
        bool tampered = false;
        var proof = Prove((_, t, publics) =>
        {
            if (t[ZkvmTable.InputCommit] is not { } chip)
                return;
            tamper(chip, publics);
            tampered = true;
        });
        Assert.True(tampered, "the last shard has the input-commitment chip");
        var result = Verify(claim is null ? proof : claim(proof));
        output.WriteLine($"{what}: {result.Error}");
        Assert.False(result.IsValid, what);
    }

    [Fact]
    public void Forged_wide_chip_traces_are_rejected()
    {
        int inputs = InputCommitCols.Permutation, outputs = InputCommitCols.Permutation + WideAir.Permutation.OutputColumn(0);
        // The honest hook: nothing changed verifies (so the rejections below are the tampering's).
        var honest = Prove((_, _, _) => { });
        Assert.True(Verify(honest).IsValid, Verify(honest).Error);

        // Another absorbed word: one rate limb changed in place (the permutation no longer matches its output) ...
        AssertRejected("absorbed limb bumped", (chip, _) => chip[0, inputs] += KoalaBear.One);
        // ... or the whole chip regenerated, self-consistent, over another input of the same length: the words it sends
        // on the input bus are not memory's initial words (and its Range16 lookups not the byte table's counts).
        byte[] other = [.. Input];
        other[3] ^= 0x40;
        AssertRejected("absorbed another input", (chip, publics) => Replace(chip, publics, other));

        // A changed digest element 9–12: in the public values only (the last row's output no longer equals them) ...
        for (int k = 8; k < 12; k++)
        {
            int e = k;
            AssertRejected($"public digest element {e + 1}", (_, publics) => publics[ZkvmTable.InputCommit][InputCommitCols.PublicCommitment + e] += KoalaBear.One);
        }
        // ... or in the last real row's output cell and the public value together (the permutation no longer holds).
        int last = InputCommitment.Words(Input).Length / 2 - 1;
        AssertRejected("output cell and public digest element 12", (chip, publics) =>
        {
            chip[last, outputs + 11] += KoalaBear.One;
            publics[ZkvmTable.InputCommit][InputCommitCols.PublicCommitment + 11] += KoalaBear.One;
        });
        // A capacity element past the narrow chip's 8 (element 20 of 24) not chained from the previous row's output.
        AssertRejected("capacity element 20 unchained", (chip, _) => chip[last, inputs + 19] += KoalaBear.One);

        // Another input length: the chip regenerated, self-consistent, for the input zero-extended to 40 bytes (the same
        // double words, so its bus sends are memory's): its size is not the one the syscall and load/store chips use,
        // whether the claim keeps the real size ...
        byte[] longer = [.. Input, 0, 0, 0];
        AssertRejected("chip states 40 bytes, claim 37", (chip, publics) => Replace(chip, publics, longer));
        // ... or states the chip's.
        AssertRejected("chip and claim state 40 bytes", (chip, publics) => Replace(chip, publics, longer), p => new()
        {
            ProgramDigest = p.ProgramDigest, ExitCode = p.ExitCode, Cycles = p.Cycles, InputSize = (ulong)longer.Length,
            InputCommitment = p.InputCommitment, Output = p.Output, ShardChips = p.ShardChips, Shards = p.Shards,
        });
        // The size public value changed alone (the first row's capacity holds the real size).
        AssertRejected("size public value", (_, publics) => publics[ZkvmTable.InputCommit][InputCommitCols.PublicSizeLo] += KoalaBear.One);
    }

    private static void Replace(RowMajorMatrix<KoalaBear> chip, KoalaBear[][] publics, byte[] input)
    {
        var forged = InputCommitTrace.Generate(WideAir, input, new LookupCounts(), out var forgedPublics);
        Assert.Equal(chip.Height, forged.Height);
        for (int r = 0; r < chip.Height; r++)
            forged.Row(r).CopyTo(chip.Row(r));
        publics[ZkvmTable.InputCommit] = forgedPublics;
    }
}
