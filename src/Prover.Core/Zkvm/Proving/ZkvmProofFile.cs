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
    /// The time to report of repeated verifications of one proof by one verifier (<paramref name="times"/>, in order, the
    /// first cold): one run, its time; otherwise the median of the last <see cref="WarmCount"/> runs — the last half of the
    /// warm runs, so that the runs where the runtime still compiles (tiered JIT: a method runs unoptimised, then
    /// instrumented, for its first few dozen calls) are left out once there are enough of them; with 2 runs, the second.
    /// </summary>
    public static double WarmMilliseconds(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count == 0)
            throw new ArgumentException("no runs");
        int n = WarmCount(times.Count);
        var last = times.Skip(times.Count - n).Order().ToArray();
        return n % 2 == 1 ? last[n / 2] : (last[n / 2 - 1] + last[n / 2]) / 2;
    }

    /// <summary>How many of <paramref name="runs"/> runs <see cref="WarmMilliseconds"/> takes the median of: all of one, else half the warm runs (at least one).</summary>
    public static int WarmCount(int runs) => runs <= 1 ? 1 : Math.Max(1, (runs - 1) / 2);

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
            || !check.Result.InputCommitment.AsSpan().SequenceEqual(Input.InputCommitment.Compute(expectedInput, check.Result.InputCommitment?.Length ?? 8)))
            return check with { Result = ZkvmVerification.Reject("the proof is about another input (size or commitment differs)") };
        return check;
    }
}
