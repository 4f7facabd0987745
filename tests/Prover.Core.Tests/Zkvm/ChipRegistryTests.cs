using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The chip registry and optional tables (docs/zkvm.md, "Chips and the chip registry"): a shard has a table only for the
/// chips of its chip set, the set is in the proof and the transcript, and the verifier rejects an invalid set, a set that
/// does not match the shard's tables, and a shard that leaves out a table that had events.
/// </summary>
public sealed class ChipRegistryTests
{
    private static readonly StarkConfig Config = ZkvmProving.Config;

    private static readonly Lazy<(ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Proof)> Hello = new(() => Prove("hello", 64));

    private static readonly Lazy<(ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Proof)> Bigmul = new(() => Prove("bigmul", 1 << 22));

    private static (ZkvmProgram, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>) Prove(string guest, long shardSize,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = Config, ShardSize = shardSize, CheckConstraints = tamper is null, Tamper = tamper,
        }).Prove(program, []);
        return (program, proof);
    }

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) =>
        new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program).Verify(proof.ToBytes());

    private static ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> WithChips(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> p, int shard, ChipSet chips) => new()
    {
        ProgramDigest = p.ProgramDigest, ExitCode = p.ExitCode, Cycles = p.Cycles, InputSize = p.InputSize, InputCommitment = p.InputCommitment, Output = p.Output,
        ShardChips = [.. p.ShardChips.Select((c, s) => s == shard ? chips : c)], Shards = p.Shards,
    };

    [Fact]
    public void The_registry_is_indexed_by_the_table_constants_and_fits_a_chip_set()
    {
        Assert.Equal(Enumerable.Range(0, ZkvmChips.Count), ZkvmChips.All.Select(c => c.Index));
        Assert.True(ZkvmChips.Count <= ChipSet.Capacity);
        Assert.Equal(ZkvmTable.Mul, ZkvmChips.All.Single(c => c.Name == "Mul").Index);
        Assert.Equal(ZkvmTable.InputCommit, ZkvmChips.All.Single(c => c.Name == "InputCommit").Index);
        // The preprocessed tables are required in every shard: every shard's key is a subset of the one key over all chips.
        var program = Hello.Value.Program;
        for (int c = 0; c < ZkvmChips.Count; c++)
            if (program.Airs[c].PreprocessedWidth > 0)
                Assert.Equal(ChipPresence.Always, ZkvmChips.All[c].Presence);
    }

    [Fact]
    public void Chip_sets_are_checked_against_the_registry()
    {
        foreach (bool last in (bool[])[false, true])
        {
            Assert.Null(ZkvmChips.Check(ZkvmChips.Full(last), last));
            Assert.Null(ZkvmChips.Check(ZkvmChips.Required(last), last));
            Assert.Contains("unknown chip index 40", ZkvmChips.Check(ZkvmChips.Required(last).With(40), last));
            Assert.Contains("unknown chip index", ZkvmChips.Check(new ChipSet(ZkvmChips.Required(last).Bits | 1UL << ZkvmChips.Count), last));
            Assert.Contains("Shift chip is required", ZkvmChips.Check(ZkvmChips.Required(last).Without(ZkvmTable.Shift), last));
            Assert.Contains("Program chip is required", ZkvmChips.Check(ZkvmChips.Full(last).Without(ZkvmTable.Program), last));
        }
        Assert.Contains("last shard only", ZkvmChips.Check(ZkvmChips.Required(false).With(ZkvmTable.MemoryInit), lastShard: false));
        Assert.Contains("MemoryFinal chip is required", ZkvmChips.Check(ZkvmChips.Required(true).Without(ZkvmTable.MemoryFinal), lastShard: true));
        Assert.False(ZkvmChips.Required(false).Contains(ZkvmTable.Mul));
        Assert.False(ZkvmChips.Required(false).Contains(ZkvmTable.DivRem));
    }

    [Fact]
    public void Chip_set_positions_follow_the_registry_order()
    {
        var set = new ChipSet(0b1011_0101);
        Assert.Equal([0, 2, 4, 5, 7], set.Indices());
        Assert.Equal(5, set.Count);
        Assert.Equal(3, set.Position(5));
        Assert.Equal(-1, set.PositionOrNone(3));
        Assert.Throws<ArgumentException>(() => set.Position(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.With(64));
    }

    [Fact]
    public void A_shard_without_multiplications_has_no_mul_or_divrem_table_and_verifies()
    {
        var (program, proof) = Hello.Value;
        Assert.True(proof.Shards.Count > 1);
        for (int s = 0; s < proof.Shards.Count; s++)
        {
            var chips = proof.ShardChips[s];
            Assert.False(chips.Contains(ZkvmTable.Mul), $"shard {s} has a Mul table");
            Assert.False(chips.Contains(ZkvmTable.DivRem), $"shard {s} has a DivRem table");
            Assert.Equal(chips.Count, proof.Shards[s].LogHeights.Length);
            Assert.Equal(ZkvmChips.Required(s == proof.Shards.Count - 1), chips);
        }
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void A_shard_with_multiplications_has_a_mul_table_and_verifies()
    {
        var (program, proof) = Bigmul.Value;
        Assert.Contains(proof.ShardChips, c => c.Contains(ZkvmTable.Mul));
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void An_optional_chips_presence_bit_flipped_is_rejected()
    {
        // On: the shard names a Mul table its proof does not have. Off: the shard's proof has a Mul table its set does not name.
        var (program, proof) = Hello.Value;
        var on = Verify(program, WithChips(proof, 0, proof.ShardChips[0].With(ZkvmTable.Mul)));
        Assert.False(on.IsValid);
        Assert.Contains("tables of its chips", on.Error);

        var (bigmul, mulProof) = Bigmul.Value;
        int s = mulProof.ShardChips.ToList().FindIndex(c => c.Contains(ZkvmTable.Mul));
        var off = Verify(bigmul, WithChips(mulProof, s, mulProof.ShardChips[s].Without(ZkvmTable.Mul)));
        Assert.False(off.IsValid);
    }

    [Fact]
    public void An_unknown_chip_index_is_rejected()
    {
        var (program, proof) = Hello.Value;
        var result = Verify(program, WithChips(proof, 0, proof.ShardChips[0].With(ZkvmChips.Count)));
        Assert.False(result.IsValid);
        Assert.Contains("unknown chip index", result.Error);
        var high = Verify(program, WithChips(proof, 1, proof.ShardChips[1].With(63)));
        Assert.False(high.IsValid);
        Assert.Contains("unknown chip index 63", high.Error);
    }

    [Fact]
    public void A_last_shard_chip_in_another_shard_is_rejected()
    {
        var (program, proof) = Hello.Value;
        var result = Verify(program, WithChips(proof, 0, proof.ShardChips[0].With(ZkvmTable.InputCommit)));
        Assert.False(result.IsValid);
        Assert.Contains("last shard only", result.Error);
    }

    [Fact]
    public void A_required_table_left_out_is_rejected()
    {
        // A cheating prover leaves the Shift table out of shard 0 (its set then lacks a required chip).
        var (program, proof) = Prove("hello", 64, (s, t, _) =>
        {
            if (s == 0)
                t[ZkvmTable.Shift] = null;
        });
        Assert.False(proof.ShardChips[0].Contains(ZkvmTable.Shift));
        var result = Verify(program, proof);
        Assert.False(result.IsValid);
        Assert.Contains("Shift chip is required", result.Error);
    }

    [Fact]
    public void An_optional_table_with_events_left_out_is_rejected_by_the_bus_balance()
    {
        // The set is valid (Mul is optional), but the CPU's requests to the Mul chip are no longer received.
        var (program, proof) = Prove("bigmul", 1 << 22, (_, t, _) => t[ZkvmTable.Mul] = null);
        Assert.DoesNotContain(proof.ShardChips, c => c.Contains(ZkvmTable.Mul));
        var result = Verify(program, proof);
        Assert.False(result.IsValid);
        Assert.Contains("do not balance", result.Error);
    }

    [Fact]
    public void The_chip_set_is_bound_into_the_transcript()
    {
        // Two statements that differ only in a shard's chip set draw different challenges.
        var (program, proof) = Hello.Value;
        var root = StarkSetup.Preprocess<KoalaBearParameters, Digest<KoalaBearParameters>>(program.Airs,
            ZkvmProgram.RegistryHeights(proof.ShardChips[^1], proof.Shards[^1].LogHeights), Config.LogBlowup)!.VerifyingKey.PreprocessedRoot;
        ShardCommitment[] Commitments(ChipSet first) => [.. proof.Shards.Select((p, s) => ShardCommitment.Of(s == 0 ? first : proof.ShardChips[s], p.LogHeights, p.PublicValues, p.MainCommitment))];
        var honest = ZkvmStatement.Challenges<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program, root, proof.InputSize, proof.InputCommitment, proof.Output,
            proof.ExitCode, proof.Cycles, Commitments(proof.ShardChips[0]));
        var flipped = ZkvmStatement.Challenges<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program, root, proof.InputSize, proof.InputCommitment, proof.Output,
            proof.ExitCode, proof.Cycles, Commitments(proof.ShardChips[0].With(ZkvmTable.DivRem)));
        Assert.NotEqual(honest.Gamma, flipped.Gamma);
    }

    [Fact]
    public void The_chip_sets_survive_serialisation()
    {
        var (_, proof) = Bigmul.Value;
        var parsed = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(proof.ToBytes(), Config);
        Assert.Equal(proof.ShardChips, parsed.ShardChips);
    }
}
