using System.Text.Json;

namespace Prover.Witness.Tests;

/// <summary>The Ethereum fixtures under shared/fixtures/ethereum (paths relative to it), listed for theories.</summary>
internal static class EthFixtures
{
    public static string Root => SharedData.PathOf(Path.Combine("fixtures", "ethereum"));

    /// <summary>BlockchainTests and EEST blockchain-test files, relative to fixtures/ethereum.</summary>
    public static TheoryData<string> BlockchainTestFiles()
    {
        var data = new TheoryData<string>();
        if (!SharedData.Exists)
        {
            data.Add("(shared absent)");
            return data;
        }
        foreach (var dir in new[] { "blockchain_tests", "eest_prague" })
            foreach (var f in Directory.EnumerateFiles(Path.Combine(Root, dir), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(Root, f));
        return data;
    }

    public static TheoryData<string> PragueWitnessFiles()
    {
        var data = new TheoryData<string>();
        if (!SharedData.Exists)
        {
            data.Add("(shared absent)");
            return data;
        }
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Root, "prague_witness"), "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, f));
        return data;
    }

    public static JsonDocument Load(string relative) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, relative)));
}
