using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// Verifies an aggregated execution proof (<see cref="ZkvmAggregateProof{TDef}"/>) against a program: the statement
/// checks <see cref="ZkvmVerifier{TDef, TDigest}"/> makes from the shards' commitments (chips, bus budget, CPU chaining
/// from the entry, input sizes and commitment, cycles) and the shared challenges they yield; then the root recursion
/// proof, against the root program of the tree over those shards' shapes (its key, rebuilt here, pins every program
/// below it), with the statement it must state (<see cref="ZkvmAggregateStatement.Expected"/>): shards 0..n−1 of n, the
/// derived common seed, γ and β, a bus sum cancelling the verifier's own tuples, the program's key root, the chaining
/// ends, the input size and the tree digest of the commitments the challenges were derived from. Programs and keys are
/// made once per shape and kept (a warm verifier). Malformed proofs are rejections.
/// </summary>
public sealed class ZkvmAggregateVerifier<TDef>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
{
    private readonly ZkvmAggregationKeys<TDef> _keys;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, KoalaBearDigest>> _fullKeys = new();

    public ZkvmAggregateVerifier(StarkConfig shardConfig, StarkConfig recursionConfig, ZkvmProgram program)
        : this(new ZkvmAggregationKeys<TDef>(shardConfig, recursionConfig, program))
    {
    }

    public ZkvmAggregateVerifier(ZkvmAggregationKeys<TDef> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    public ZkvmVerification Verify(ReadOnlySpan<byte> bytes)
    {
        ZkvmAggregateProof<TDef> proof;
        try
        {
            proof = ZkvmAggregateProof<TDef>.Parse(bytes, _keys.RecursionConfig);
        }
        catch (ProofFormatException e)
        {
            return ZkvmVerification.Reject(e.Message);
        }
        return Verify(proof);
    }

    public ZkvmVerification Verify(ZkvmAggregateProof<TDef> proof)
    {
        if (proof is null)
            return ZkvmVerification.Reject("no proof");
        try
        {
            return VerifyCore(proof);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            return ZkvmVerification.Reject("malformed proof: " + e.Message);
        }
    }

    private ZkvmVerification VerifyCore(ZkvmAggregateProof<TDef> proof)
    {
        if (!proof.ProgramDigest.AsSpan().SequenceEqual(_keys.Program.Digest))
            return ZkvmVerification.Reject("the proof is for another program");
        var claim = proof.Claim;
        var (error, statement) = ZkvmVerifier<TDef, KoalaBearDigest>.CheckStatement(_keys.ShardConfig, _keys.Program, claim, proof.Shards, claimedShape: null, _fullKeys);
        if (error is not null)
            return ZkvmVerification.Reject(error);
        // The shards' shape is the one a prover under the configuration chooses for this statement (the aggregated proof does
        // not state it; a leaf of another shape is another program, so its root would not be this one).
        var root = _keys.Root(statement!.Config, proof.Shards, statement.Fractions);
        var expected = ZkvmAggregateStatement.Expected(proof.Shards, statement, claim.InputSize);
        var result = new RecursionVerifier<KoalaBearParameters, TDef, KoalaBearDigest>(_keys.RecursionConfig).Verify(root.Machine, root.Key, expected, proof.Root);
        if (!result.IsValid)
            return ZkvmVerification.Reject("the root proof: " + result.Error);
        return new ZkvmVerification(true, null, claim.ExitCode, claim.Output, claim.Cycles, claim.InputSize, claim.InputCommitment);
    }
}
