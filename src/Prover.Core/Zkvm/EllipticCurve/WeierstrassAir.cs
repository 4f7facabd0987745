using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.EllipticCurve;

/// <summary>
/// A Weierstrass point chip (issue 15; docs/zkvm.md, "Weierstrass point chips"): one row per point syscall of one curve
/// (y² = x³ + b, a = 0) and one operation, add (P := P + Q, x_P ≢ x_Q) or double (P := 2P, y_P ≢ 0), in affine
/// coordinates. It receives (number_lo, ts, a0, a1) from the syscall chip on <see cref="ZkvmBus.Weierstrass"/>, reads P
/// (and Q) and writes the result over P through the memory argument at the syscall's ts, and proves with four
/// <see cref="FieldIdentity"/>s over byte limbs (mod the curve's prime p; the inputs' residues are what counts):
/// <list type="bullet">
/// <item>the inverse: w·(x2 − x1) ≡ 1 (double: 2·w·y1 ≡ 1), so the slope's denominator is invertible mod p (p prime).
/// Without it P = Q (or (0, 0) for double) would satisfy the slope identity with any λ, and the prover could pick the
/// result;</item>
/// <item>the slope: λ·(x2 − x1) ≡ y2 − y1 (double: 2·λ·y1 ≡ 3·x1²): with an invertible denominator λ is unique mod p, so
/// λ cannot be forged (a λ' ≢ λ fails the identity; a λ' ≡ λ gives the same result below);</item>
/// <item>x3 ≡ λ² − x1 − x2 (double: λ² − 2·x1) and y3 ≡ λ·(x1 − x3) − y1;</item>
/// <item>x3 &lt; p and y3 &lt; p (<see cref="ReducedGadget"/>): the written result is the canonical residue, so it is
/// exactly the machine's (<see cref="WeierstrassCurve.Add"/>, <see cref="WeierstrassCurve.Double"/>).</item>
/// </list>
/// Every limb of x1, y1, x2, y2, λ, w, x3, y3 is a byte (RANGE8): this bounds the identities' coefficients and makes the
/// 16-bit memory limbs built from them canonical. Degree 3.
/// </summary>
public sealed class WeierstrassAir<F> : IAir<F> where F : struct, IField<F>
{
    private readonly ulong _codeEnd;

    /// <param name="codeEnd">The program's code end: P, which the chip writes, must lie above it (the code is read-only).</param>
    public WeierstrassAir(WeierstrassCurve curve, bool isDouble, ulong codeEnd)
    {
        if (codeEnd < MemoryMap.RamBase || codeEnd > MemoryMap.RamEnd)
            throw new ArgumentOutOfRangeException(nameof(codeEnd), $"code end 0x{codeEnd:x} is outside RAM");
        Layout = new WeierstrassLayout(curve, isDouble);
        _codeEnd = codeEnd;
    }

    public WeierstrassLayout Layout { get; }

    public string Name => $"{Layout.Curve.Name}_{(Layout.IsDouble ? "double" : "add")}";

    public int Width => Layout.Width;

    public int PublicValueCount => 0;

    /// <summary>The syscall number this chip proves.</summary>
    public ulong Number => Layout.IsDouble ? Layout.Curve.DoubleNumber : Layout.Curve.AddNumber;

    /// <summary>The key range [first, last] of the double word at which P may start (writable RAM, room for 2·limbs double words).</summary>
    internal (ulong First, ulong Last) PKeyRange => ((_codeEnd + 7) / 8, MemoryMap.RamEnd / 8 - 2 * (ulong)Layout.Limbs);

    /// <summary>The key range at which Q may start (RAM).</summary>
    internal (ulong First, ulong Last) QKeyRange => (MemoryMap.RamBase / 8, MemoryMap.RamEnd / 8 - 2 * (ulong)Layout.Limbs);

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var L = Layout;
        var l = builder.Local;
        int n = L.Limbs, bytes = L.Bytes;
        var real = l[L.IsReal];
        builder.AssertBool(real);
        var tsLo = l[L.TsLo];
        var tsHi = l[L.TsHi];

        // --- The call: (number_lo, ts, a0 limbs, a1 limbs) from the syscall chip, sent once per ECALL of this number with
        // the CPU's ts and a0 and x11's current value (add; 0 for double). Receiving with multiplicity `real` makes every
        // call have exactly one row here and every row be a call. The pointers' upper limbs are received as 0: a pointer
        // ≥ 2^32 has no row (the machine faults on it anyway). The number's low limb tells the operations apart (every
        // point number is 0x1_00xx).
        var qLo = L.IsDouble ? C(0) : l[L.QPtrLo];
        var qHi = L.IsDouble ? C(0) : l[L.QPtrHi];
        builder.Receive(ZkvmBus.Weierstrass, [C(Number & 0xFFFF), tsLo, tsHi, l[L.PPtrLo], l[L.PPtrHi], C(0), C(0), qLo, qHi, C(0), C(0)], real);

