using System.Runtime.CompilerServices;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>
/// Verifies a proof that a <see cref="RecursionProgram"/> accepted a run with the stated outputs: rebuilds the recursion
/// chips and their verifying key from the program (the key is the program), checks that the proof's public values are
/// the claimed outputs, and verifies the STARK with the ordinary <see cref="StarkVerifier{TParams, TDef, TDigest}"/>.
/// </summary>
/// <param name="config">The configuration proofs must have been made under.</param>
/// <param name="compiledAirs">
/// Compiled AIRs to share with other verifiers (a verifier of many proofs that makes a <see cref="RecursionVerifier{TParams, TDef, TDigest}"/>
/// per proof, or per configuration, keeps one cache across them); null: this verifier's own. A compiled AIR depends only on
/// the AIR object and its LogUp batching, the cache's key, so sharing it across configurations gives the same programs.
/// </param>
public sealed class RecursionVerifier<TParams, TDef, TDigest>(StarkConfig config, CompiledAirCache<MontyField31<TParams>>? compiledAirs = null)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    // The chips and verifying key of each program this verifier has seen, made once: committing a program's fixed
    // columns (the key) costs seconds for a large program, verifying a proof of it milliseconds. Keyed by the program
    // object (weakly: a program no longer referenced drops its key); the key depends only on the program and this
    // verifier's configuration, so a cached key is the one a fresh setup would commit.
    private readonly ConditionalWeakTable<RecursionProgram, RecursionVerifyingKey<TParams, TDef, TDigest>> _keys = new();

    // The chips' AIRs compiled once (their constraint programs depend only on the AIR and the LogUp batching the
    // configuration gives each height), not once per verification.
    private readonly CompiledAirCache<MontyField31<TParams>> _compiledAirs = compiledAirs ?? new();

    /// <summary>The phases of the last STARK verification this verifier ran (<see cref="StarkVerifier{TParams, TDef, TDigest}.LastTimings"/>).</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastTimings { get; private set; } = [];

    /// <summary>
    /// The chips and verifying key of <paramref name="program"/> under this verifier's configuration, made on first use
    /// and reused after (<see cref="Verify(RecursionProgram, IReadOnlyList{uint}, StarkProof{TParams, ExtensionField{MontyField31{TParams}, TDef}, TDigest})"/>
    /// no longer recommits it per proof). Throws <see cref="ArgumentException"/> or <see cref="NotSupportedException"/> for a
    /// program the recursion chips cannot prove.
    /// </summary>
    public RecursionVerifyingKey<TParams, TDef, TDigest> Prepare(RecursionProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return _keys.GetValue(program, p =>
        {
            var machine = new RecursionMachine<TParams, TDef>(p);
            return new RecursionVerifyingKey<TParams, TDef, TDigest>(machine, machine.Setup<TDigest>(config).VerifyingKey);
        });
    }

    public VerificationResult Verify(RecursionProgram program, IReadOnlyList<uint> outputs,
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(outputs);
        if (proof is null)
            return VerificationResult.Reject("no proof");
        RecursionVerifyingKey<TParams, TDef, TDigest> key;
        try
        {
            key = Prepare(program);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return VerificationResult.Reject("the program cannot be proved by the recursion chips: " + e.Message);
        }
        return Verify(key.Machine, key.Key, outputs, proof);
    }

    /// <summary>Same with the machine and its verifying key made once (<see cref="RecursionMachine{TParams, TDef}.Setup{TDigest}"/>).</summary>
    public VerificationResult Verify(RecursionMachine<TParams, TDef> machine, VerifyingKey<TParams, TDigest> key, IReadOnlyList<uint> outputs,
        StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(outputs);
        if (proof is null)
            return VerificationResult.Reject("no proof");
        if (outputs.Any(o => o >= TParams.P))
            return VerificationResult.Reject("a claimed output is not a canonical field element");
        if (outputs.Count != machine.Program.Outputs.Count)
            return VerificationResult.Reject($"the program states {machine.Program.Outputs.Count} outputs, {outputs.Count} claimed");
        var airs = machine.Airs;
        if (proof.PublicValues is null || proof.PublicValues.Length != airs.Length)
            return VerificationResult.Reject($"proof does not have the shape of {airs.Length} tables");
        // The output table's public values are the outputs the proof states; they must be the claimed ones (the
        // verifier binds them into the transcript, and the output table reads each from the run's memory).
        var expected = machine.PublicValues(outputs);
        for (int t = 0; t < airs.Length; t++)
        {
            var stated = proof.PublicValues[t];
            if (stated is null || stated.Length != expected[t].Length)
                return VerificationResult.Reject($"table {t}: wrong number of public values");
            for (int k = 0; k < stated.Length; k++)
                if (stated[k] != expected[t][k])
                    return VerificationResult.Reject($"the proof states output {k} = {stated[k].ToCanonical()}, not the claimed {outputs[k]}");
        }
        var verifier = new StarkVerifier<TParams, TDef, TDigest>(config, compiledAirs: _compiledAirs);
        var result = verifier.Verify(airs, proof, key);
        LastTimings = verifier.LastTimings;
        LastSecurity = verifier.LastSecurity;
        return result;
    }

    /// <summary>The security of the last proof verified (its shape under this verifier's configuration; null before one was read that far).</summary>
    public Security.SecurityReport? LastSecurity { get; private set; }
}
