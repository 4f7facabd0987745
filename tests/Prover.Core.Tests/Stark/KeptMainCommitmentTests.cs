using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// <see cref="StarkProver{TParams, TDef, TDigest}.CommitMainTracesRetained"/>: the kept LDEs and tree give the cap of
/// <see cref="StarkProver{TParams, TDef, TDigest}.CommitMainTraces"/> and, passed to Prove, the bytes of a proof that
/// commits its main traces itself; a kept commitment is used once and only for traces of its shape.
/// </summary>
public sealed class KeptMainCommitmentTests
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 0, LogFinalPolyLength = 0 };

    private static StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>> Prover() => new(Config);

    private static (IAir<KoalaBear>[] Airs, Prover.Core.Matrix.RowMajorMatrix<KoalaBear>[] Traces, KoalaBear[][] Publics) Fib(int logRows)
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(1 << logRows, KoalaBear.Zero, KoalaBear.One);
        return ([new FibonacciAir<KoalaBear>()], [trace], [[trace[0, 0], trace[0, 1], trace[trace.Height - 1, 1]]]);
    }

    [Fact]
    public void Kept_commitment_gives_the_same_cap_and_proof_bytes()
    {
        var (airs, traces, publics) = Fib(6);
        var reference = ProofSerializer.Serialize(Prover().Prove(airs, traces, publics), out _);
        var prover = Prover();
        var kept = prover.CommitMainTracesRetained(traces);
        Assert.Equal(prover.CommitMainTraces(traces), kept.Cap);
        Assert.True(kept.Bytes >= (2L << 6) * 2 * 4);
        var proof = prover.Prove(airs, traces, publics, main: kept);
        Assert.Equal(kept.Cap, proof.MainCommitment);
        Assert.Equal(reference, ProofSerializer.Serialize(proof, out _));
    }

    [Fact]
    public void Kept_commitment_is_used_once_and_only_for_its_shape()
    {
        var (airs, traces, publics) = Fib(6);
        var prover = Prover();
        var kept = prover.CommitMainTracesRetained(traces);
        var (_, taller, tallerPublics) = Fib(7);
        Assert.Throws<ArgumentException>(() => prover.Prove(airs, taller, tallerPublics, main: kept));
        _ = prover.Prove(airs, traces, publics, main: kept);
        Assert.Throws<InvalidOperationException>(() => prover.Prove(airs, traces, publics, main: kept));
        // Another blowup gives LDEs of another height.
        var other = new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(Config with { LogBlowup = 2 });
        Assert.Throws<ArgumentException>(() => other.Prove(airs, traces, publics, main: prover.CommitMainTracesRetained(traces)));
    }
}
