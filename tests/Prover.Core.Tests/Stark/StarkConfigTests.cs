using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>Presets by name (what the CLI and the proof files name).</summary>
public sealed class StarkConfigTests
{
    [Fact]
    public void Every_preset_is_found_by_its_name_and_an_unknown_name_lists_the_known_ones()
    {
        foreach (var preset in StarkConfig.Presets.Concat(StarkConfig.RecursionPresets))
            Assert.Same(preset, StarkConfig.ByName(preset.Name));
        // The final recursion layer: the provable-100 extension and digest at blowup 64 with fewer queries and more grinding.
        var final = StarkConfig.ByName("final-100");
        final.Validate();
        Assert.Equal((8, 8, 6, 26, 24), (final.ExtensionDegree, final.DigestElements, final.LogBlowup, final.NumQueries, final.QueryPowBits));
        Assert.DoesNotContain(final, StarkConfig.Presets);
        // The wrap layer below it: blowup 32, 31 queries, 24 PoW bits (a smaller final program).
        var layer = StarkConfig.ByName("recursion-100");
        layer.Validate();
        Assert.Equal((8, 8, 5, 31, 24), (layer.ExtensionDegree, layer.DigestElements, layer.LogBlowup, layer.NumQueries, layer.QueryPowBits));
        Assert.DoesNotContain(layer, StarkConfig.Presets);
        // The provable-128 final layer: the extension and 12-element digests of provable-128, at blowup 32.
        var final128 = StarkConfig.ByName("final-128");
        final128.Validate();
        Assert.Equal((8, 12, 5, 42, 24, 128), (final128.ExtensionDegree, final128.DigestElements, final128.LogBlowup, final128.NumQueries, final128.QueryPowBits, final128.MinimumProvableBits));
        Assert.DoesNotContain(final128, StarkConfig.Presets);
        var e = Assert.Throws<ArgumentException>(() => StarkConfig.ByName("provable-99"));
        Assert.Contains("provable-99", e.Message, StringComparison.Ordinal);
        Assert.Contains(StarkConfig.Development.Name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_extension_degree_follows_from_the_configuration()
    {
        Assert.Equal(4, StarkConfig.Development.ExtensionDegree);
        Assert.Equal(8, StarkConfig.Provable100.ExtensionDegree);
        Assert.Equal(8, StarkConfig.Provable128.ExtensionDegree);
        foreach (var preset in StarkConfig.Presets)
            preset.Validate();
        Assert.Throws<ArgumentException>(() => (StarkConfig.Development with { ExtensionDegree = 5 }).Validate());
    }

    [Fact]
    public void Arity_and_cap_height_are_validated()
    {
        foreach (int arity in new[] { 2, 4, 8 })
            (StarkConfig.Development with { FoldingArity = arity }).Validate();
        foreach (int arity in new[] { 0, 1, 3, 6, 16 })
            Assert.Throws<ArgumentException>(() => (StarkConfig.Development with { FoldingArity = arity }).Validate());
        (StarkConfig.Development with { MerkleCapHeight = Prover.Core.Merkle.MerkleCap.MaxHeight }).Validate();
        Assert.Throws<ArgumentException>(() => (StarkConfig.Development with { MerkleCapHeight = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (StarkConfig.Development with { MerkleCapHeight = Prover.Core.Merkle.MerkleCap.MaxHeight + 1 }).Validate());
    }
}
