using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The program's initial memory as a preprocessed table (<see cref="ImageTable{F}"/>, chip <see cref="ZkvmTable.Image"/>):
/// the last shard's table contributes exactly the bus terms the verifier used to add itself
/// (<see cref="ZkvmStatement.ImageBusSumReference{TDef}"/>, at the proof's γ, β), every other shard's table nothing; a
/// prover that leaves the table out, sends the image in no shard or in two, frees its multiplicity, or proves another
/// program's image is rejected.
/// </summary>
public sealed class ImageTableTests
{
    private static readonly StarkConfig Config = ZkvmProving.Config;

    private static readonly Lazy<(ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Proof)> Hello = new(() => Prove("hello"));

    private static (ZkvmProgram, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>) Prove(string guest,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null) => Prove(ZkvmProgram.FromElf(GuestTests.Elf(guest)), tamper);

    private static (ZkvmProgram, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>) Prove(ZkvmProgram program,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null)
    {
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = Config, ShardSize = 64, CheckConstraints = tamper is null, Tamper = tamper,
        }).Prove(program, []);
        return (program, proof);
    }

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) =>
        new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program).Verify(proof.ToBytes());

    /// <summary>Whether the tamper hook sees the last shard (only it has the memory boundary).</summary>
    private static bool IsLast(RowMajorMatrix<KoalaBear>?[] traces) => traces[ZkvmTable.MemoryInit] is not null;

    /// <summary>The hello program with one non-zero byte of its data flipped: the same code, another initial memory.</summary>
    private static ZkvmProgram WithChangedData(ZkvmProgram a)
    {
        var g = a.Program;
        var segments = g.Segments.ToList();
        int s = segments.FindIndex(x => !x.Executable && x.Data.Any(b => b != 0));
        Assert.True(s >= 0, "the guest has a data segment with a non-zero byte");
        var data = segments[s].Data.ToArray();
        int i = Array.FindIndex(data, b => b != 0);
        data[i] ^= 1;
        segments[s] = segments[s] with { Data = data };
        return new ZkvmProgram(GuestProgram.Create(g.Entry, g.CodeBase, g.Words, segments));
    }

    [Fact]
    public void The_image_table_holds_the_image_and_the_initial_registers_and_is_in_every_shard()
    {
        var (program, proof) = Hello.Value;
        var table = program.ImageTable;
        Assert.Equal(ZkvmProgram.InitialValues(program.Image), table.Entries);
        Assert.Equal(program.Image.Count + 1, table.Entries.Count); // + sp
        Assert.Equal(Word.TraceHeight(table.Entries.Count), table.Height);
        Assert.Equal(ChipPresence.Always, ZkvmChips.All[ZkvmTable.Image].Presence);
        Assert.Same(table, program.Airs[ZkvmTable.Image]);
        Assert.True(proof.Shards.Count > 2);
        for (int s = 0; s < proof.Shards.Count; s++)
        {
            Assert.True(proof.ShardChips[s].Contains(ZkvmTable.Image));
            var publics = proof.Shards[s].PublicValues[proof.ShardChips[s].Position(ZkvmTable.Image)];
            Assert.Equal([s == proof.Shards.Count - 1 ? KoalaBear.One : KoalaBear.Zero], publics);
        }
        // The multiplicity is asserted boolean: the bus budget counts one send per row, not an unbounded one.
        var compiled = program.CompiledAirs[ZkvmTable.Image];
        Assert.Equal([1L], compiled.MultiplicityBounds);
        Assert.False(ZkvmBusBudget.PublicCounts(program, 10).ContainsKey(ZkvmBus.InitialValue));
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void The_last_shards_table_sends_exactly_the_old_verifier_terms_at_the_proofs_challenges()
    {
        var (program, proof) = Hello.Value;
        int n = proof.Shards.Count;
        var commitments = proof.Shards.Select((p, s) => ShardCommitment.Of(proof.ShardChips[s], p.LogHeights, p.PublicValues, p.MainCommitment)).ToArray();
        var claim = new ZkvmClaim(proof.InputSize, proof.InputCommitment, proof.Output, proof.ExitCode, proof.Cycles);
        var (error, statement) = ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>.CheckStatement(Config, program, claim, commitments, proof.Shards[0].Config);
        Assert.Null(error);
        var reference = ZkvmStatement.ImageBusSumReference(program, statement!.Gamma, statement.Beta);
        Assert.False(reference.IsZero);
        for (int s = 0; s < n; s++)
        {
            var sum = proof.Shards[s].CumulativeSums[proof.ShardChips[s].Position(ZkvmTable.Image)];
            Assert.Equal(s == n - 1 ? reference : default, sum);
        }
        // The old verifier's terms were the image's plus these: with the table, the statement is the same sum.
        var old = reference + ZkvmStatement.PublicBusSumReference(proof.Output, proof.ExitCode,
            ZkvmStatement.HaltTimestamp(proof.Shards[^1].PublicValues[proof.ShardChips[^1].Position(ZkvmTable.Cpu)][6],
                proof.Shards[^1].PublicValues[proof.ShardChips[^1].Position(ZkvmTable.Cpu)][7]), statement.Gamma, statement.Beta);
        var shards = proof.Shards.Aggregate(default(ExtensionField<KoalaBear, KoalaBearQuartic>), (acc, p) => p.CumulativeSums.Aggregate(acc, (a, x) => a + x));
        Assert.Equal(old - reference, statement.PublicBusSum);
        Assert.True((shards + statement.PublicBusSum).IsZero);
    }

    [Fact]
    public void The_image_table_left_out_of_a_shard_is_rejected()
    {
        // The chip is required in every shard: a set without it is refused before any other work on the proof (an honest
        // prover cannot even build the key without it: the last shard's heights fix the key's). The shard's proof is left
        // as it was, so the set is the only thing that changed.
        foreach (bool last in (bool[])[false, true])
            Assert.Contains("Image chip is required", ZkvmChips.Check(ZkvmChips.Full(last).Without(ZkvmTable.Image), last));
        var (program, proof) = Hello.Value;
        foreach (int shard in (int[])[0, proof.Shards.Count - 1])
        {
            var forged = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
            {
                ProgramDigest = proof.ProgramDigest, ExitCode = proof.ExitCode, Cycles = proof.Cycles, InputSize = proof.InputSize,
                InputCommitment = proof.InputCommitment, Output = proof.Output,
                ShardChips = [.. proof.ShardChips.Select((c, s) => s == shard ? c.Without(ZkvmTable.Image) : c)], Shards = proof.Shards,
            };
            var result = Verify(program, forged);
            Assert.False(result.IsValid);
            Assert.Contains($"shard {shard}: the Image chip is required", result.Error);
        }
    }

    [Fact]
    public void The_image_sent_in_no_shard_is_rejected()
    {
        // A consistent table (Active = 0, multiplicity 0) in the last shard: the AIR holds, the verifier's Active check does not.
        var (program, proof) = Prove("hello", (s, t, p) =>
        {
            if (IsLast(t))
            {
                t[ZkvmTable.Image] = new RowMajorMatrix<KoalaBear>(t[ZkvmTable.Image]!.Height, 1);
                p[ZkvmTable.Image] = [KoalaBear.Zero];
            }
        });
        var result = Verify(program, proof);
        Assert.False(result.IsValid);
        Assert.Contains("image table must send the initial memory in the last shard only", result.Error);
    }

    [Fact]
    public void The_image_sent_in_two_shards_is_rejected()
    {
        // Shard 0 also sends the image (Active = 1, multiplicity Real: the AIR holds); the verifier fixes Active = 0 there.
        var (program, proof) = Prove("hello", (s, t, p) =>
        {
            if (s == 0)
            {
                t[ZkvmTable.Image] = ZkvmProgram.FromElf(GuestTests.Elf("hello")).ImageTable.GenerateTrace(active: true);
                p[ZkvmTable.Image] = [KoalaBear.One];
            }
        });
        var result = Verify(program, proof);
        Assert.False(result.IsValid);
        Assert.Contains("shard 0: the image table must send the initial memory in the last shard only", result.Error);
    }

    [Fact]
    public void A_multiplicity_other_than_real_times_active_is_rejected()
    {
        // Active = 1 as the verifier wants, but the table sends nothing (the image dropped) or one tuple twice: the constraint
        // m = Real · Active fails in the last shard's STARK (CheckConstraints is off: the prover does not refuse).
        foreach (var m in (ulong[])[0, 2])
        {
            var (program, proof) = Prove("hello", (s, t, _) =>
            {
                if (IsLast(t))
                    t[ZkvmTable.Image]![0, ImageCols.Multiplicity] = KoalaBear.FromUInt64(m);
            });
            var result = Verify(program, proof);
            Assert.False(result.IsValid);
            Assert.Contains($"shard {proof.Shards.Count - 1}", result.Error);
        }
    }

    [Fact]
    public void Another_programs_image_gives_another_key_and_its_proofs_are_rejected()
    {
        var (a, proof) = Hello.Value;
        var b = WithChangedData(a);
        Assert.Equal(a.Table.Rows, b.Table.Rows); // the same code
        Assert.NotEqual(a.Digest, b.Digest);
        var heights = ZkvmProgram.RegistryHeights(proof.ShardChips[^1], proof.Shards[^1].LogHeights);
        Digest<KoalaBearParameters> Root(ZkvmProgram p) =>
            StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(p.Airs, heights, Config.LogBlowup)!.VerifyingKey.PreprocessedRoot;
        Assert.NotEqual(Root(a), Root(b));

        // A's proof checked as B's: rejected by the digest; with the digest rewritten to B's, by B's key (the transcript
        // observes the preprocessed root, and the image table's openings are checked against B's commitment).
        var asB = Verify(b, proof);
        Assert.False(asB.IsValid);
        Assert.Contains("another program", asB.Error);
        var relabelled = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
        {
            ProgramDigest = b.Digest, ExitCode = proof.ExitCode, Cycles = proof.Cycles, InputSize = proof.InputSize,
            InputCommitment = proof.InputCommitment, Output = proof.Output, ShardChips = proof.ShardChips, Shards = proof.Shards,
        };
        var result = Verify(b, relabelled);
        Assert.False(result.IsValid);
        Assert.Contains("shard 0", result.Error);
        // The honest proof of B verifies as B.
        var (_, proofB) = Prove(b);
        var honest = Verify(b, proofB);
        Assert.True(honest.IsValid, honest.Error);
    }
}
