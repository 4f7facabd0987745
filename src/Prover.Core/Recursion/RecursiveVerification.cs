using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// Verifies a proof by building the verifier program for its shape and running it natively: what a recursion layer
/// will do, minus the proof of the run. The configuration and table count are compared as the native verifier does
/// before it reads anything; everything else is the program's verdict.
/// </summary>
public static class RecursiveVerification<TParams, TDef, TDigest>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>
    /// The verdict, and the program that gave it (null where the proof's shape could not have a program). With
    /// <paramref name="shared"/>, the run's outputs are the proof's statement and bus sum (<see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}"/>).
    /// </summary>
    public static (RecursionRun Run, RecursionProgram? Program) Verify(StarkConfig config, IReadOnlyList<IAir<MontyField31<TParams>>> airs,
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof, VerifyingKey<TParams, TDigest>? key = null,
        SharedBusChallenges<ExtensionField<MontyField31<TParams>, TDef>>? shared = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(airs);
        ArgumentNullException.ThrowIfNull(proof);
        static (RecursionRun, RecursionProgram?) Reject(string why) => (new RecursionRun(false, why, -1, 0), null);
        var c = proof.Config;
        if (c is null || c.Name != config.Name || c.LogBlowup != config.LogBlowup || c.NumQueries != config.NumQueries || c.QueryPowBits != config.QueryPowBits
            || c.LogFinalPolyLength != config.LogFinalPolyLength || c.FoldingArity != config.FoldingArity || c.MerkleCapHeight != config.MerkleCapHeight
            || c.LogUpMaxLogQuotientChunks != config.LogUpMaxLogQuotientChunks)
            return Reject("proof was made under another configuration");
        if (proof.LogHeights is null || proof.LogHeights.Length != airs.Count)
            return Reject($"proof does not have the shape of {airs.Count} tables");
        RecursionProgram program;
        try
        {
            program = RecursiveStarkVerifier<TParams, TDef, TDigest>.Build(config, airs, proof.LogHeights, shared?.Seed.Length, shared?.StatementFractions);
        }
        catch (ArgumentException e)
        {
            return Reject(e.Message);
        }
        return (RecursionExecutor<TParams, TDef>.Run(program, new StarkProofHints<TParams, TDef, TDigest>(config, airs, proof, key, shared)), program);
    }
}
