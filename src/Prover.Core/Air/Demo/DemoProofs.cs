using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Security;
using Prover.Core.Stark;

namespace Prover.Core.Air.Demo;

/// <summary>What proving a demo produced.</summary>
public sealed record DemoProofReport(string Statement, string Config, int LogRows, int ProofBytes, ProofSizeBreakdown Sizes,
    double ProvingMilliseconds, SecurityReport Security, IReadOnlyList<(string Phase, double Milliseconds)> Phases);

/// <summary>What verifying a proof file found.</summary>
public sealed record ProofCheck(string Statement, string Config, VerificationResult Result, double VerificationMilliseconds, SecurityReport? Security);

/// <summary>
/// Proves and verifies the demo statements under a named configuration. The preset decides the
/// extension field ("development" uses KoalaBear^4, the provable presets KoalaBear^8) and the digest
/// (8 elements, 12 for provable-128).
/// </summary>
public static class DemoProofs
{
    public static StarkConfig ConfigByName(string name) => StarkConfig.ByName(name);

    /// <summary>Proves a demo; <paramref name="backend"/> (default: the CPU) runs the LDEs and commitments, with the same proof bytes on every backend.</summary>
    public static (byte[] File, DemoProofReport Report) Prove(string demo, int logRows, string configName, IProverBackend<KoalaBearParameters>? backend = null)
    {
        var config = ConfigByName(configName);
        var (airs, traces, publics) = DemoCatalog.Build(demo, logRows);
        return (config.ExtensionDegree, config.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Prove<KoalaBearQuartic, KoalaBearDigest>(demo, logRows, config, airs, traces, publics, backend),
            (4, _) => Prove<KoalaBearQuartic, KoalaBearWideDigest>(demo, logRows, config, airs, traces, publics, backend),
            (_, KoalaBearDigest.Length) => Prove<KoalaBearOctic, KoalaBearDigest>(demo, logRows, config, airs, traces, publics, backend),
            _ => Prove<KoalaBearOctic, KoalaBearWideDigest>(demo, logRows, config, airs, traces, publics, backend),
        };
    }

    private static (byte[], DemoProofReport) Prove<TDef, TDigest>(string demo, int logRows, StarkConfig config, IAir<KoalaBear>[] airs,
        Matrix.RowMajorMatrix<KoalaBear>[] traces, KoalaBear[][] publics, IProverBackend<KoalaBearParameters>? backend)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var prover = new StarkProver<KoalaBearParameters, TDef, TDigest>(config, backend);
        var sw = Stopwatch.StartNew();
        var proof = prover.Prove(airs, traces, publics);
        double ms = sw.Elapsed.TotalMilliseconds;
        var bytes = ProofSerializer.Serialize(proof, out var sizes);
        var file = new ProofEnvelope("demo/" + demo, config.Name, bytes).ToBytes();
        return (file, new DemoProofReport("demo/" + demo, config.Name, logRows, bytes.Length, sizes, ms, prover.LastSecurity!, prover.LastTimings));
    }

    /// <summary>
    /// Verifies a proof file; never throws on bad bytes. <paramref name="policy"/> (default: at least 100 provable
    /// bits) decides the security level accepted, whatever configuration the proof names.
    /// </summary>
    public static ProofCheck Verify(ReadOnlySpan<byte> file, VerificationPolicy? policy = null)
    {
        policy ??= VerificationPolicy.Default;
        ProofEnvelope envelope;
        try
        {
            envelope = ProofEnvelope.Parse(file);
        }
        catch (ProofFormatException e)
        {
            return new ProofCheck("?", "?", VerificationResult.Reject(e.Message), 0, null);
        }
        var preset = StarkConfig.Presets.FirstOrDefault(c => c.Name == envelope.ConfigName);
        if (preset is null)
            return new ProofCheck(envelope.Statement, envelope.ConfigName, VerificationResult.Reject($"unknown configuration '{envelope.ConfigName}'"), 0, null);
        if (policy.RefuseConfig(preset.Name) is { } refused)
            return new ProofCheck(envelope.Statement, preset.Name, VerificationResult.Reject(refused), 0, null);
        var config = policy.Apply(preset);
        var airs = envelope.Statement.StartsWith("demo/", StringComparison.Ordinal) ? DemoCatalog.Airs(envelope.Statement[5..]) : null;
        if (airs is null)
            return new ProofCheck(envelope.Statement, config.Name, VerificationResult.Reject($"unknown statement '{envelope.Statement}'"), 0, null);
        return (preset.ExtensionDegree, preset.DigestElements) switch
        {
            (4, KoalaBearDigest.Length) => Check<KoalaBearQuartic, KoalaBearDigest>(envelope, config, airs),
            (4, _) => Check<KoalaBearQuartic, KoalaBearWideDigest>(envelope, config, airs),
            (_, KoalaBearDigest.Length) => Check<KoalaBearOctic, KoalaBearDigest>(envelope, config, airs),
            _ => Check<KoalaBearOctic, KoalaBearWideDigest>(envelope, config, airs),
        };
    }

    private static ProofCheck Check<TDef, TDigest>(ProofEnvelope envelope, StarkConfig config, IAir<KoalaBear>[] airs)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var sw = Stopwatch.StartNew();
        var v = new StarkVerifier<KoalaBearParameters, TDef, TDigest>(config);
        var r = v.Verify(airs, envelope.Proof);
        return new ProofCheck(envelope.Statement, config.Name, r, sw.Elapsed.TotalMilliseconds, v.LastSecurity);
    }
}
