using Prover.Core.Security;

namespace Prover.Core.Stark;

/// <summary>
/// What the caller of a verifier demands of a proof's security, independent of what the proof names. A proof
/// file carries its configuration, but it must not choose its own security level: a proof made under the
/// insecure <c>development</c> preset would otherwise verify as readily as a provable one. The default demands
/// <see cref="DefaultMinimumProvableBits"/> provable bits; accepting less takes an explicit
/// <see cref="AllowInsecure"/> (tests, demos, development).
/// </summary>
public sealed record VerificationPolicy
{
    public const int DefaultMinimumProvableBits = 100;

    /// <summary>Provable bits (the calculator's better regime, hash term included) below which a proof is rejected.</summary>
    public int MinimumProvableBits { get; init; } = DefaultMinimumProvableBits;

    /// <summary>Accept proofs below <see cref="MinimumProvableBits"/> (their verdict still reports the level).</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>When set, the proof must name this configuration (preset name).</summary>
    public string? ExpectedConfig { get; init; }

    /// <summary>At least 100 provable bits, any configuration.</summary>
    public static VerificationPolicy Default { get; } = new();

    /// <summary>Any security level (tests, demos, development); results still report it.</summary>
    public static VerificationPolicy Insecure { get; } = new() { AllowInsecure = true };

    /// <summary>
    /// What a preset itself demands: its name, its minimum, and insecure only for presets that are (development).
    /// For a prover checking its own output under the configuration its user chose.
    /// </summary>
    public static VerificationPolicy Of(StarkConfig preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new() { ExpectedConfig = preset.Name, MinimumProvableBits = preset.MinimumProvableBits, AllowInsecure = preset.AllowInsecure };
    }

    /// <summary>Null when a proof under <paramref name="configName"/> may be accepted before its shape is known; otherwise why not.</summary>
    public string? RefuseConfig(string configName) =>
        ExpectedConfig is not null && ExpectedConfig != configName
            ? $"the proof was made under configuration '{configName}', not the expected '{ExpectedConfig}'"
            : null;

    /// <summary>Null when <paramref name="report"/> meets the policy; otherwise the rejection, naming the level.</summary>
    public string? Refuse(SecurityReport? report, string configName)
    {
        if (AllowInsecure)
            return null;
        if (report is null)
            return $"the security level of the proof ('{configName}') is unknown";
        return report.Provable < MinimumProvableBits
            ? $"insecure proof: configuration '{configName}' gives {report.Provable} provable bits ({report}), below the required "
              + $"{MinimumProvableBits}; verify with --allow-insecure (library: VerificationPolicy.Insecure) to accept it anyway"
            : null;
    }

    /// <summary>
    /// The verifier's configuration for a proof named <paramref name="preset"/>: the preset's parameters with this
    /// policy's minimum instead of the preset's own (so the STARK verifier rejects an insecure shape before any
    /// other work, whatever the proof claims).
    /// </summary>
    public StarkConfig Apply(StarkConfig preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return preset with { MinimumProvableBits = MinimumProvableBits, AllowInsecure = AllowInsecure };
    }
}
