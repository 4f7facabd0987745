using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>STARK round trips for the zkVM chip tests (small query count: these test the arithmetization, not FRI).</summary>
internal static class ZkvmProving
{
    public static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 8, QueryPowBits = 0 };

    /// <summary>
    /// Proves (with or without the prover's own trace check) and verifies; returns the verifier's verdict.
    /// <paramref name="publics"/> holds each AIR's public values (none for every AIR when null).
    /// </summary>
    public static VerificationResult ProveAndVerify(IAir<KoalaBear>[] airs, RowMajorMatrix<KoalaBear>[] traces, bool checkConstraints = true,
        KoalaBear[][]? publics = null)
    {
        publics ??= airs.Select(_ => Array.Empty<KoalaBear>()).ToArray();
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config) { CheckConstraints = checkConstraints }.Prove(airs, traces, publics);
        return new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config).Verify(airs, proof);
    }

    public static KoalaBear F(ulong x) => KoalaBear.FromUInt64(x);

    /// <summary>Verifies <paramref name="proof"/> of <paramref name="program"/> under <see cref="Config"/> with the zkVM's native verifier.</summary>
    public static ZkvmVerification VerifyZkvm(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) =>
        new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program).Verify(proof.ToBytes());

    /// <summary>The log height of every chip's table in shard <paramref name="shard"/> of a zkVM proof, by chip index (−1: absent).</summary>
    public static int[] ChipLogHeights(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof, int shard)
    {
        var heights = Enumerable.Repeat(-1, Prover.Core.Zkvm.Chips.ZkvmChips.Count).ToArray();
        var chips = proof.ShardChips[shard].Indices();
        for (int i = 0; i < chips.Length; i++)
            heights[chips[i]] = proof.Shards[shard].LogHeights[i];
        return heights;
    }
}

/// <summary>
/// A stand-in requester: column 0 is the multiplicity (boolean; tests set 0/1) and columns 1.. the tuple sent on <paramref name="bus"/>.
/// Each row sends its tuple once or not at all.
/// </summary>
internal sealed class TupleSenderAir(int bus, int tupleWidth, string name = "tuple-sender") : IAir<KoalaBear>
{
    public string Name => name;

    public int Width => tupleWidth + 1;

    public void Eval(AirBuilder<KoalaBear> builder)
    {
        var values = Enumerable.Range(0, tupleWidth).Select(i => builder.Local[i + 1]).ToArray();
        builder.AssertBool(builder.Local[0]);
        builder.Send(bus, values, builder.Local[0]);
    }

    /// <summary>Rows (multiplicity 1, tuple) padded with zero rows to a power of two ≥ 2.</summary>
    public static RowMajorMatrix<KoalaBear> Trace(IReadOnlyList<ulong[]> tuples, int tupleWidth)
    {
        int height = Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(tuples.Count, 1)));
        var m = new RowMajorMatrix<KoalaBear>(height, tupleWidth + 1);
        for (int r = 0; r < tuples.Count; r++)
        {
            m[r, 0] = KoalaBear.One;
            for (int j = 0; j < tupleWidth; j++)
                m[r, j + 1] = KoalaBear.FromUInt64(tuples[r][j]);
        }
        return m;
    }
}
