using System.Text.Json;
using Xunit;

namespace Prover.TestSupport;

/// <summary>
/// Locates the <c>shared/</c> folder that sits beside the repository (<c>../shared</c> from the root),
/// or wherever <c>PROVER_SHARED</c> points. Tests that need it use <see cref="SharedFactAttribute"/>,
/// which skips with a clear message when it is absent.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The shared folder, or null when it cannot be found.</summary>
    public static string? Directory => Root.Value;

    public static bool Exists => Root.Value is not null;

    public const string MissingMessage =
        "../shared (known-answer vectors and fixtures) not found beside the repository; set PROVER_SHARED to its path";

    /// <summary>Full path of a file under shared/; throws when shared/ is absent (tests guard with SharedFact).</summary>
    public static string PathOf(string relative)
    {
        string root = Root.Value ?? throw new InvalidOperationException(MissingMessage);
        return Path.Combine(root, relative);
    }

    /// <summary>The repository root (the folder holding Prover.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prover.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Prover.sln not found above " + AppContext.BaseDirectory);
    }

    private static string? FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("PROVER_SHARED");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(env))
            return Path.GetFullPath(env);
        string candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        return System.IO.Directory.Exists(Path.Combine(candidate, "vectors")) ? candidate : null;
    }

    /// <summary>Parses <c>shared/vectors/{name}.json</c> (cached).</summary>
    public static JsonElement Vectors(string name) => VectorCache.GetOrAdd(name, static n =>
    {
        using var stream = File.OpenRead(PathOf(Path.Combine("vectors", n + ".json")));
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.Clone();
    });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> VectorCache = new();

    /// <summary>Reads a JSON array of non-negative integers as uint values.</summary>
    public static uint[] U32Array(this JsonElement e)
    {
        var result = new uint[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
            result[i++] = item.GetUInt32();
        return result;
    }

    /// <summary>Reads a JSON array of arrays of non-negative integers.</summary>
    public static uint[][] U32Matrix(this JsonElement e)
    {
        var result = new uint[e.GetArrayLength()][];
        int i = 0;
        foreach (var row in e.EnumerateArray())
            result[i++] = row.U32Array();
        return result;
    }
}

/// <summary>
/// A fact that needs <c>../shared</c> (and, when <paramref name="requiredFile"/> is given, that file
/// under it); skipped with a reason when either is absent.
/// </summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute(string? requiredFile = null)
    {
        if (!SharedData.Exists)
            Skip = SharedData.MissingMessage;
        else if (requiredFile is not null && !File.Exists(SharedData.PathOf(requiredFile)))
            Skip = $"shared/{requiredFile} is not in this copy of ../shared ({SharedData.Directory})";
    }
}

/// <summary>A theory that needs <c>../shared</c>; skipped with a reason when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!SharedData.Exists)
            Skip = SharedData.MissingMessage;
    }
}
