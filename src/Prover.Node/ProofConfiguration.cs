using Prover.Core.Stark;

namespace Prover.Node;

/// <summary>
/// The proof system's parameter set, as a type rather than a name: <see cref="Development"/> (KoalaBear^4,
/// fast, about 60 provable bits: tests and development only), <see cref="Provable100"/> and
/// <see cref="Provable128"/> (KoalaBear^8). The extension degree follows from the configuration. This is the
/// one place that maps the library's configurations onto Prover.Core's <see cref="StarkConfig"/> presets.
/// </summary>
public sealed class ProofConfiguration
{
    private ProofConfiguration(string name, int extensionDegree, Func<StarkConfig> stark)
    {
        Name = name;
        ExtensionDegree = extensionDegree;
        _stark = stark;
    }

    private readonly Func<StarkConfig> _stark;

    /// <summary>Development: blowup 2, degree-4 extension; not a production setting.</summary>
    public static ProofConfiguration Development { get; } = new("development", 4, () => StarkConfig.Development);

    /// <summary>About 100 provable bits (degree-8 extension, blowup 8).</summary>
    public static ProofConfiguration Provable100 { get; } = new("provable-100", 8, () => StarkConfig.Provable100);

    /// <summary>128 provable bits with the hash counted (degree-8 extension, 12-element Poseidon2-24 digests).</summary>
    public static ProofConfiguration Provable128 { get; } = new("provable-128", 8, () => StarkConfig.Provable128);

    public static IReadOnlyList<ProofConfiguration> All { get; } = [Development, Provable100, Provable128];

    /// <summary>The display name (also the name written into proof files).</summary>
    public string Name { get; }

    /// <summary>Degree of the KoalaBear extension the challenges live in.</summary>
    public int ExtensionDegree { get; }

    internal StarkConfig Stark => _stark();

    /// <summary>The configuration of a proof file's configuration name; null when unknown. For parsing user input (CLI, settings files) only.</summary>
    public static ProofConfiguration? FromName(string name) => All.FirstOrDefault(c => c.Name == name);

    public override string ToString() => Name;
}
