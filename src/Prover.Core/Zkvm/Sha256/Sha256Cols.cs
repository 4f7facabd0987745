using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.Sha256;

/// <summary>
/// Column layout of <see cref="Sha256Air{F}"/>, computed by allocating named blocks in order (no hand-numbered offsets):
/// one row per round, 64 rows per compression (row t holds the working variables before round t). A 32-bit word as
/// limbs is (lo, hi), 16 bits each; as bits, bit k is its k-th least significant bit.
/// </summary>
public static class Sha256Cols
{
    public const int Bits = 32;

    /// <summary>Rows per compression: one per round.</summary>
    public const int RowsPerCompression = 64;

    /// <summary>The step t = 8·j + i of a row within its compression as two one-hot counters: i (<see cref="StepLo"/>, 8 flags) and j (<see cref="StepHi"/>, 8 flags).</summary>
    public const int StepRadix = 8;

    public static readonly int StepLo, StepHi;

    /// <summary>IsFirst = flag t = 0, IsLast = flag t = 63 (degree-2 products of the counters kept as columns, so gating by them stays degree 1).</summary>
    public static readonly int IsFirst, IsLast;

    /// <summary>1 on the last row of a compression that a SHA256_COMPRESS syscall made (its memory accesses and request live there).</summary>
    public static readonly int Export;

    /// <summary>The input state H_0..H_7 as limbs (16), constant over the compression.</summary>
    public static readonly int HIn;

    /// <summary>The block's words W_0..W_15 as limbs (32), constant over the compression.</summary>
    public static readonly int Block;

    /// <summary>Working variables a, b, c, e, f, g of this round as bits (32 each).</summary>
    public static readonly int A, B, C, E, F, G;

    /// <summary>Working variables d and h of this round as limbs.</summary>
    public static readonly int D, H;

    /// <summary>The schedule window W_t .. W_{t+15} as limbs (32).</summary>
    public static readonly int Window;

    /// <summary>Bits of W_{t+1} (window word 1, σ0's input) and of W_{t+14} (window word 14, σ1's input).</summary>
    public static readonly int W1Bits, W14Bits;

    /// <summary>W_{t+16} = σ1(W_{t+14}) + W_{t+9} + σ0(W_{t+1}) + W_t as limbs, with its two carries as 2 bits each (carries &lt; 4).</summary>
    public static readonly int NewW, NewWCarry;

    /// <summary>The round's new a (= T1 + T2) and new e (= d + T1) as limbs, each with two carries of 3 bits (carries &lt; 8).</summary>
    public static readonly int NewA, NewACarry, NewE, NewECarry;

    /// <summary>Last row: the output state H_i + v_i as limbs (16) and the boolean carries of the 16 limb additions.</summary>
    public static readonly int Out, OutCarry;

    /// <summary>Export rows: a0 (the state) and a1 (the block) as (lo, hi) 16-bit pieces, as the syscall chip sent them.</summary>
    public static readonly int StatePtrLo, StatePtrHi, BlockPtrLo, BlockPtrHi;

    /// <summary>Export rows: ptr_lo / 8 of each pointer (13 bits); the first double word's key is key_lo + 2^13·ptr_hi.</summary>
    public static readonly int StateKeyLo, BlockKeyLo;

    /// <summary>Export rows: ts = 4·clk + 2 of the ECALL as (lo, hi), as the syscall chip sent it.</summary>
    public static readonly int TsLo, TsHi;

    /// <summary>Export rows: four bound checks, (lo, hi) each: state key − first, last − state key, block key − first, last − block key.</summary>
    public static readonly int Bounds;

    /// <summary>Export rows: 12 memory accesses (prev ts lo, hi, then the <see cref="TimestampGadget"/>): the state's 4 double words, then the block's 8.</summary>
    public static readonly int Accesses;

    public const int AccessColumns = 2 + TimestampGadget.Columns;

    public const int StateDwords = 4, BlockDwords = 8;

    public static readonly int Width;

    public static ColumnLayout Layout { get; } = new();

    static Sha256Cols()
    {
        var l = Layout;
        StepLo = l.Add(nameof(StepLo), StepRadix);
        StepHi = l.Add(nameof(StepHi), StepRadix);
        IsFirst = l.Add(nameof(IsFirst));
        IsLast = l.Add(nameof(IsLast));
        Export = l.Add(nameof(Export));
        HIn = l.Add(nameof(HIn), 16);
        Block = l.Add(nameof(Block), 32);
        A = l.Add(nameof(A), Bits);
        B = l.Add(nameof(B), Bits);
        C = l.Add(nameof(C), Bits);
        D = l.Add(nameof(D), 2);
        E = l.Add(nameof(E), Bits);
        F = l.Add(nameof(F), Bits);
        G = l.Add(nameof(G), Bits);
        H = l.Add(nameof(H), 2);
        Window = l.Add(nameof(Window), 32);
        W1Bits = l.Add(nameof(W1Bits), Bits);
        W14Bits = l.Add(nameof(W14Bits), Bits);
        NewW = l.Add(nameof(NewW), 2);
        NewWCarry = l.Add(nameof(NewWCarry), 4);
        NewA = l.Add(nameof(NewA), 2);
        NewACarry = l.Add(nameof(NewACarry), 6);
        NewE = l.Add(nameof(NewE), 2);
        NewECarry = l.Add(nameof(NewECarry), 6);
        Out = l.Add(nameof(Out), 16);
        OutCarry = l.Add(nameof(OutCarry), 16);
        StatePtrLo = l.Add(nameof(StatePtrLo));
        StatePtrHi = l.Add(nameof(StatePtrHi));
        BlockPtrLo = l.Add(nameof(BlockPtrLo));
        BlockPtrHi = l.Add(nameof(BlockPtrHi));
        StateKeyLo = l.Add(nameof(StateKeyLo));
        BlockKeyLo = l.Add(nameof(BlockKeyLo));
        TsLo = l.Add(nameof(TsLo));
        TsHi = l.Add(nameof(TsHi));
        Bounds = l.Add(nameof(Bounds), 8);
        Accesses = l.Add(nameof(Accesses), (StateDwords + BlockDwords) * AccessColumns);
        Width = l.Width;
    }

    /// <summary>Limb <paramref name="limb"/> (0 = lo, 1 = hi) of window word <paramref name="k"/> (W_{t+k}).</summary>
    public static int WindowLimb(int k, int limb) => Window + 2 * k + limb;

    public static int BlockLimb(int k, int limb) => Block + 2 * k + limb;

    public static int HInLimb(int i, int limb) => HIn + 2 * i + limb;

    public static int OutLimb(int i, int limb) => Out + 2 * i + limb;

    /// <summary>First column of access <paramref name="j"/> (0..3 the state's double words, 4..11 the block's).</summary>
    public static int Access(int j) => Accesses + j * AccessColumns;

    /// <summary>Key range [first, last] of the state's first double word: 32 bytes in writable RAM [code end, RamEnd).</summary>
    public static (ulong First, ulong Last) StateKeyRange(ulong codeEnd) => ((codeEnd + 7) / 8, Machine.MemoryMap.RamEnd / 8 - StateDwords);

    /// <summary>Key range [first, last] of the block's first double word: 64 bytes in RAM.</summary>
    public static (ulong First, ulong Last) BlockKeyRange => (Machine.MemoryMap.RamBase / 8, Machine.MemoryMap.RamEnd / 8 - BlockDwords);
}
