using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Zkvm.Chips;

/// <summary>When a chip's table is part of a shard's statement (docs/zkvm.md, "Chips and the chip registry").</summary>
public enum ChipPresence
{
    /// <summary>In every shard, padded to at least two rows (the CPU, the fixed tables, chips whose public values the verifier reads).</summary>
    Always,

    /// <summary>In a shard only when the shard has events for it; absent otherwise (see <see cref="ChipSet"/> for why this is sound).</summary>
    WhenUsed,

    /// <summary>In the last shard only, always there (the memory boundary of the whole execution and the input commitment).</summary>
    LastShard,

    /// <summary>
    /// In the boundary chunk shards only (the budget policy's chunked mode: the memory boundary and the input commitment cut
    /// into shards of their own, <see cref="ZkvmChips.IsChunkShard"/>), never in a CPU shard.
    /// </summary>
    ChunkShard,
}

/// <summary>A chip's trace for one shard: the main trace and the public values of its AIR.</summary>
public sealed record ChipTrace(Matrix.RowMajorMatrix<KoalaBear> Trace, KoalaBear[] PublicValues)
{
    public ChipTrace(Matrix.RowMajorMatrix<KoalaBear> trace) : this(trace, []) { }
}

/// <summary>
/// One entry of the chip registry (<see cref="ZkvmChips"/>): a name, its index (its bit in a shard's
/// <see cref="ChipSet"/> and its place in the table order of a shard's statement), when it is present, its AIR
/// for a program, and its trace generator. The generator reads the shard through a <see cref="ShardTraceContext"/>
/// (the shared <see cref="ShardTraceState"/>: the execution record and what the CPU stage derived from it; and the view's
/// own lookup counts) and returns null when the chip has no rows in this shard; a null is allowed only for
/// <see cref="ChipPresence.WhenUsed"/> chips.
/// </summary>
public sealed class ZkvmChip
{
    internal ZkvmChip(int index, string name, ChipPresence presence, Func<ZkvmProgram, IAir<KoalaBear>> air, Func<ShardTraceContext, ChipTrace?> generate,
        int stage = 0)
    {
        Index = index;
        Name = name;
        Presence = presence;
        Air = air;
        Generate = generate;
        Stage = stage;
    }

    /// <summary>Position in the registry: the chip's bit in a <see cref="ChipSet"/> and its rank in a shard's table order.</summary>
    public int Index { get; }

    public string Name { get; }

    public ChipPresence Presence { get; }

    /// <summary>The chip's AIR for a program (the program table and the load/store chip depend on the program).</summary>
    public Func<ZkvmProgram, IAir<KoalaBear>> Air { get; }

    /// <summary>The chip's trace of one shard, or null when it has no events there (<see cref="ChipPresence.WhenUsed"/> chips only).</summary>
    internal Func<ShardTraceContext, ChipTrace?> Generate { get; }

    /// <summary>
    /// Generation order: stage 0 chips run first (in registry order), then stage 1: the fixed lookup tables, whose
    /// multiplicities count every other chip's lookups.
    /// </summary>
    public int Stage { get; }

    /// <summary>Whether the chip's table is in a shard (last or not) for every execution.</summary>
    public bool Required(bool lastShard) => Presence == ChipPresence.Always || (lastShard && Presence == ChipPresence.LastShard);

    /// <summary>Whether the chip's table may be in a CPU shard (last or not).</summary>
    public bool Allowed(bool lastShard) => Presence switch
    {
        ChipPresence.LastShard => lastShard,
        ChipPresence.ChunkShard => false,
        _ => true,
    };

    public override string ToString() => Name;
}
