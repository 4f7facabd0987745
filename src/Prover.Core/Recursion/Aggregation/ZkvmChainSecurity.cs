using System.Collections.Concurrent;
using System.Globalization;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The security of the proofs below a verified top proof (docs/design.md, "Recursion", security): every recursion
/// program's proof shape under its configuration and every shard shape under the shards' (bus term over the whole
/// statement), each by <see cref="StarkSecurity.OfShape"/> and computed once per shape (it depends only on the shape and
/// the configuration; compiling the AIRs for it costs more than the top proof's check). Shared by the aggregate and epoch
/// verifiers, which report the weakest proof of their chain.
/// </summary>
internal sealed class ZkvmChainSecurity<TDef, TDigest>(ZkvmProgram program)
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ConcurrentDictionary<string, Security.SecurityReport> _shapes = new();

    /// <summary>A recursion program's proof under <paramref name="config"/>.</summary>
    public Security.SecurityReport Program(ZkvmAggregationChild<TDef, TDigest> child, StarkConfig config) =>
        _shapes.GetOrAdd($"program {config} {string.Join(',', child.Key.PreprocessedRoot.ToCanonical())}",
            _ => StarkSecurity.OfShape(config, child.Machine.Airs, child.Machine.LogHeights, KoalaBearParameters.P));

    /// <summary>The weakest of <paramref name="top"/>, the programs' proofs (each under its configuration) and the shard proofs of each execution.</summary>
    public Security.SecurityReport Weakest(Security.SecurityReport top, IEnumerable<(ZkvmAggregationChild<TDef, TDigest> Child, StarkConfig Config)> programs,
        IEnumerable<(IReadOnlyList<ShardShape> Shards, ZkvmCheckedStatement<TDef, TDigest> Statement)> executions)
    {
        var weakest = top;
        foreach (var (child, config) in programs.DistinctBy(p => (p.Child, p.Config)))
            weakest = Security.SecurityReport.Weakest(weakest, Program(child, config));
        foreach (var (shards, statement) in executions)
            foreach (var shard in shards.DistinctBy(s => (s.Chips.Bits, string.Join(',', s.LogHeights))))
                weakest = Security.SecurityReport.Weakest(weakest, _shapes.GetOrAdd(
                    $"shard {statement.Config} {shard.Chips.Bits} {string.Join(',', shard.LogHeights)} {statement.Fractions.ToString("R", CultureInfo.InvariantCulture)}",
                    _ => StarkSecurity.OfShape(statement.Config, program.AirsOf(shard.Chips), shard.LogHeights, KoalaBearParameters.P, statement.Fractions)));
        return weakest;
    }
}
