using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Prover.Core.Field;

namespace Prover.Gpu;

/// <summary>
/// One compilation unit for both drivers: the <c>#define</c>s of the parameters (field constants,
/// S-box degree, extension degree), then the macro header, the field header and one kernel file from
/// native/kernels (embedded resources). Headers are inlined, so neither compiler needs include paths.
/// The SHA-256 of the text keys the compile caches.
/// </summary>
public sealed class KernelSource
{
    private KernelSource(string file, string text)
    {
        File = file;
        Text = text;
        Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The kernel file (e.g. "ntt.cl").</summary>
    public string File { get; }

    /// <summary>The complete source handed to NVRTC or clCreateProgramWithSource.</summary>
    public string Text { get; }

    /// <summary>Hex SHA-256 of <see cref="Text"/>.</summary>
    public string Hash { get; }

    /// <summary>The kernel files shipped (every one must compile on both drivers).</summary>
    public static IReadOnlyList<string> Files { get; } = ["ntt.cl", "poseidon2.cl", "fri.cl", "combine.cl"];

    public static KernelSource Create(string file, IEnumerable<KeyValuePair<string, string>> defines)
    {
        ArgumentNullException.ThrowIfNull(defines);
        var sb = new StringBuilder();
        foreach (var (name, value) in defines)
            sb.Append("#define ").Append(name).Append(' ').Append(value).Append('\n');
        sb.Append(Resource("prover_kernels.h")).Append('\n');
        sb.Append(Resource("field.h")).Append('\n');
        sb.Append("#line 1 \"").Append(file).Append("\"\n");
        sb.Append(Resource(file));
        return new KernelSource(file, sb.ToString());
    }

    /// <summary>Defines of a 31-bit Montgomery field: FIELD_P, FIELD_MU.</summary>
    public static List<KeyValuePair<string, string>> FieldDefines<TParams>() where TParams : struct, IMontyParameters =>
    [
        new("FIELD_P", Hex(TParams.P)),
        new("FIELD_MU", Hex(TParams.MontyMu)),
    ];

    internal static string Hex(uint value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture) + "u";

    /// <summary>The embedded text of one file of native/kernels.</summary>
    public static string RawText(string name) => Resource(name);

    private static string Resource(string name)
    {
        using var stream = typeof(KernelSource).Assembly.GetManifestResourceStream("kernels/" + name)
            ?? throw new InvalidOperationException($"kernel source '{name}' is not embedded in Prover.Gpu");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
