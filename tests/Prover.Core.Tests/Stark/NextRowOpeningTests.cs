using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// Out-of-domain openings at ζ·ω of only the main and preprocessed columns some constraint reads on the next row
/// (<see cref="CompiledAir{F}.NextMainColumns"/>, format version 5): the sets, the proof's shapes, and proofs whose
/// next-row openings are forged, padded to the old shape, or moved to another column, which the verifier rejects.
/// </summary>
public sealed class NextRowOpeningTests
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 16, QueryPowBits = 2 };

    private static readonly IAir<KoalaBear>[] Airs = [new ValuesAir<KoalaBear>(), new RangeTableAir<KoalaBear>()];

    private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> Prove()
    {
        uint[] values = [.. Enumerable.Range(0, 32).Select(i => (uint)(i * 7 % 16))];
        var (v, t) = LookupDemo.GenerateTraces<KoalaBear>(values, 16);
        return new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Prove(Airs, [v, t], [[], []]);
    }

    private static VerificationResult Verify(StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> proof) =>
        new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(Airs, proof);

    /// <summary>The proof with table <paramref name="table"/>'s main next-row openings replaced.</summary>
    private static StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> WithMainNext(
        StarkProof<KoalaBearParameters, KoalaBearExt4, Digest<KoalaBearParameters>> p, int table, KoalaBearExt4[] mainNext)
    {
        var openings = p.Openings.ToArray();
        openings[table] = openings[table] with { MainNext = mainNext };
        return p with { Openings = openings };
    }

    [Fact]
    public void Next_row_sets_are_the_columns_the_constraints_read_there()
    {
        Assert.Empty(new CompiledAir<KoalaBear>(Airs[0]).NextMainColumns);
        Assert.Equal([0], new CompiledAir<KoalaBear>(Airs[1]).NextMainColumns); // t' = t + 1; the multiplicity is read locally only
        Assert.Equal([0, 1], new CompiledAir<KoalaBear>(new FibonacciAir<KoalaBear>()).NextMainColumns);
        Assert.Empty(new CompiledAir<KoalaBear>(new FibonacciAir<KoalaBear>()).NextPreprocessedColumns);
    }

    [Fact]
    public void Proof_opens_only_those_columns_and_verifies()
    {
        var proof = Prove();
        Assert.Empty(proof.Openings[0].MainNext);
        Assert.Single(proof.Openings[1].MainNext);
        Assert.Equal(2, proof.Openings[1].MainLocal.Length);
        // Of the LogUp columns only the running sum (the last extension column, D base columns) is read on the next row.
        Assert.Equal(4, proof.Openings[1].LogUpNext.Length);
        Assert.True(proof.Openings[1].LogUpLocal.Length >= 4);
        Assert.True(Verify(proof).IsValid, Verify(proof).ToString());
        var bytes = ProofSerializer.Serialize(proof);
        var back = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(bytes);
        Assert.True(Verify(back).IsValid);
    }

    [Fact]
    public void Forged_next_row_value_is_rejected()
    {
        var proof = Prove();
        var forged = WithMainNext(proof, 1, [proof.Openings[1].MainNext[0] + KoalaBearExt4.One]);
        var result = Verify(forged);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Next_row_value_of_another_opening_is_rejected()
    {
        // Real openings the proof carries, in the next-row slot: column 0 at ζ, and column 1 (whose next row no constraint
        // reads) at ζ. The DEEP check binds the slot to column 0 at ζ·ω, so neither passes.
        var proof = Prove();
        Assert.False(Verify(WithMainNext(proof, 1, [proof.Openings[1].MainLocal[0]])).IsValid);
        Assert.False(Verify(WithMainNext(proof, 1, [proof.Openings[1].MainLocal[1]])).IsValid);
    }

    [Fact]
    public void Next_row_openings_of_the_old_shape_are_rejected()
    {
        // Version 3 opened every column at ζ·ω: one value more than this table's set, or one for a table that reads none.
        var proof = Prove();
        var padded = WithMainNext(proof, 1, [.. proof.Openings[1].MainNext, KoalaBearExt4.Zero]);
        var result = Verify(padded);
        Assert.False(result.IsValid);
        Assert.Contains("opened values have the wrong shape", result.Error);
        var extra = WithMainNext(proof, 0, [KoalaBearExt4.Zero]);
        Assert.Contains("opened values have the wrong shape", Verify(extra).Error);
    }
}
