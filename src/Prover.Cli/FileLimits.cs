using System.CommandLine;
using Prover.Core.Machine;

namespace Prover.Cli;

/// <summary>
/// Reads the files the commands take (guest inputs, fixtures, proofs) only when they are within a size limit,
/// checked on the file's length before anything is read: a huge or wrong file is a clear error, never an
/// out-of-memory failure (docs/design.md, "Resource bounds").
/// </summary>
internal static class FileLimits
{
    /// <summary>Default of <c>--max-proof-bytes</c>: 1 GiB, about 600 shards of 2^20 cycles at 1.7 MB each (docs/benchmarks.md).</summary>
    public const long DefaultMaxProofBytes = 1L << 30;

    /// <summary>The file's bytes; an <see cref="IOException"/> naming the limit when it is larger than <paramref name="maxBytes"/>.</summary>
    public static byte[] Read(FileInfo file, long maxBytes, string limitName)
    {
        ArgumentNullException.ThrowIfNull(file);
        file.Refresh();
        if (!file.Exists)
            throw new IOException($"{file.FullName}: no such file");
        if (file.Length > maxBytes)
            throw new IOException($"{file.Name} is {file.Length:N0} bytes, more than the limit of {maxBytes:N0} ({limitName})");
        return File.ReadAllBytes(file.FullName);
    }

    /// <summary><c>--max-input-bytes</c>: the guest input (and a fixture JSON it is converted from); default the input region, 1 GiB.</summary>
    public static Option<long> MaxInputOption() => new("--max-input-bytes")
    {
        Description = "largest input file accepted (default: the guest's 1 GiB input region)",
        DefaultValueFactory = _ => (long)MemoryMap.InputMaxSize,
    };
}