        // --- Keys. ptr_lo is canonical (< 2^16: the CPU's register limb, or x11's value from the memory argument), key_lo is
        // Range16-checked, so ptr_lo = 8·key_lo holds over the integers (8·key_lo < 2^19 ≪ p): the pointer is 8-aligned and
        // key = key_lo + 2^13·ptr_hi is its double word's key (< 2^30 as an integer).
        var pKey = l[L.PKeyLo] + l[L.PPtrHi] * C(1 << 13);
        builder.When(real).AssertEq(l[L.PPtrLo], l[L.PKeyLo] * C(8));
        builder.Send(ZkvmBus.Range16, [l[L.PKeyLo]], real);
        var qKey = SymbolicExpression<F>.Zero;
        if (!L.IsDouble)
        {
            qKey = l[L.QKeyLo] + l[L.QPtrHi] * C(1 << 13);
            builder.When(real).AssertEq(l[L.QPtrLo], l[L.QKeyLo] * C(8));
            builder.Send(ZkvmBus.Range16, [l[L.QKeyLo]], real);
        }

        // --- Bounds: P's block in writable RAM [code end, RamEnd), Q's in RAM. Each difference is lo + 2^16·hi with
        // lo < 2^16 and hi < 2^11 (Range16 of 2^5·hi), an integer in [0, 2^27); the left sides are integers in (−2^28, 2^30),
        // so equal modulo the KoalaBear prime they are equal: first ≤ key ≤ last. Without this a prover could write the
        // code (read-only) or touch keys outside RAM; a block cannot wrap past RamEnd either.
        var (pFirst, pLast) = PKeyRange;
        Bound(builder, 0, pKey - C(pFirst), real);
        Bound(builder, 1, C(pLast) - pKey, real);
        if (!L.IsDouble)
        {
            var (qFirst, qLast) = QKeyRange;
            Bound(builder, 2, qKey - C(qFirst), real);
            Bound(builder, 3, C(qLast) - qKey, real);
        }

        // --- Byte limbs of every operand (RANGE8).
        foreach (int operand in L.Operands)
            for (int k = 0; k < bytes; k++)
                ByteLookup.SendRange8(builder, l[operand + k], real);

        // --- Memory: P's double words (x1 then y1) are read (prev value = the input) and written (new value = x3, y3), Q's
        // read, each consuming (key, prev, prev_ts) and producing (key, new, ts) with prev_ts < ts (TimestampGadget), at the
        // syscall's ts. So x1, y1, x2, y2 are the values the guest's memory holds at these addresses (offline memory
        // checking) and the guest sees (x3, y3) afterwards. Two accesses of one key at one ts cannot balance the memory
        // argument, so overlapping P and Q blocks (which the machine faults on) have no proof either.
        for (int j = 0; j < L.AccessCount; j++)
        {
            bool isP = j < 2 * n;
            int dword = j % (2 * n);
            int coordinate = dword < n ? 0 : 1;
            int within = dword % n;
            int operand = isP ? (coordinate == 0 ? L.X1 : L.Y1) : (coordinate == 0 ? L.X2 : L.Y2);
            var key = (isP ? pKey : qKey) + C((ulong)dword);
            var prev = Limbs16(l, operand, within);
            var next = isP ? Limbs16(l, coordinate == 0 ? L.X3 : L.Y3, within) : prev;
            int a = L.Access(j);
            MemoryArgument.Consume(builder, key, prev, l[a], l[a + 1], real);
            MemoryArgument.Produce(builder, key, next, tsLo, tsHi, real);
            TimestampGadget.Eval(builder, a + 2, tsLo, tsHi, l[a], l[a + 1], real);
        }

        // --- The field identities (soundness in FieldIdentity and in the class comment above).
        foreach (var identity in L.Identities)
            identity.Eval(builder, real);
        L.X3Reduced.Eval(builder, L.X3, real);
        L.Y3Reduced.Eval(builder, L.Y3, real);
    }

    /// <summary>The 4 memory limbs (16-bit, little-endian) of double word <paramref name="dword"/> of an operand's bytes.</summary>
    private static SymbolicExpression<F>[] Limbs16(IReadOnlyList<SymbolicExpression<F>> l, int operand, int dword)
    {
        var limbs = new SymbolicExpression<F>[Word.Limbs];
        for (int i = 0; i < Word.Limbs; i++)
            limbs[i] = l[operand + 8 * dword + 2 * i] + l[operand + 8 * dword + 2 * i + 1] * C(256);
        return limbs;
    }

    /// <summary>difference = lo + 2^16·hi, Range16(lo), Range16(2^5·hi): difference ∈ [0, 2^27) as an integer.</summary>
    private void Bound(AirBuilder<F> builder, int index, SymbolicExpression<F> difference, SymbolicExpression<F> real)
    {
        var l = builder.Local;
        int at = Layout.Bounds + index * WeierstrassLayout.BoundColumns;
        builder.When(real).AssertEq(difference, l[at] + l[at + 1] * C(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[at]], real);
        builder.Send(ZkvmBus.Range16, [l[at + 1] * C(1 << 5)], real);
    }
}
