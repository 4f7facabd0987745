using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.ModMul;

/// <summary>
/// Column layout of <see cref="ModMulAir{F}"/> for one operand size, computed from the limb count (no hand-numbered
/// offsets): each field is the first column of a run allocated in declaration order.
/// </summary>
public sealed class ModMulLayout
{
    private readonly ColumnLayout _layout = new();

    /// <param name="limbs">64-bit limbs per operand: 4 (256 bits) or 6 (384 bits).</param>
    public ModMulLayout(int limbs)
    {
        if (limbs is not (4 or 6))
            throw new ArgumentOutOfRangeException(nameof(limbs), "the modmul chip proves 4- or 6-limb operands");
        Limbs = limbs;
        Bytes = 8 * limbs;
        IsReal = _layout.Add(nameof(IsReal), 1);
        TsLo = _layout.Add(nameof(TsLo), 1);
        TsHi = _layout.Add(nameof(TsHi), 1);
        XPtrLo = _layout.Add(nameof(XPtrLo), 1);
        XPtrHi = _layout.Add(nameof(XPtrHi), 1);
        YmPtrLo = _layout.Add(nameof(YmPtrLo), 1);
        YmPtrHi = _layout.Add(nameof(YmPtrHi), 1);
        XKeyLo = _layout.Add(nameof(XKeyLo), 1);
        YmKeyLo = _layout.Add(nameof(YmKeyLo), 1);
        Bounds = _layout.Add(nameof(Bounds), 4 * BoundColumns);
        X = _layout.Add(nameof(X), Bytes);
        Y = _layout.Add(nameof(Y), Bytes);
        M = _layout.Add(nameof(M), Bytes);
        R = _layout.Add(nameof(R), Bytes);
        Q = _layout.Add(nameof(Q), Bytes);
        D = _layout.Add(nameof(D), Bytes);
        Carries = _layout.Add(nameof(Carries), CarryCount);
        Borrows = _layout.Add(nameof(Borrows), Bytes - 1);
        Accesses = _layout.Add(nameof(Accesses), 3 * limbs * AccessColumns);
        Width = _layout.Width;
    }

    /// <summary>64-bit limbs per operand (4 or 6).</summary>
    public int Limbs { get; }

    /// <summary>Byte limbs per operand (32 or 48): the chip's polynomial limbs.</summary>
    public int Bytes { get; }

    /// <summary>Columns of one bound check: the difference as (lo, hi) with lo &lt; 2^16, hi &lt; 2^11.</summary>
    public const int BoundColumns = 2;

    /// <summary>Columns of one memory access: prev ts (lo, hi), then the <see cref="Memory.TimestampGadget"/>.</summary>
    public const int AccessColumns = 2 + Memory.TimestampGadget.Columns;

    /// <summary>Carries of x(X)·y(X) − r(X) − q(X)·m(X) = (X − 256)·c(X): one per coefficient but the top one.</summary>
    public int CarryCount => 2 * Bytes - 2;

    /// <summary>1 on rows of a call, 0 on padding.</summary>
    public int IsReal { get; }

    /// <summary>The syscall's ts = 4·clk + 2 as (lo, hi), received from the syscall chip.</summary>
    public int TsLo { get; }

    public int TsHi { get; }

    /// <summary>a0 (x's address) and a1 (y‖m's address) as 16-bit (lo, hi) pieces, received from the syscall chip.</summary>
    public int XPtrLo { get; }

    public int XPtrHi { get; }

    public int YmPtrLo { get; }

    public int YmPtrHi { get; }

    /// <summary>ptr_lo / 8 of each pointer (13 bits): the key of the first double word is key_lo + 2^13·ptr_hi.</summary>
    public int XKeyLo { get; }

    public int YmKeyLo { get; }

    /// <summary>
    /// Four bound checks (<see cref="BoundColumns"/> each): x key − first writable key, last x key bound − x key,
    /// y‖m key − first RAM key, last y‖m key bound − y‖m key.
    /// </summary>
    public int Bounds { get; }

    /// <summary>Byte limbs (little-endian) of x (the operand read), y, m, r (the result written), q (the quotient) and d = m − 1 − r.</summary>
    public int X { get; }

    public int Y { get; }

    public int M { get; }

    public int R { get; }

    public int Q { get; }

    public int D { get; }

    /// <summary>c_0 .. c_{2B−3}, signed, |c_k| &lt; 2^15.</summary>
    public int Carries { get; }

    /// <summary>Boolean borrows of r + d + 1 = m byte by byte (between byte k and k + 1).</summary>
    public int Borrows { get; }

    /// <summary>3·Limbs memory accesses: x's double words (read and written), then y's, then m's (read).</summary>
    public int Accesses { get; }

    public int Width { get; }

    /// <summary>First column of access <paramref name="i"/>.</summary>
    public int Access(int i) => Accesses + i * AccessColumns;
}
