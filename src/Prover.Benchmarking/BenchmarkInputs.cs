using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;

namespace Prover.Benchmarking;

/// <summary>
/// Expands the inputs of <c>bench blocks</c> into block jobs: canonical <c>.ssz</c> files, fixture or
/// witness JSON (also gzipped; converted, one job per block), and folders of those (sorted by name;
/// the JSON sidecars <c>convert</c> writes beside each <c>.ssz</c> are not inputs and are passed over).
/// A file that cannot be read or converted becomes a job with its error, so the report shows it.
/// </summary>
public static class BenchmarkInputs
{
    public static List<BlockJob> Expand(IEnumerable<string> paths)
    {
        var jobs = new List<BlockJob>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.GetFiles(path).Where(IsInput).Order(StringComparer.Ordinal).ToList();
                var ssz = files.Where(f => f.EndsWith(".ssz", StringComparison.Ordinal)).Select(f => f[..^4]).ToHashSet(StringComparer.Ordinal);
                foreach (var file in files)
                    if (!(file.EndsWith(".json", StringComparison.Ordinal) && ssz.Contains(file[..^5])))
                        jobs.AddRange(Load(file));
            }
            else
            {
                jobs.AddRange(Load(path));
            }
        }
        return jobs;
    }

    private static bool IsInput(string file) =>
        file.EndsWith(".ssz", StringComparison.Ordinal) || file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith(".json.gz", StringComparison.Ordinal);

    /// <summary>The jobs of one file.</summary>
    public static List<BlockJob> Load(string file)
    {
        string name = Path.GetFileName(file);
        foreach (var suffix in new[] { ".gz", ".json", ".ssz" })
            if (name.EndsWith(suffix, StringComparison.Ordinal))
                name = name[..^suffix.Length];
        try
        {
            if (!File.Exists(file))
                throw new IOException($"{file}: no such file or folder");
            var bytes = InputFiles.ReadAllBytes(file);
            if (!InputFiles.IsJsonObject(bytes))
                return [new BlockJob(name, file, bytes, null)];
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            var batch = InputConverter.Convert(doc.RootElement, name);
            // Named after the file (fixture names run to a hundred characters); several blocks get their numbers.
            var jobs = batch.Results.Select(r => new BlockJob(batch.Results.Count == 1 ? name : $"{name} (block {r.BlockNumber})", file, r.Bytes, r.ExpectedValid)).ToList();
            jobs.AddRange(batch.Failures.Select(f => new BlockJob($"{f.Name} (block index {f.BlockIndex})", file, null, f.ExpectedValid, $"not converted: {f.Reason}")));
            return jobs;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or ArgumentException or NotSupportedException)
        {
            return [new BlockJob(name, file, null, null, e.Message)];
        }
    }
}
