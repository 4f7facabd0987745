using System.Diagnostics;
using Prover.Core.Stark;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The envelope handling every execution proof file shares (<see cref="ZkvmProofs"/>: shard proofs;
/// <see cref="Recursion.Aggregation.ZkvmAggregateProofs"/>: aggregated and final proofs): recognising the statement,
/// opening the envelope under a verification policy, and checking the proof is about an expected input.
/// </summary>
public static class ZkvmProofFile
{
    /// <summary>The statement of <paramref name="file"/>'s envelope, or null when it is not a well-formed proof file.</summary>
    public static string? StatementOf(ReadOnlySpan<byte> file)
    {
        try
        {
            return ProofEnvelope.Parse(file).Statement;
        }
        catch (ProofFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens <paramref name="file"/> as a proof of one of <paramref name="statements"/>: the envelope, and the named preset
    /// with <paramref name="policy"/> applied (the policy, not the proof, sets the minimum security) — or the rejection,
    /// as the check to return (malformed envelope, another statement, an unknown or refused configuration).
    /// </summary>
    public static (ProofEnvelope? Envelope, StarkConfig? Config, ZkvmProofCheck? Rejection) Open(ReadOnlySpan<byte> file, IReadOnlyCollection<string> statements,
        string kind, VerificationPolicy policy, Stopwatch sw)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sw);
        ProofEnvelope envelope;
        try
        {
            envelope = ProofEnvelope.Parse(file);
        }
        catch (ProofFormatException e)
        {
            return (null, null, new ZkvmProofCheck("?", ZkvmVerification.Reject(e.Message), sw.Elapsed.TotalMilliseconds, []));
        }
        ZkvmProofCheck Refuse(string config, string why) => new(config, ZkvmVerification.Reject(why), sw.Elapsed.TotalMilliseconds, []);
        if (!statements.Contains(envelope.Statement))
            return (null, null, Refuse(envelope.ConfigName, $"not {kind} (statement '{envelope.Statement}')"));
        var preset = StarkConfig.Presets.FirstOrDefault(p => p.Name == envelope.ConfigName);
        if (preset is null)
            return (null, null, Refuse(envelope.ConfigName, $"unknown configuration '{envelope.ConfigName}'"));
        if (policy.RefuseConfig(preset.Name) is { } refused)
            return (null, null, Refuse(preset.Name, refused));
        return (envelope, policy.Apply(preset), null);
    }

    /// <summary>
    /// <paramref name="check"/>, rejected where it is valid but about another input than <paramref name="expectedInput"/>
    /// (size or commitment); unchanged without an expected input.
    /// </summary>
    public static ZkvmProofCheck CheckInput(ZkvmProofCheck check, byte[]? expectedInput)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (expectedInput is null || !check.Result.IsValid)
            return check;
        if (check.Result.InputSize != (ulong)expectedInput.Length
            || !check.Result.InputCommitment.AsSpan().SequenceEqual(Input.InputCommitment.Compute(expectedInput)))
            return check with { Result = ZkvmVerification.Reject("the proof is about another input (size or commitment differs)") };
        return check;
    }
}
