using Prover.Core.Machine;
using Prover.Core.Zkvm.Chips;

namespace Prover.Core.Zkvm.EllipticCurve;

/// <summary>
/// Column layout of <see cref="WeierstrassAir{F}"/> for one curve and operation, computed from the curve's limb count
/// (no hand-numbered offsets); the field identities allocate their own quotient and carry columns.
/// </summary>
public sealed class WeierstrassLayout
{
    private readonly ColumnLayout _layout = new();

    public WeierstrassLayout(WeierstrassCurve curve, bool isDouble)
    {
        ArgumentNullException.ThrowIfNull(curve);
        Curve = curve;
        IsDouble = isDouble;
        Limbs = curve.Limbs;
        Bytes = 8 * curve.Limbs;
        int b = Bytes;
        var p = curve.P;
        IsReal = _layout.Add(nameof(IsReal));
        TsLo = _layout.Add(nameof(TsLo));
        TsHi = _layout.Add(nameof(TsHi));
        PPtrLo = _layout.Add(nameof(PPtrLo));
        PPtrHi = _layout.Add(nameof(PPtrHi));
        PKeyLo = _layout.Add(nameof(PKeyLo));
        if (!isDouble)
        {
            QPtrLo = _layout.Add(nameof(QPtrLo));
            QPtrHi = _layout.Add(nameof(QPtrHi));
            QKeyLo = _layout.Add(nameof(QKeyLo));
        }
        Bounds = _layout.Add(nameof(Bounds), BoundCount * BoundColumns);
        X1 = _layout.Add(nameof(X1), b);
        Y1 = _layout.Add(nameof(Y1), b);
        if (!isDouble)
        {
            X2 = _layout.Add(nameof(X2), b);
            Y2 = _layout.Add(nameof(Y2), b);
        }
        Lambda = _layout.Add(nameof(Lambda), b);
        W = _layout.Add(nameof(W), b);
        X3 = _layout.Add(nameof(X3), b);
        Y3 = _layout.Add(nameof(Y3), b);
        if (isDouble)
        {
            // 2·λ·y1 ≡ 3·x1² (the slope of the tangent, a = 0); 2·w·y1 ≡ 1 (2·y1 is invertible: y1 ≢ 0).
            SlopeIdentity = new FieldIdentity(_layout, "Slope", b, p, [new(2, Lambda, Y1), new(-3, X1, X1)], 0);
            InverseIdentity = new FieldIdentity(_layout, "Inverse", b, p, [new(2, W, Y1)], -1);
            // x3 ≡ λ² − 2·x1.
            XIdentity = new FieldIdentity(_layout, "X3", b, p, [new(1, Lambda, Lambda), new(-2, X1), new(-1, X3)], 0);
        }
        else
        {
            // λ·(x2 − x1) ≡ y2 − y1; w·(x2 − x1) ≡ 1 (x2 − x1 is invertible: P ≠ ±Q).
            SlopeIdentity = new FieldIdentity(_layout, "Slope", b, p, [new(1, Lambda, X2), new(-1, Lambda, X1), new(-1, Y2), new(1, Y1)], 0);
            InverseIdentity = new FieldIdentity(_layout, "Inverse", b, p, [new(1, W, X2), new(-1, W, X1)], -1);
            // x3 ≡ λ² − x1 − x2.
            XIdentity = new FieldIdentity(_layout, "X3", b, p, [new(1, Lambda, Lambda), new(-1, X1), new(-1, X2), new(-1, X3)], 0);
        }
        // y3 ≡ λ·(x1 − x3) − y1.
        YIdentity = new FieldIdentity(_layout, "Y3", b, p, [new(1, Lambda, X1), new(-1, Lambda, X3), new(-1, Y1), new(-1, Y3)], 0);
        X3Reduced = new ReducedGadget(_layout, "X3Lt", b, p);
        Y3Reduced = new ReducedGadget(_layout, "Y3Lt", b, p);
        Accesses = _layout.Add(nameof(Accesses), AccessCount * AccessColumns);
        Width = _layout.Width;
    }

    public WeierstrassCurve Curve { get; }

    public bool IsDouble { get; }

    /// <summary>64-bit limbs per coordinate.</summary>
    public int Limbs { get; }

    /// <summary>Byte limbs per coordinate.</summary>
    public int Bytes { get; }

    /// <summary>The computed layout (group names for messages).</summary>
    public ColumnLayout Columns => _layout;

    public const int BoundColumns = 2;

    public const int AccessColumns = 2 + Memory.TimestampGadget.Columns;

    /// <summary>Bound checks: P's key from both sides, and Q's (add only).</summary>
    public int BoundCount => IsDouble ? 2 : 4;

    /// <summary>Double-word accesses: P's 2·limbs (read and written), then Q's 2·limbs (read; add only).</summary>
    public int AccessCount => (IsDouble ? 2 : 4) * Limbs;

    public int IsReal { get; }

    public int TsLo { get; }

    public int TsHi { get; }

    public int PPtrLo { get; }

    public int PPtrHi { get; }

    public int PKeyLo { get; }

    /// <summary>Q's pointer pieces and key (add only; −1 for double).</summary>
    public int QPtrLo { get; } = -1;

    public int QPtrHi { get; } = -1;

    public int QKeyLo { get; } = -1;

    public int Bounds { get; }

    /// <summary>Byte limbs (little-endian) of P = (x1, y1) as read, Q = (x2, y2) (add only), the slope λ, the inverse w and the result (x3, y3).</summary>
    public int X1 { get; }

    public int Y1 { get; }

    public int X2 { get; } = -1;

    public int Y2 { get; } = -1;

    public int Lambda { get; }

    public int W { get; }

    public int X3 { get; }

    public int Y3 { get; }

    public FieldIdentity SlopeIdentity { get; }

    public FieldIdentity InverseIdentity { get; }

    public FieldIdentity XIdentity { get; }

    public FieldIdentity YIdentity { get; }

    public IReadOnlyList<FieldIdentity> Identities => [SlopeIdentity, InverseIdentity, XIdentity, YIdentity];

    public ReducedGadget X3Reduced { get; }

    public ReducedGadget Y3Reduced { get; }

    public int Accesses { get; }

    public int Width { get; }

    public int Access(int i) => Accesses + i * AccessColumns;

    /// <summary>The byte operands in order (their columns are RANGE8-checked).</summary>
    public IReadOnlyList<int> Operands => IsDouble ? [X1, Y1, Lambda, W, X3, Y3] : [X1, Y1, X2, Y2, Lambda, W, X3, Y3];
}
