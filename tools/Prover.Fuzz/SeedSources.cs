using System.Text.Json;
using Prover.Witness.Conversion;

namespace Prover.Fuzz;

/// <summary>
/// Where seeds come from, at run time: the repository (committed guest ELFs, the embedded example input, and
/// proofs made on the spot) and <c>../shared</c> fixtures when present (<c>PROVER_SHARED</c> overrides). Nothing
/// fetched is copied into the repository; seeds are regenerated whenever they are needed.
/// </summary>
public sealed class SeedSources
{
    public SeedSources(string repositoryRoot, string? sharedRoot)
    {
        RepositoryRoot = repositoryRoot;
        SharedRoot = sharedRoot;
    }

    public string RepositoryRoot { get; }

    /// <summary>The shared folder, or null when absent (then only repository seeds exist).</summary>
    public string? SharedRoot { get; }

    /// <summary>
    /// Finds the repository (<c>PROVER_REPO</c>, else the folder holding Prover.sln above the running assembly or the
    /// current directory: a published copy runs outside the tree) and ../shared beside it.
    /// </summary>
    public static SeedSources Locate()
    {
        static string? Above(string start)
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prover.sln")))
                dir = dir.Parent;
            return dir?.FullName;
        }
        string? repo = Environment.GetEnvironmentVariable("PROVER_REPO");
        string root = (!string.IsNullOrEmpty(repo) && File.Exists(Path.Combine(repo, "Prover.sln")) ? Path.GetFullPath(repo) : null)
            ?? Above(AppContext.BaseDirectory) ?? Above(Environment.CurrentDirectory)
            ?? throw new InvalidOperationException("Prover.sln not found above " + AppContext.BaseDirectory + " or the current directory; set PROVER_REPO");
        string? env = Environment.GetEnvironmentVariable("PROVER_SHARED");
        string? shared = !string.IsNullOrEmpty(env) && Directory.Exists(env) ? Path.GetFullPath(env)
            : Path.GetFullPath(Path.Combine(root, "..", "shared"));
        return new SeedSources(root, Directory.Exists(Path.Combine(shared, "fixtures")) ? shared : null);
    }

    /// <summary>A committed test guest ELF (native/guest/tests/elf).</summary>
    public byte[] TestElf(string name) => File.ReadAllBytes(Path.Combine(RepositoryRoot, "native", "guest", "tests", "elf", name + ".elf"));

    /// <summary>Small fixture files of ../shared, by path relative to fixtures/ethereum (those that exist).</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Fixtures(params string[] relativePaths)
    {
        if (SharedRoot is null)
            yield break;
        foreach (var rel in relativePaths)
        {
            var path = Path.Combine(SharedRoot, "fixtures", "ethereum", rel);
            if (File.Exists(path))
                yield return (Path.GetFileName(path), File.ReadAllBytes(path));
        }
    }

    /// <summary>The small BlockchainTests fixtures used for seeds.</summary>
    public static readonly string[] SmallFixtures =
    [
        "blockchain_tests/ValidBlocks/bcValidBlockTest/SimpleTx.json",
        "blockchain_tests/InvalidBlocks/bcInvalidHeaderTest/wrongGasUsed.json",
        "blockchain_tests/ValidBlocks/bcEIP1559/transType.json",
    ];

    private readonly Lazy<List<(string, byte[])>> _converted = new(() => []);

    /// <summary>Canonical StatelessInputs converted from the small fixtures (cached).</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> ConvertedInputs()
    {
        var list = _converted.Value;
        lock (list)
        {
            if (list.Count > 0 || SharedRoot is null)
                return list;
            foreach (var (name, bytes) in Fixtures(SmallFixtures))
            {
                using var doc = JsonDocument.Parse(bytes);
                foreach (var r in InputConverter.Convert(doc.RootElement, name).Results)
                    list.Add(($"{name}#{r.BlockNumber}", r.Bytes));
            }
            return list;
        }
    }
}
