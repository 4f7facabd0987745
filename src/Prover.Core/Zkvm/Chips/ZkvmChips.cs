using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.DivRem;
using Prover.Core.Zkvm.EllipticCurve;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.Keccak;
using Prover.Core.Zkvm.LoadStore;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.ModMul;
using Prover.Core.Zkvm.Mul;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Sha256;
using Prover.Core.Zkvm.Shift;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// The chip registry: every chip a shard's statement may contain, in table order (docs/zkvm.md, "Chips and the chip
/// registry"). A shard's tables are the chips of its <see cref="ChipSet"/> in this order. Prover, verifier, the
/// distributed workers and coordinator, the bus budget and the memory model all read this list; adding a chip is
/// adding an entry (docs/zkvm.md, "Adding a chip"). The indices are <see cref="ZkvmTable"/>'s constants; a new chip takes
/// the next free index (never renumber: the index is the chip's bit in every proof's chip sets).
/// </summary>
public static class ZkvmChips
{
    /// <summary>The registry, indexed by chip index.</summary>
    public static IReadOnlyList<ZkvmChip> All { get; } = Build();

    public static int Count => All.Count;

    private static ZkvmChip[] Build()
    {
        ZkvmChip[] chips =
        [
            new(ZkvmTable.Program, "Program", ChipPresence.Always, p => p.Table,
                c => new ChipTrace(c.Shard.Program.Table.GenerateTrace(c.Shard.Rows.Select(r => r.Pc)))),
            new(ZkvmTable.Bytes, "Bytes", ChipPresence.Always, _ => new ByteTable<KoalaBear>(),
                c => new ChipTrace(new ByteTable<KoalaBear>().GenerateTrace(c.Counts)), stage: 1),
            new(ZkvmTable.Cpu, "Cpu", ChipPresence.Always, _ => new CpuAir<KoalaBear>(), c => new ChipTrace(c.CpuTrace(), c.Shard.CpuPublics)),
            new(ZkvmTable.AddSub, "AddSub", ChipPresence.Always, _ => new AddSubAir<KoalaBear>(),
                c => new ChipTrace(AddSubTrace.Generate<KoalaBear>(c.Shard.AluRequests(AluFamily.AddSub), c.Counts))),
            new(ZkvmTable.Bitwise, "Bitwise", ChipPresence.Always, _ => new BitwiseAir<KoalaBear>(),
                c => new ChipTrace(BitwiseTrace.Generate<KoalaBear>(c.Shard.AluRequests(AluFamily.Bitwise), c.Counts))),
            new(ZkvmTable.Shift, "Shift", ChipPresence.Always, _ => new ShiftAir<KoalaBear>(),
                c => new ChipTrace(ShiftTrace.Generate<KoalaBear>(c.Shard.AluRequests(AluFamily.Shift), c.Counts))),
            new(ZkvmTable.Compare, "Compare", ChipPresence.Always, _ => new CompareAir<KoalaBear>(),
                c => new ChipTrace(CompareTrace.Generate<KoalaBear>(c.Shard.AluRequests(AluFamily.Compare), c.Counts))),
            // Mul and DivRem only receive the CPU's requests on the ALU bus and send byte lookups: with no request in the
            // shard their table is left out (ChipSet: an absent table is an all-padding table on every bus).
            new(ZkvmTable.Mul, "Mul", ChipPresence.WhenUsed, _ => new MulAir<KoalaBear>(),
                c => c.Shard.AluRequests(AluFamily.Mul) is { Count: > 0 } e ? new ChipTrace(MulTrace.Generate<KoalaBear>(e, c.Counts)) : null),
            new(ZkvmTable.DivRem, "DivRem", ChipPresence.WhenUsed, _ => new DivRemAir<KoalaBear>(),
                c => c.Shard.AluRequests(AluFamily.DivRem) is { Count: > 0 } e ? new ChipTrace(DivRemTrace.Generate<KoalaBear>(e, c.Counts)) : null),
            new(ZkvmTable.LoadStore, "LoadStore", ChipPresence.Always, p => new LoadStoreAir<KoalaBear>(p.Program.CodeEnd),
                c => new ChipTrace(LoadStoreTrace.Generate<KoalaBear>(c.Shard.Record.MemoryInstructions, c.Shard.Record.MemoryAccesses, c.Counts,
                    c.Shard.Program.Program.CodeEnd, c.Shard.InputSize, e => c.Shard.StoreOperands[e.Timestamp]),
                    LoadStoreTrace.PublicValues<KoalaBear>(c.Shard.InputSize))),
            new(ZkvmTable.Syscall, "Syscall", ChipPresence.Always, _ => new SyscallAir<KoalaBear>(), c =>
            {
                var trace = SyscallTrace.Generate<KoalaBear>(c.Shard.Syscalls, c.Shard.InputSize, c.Counts, out var publics);
                return new ChipTrace(trace, publics);
            }),
            new(ZkvmTable.MemoryInit, "MemoryInit", ChipPresence.LastShard, _ => new MemoryInitAir<KoalaBear>(bindToInitialValues: true),
                c => new ChipTrace(MemoryTrace.Generate<KoalaBear>(c.Shard.MemoryEntries.Init, init: true, c.Counts, boundInit: true))),
            new(ZkvmTable.MemoryFinal, "MemoryFinal", ChipPresence.LastShard, _ => new MemoryFinalAir<KoalaBear>(),
                c => new ChipTrace(MemoryTrace.Generate<KoalaBear>(c.Shard.MemoryEntries.Final, init: false, c.Counts))),
            new(ZkvmTable.InputCommit, "InputCommit", ChipPresence.LastShard, _ => new InputCommitAir(), c =>
            {
                var air = (InputCommitAir)c.Shard.Program.Airs[ZkvmTable.InputCommit];
                var trace = InputCommitTrace.Generate(air, c.Shard.Input, c.Counts, out var publics);
                return new ChipTrace(trace, publics);
            }),
            // Keccak-f (issue 15): only the syscall chip's KECCAK_PERMUTE rows send to it (bus 13) and only its export rows
            // touch memory; its padding permutations send and receive nothing, so a shard without calls leaves it out.
            new(ZkvmTable.Keccak, "Keccak", ChipPresence.WhenUsed, p => new KeccakAir<KoalaBear>(p.Program.CodeEnd),
                c => c.Shard.Record.KeccakPermutes is { Count: > 0 } e
                    ? new ChipTrace(KeccakTrace.Generate<KoalaBear>(e, c.Shard.Program.Program.CodeEnd, c.Counts)) : null),
            // The modmul chips receive the syscall chip's calls on the ModMul bus and make memory accesses and byte lookups
            // only for their own rows: a shard without a call of that size leaves the table out (a call with the table left
            // out is an unmatched ModMul send).
            new(ZkvmTable.ModMul256, "ModMul256", ChipPresence.WhenUsed, p => new ModMulAir<KoalaBear>(4, p.Program.CodeEnd), c => ModMul(c, ZkvmTable.ModMul256)),
            new(ZkvmTable.ModMul384, "ModMul384", ChipPresence.WhenUsed, p => new ModMulAir<KoalaBear>(6, p.Program.CodeEnd), c => ModMul(c, ZkvmTable.ModMul384)),
            // SHA-256 compression (issue 15): only the syscall chip's SHA256_COMPRESS rows send to it (bus 14) and only its export
            // rows touch memory; its padding compressions send and receive nothing, so a shard without calls leaves it out.
            new(ZkvmTable.Sha256, "Sha256", ChipPresence.WhenUsed, p => new Sha256Air<KoalaBear>(p.Program.CodeEnd),
                c => c.Shard.Record.Sha256Compresses is { Count: > 0 } e
                    ? new ChipTrace(Sha256Trace.Generate<KoalaBear>(e, c.Shard.Program.Program.CodeEnd, c.Counts)) : null),
        ];
        // The Weierstrass point chips (issue 15; indices 18–23, secp256k1 add/double first) receive the syscall chip's calls
        // on the Weierstrass bus and make memory accesses and byte lookups only for their own rows: a shard without a call of
        // that number leaves the table out (a call with the table left out is an unmatched send).
        chips = [.. chips,
            new(ZkvmTable.Secp256k1Add, "Secp256k1Add", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Secp256k1, isDouble: false, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Secp256k1Add)),
            new(ZkvmTable.Secp256k1Double, "Secp256k1Double", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Secp256k1, isDouble: true, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Secp256k1Double)),
            new(ZkvmTable.Bn254Add, "Bn254Add", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Bn254, isDouble: false, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Bn254Add)),
            new(ZkvmTable.Bn254Double, "Bn254Double", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Bn254, isDouble: true, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Bn254Double)),
            new(ZkvmTable.Bls12381Add, "Bls12381Add", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Bls12381, isDouble: false, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Bls12381Add)),
            new(ZkvmTable.Bls12381Double, "Bls12381Double", ChipPresence.WhenUsed,
                p => new WeierstrassAir<KoalaBear>(WeierstrassCurve.Bls12381, isDouble: true, p.Program.CodeEnd), c => Weierstrass(c, ZkvmTable.Bls12381Double)),
            // The program's initial memory (issue 14): preprocessed (key, value) rows in every shard (a preprocessed table must
            // be in every shard's key subset), sending only in the last shard (Active, a public value the verifier fixes).
            new(ZkvmTable.Image, "Image", ChipPresence.Always, p => p.ImageTable,
                c => new ChipTrace(c.Shard.Program.ImageTable.GenerateTrace(active: c.Shard.IsLast),
                    ImageTable<KoalaBear>.PublicValues(active: c.Shard.IsLast))),
            // The boundary chunks (issue 14 piece (b), the budget policy's chunked mode): the whole execution's bound memory
            // initialisation and final memory, and the input commitment's sponge, cut into chunk shards of their own
            // (Proving.BoundaryChunks builds them from the boundary's entries and the input, never a CPU shard's record).
            new(ZkvmTable.MemoryInitChunk, "MemoryInitChunk", ChipPresence.ChunkShard, _ => new MemoryInitChunkAir<KoalaBear>(), NotInCpuShards),
            new(ZkvmTable.MemoryFinalChunk, "MemoryFinalChunk", ChipPresence.ChunkShard, _ => new MemoryFinalAir<KoalaBear>(), NotInCpuShards),
            new(ZkvmTable.InputChunk, "InputChunk", ChipPresence.ChunkShard, _ => new InputChunkAir(), NotInCpuShards),
        ];
        for (int i = 0; i < chips.Length; i++)
            if (chips[i].Index != i)
                throw new InvalidOperationException($"chip {chips[i].Name} has index {chips[i].Index} at registry position {i}");
        if (chips.Length > ChipSet.Capacity)
            throw new InvalidOperationException($"{chips.Length} chips do not fit a {ChipSet.Capacity}-bit chip set");
        return chips;
    }

    private static ChipTrace? NotInCpuShards(ShardTraceContext c) =>
        throw new InvalidOperationException("a boundary chunk's table is built by its chunk shard, not from a CPU shard's record");

    private static ChipTrace? ModMul(ShardTraceContext c, int chip)
    {
        var air = (ModMulAir<KoalaBear>)c.Shard.Program.Airs[chip];
        int limbs = air.Layout.Limbs;
        return c.Shard.Record.ModMuls.Exists(e => e.Limbs == limbs) ? new ChipTrace(ModMulTrace.Generate(air, c.Shard.Record.ModMuls, c.Counts)) : null;
    }

    private static ChipTrace? Weierstrass(ShardTraceContext c, int chip)
    {
        var air = (WeierstrassAir<KoalaBear>)c.Shard.Program.Airs[chip];
        return c.Shard.Record.WeierstrassOps.Exists(e => e.Number == air.Number)
            ? new ChipTrace(WeierstrassTrace.Generate(air, c.Shard.Record.WeierstrassOps, c.Counts)) : null;
    }

    /// <summary>Every chip a shard (last or not) may have: the largest statement of that kind.</summary>
    public static ChipSet Full(bool lastShard) => Of(c => c.Allowed(lastShard));

    /// <summary>The chips every shard (last or not) must have.</summary>
    public static ChipSet Required(bool lastShard) => Of(c => c.Required(lastShard));

    private static ChipSet Of(Func<ZkvmChip, bool> keep)
    {
        ulong bits = 0;
        foreach (var c in All)
            if (keep(c))
                bits |= 1UL << c.Index;
        return new ChipSet(bits);
    }

    /// <summary>
    /// The accelerator chips (Keccak, the two modmul chips, SHA-256, the six Weierstrass point chips): tables whose only
    /// requests come from the syscall chip on their own bus, with memory accesses at the calls' absolute timestamps. Under
    /// <see cref="Proving.ShardShapePolicy.Budget"/> their rows live in accelerator shards (<see cref="IsAcceleratorShard"/>),
    /// never beside the CPU.
    /// </summary>
    public static bool IsAccelerator(int chip) => chip is ZkvmTable.Keccak or ZkvmTable.ModMul256 or ZkvmTable.ModMul384 or ZkvmTable.Sha256
        or >= ZkvmTable.Secp256k1Add and <= ZkvmTable.Bls12381Double;

    /// <summary>The accelerator chips in registry order (the order of the accelerator shards in a proof under the budget policy).</summary>
    public static IReadOnlyList<int> Accelerators { get; } = [.. Enumerable.Range(0, Count).Where(IsAccelerator)];

    /// <summary>
    /// The tables of an accelerator shard of <paramref name="accelerator"/>: the fixed tables every shard has (Program and image,
    /// whose preprocessed columns every shard's key subset holds; the byte table, which receives the accelerator's byte
    /// lookups) and the accelerator's table. No CPU: the CPU AIR requires its first row to be real (an executed
    /// instruction), so an all-padding CPU table cannot exist; the shard has no CPU boundary and the verifier chains the
    /// CPU shards around it (docs/design.md, "Accelerator shards").
    /// </summary>
    public static ChipSet AcceleratorShard(int accelerator) => IsAccelerator(accelerator)
        ? new ChipSet(0).With(ZkvmTable.Program).With(ZkvmTable.Bytes).With(ZkvmTable.Image).With(accelerator)
        : throw new ArgumentOutOfRangeException(nameof(accelerator), $"chip {accelerator} is not an accelerator");

    /// <summary>Whether <paramref name="chips"/> is an accelerator shard's set (<see cref="AcceleratorShard"/> of some accelerator).</summary>
    public static bool IsAcceleratorShard(ChipSet chips)
    {
        var fixedTables = new ChipSet(0).With(ZkvmTable.Program).With(ZkvmTable.Bytes).With(ZkvmTable.Image);
        var rest = new ChipSet(chips.Bits & ~fixedTables.Bits);
        return (chips.Bits & fixedTables.Bits) == fixedTables.Bits && rest.Count == 1 && IsAccelerator(rest.Indices()[0]);
    }

    /// <summary>The tables every CPU-less shard has: Program and image (preprocessed, in every key subset) and the byte table.</summary>
    private static readonly ChipSet FixedTables = new ChipSet(0).With(ZkvmTable.Program).With(ZkvmTable.Bytes).With(ZkvmTable.Image);

    /// <summary>
    /// A memory-chunk shard's tables (the budget policy's chunked mode; docs/design.md, "Boundary chunks"): the fixed tables
    /// (<see cref="AcceleratorShard"/> says why) and one chunk of the bound memory initialisation and of the final memory, over
    /// the same run of keys.
    /// </summary>
    public static ChipSet MemoryChunkShard { get; } = FixedTables.With(ZkvmTable.MemoryInitChunk).With(ZkvmTable.MemoryFinalChunk);

    /// <summary>An input-chunk shard's tables: the fixed tables and one chunk of the input commitment's sponge.</summary>
    public static ChipSet InputChunkShard { get; } = FixedTables.With(ZkvmTable.InputChunk);

    /// <summary>Whether <paramref name="chips"/> is a boundary chunk shard's set (<see cref="MemoryChunkShard"/> or <see cref="InputChunkShard"/>).</summary>
    public static bool IsChunkShard(ChipSet chips) => chips == MemoryChunkShard || chips == InputChunkShard;

    /// <summary>Whether the shard executes nothing (an accelerator or a boundary chunk shard): the native verifier and the leaves pass the CPU chain through it.</summary>
    public static bool IsCpuLess(ChipSet chips) => IsAcceleratorShard(chips) || IsChunkShard(chips);

    /// <summary>
    /// Whether an execution whose last shard has <paramref name="lastShard"/> is in chunked mode: its last shard has no
    /// MemoryInit (the budget policy moves the memory boundary and the input commitment into chunk shards), so its boundary
    /// and input commitment are the chunk shards' and the verifier adds the chains' end tuples (docs/design.md, "Boundary chunks").
    /// </summary>
    public static bool IsChunkedMode(ChipSet lastShard) => !lastShard.Contains(ZkvmTable.MemoryInit);

    /// <summary>
    /// Null when <paramref name="chips"/> is a valid chip set of a shard at that place (last or not) in an execution of that
    /// mode (<see cref="IsChunkedMode"/>): a CPU shard's (<see cref="Check"/>; in chunked mode the last shard is a plain CPU
    /// shard, without the last-shard tables), or, for a shard that is not the last, an accelerator shard's
    /// (<see cref="IsAcceleratorShard"/>) or, in chunked mode only, a boundary chunk shard's (<see cref="IsChunkShard"/>).
    /// Otherwise why not. The last shard is always a CPU shard (its CPU end is the execution's end; in natural mode it holds
    /// the memory boundary and the input commitment).
    /// </summary>
    public static string? CheckShard(ChipSet chips, bool lastShard, bool chunked = false)
    {
        if (!lastShard && (IsAcceleratorShard(chips) || chunked && IsChunkShard(chips)))
            return null;
        if (chunked && chips.Contains(ZkvmTable.MemoryInit))
            return "a shard with the natural memory boundary in an execution whose boundary is in chunk shards";
        return Check(chips, lastShard && !chunked);
    }

    /// <summary>
    /// Null when <paramref name="chips"/> is a valid chip set of a CPU shard (last or not): only registry chips, every
    /// required chip, last-shard chips only in the last shard. Otherwise why not. The verifier rejects a proof whose
    /// shard names an invalid set before any other work on the shard.
    /// </summary>
    public static string? Check(ChipSet chips, bool lastShard)
    {
        ulong unknown = chips.Bits & ~(Count >= 64 ? ulong.MaxValue : (1UL << Count) - 1);
        if (unknown != 0)
            return $"unknown chip index {System.Numerics.BitOperations.TrailingZeroCount(unknown)} (the registry has {Count} chips)";
        foreach (var c in All)
        {
            if (c.Required(lastShard) && !chips.Contains(c.Index))
                return $"the {c.Name} chip is required in every {(lastShard ? "last " : "")}shard but absent";
            if (!c.Allowed(lastShard) && chips.Contains(c.Index))
                return c.Presence == ChipPresence.ChunkShard ? $"the {c.Name} chip belongs to a boundary chunk shard only" : $"the {c.Name} chip belongs to the last shard only";
        }
        return null;
    }
}
