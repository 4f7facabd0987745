using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// A shard's shape: which registry chips have a table (<paramref name="Chips"/>, fixing the shard's AIR list) and the
/// tables' log heights in the chips' order. It fixes the shard proof's verifier, hence its leaf program in an aggregation
/// tree; an aggregated or final file carries the shards' distinct shapes (not their public values or commitments) so that
/// a verifier can rebuild the allowed leaf programs and bound the statement's bus budget.
/// </summary>
public readonly record struct ShardShape(ChipSet Chips, int[] LogHeights);
