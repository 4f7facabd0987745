using System.Numerics;
using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Zkvm.EllipticCurve;

/// <summary>
/// Proves r &lt; p for a byte-limb operand r and a constant p (as the modmul chip's r &lt; m): r + d + 1 = p byte by byte,
/// r_k + d_k + b_{k−1} = p_k + 256·b_k with b_{−1} = real (the "+1"), b_{bytes−1} = 0, the borrows b_k boolean and d's
/// limbs bytes (RANGE8 here; r's are the caller's). Both sides are integers below 2^10, so each is an integer equation;
/// summed with weights 256^k they give r + d + 1 = p with d ≥ 0, so r ≤ p − 1. A forged r + p (or any r ≥ p) has no d.
/// On padding rows (real = 0) all zero satisfies it.
/// </summary>
public sealed class ReducedGadget
{
    private readonly byte[] _p;

    public ReducedGadget(ColumnLayout layout, string name, int bytes, BigInteger p)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Bytes = bytes;
        _p = new byte[bytes];
        p.TryWriteBytes(_p, out _, isUnsigned: true);
        D = layout.Add(name + "D", bytes);
        Borrows = layout.Add(name + "B", bytes - 1);
        P = p;
    }

    public int Bytes { get; }

    public BigInteger P { get; }

    /// <summary>d = p − 1 − r, byte limbs.</summary>
    public int D { get; }

    /// <summary>Boolean borrows between byte k and k + 1.</summary>
    public int Borrows { get; }

    public void Eval<F>(AirBuilder<F> builder, int r, SymbolicExpression<F> real) where F : struct, IField<F>
    {
        var l = builder.Local;
        for (int k = 0; k < Bytes; k++)
        {
            ByteLookup.SendRange8(builder, l[D + k], real);
            var borrowIn = k == 0 ? real : l[Borrows + k - 1];
            var borrowOut = k < Bytes - 1 ? l[Borrows + k] : SymbolicExpression<F>.Zero;
            if (k < Bytes - 1)
                builder.AssertBool(borrowOut);
            builder.AssertEq(l[r + k] + l[D + k] + borrowIn, real * Word.Constant<F>(_p[k]) + borrowOut * Word.Constant<F>(256));
        }
    }

    public void Populate<F>(Span<F> row, ReadOnlySpan<byte> r, LookupCounts counts) where F : struct, IField<F>
    {
        var dv = P - 1 - new BigInteger(r, isUnsigned: true);
        var d = new byte[Bytes];
        if (dv.Sign >= 0)
            dv.TryWriteBytes(d, out _, isUnsigned: true);
        int borrow = 1;
        for (int k = 0; k < Bytes; k++)
        {
            row[D + k] = F.FromUInt64(d[k]);
            counts.AddRange8(d[k]);
            if (k < Bytes - 1)
            {
                borrow = (r[k] + d[k] + borrow) >> 8;
                row[Borrows + k] = F.FromUInt64((ulong)borrow);
            }
        }
    }
}
