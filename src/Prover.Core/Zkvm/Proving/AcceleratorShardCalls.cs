using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// The payload of an accelerator shard job (<see cref="ZkvmShardKind.Accelerator"/>; docs/design.md, "Distributed proving"):
/// the accelerator, the tier its table is padded to (log2 of its rows) and the chunk's calls in execution order — what
/// <see cref="AcceleratorShards.Build"/> builds the shard from on the single-process path. Only the list of the accelerator's
/// event type is used (Keccak-f, SHA-256 compressions, modmuls, or Weierstrass point operations); the worker takes the calls
/// through the prover's own gathering (<see cref="AcceleratorShards.ChunkOf"/>), so calls of another accelerator, more calls
/// than one chunk holds, calls out of execution order or a tier that is not the calls' are refused there.
/// </summary>
public sealed record AcceleratorShardCalls
{
    /// <summary>The accelerator's chip index (<see cref="ZkvmChips.IsAccelerator"/>).</summary>
    public required int Chip { get; init; }

    /// <summary>log2 of the accelerator table's rows (<see cref="ShardBudget.AcceleratorLogHeight"/>).</summary>
    public required int LogHeight { get; init; }

    public IReadOnlyList<KeccakPermuteEvent> KeccakPermutes { get; init; } = [];

    public IReadOnlyList<Sha256CompressEvent> Sha256Compresses { get; init; } = [];

    public IReadOnlyList<ModMulEvent> ModMuls { get; init; } = [];

    public IReadOnlyList<WeierstrassEvent> WeierstrassOps { get; init; } = [];

    /// <summary>Calls in all lists.</summary>
    public int Count => KeccakPermutes.Count + Sha256Compresses.Count + ModMuls.Count + WeierstrassOps.Count;

    /// <summary>The largest tier a job may name (<see cref="ShardBudget.AcceleratorMaxLogHeight(Func{int, int}, int)"/> stops at 2^24).</summary>
    public const int MaxLogHeight = 24;

    /// <summary>The most double-word accesses one call makes on the wire (the largest point operation makes 4 · 6 · 2 = 48).</summary>
    public const int MaxAccessesPerCall = 64;

    private const int AccessBytes = 5 * 8;

    private const int KeccakCallBytes = 2 * 8 + 3 * KeccakF1600.Lanes * 8;

