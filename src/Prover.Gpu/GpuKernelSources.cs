using System.Globalization;
using System.Text.RegularExpressions;
using Prover.Core.Field;
using Prover.Core.Hash;

namespace Prover.Gpu;

/// <summary>
/// Every (kernel file, parameter set) the backends compile, for compile checks (NVRTC in CI) and
/// warm-up: each field for the NTT and Poseidon2 files, and the FRI file for KoalaBear^4 and ^8.
/// </summary>
public static partial class GpuKernelSources
{
    public static IReadOnlyList<(string Name, KernelSource Source)> Variants() =>
    [
        ("ntt.cl/KoalaBear", KernelSource.Create("ntt.cl", KernelSource.FieldDefines<KoalaBearParameters>())),
        ("ntt.cl/BabyBear", KernelSource.Create("ntt.cl", KernelSource.FieldDefines<BabyBearParameters>())),
        ("poseidon2.cl/KoalaBear", Poseidon2Source<KoalaBearParameters>(Poseidon2.Width16<KoalaBearParameters>())),
        ("poseidon2.cl/BabyBear", Poseidon2Source<BabyBearParameters>(Poseidon2.Width16<BabyBearParameters>())),
        ("fri.cl/KoalaBear^4", FriSource<KoalaBearParameters>(KoalaBearQuartic.Degree, KoalaBearQuartic.W)),
        ("fri.cl/KoalaBear^8", FriSource<KoalaBearParameters>(KoalaBearOctic.Degree, KoalaBearOctic.W)),
        ("combine.cl/KoalaBear^4", ExtensionSource<KoalaBearParameters>("combine.cl", KoalaBearQuartic.Degree, KoalaBearQuartic.W)),
        ("combine.cl/KoalaBear^8", ExtensionSource<KoalaBearParameters>("combine.cl", KoalaBearOctic.Degree, KoalaBearOctic.W)),
    ];

    public static KernelSource Poseidon2Source<TParams>(Poseidon2<TParams> permutation) where TParams : struct, IMontyParameters
    {
        ArgumentNullException.ThrowIfNull(permutation);
        return KernelSource.Create("poseidon2.cl", [.. KernelSource.FieldDefines<TParams>(),
            new("SBOX_DEGREE", Poseidon2<TParams>.SBoxDegree.ToString(CultureInfo.InvariantCulture)),
            new("PARTIAL_ROUNDS", permutation.PartialRounds.ToString(CultureInfo.InvariantCulture))]);
    }

    public static KernelSource FriSource<TParams>(int degree, MontyField31<TParams> w) where TParams : struct, IMontyParameters =>
        ExtensionSource("fri.cl", degree, w);

    /// <summary>A kernel file over the binomial extension x^degree − w of the field.</summary>
    public static KernelSource ExtensionSource<TParams>(string file, int degree, MontyField31<TParams> w) where TParams : struct, IMontyParameters =>
        KernelSource.Create(file, [.. KernelSource.FieldDefines<TParams>(),
            new("EXT_DEGREE", degree.ToString(CultureInfo.InvariantCulture)),
            new("EXT_W", KernelSource.Hex(w.Montgomery))]);

    /// <summary>Names of the KERNEL functions in a source (for checks that every entry point compiled).</summary>
    public static IReadOnlyList<string> KernelNames(string file) =>
        KernelRegex().Matches(KernelSource.RawText(file)).Select(m => m.Groups[1].Value).ToArray();

    [GeneratedRegex(@"^KERNEL\s+void\s+(\w+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex KernelRegex();
}
