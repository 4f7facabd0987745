using Prover.Core.Hash;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.Keccak;

/// <summary>
/// Column layout of <see cref="KeccakAir{F}"/>, computed by allocating named blocks in order (no hand-numbered
/// offsets): one row per round, 24 rows per permutation. Lane (x, y) is index x + 5y (<see cref="KeccakF1600.Lane"/>);
/// bit z of a lane is its z-th least significant bit; limb k of a lane is bits 16k..16k + 15.
/// </summary>
public static class KeccakCols
{
    public const int Limbs = 4;
    public const int Bits = 64;

    /// <summary>24 step flags: flag i is 1 on round i of every permutation (a one-hot rotating counter).</summary>
    public static readonly int StepFlags;

    /// <summary>1 on the last row of a permutation that a KECCAK_PERMUTE syscall made (its memory accesses and request live there).</summary>
    public static readonly int Export;

    /// <summary>The permutation's input state, 25 × 4 limbs, constant over its 24 rows.</summary>
    public static readonly int Preimage;

    /// <summary>The state at the start of this row's round, 25 × 4 limbs.</summary>
    public static readonly int A;

    /// <summary>θ's column parities C[x], 5 × 64 bits.</summary>
    public static readonly int C;

    /// <summary>C'[x] = C[x] ⊕ D[x] = C[x] ⊕ C[x − 1] ⊕ rot(C[x + 1], 1), 5 × 64 bits.</summary>
    public static readonly int CPrime;

    /// <summary>A' = θ(A), 25 × 64 bits.</summary>
    public static readonly int APrime;

    /// <summary>A'' = χ(π(ρ(A'))), 25 × 4 limbs (lane 0 also as bits, <see cref="APrimePrime00Bits"/>).</summary>
    public static readonly int APrimePrime;

    /// <summary>Lane (0, 0) of A'' as 64 bits, for ι.</summary>
    public static readonly int APrimePrime00Bits;

    /// <summary>Lane (0, 0) after ι, 4 limbs: the round's output lane 0.</summary>
    public static readonly int APrimePrimePrime00;

    /// <summary>Export rows: the state's first key (pointer / 8) and the pointer's 16-bit limbs as the syscall chip sent them.</summary>
    public static readonly int KeyBase, PtrLo, PtrHi;

    /// <summary>Export rows: ts = 4·clk + 2 of the ECALL as (lo, hi), as the syscall chip sent it.</summary>
    public static readonly int TsLo, TsHi;

    /// <summary>Export rows: key − kMin = Low0 + 2^16·Low1 and kMax − key = High0 + 2^16·High1 (the RAM-region rule).</summary>
    public static readonly int Low0, Low1, High0, High1;

    /// <summary>Export rows: each lane's previous access ts (lo, hi), 25 × 2.</summary>
    public static readonly int PrevTs;

    /// <summary>Export rows: each lane's <see cref="TimestampGadget"/> (prev ts &lt; ts), 25 × <see cref="TimestampGadget.Columns"/>.</summary>
    public static readonly int Gadgets;

    public static readonly int Width;

    static KeccakCols()
    {
        var layout = new ColumnLayout();
        StepFlags = layout.Add(nameof(StepFlags), KeccakF1600.Rounds);
        Export = layout.Add(nameof(Export), 1);
        Preimage = layout.Add(nameof(Preimage), KeccakF1600.Lanes * Limbs);
        A = layout.Add(nameof(A), KeccakF1600.Lanes * Limbs);
        C = layout.Add(nameof(C), 5 * Bits);
        CPrime = layout.Add(nameof(CPrime), 5 * Bits);
        APrime = layout.Add(nameof(APrime), KeccakF1600.Lanes * Bits);
        APrimePrime = layout.Add(nameof(APrimePrime), KeccakF1600.Lanes * Limbs);
        APrimePrime00Bits = layout.Add(nameof(APrimePrime00Bits), Bits);
        APrimePrimePrime00 = layout.Add(nameof(APrimePrimePrime00), Limbs);
        KeyBase = layout.Add(nameof(KeyBase), 1);
        PtrLo = layout.Add(nameof(PtrLo), 1);
        PtrHi = layout.Add(nameof(PtrHi), 1);
        TsLo = layout.Add(nameof(TsLo), 1);
        TsHi = layout.Add(nameof(TsHi), 1);
        Low0 = layout.Add(nameof(Low0), 1);
        Low1 = layout.Add(nameof(Low1), 1);
        High0 = layout.Add(nameof(High0), 1);
        High1 = layout.Add(nameof(High1), 1);
        PrevTs = layout.Add(nameof(PrevTs), KeccakF1600.Lanes * 2);
        Gadgets = layout.Add(nameof(Gadgets), KeccakF1600.Lanes * TimestampGadget.Columns);
        Width = layout.Width;
    }

    public static int PreimageLimb(int lane, int limb) => Preimage + Limbs * lane + limb;

    public static int ALimb(int lane, int limb) => A + Limbs * lane + limb;

    public static int CBit(int x, int z) => C + Bits * x + z;

    public static int CPrimeBit(int x, int z) => CPrime + Bits * x + z;

    public static int APrimeBit(int lane, int z) => APrime + Bits * lane + z;

    public static int APrimePrimeLimb(int lane, int limb) => APrimePrime + Limbs * lane + limb;

    public static int PrevTsLo(int lane) => PrevTs + 2 * lane;

    public static int PrevTsHi(int lane) => PrevTs + 2 * lane + 1;

    public static int Gadget(int lane) => Gadgets + TimestampGadget.Columns * lane;

    /// <summary>Rows per permutation.</summary>
    public const int RowsPerPermutation = KeccakF1600.Rounds;

    /// <summary>Largest first key of a state: its last lane's key is below 2^27 (RamEnd / 8), i.e. the 200 bytes end by <see cref="Machine.MemoryMap.RamEnd"/>.</summary>
    public const ulong MaxKeyBase = (Machine.MemoryMap.RamEnd >> 3) - KeccakF1600.Lanes;

    /// <summary>Smallest first key of a state for a program whose code ends at <paramref name="codeEnd"/>: the first 8-aligned address at or above it.</summary>
    public static ulong MinKeyBase(ulong codeEnd) => (codeEnd + 7) >> 3;
}
