using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Prover.Witness.Conversion;
using Prover.Witness.Ssz;

namespace Prover.Benchmarks.Witness;

/// <summary>
/// Conversion of the largest fixture of shared/fixtures/ethereum (BlockchainTests
/// <c>CALLBlake2f.json</c>, 480 KiB, witness built from <c>pre</c>) and of one EF benchmark witness,
/// plus the SSZ encode/decode/hash_tree_root of the resulting input. The baseline is parsing the
/// JSON alone. Run: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*Conversion*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ConversionBenchmarks
{
    private byte[] _largest = [];
    private byte[] _ef = [];
    private byte[] _wire = [];
    private StatelessInput? _input;

    [GlobalSetup]
    public void Setup()
    {
        string root = SharedFolder.Find();
        _largest = File.ReadAllBytes(Path.Combine(root, "fixtures/ethereum/blockchain_tests/GeneralStateTests/stPreCompiledContracts2/CALLBlake2f.json"));
        _ef = File.ReadAllBytes(Path.Combine(root, "fixtures/ethereum/prague_witness/test_worst_modexp-mod_256_exp_2.json"));
        var results = ConvertLargest();
        if (results == 0)
            throw new InvalidOperationException("the largest fixture converted no block");
        _input = EfBenchmarkFixture.Convert(JsonDocument.Parse(_ef).RootElement).Input;
        _wire = _input.Encode();
        // The variants must agree before anything is timed.
        if (!StatelessInput.Decode(_wire).Encode().AsSpan().SequenceEqual(_wire))
            throw new InvalidOperationException("SSZ round trip differs");
    }

    [Benchmark(Baseline = true, Description = "parse largest fixture JSON")]
    public int ParseJsonOnly()
    {
        using var doc = JsonDocument.Parse(_largest);
        return doc.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "convert largest fixture (all blocks)")]
    public long ConvertLargest()
    {
        using var doc = JsonDocument.Parse(_largest);
        long bytes = 0;
        foreach (var outcome in BlockchainTestConverter.Convert(doc.RootElement))
            bytes += outcome.Result?.Bytes.Length ?? 0;
        return bytes;
    }

    [Benchmark(Description = "convert EF witness fixture")]
    public int ConvertEfWitness()
    {
        using var doc = JsonDocument.Parse(_ef);
        return EfBenchmarkFixture.Convert(doc.RootElement).Bytes.Length;
    }

    [Benchmark(Description = "StatelessInput encode")]
    public int Encode() => _input!.Encode().Length;

    [Benchmark(Description = "StatelessInput decode")]
    public int Decode() => StatelessInput.Decode(_wire).PublicKeys.Length;

    [Benchmark(Description = "StatelessInput hash_tree_root")]
    public byte[] HashTreeRoot() => _input!.HashTreeRoot();
}

/// <summary>Finds ../shared beside the repository (or PROVER_SHARED).</summary>
internal static class SharedFolder
{
    public static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("PROVER_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
            return env;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prover.sln")))
            dir = dir.Parent;
        string candidate = Path.Combine(dir?.FullName ?? ".", "..", "shared");
        return Directory.Exists(candidate) ? Path.GetFullPath(candidate)
            : throw new DirectoryNotFoundException("../shared not found beside the repository; set PROVER_SHARED");
    }
}