    internal static AcceleratorShardCalls Of(AcceleratorChunk chunk, int logHeight)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var e = chunk.Events;
        return new AcceleratorShardCalls
        {
            Chip = chunk.Chip, LogHeight = logHeight,
            KeccakPermutes = [.. e.KeccakPermutes], Sha256Compresses = [.. e.Sha256Compresses], ModMuls = [.. e.ModMuls], WeierstrassOps = [.. e.WeierstrassOps],
        };
    }

    /// <summary>The event type an accelerator's calls have on the wire.</summary>
    private static int EventKind(int chip) => chip switch
    {
        ZkvmTable.Keccak => 0,
        ZkvmTable.Sha256 => 1,
        ZkvmTable.ModMul256 or ZkvmTable.ModMul384 => 2,
        _ when ZkvmChips.IsAccelerator(chip) => 3,
        _ => throw new FormatException($"chip {chip} is not an accelerator"),
    };

    internal void Write(ShardJobWriter w)
    {
        if (!ZkvmChips.IsAccelerator(Chip) || LogHeight is < ShardBudget.AcceleratorMinLogHeight or > MaxLogHeight || Count == 0)
            throw new InvalidOperationException($"an accelerator shard job of chip {Chip} at 2^{LogHeight} rows with {Count} calls");
        int kind = EventKind(Chip);
        int own = kind switch { 0 => KeccakPermutes.Count, 1 => Sha256Compresses.Count, 2 => ModMuls.Count, _ => WeierstrassOps.Count };
        if (own != Count)
            throw new InvalidOperationException($"an accelerator shard job of {ZkvmChips.All[Chip].Name} holds calls of another accelerator's type");
        w.U8((byte)Chip);
        w.U8((byte)LogHeight);
        w.U32((uint)Count);
        void Accesses(MemoryAccessEvent[] accesses)
        {
            if (accesses.Length > MaxAccessesPerCall)
                throw new InvalidOperationException($"a call of {accesses.Length} accesses");
            w.U32((uint)accesses.Length);
            foreach (var a in accesses)
            {
                w.U64(a.Address);
                w.U64(a.Value);
                w.U64(a.PrevValue);
                w.U64((ulong)a.Timestamp);
                w.U64((ulong)a.PrevTimestamp);
            }
        }
        foreach (var e in KeccakPermutes)
        {
            if (e.Pre.Length != KeccakF1600.Lanes || e.Post.Length != KeccakF1600.Lanes || e.PrevClk.Length != KeccakF1600.Lanes)
                throw new InvalidOperationException("a Keccak-f call without 25 lanes");
            w.U64((ulong)e.Clk);
            w.U64(e.Pointer);
            foreach (var v in e.Pre)
                w.U64(v);
            foreach (var v in e.Post)
                w.U64(v);
            foreach (var v in e.PrevClk)
                w.U64((ulong)v);
        }
        foreach (var e in Sha256Compresses)
        {
            w.U64((ulong)e.Timestamp);
            w.U64(e.StatePtr);
            w.U64(e.BlockPtr);
            Accesses(e.Accesses);
        }
        foreach (var e in ModMuls)
        {
            w.U64((ulong)e.Timestamp);
            w.U32((uint)e.Limbs);
            w.U64(e.XPtr);
            w.U64(e.YmPtr);
            Accesses(e.Accesses);
        }
        foreach (var e in WeierstrassOps)
        {
            w.U64((ulong)e.Timestamp);
            w.U64(e.Number);
            w.U64(e.PPtr);
            w.U64(e.QPtr);
            Accesses(e.Accesses);
        }
    }

    /// <summary>
    /// Reads <see cref="Write"/>'s bytes: the chip must be an accelerator and the tier in [2^10, 2^24]; the call count and every
    /// call's access count are checked against the bytes left before anything is allocated, Keccak-f's lanes are fixed (25).
    /// What the bytes cannot say (whether the calls are this accelerator's and in order, the tier theirs) the worker checks.
    /// </summary>
    internal static AcceleratorShardCalls Read(ref ShardJobReader r)
    {
        int chip = r.U8();
        if (!ZkvmChips.IsAccelerator(chip))
            throw new FormatException($"chip {chip} is not an accelerator");
        int logHeight = r.U8();
        if (logHeight is < ShardBudget.AcceleratorMinLogHeight or > MaxLogHeight)
            throw new FormatException($"an accelerator tier of 2^{logHeight} rows (2^{ShardBudget.AcceleratorMinLogHeight}..2^{MaxLogHeight})");
        int kind = EventKind(chip);
        // The smallest call of the kind: Keccak-f's fixed size, the others' fixed fields and an access count.
        int minCall = kind switch { 0 => KeccakCallBytes, 1 => 3 * 8 + 4, 2 => 8 + 4 + 2 * 8 + 4, _ => 4 * 8 + 4 };
        int count = r.Count(minCall);
        if (count == 0)
            throw new FormatException("an accelerator shard job without calls");
        var keccak = new List<KeccakPermuteEvent>(kind == 0 ? count : 0);
        var sha = new List<Sha256CompressEvent>(kind == 1 ? count : 0);
        var modmul = new List<ModMulEvent>(kind == 2 ? count : 0);
        var points = new List<WeierstrassEvent>(kind == 3 ? count : 0);
        for (int i = 0; i < count; i++)
        {
            switch (kind)
            {
                case 0:
                {
                    long clk = (long)r.U64();
                    ulong pointer = r.U64();
                    var pre = new ulong[KeccakF1600.Lanes];
                    var post = new ulong[KeccakF1600.Lanes];
                    var prevClk = new long[KeccakF1600.Lanes];
                    for (int j = 0; j < pre.Length; j++)
                        pre[j] = r.U64();
                    for (int j = 0; j < post.Length; j++)
                        post[j] = r.U64();
                    for (int j = 0; j < prevClk.Length; j++)
                        prevClk[j] = (long)r.U64();
                    keccak.Add(new KeccakPermuteEvent(clk, pointer, pre, post, prevClk));
                    break;
                }
                case 1:
                    sha.Add(new Sha256CompressEvent((long)r.U64(), r.U64(), r.U64(), Accesses(ref r)));
                    break;
                case 2:
                {
                    long ts = (long)r.U64();
                    uint limbs = r.U32();
                    if (limbs is 0 or > MaxAccessesPerCall)
                        throw new FormatException($"a modmul of {limbs} limbs");
                    modmul.Add(new ModMulEvent(ts, (int)limbs, r.U64(), r.U64(), Accesses(ref r)));
                    break;
                }
                default:
                    points.Add(new WeierstrassEvent((long)r.U64(), r.U64(), r.U64(), r.U64(), Accesses(ref r)));
                    break;
            }
        }
        return new AcceleratorShardCalls { Chip = chip, LogHeight = logHeight, KeccakPermutes = keccak, Sha256Compresses = sha, ModMuls = modmul, WeierstrassOps = points };
    }

    private static MemoryAccessEvent[] Accesses(ref ShardJobReader r)
    {
        int n = r.Count(AccessBytes);
        if (n > MaxAccessesPerCall)
            throw new FormatException($"a call of {n} accesses (at most {MaxAccessesPerCall})");
        var accesses = new MemoryAccessEvent[n];
        for (int i = 0; i < n; i++)
            accesses[i] = new MemoryAccessEvent(r.U64(), r.U64(), r.U64(), (long)r.U64(), (long)r.U64());
        return accesses;
    }
}
