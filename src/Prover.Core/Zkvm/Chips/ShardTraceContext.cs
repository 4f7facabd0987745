using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// A chip trace generator's view of one shard: the shard's state (<see cref="Shard"/>, shared by every generator of the
/// shard and never written) and the lookup counts the generator adds its byte-table lookups to (the byte table, generated
/// last, receives them). The chips of one stage may generate concurrently: each worker on its own view
/// (<see cref="WithCounts"/>) counting into its own collector, the collectors added before the byte table's stage
/// (<see cref="Proving.ShardTraceBuilder"/>).
/// </summary>
internal sealed class ShardTraceContext
{
    /// <summary>A shard's first view: its state made here, counting into a new collector (the shard's; the serial path's only one).</summary>
    /// <param name="parallel">See <see cref="ShardTraceState"/>.</param>
    public ShardTraceContext(ZkvmProgram program, ExecutionRecord record, RegisterFile registers, MemoryBoundaries memory, byte[] input, bool last,
        bool parallel = false)
    {
        Counts = new LookupCounts();
        Shard = new ShardTraceState(program, record, registers, memory, input, last, parallel, Counts);
    }

    private ShardTraceContext(ShardTraceState shard, LookupCounts counts)
    {
        Shard = shard;
        Counts = counts;
    }

    /// <summary>A view of the same shard counting into <paramref name="counts"/> (a chip generating on its own thread).</summary>
    public ShardTraceContext WithCounts(LookupCounts counts) => new(Shard, counts);

    /// <summary>The shard's state, the same object in every view of the shard.</summary>
    public ShardTraceState Shard { get; }

    /// <summary>Where a generator counts its byte-table lookups (serial path: every chip generated so far, in one collector).</summary>
    public LookupCounts Counts { get; }

    /// <summary>The CPU trace (for the CPU chip's generator, once), its lookups counted into this view's <see cref="Counts"/> when filled now.</summary>
    public RowMajorMatrix<KoalaBear> CpuTrace() => Shard.CpuTrace(Counts);
}
