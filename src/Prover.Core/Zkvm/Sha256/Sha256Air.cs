using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Memory;
using S = Prover.Core.Zkvm.Sha256.Sha256Cols;

namespace Prover.Core.Zkvm.Sha256;

/// <summary>
/// The SHA-256 chip: one SHA-256 compression (FIPS 180-4 §6.2.2, message schedule included) as 64 rows, one per round,
/// plus the memory wiring of the SHA256_COMPRESS syscall (docs/zkvm.md, "SHA-256 chip"). Row t of a compression holds
/// the working variables before round t (a, b, c, e, f, g as bits; d, h as 16-bit limbs), the schedule window
/// W_t .. W_{t+15} as limbs with W_{t+1} and W_{t+14} also as bits, and the round's new a, new e and the next schedule
/// word W_{t+16} as limbs with their carries. The last row of a compression that a syscall made
/// (<see cref="Sha256Cols.Export"/>) receives (ts, state pointer, block pointer) from the syscall chip, adds the input
/// state to the final working variables and makes the 12 memory accesses: the state's 4 double words read and
/// overwritten, the block's 8 read. Constraint degree 3.
/// <para>
/// Why a forged output cannot pass: bit columns are boolean, so every Σ/σ/Ch/Maj expression of them is the true function's
/// bit and their recompositions are canonical 16-bit limbs; the step counters are fixed by the first row and rotate every
/// row, so row 64k + t uses K_t and compressions start at rows 64k (rounds cannot be swapped or given another constant);
/// every 32-bit addition is two limb equations with bounded carries, integer equations below p, so the limbs are the sum
/// mod 2^32 once the result is canonical (next row's bits, or a Range16 check on the output); the state and the window
/// are chained from row to row within a compression, start from the input state and block on its first row, and the
/// input state and block are carried unchanged to the last row, where the memory argument ties them and the output to
/// the syscall's pointers and ts.
/// </para>
/// </summary>
public sealed class Sha256Air<F> : IAir<F> where F : struct, IField<F>
{
    private readonly ulong _codeEnd;

    /// <param name="codeEnd">The program's code end: the state, which the chip writes, must lie above it (the code is read-only).</param>
    public Sha256Air(ulong codeEnd)
    {
        if (codeEnd < Machine.MemoryMap.RamBase || codeEnd > Machine.MemoryMap.RamEnd)
            throw new ArgumentOutOfRangeException(nameof(codeEnd), $"code end 0x{codeEnd:x} is outside RAM");
        _codeEnd = codeEnd;
    }

    public string Name => "sha256";

    public int Width => S.Width;

    public int PublicValueCount => 0;

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    private static SymbolicExpression<F> Xor(SymbolicExpression<F> a, SymbolicExpression<F> b) => a + b - C(2) * a * b;

    /// <summary>a ⊕ b ⊕ c for bits a, b, c (degree 3).</summary>
    private static SymbolicExpression<F> Xor3(SymbolicExpression<F> a, SymbolicExpression<F> b, SymbolicExpression<F> c) =>
        a + b + c - C(2) * (a * b + a * c + b * c) + C(4) * a * b * c;

    /// <summary>Limb <paramref name="limb"/> of a word given bit by bit: Σ_{k&lt;16} 2^k·bit(16·limb + k).</summary>
    private static SymbolicExpression<F> Limb(Func<int, SymbolicExpression<F>> bit, int limb)
    {
        var value = SymbolicExpression<F>.Zero;
        for (int k = 0; k < 16; k++)
            value += C(1UL << k) * bit(16 * limb + k);
        return value;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var n = builder.Next;
        const int R = S.StepRadix;

        // --- Step counters: t = 8·j + i with i one-hot in StepLo and j one-hot in StepHi. The first row is t = 0; every row
        // rotates i, and j when i wraps (i = 7), so row 64k + t carries exactly step t: the counters are boolean and one-hot
        // because each row is a fixed function of the first. The wrap from the table's last row to its first is not a
        // transition, so any height works (a truncated last compression never exports: only t = 63 may).
        var first = builder.WhenFirstRow();
        first.AssertEq(l[S.StepLo], SymbolicExpression<F>.One);
        first.AssertEq(l[S.StepHi], SymbolicExpression<F>.One);
        for (int i = 1; i < R; i++)
        {
            first.AssertZero(l[S.StepLo + i]);
            first.AssertZero(l[S.StepHi + i]);
        }
        var transition = builder.WhenTransition();
        var wrap = l[S.StepLo + R - 1];
        for (int i = 0; i < R; i++)
        {
            transition.AssertEq(n[S.StepLo + (i + 1) % R], l[S.StepLo + i]);
            transition.AssertEq(n[S.StepHi + i], l[S.StepHi + i] * (SymbolicExpression<F>.One - wrap) + l[S.StepHi + (i + R - 1) % R] * wrap);
        }
        builder.AssertEq(l[S.IsFirst], l[S.StepLo] * l[S.StepHi]);
        builder.AssertEq(l[S.IsLast], l[S.StepLo + R - 1] * l[S.StepHi + R - 1]);
        var isFirst = l[S.IsFirst];
        var notLast = SymbolicExpression<F>.One - l[S.IsLast];

        // Export is boolean (its multiplicity bound is 1) and only set on a compression's last row, where the output and the
        // carried input state and block belong to the same 64 rounds.
        var export = l[S.Export];
        builder.AssertBool(export);
        builder.When(notLast).AssertZero(export);

        // --- Booleans: every bit column (working variables, the two schedule words' bits, carry bits, output carries).
        foreach (int group in new[] { S.A, S.B, S.C, S.E, S.F, S.G, S.W1Bits, S.W14Bits })
            for (int k = 0; k < S.Bits; k++)
                builder.AssertBool(l[group + k]);
        for (int k = 0; k < 4; k++)
            builder.AssertBool(l[S.NewWCarry + k]);
        for (int k = 0; k < 6; k++)
        {
            builder.AssertBool(l[S.NewACarry + k]);
            builder.AssertBool(l[S.NewECarry + k]);
        }
        for (int k = 0; k < 16; k++)
            builder.AssertBool(l[S.OutCarry + k]);

        SymbolicExpression<F> Bit(int group, int k) => l[group + k];
        SymbolicExpression<F> BitsLimb(IReadOnlyList<SymbolicExpression<F>> row, int group, int limb) => Limb(k => row[group + k], limb);
        SymbolicExpression<F> Carry3(int offset) => l[offset] + C(2) * l[offset + 1] + C(4) * l[offset + 2];

        // --- The input state and block are carried unchanged through the compression (to the last row's memory accesses)
        // and are the working variables and the schedule window on its first row.
        var within = builder.WhenTransition().When(notLast);
        for (int i = 0; i < 16; i++)
            within.AssertEq(n[S.HIn + i], l[S.HIn + i]);
        for (int i = 0; i < 32; i++)
            within.AssertEq(n[S.Block + i], l[S.Block + i]);
        var onFirst = builder.When(isFirst);
        int[] bitVars = [S.A, S.B, S.C, -1, S.E, S.F, S.G, -1];
        for (int v = 0; v < 8; v++)
            for (int limb = 0; limb < 2; limb++)
            {
                var value = v == 3 ? l[S.D + limb] : v == 7 ? l[S.H + limb] : BitsLimb(l, bitVars[v], limb);
                onFirst.AssertEq(value, l[S.HInLimb(v, limb)]);
            }
        for (int i = 0; i < 32; i++)
            onFirst.AssertEq(l[S.Window + i], l[S.Block + i]);

        // --- Message schedule. W_{t+1} and W_{t+14} are window words 1 and 14 bit by bit (their limbs are recompositions of
        // booleans, so those two words are canonical and the bits are theirs). W_{t+16} = σ1(W_{t+14}) + W_{t+9} + σ0(W_{t+1})
        // + W_t as two limb equations lo + 2^16·c0 = Σ lo, hi + 2^16·c1 = Σ hi + c0 with c0, c1 ∈ [0, 4) (2 bits each): the
        // right sides are integers below 4·2^16 + 3, so these are integer equations (p ≫ 2^19). W_{t+16} itself is not range
        // checked here; it enters the window at position 15 and two rows later sits at position 14, whose bits force it to be
        // canonical, hence the true sum mod 2^32 (c0, c1 then unique). Every word a round uses (W_t at position 0, t ≤ 63)
        // is a block word (canonical: a memory value) or passed position 14 at row t − 14 of the same compression.
        for (int limb = 0; limb < 2; limb++)
        {
            builder.AssertEq(l[S.WindowLimb(1, limb)], BitsLimb(l, S.W1Bits, limb));
            builder.AssertEq(l[S.WindowLimb(14, limb)], BitsLimb(l, S.W14Bits, limb));
        }
        var sigma0 = new SymbolicExpression<F>[2];
        var sigma1 = new SymbolicExpression<F>[2];
        for (int limb = 0; limb < 2; limb++)
        {
            sigma0[limb] = Limb(k => k + 3 < 32
                ? Xor3(Bit(S.W1Bits, (k + 7) % 32), Bit(S.W1Bits, (k + 18) % 32), Bit(S.W1Bits, k + 3))
                : Xor(Bit(S.W1Bits, (k + 7) % 32), Bit(S.W1Bits, (k + 18) % 32)), limb);
            sigma1[limb] = Limb(k => k + 10 < 32
                ? Xor3(Bit(S.W14Bits, (k + 17) % 32), Bit(S.W14Bits, (k + 19) % 32), Bit(S.W14Bits, k + 10))
                : Xor(Bit(S.W14Bits, (k + 17) % 32), Bit(S.W14Bits, (k + 19) % 32)), limb);
        }
        var wc0 = l[S.NewWCarry] + C(2) * l[S.NewWCarry + 1];
        var wc1 = l[S.NewWCarry + 2] + C(2) * l[S.NewWCarry + 3];
        builder.AssertEq(l[S.NewW] + C(1 << 16) * wc0, sigma1[0] + l[S.WindowLimb(9, 0)] + sigma0[0] + l[S.WindowLimb(0, 0)]);
        builder.AssertEq(l[S.NewW + 1] + C(1 << 16) * wc1, sigma1[1] + l[S.WindowLimb(9, 1)] + sigma0[1] + l[S.WindowLimb(0, 1)] + wc0);
        // The window shifts by one word per round; the new word enters at position 15.
        for (int k = 0; k < 15; k++)
            for (int limb = 0; limb < 2; limb++)
                within.AssertEq(n[S.WindowLimb(k, limb)], l[S.WindowLimb(k + 1, limb)]);
        within.AssertEq(n[S.WindowLimb(15, 0)], l[S.NewW]);
        within.AssertEq(n[S.WindowLimb(15, 1)], l[S.NewW + 1]);

        // --- The round. K_t is selected by the step counters (exactly one product lo_i·hi_j is 1, i + 8j = t).
        var roundK = new SymbolicExpression<F>[2];
        var constants = Sha256Compression.K;
        for (int limb = 0; limb < 2; limb++)
        {
            roundK[limb] = SymbolicExpression<F>.Zero;
            for (int j = 0; j < R; j++)
            {
                var inner = SymbolicExpression<F>.Zero;
                for (int i = 0; i < R; i++)
                    inner += C((constants[R * j + i] >> (16 * limb)) & 0xFFFF) * l[S.StepLo + i];
                roundK[limb] += inner * l[S.StepHi + j];
            }
        }
        var t1 = new SymbolicExpression<F>[2];
        var t2 = new SymbolicExpression<F>[2];
        for (int limb = 0; limb < 2; limb++)
        {
            var bigSigma1 = Limb(z => Xor3(Bit(S.E, (z + 6) % 32), Bit(S.E, (z + 11) % 32), Bit(S.E, (z + 25) % 32)), limb);
            var ch = Limb(z => Bit(S.E, z) * Bit(S.F, z) + (SymbolicExpression<F>.One - Bit(S.E, z)) * Bit(S.G, z), limb);
            var bigSigma0 = Limb(z => Xor3(Bit(S.A, (z + 2) % 32), Bit(S.A, (z + 13) % 32), Bit(S.A, (z + 22) % 32)), limb);
            // Maj(a, b, c) = ab ⊕ ac ⊕ bc, as an integer: ab + ac + bc − 2abc for bits.
            var maj = Limb(z => Bit(S.A, z) * Bit(S.B, z) + Bit(S.A, z) * Bit(S.C, z) + Bit(S.B, z) * Bit(S.C, z)
                - C(2) * Bit(S.A, z) * Bit(S.B, z) * Bit(S.C, z), limb);
            t1[limb] = l[S.H + limb] + bigSigma1 + ch + roundK[limb] + l[S.WindowLimb(0, limb)];
            t2[limb] = bigSigma0 + maj;
        }
        // new e = d + T1 (6 terms) and new a = T1 + T2 (7 terms), each as lo + 2^16·c0 = Σ lo, hi + 2^16·c1 = Σ hi + c0 with
        // c0, c1 ∈ [0, 8) (3 bits): every term is a canonical limb (bit recompositions, d and h chained from bits, K, a window
        // word argued above), so the right sides are integers below 7·2^16 + 7 and the equations hold over the integers. The
        // new limbs are canonical wherever they are used: next row's a and e bits recompose to them (below), and on the last
        // row the output limbs are range-checked (see there).
        var ec0 = Carry3(S.NewECarry);
        var ec1 = Carry3(S.NewECarry + 3);
        var ac0 = Carry3(S.NewACarry);
        var ac1 = Carry3(S.NewACarry + 3);
        builder.AssertEq(l[S.NewE] + C(1 << 16) * ec0, l[S.D] + t1[0]);
        builder.AssertEq(l[S.NewE + 1] + C(1 << 16) * ec1, l[S.D + 1] + t1[1] + ec0);
        builder.AssertEq(l[S.NewA] + C(1 << 16) * ac0, t1[0] + t2[0]);
        builder.AssertEq(l[S.NewA + 1] + C(1 << 16) * ac1, t1[1] + t2[1] + ac0);

        // --- Chaining within a compression: (a, b, c, d, e, f, g, h) ← (new a, a, b, c, new e, e, f, g). Equal limbs of bit
        // recompositions are equal bits, so b, c, f, g are exactly the previous a, b, e, f.
        for (int limb = 0; limb < 2; limb++)
        {
            within.AssertEq(BitsLimb(n, S.A, limb), l[S.NewA + limb]);
            within.AssertEq(BitsLimb(n, S.B, limb), BitsLimb(l, S.A, limb));
            within.AssertEq(BitsLimb(n, S.C, limb), BitsLimb(l, S.B, limb));
            within.AssertEq(n[S.D + limb], BitsLimb(l, S.C, limb));
            within.AssertEq(BitsLimb(n, S.E, limb), l[S.NewE + limb]);
            within.AssertEq(BitsLimb(n, S.F, limb), BitsLimb(l, S.E, limb));
            within.AssertEq(BitsLimb(n, S.G, limb), BitsLimb(l, S.F, limb));
            within.AssertEq(n[S.H + limb], BitsLimb(l, S.G, limb));
        }

        // --- Output on export rows (the last round's row): H_i + v_i with v = (new a, a, b, c, new e, e, f, g). Per word,
        // out_lo + 2^16·o_lo = h_lo + v_lo and out_hi + 2^16·o_hi = h_hi + v_hi + o_lo with o boolean and out limbs
        // Range16-checked. new a / new e on this row are not canonical by themselves (no next row checks them), but
        // substituting their equations gives out_lo + 2^16·(o_lo + c0) = h_lo + Σ lo, an integer equation with out_lo < 2^16,
        // so out_lo is (h + v)'s true low limb and o_lo + c0 its true carry whatever the split; the same then holds for out_hi.
        // So the output is H + v mod 2^32 limb by limb.
        var onExport = builder.When(export);
        var outputs = new SymbolicExpression<F>[16];
        for (int v = 0; v < 8; v++)
        {
            SymbolicExpression<F> Var(int limb) => v switch
            {
                0 => l[S.NewA + limb],
                1 => BitsLimb(l, S.A, limb),
                2 => BitsLimb(l, S.B, limb),
                3 => BitsLimb(l, S.C, limb),
                4 => l[S.NewE + limb],
                5 => BitsLimb(l, S.E, limb),
                6 => BitsLimb(l, S.F, limb),
                _ => BitsLimb(l, S.G, limb),
            };
            var oLo = l[S.OutCarry + 2 * v];
            var oHi = l[S.OutCarry + 2 * v + 1];
            onExport.AssertEq(l[S.OutLimb(v, 0)] + C(1 << 16) * oLo, l[S.HInLimb(v, 0)] + Var(0));
            onExport.AssertEq(l[S.OutLimb(v, 1)] + C(1 << 16) * oHi, l[S.HInLimb(v, 1)] + Var(1) + oLo);
            outputs[2 * v] = l[S.OutLimb(v, 0)];
            outputs[2 * v + 1] = l[S.OutLimb(v, 1)];
        }
        foreach (var limb in outputs)
            builder.Send(ZkvmBus.Range16, [limb], export);

        // --- The call: (ts, a0 limbs, a1 limbs) from the syscall chip, sent once per SHA256_COMPRESS ECALL with the CPU's ts
        // and a0 and x11's (a1's) current value. Receiving with multiplicity export gives every call exactly one proven
        // compression (a skipped one leaves an unmatched send) and no compression is exported without a call. The pointers'
        // upper limbs are received as 0: a pointer ≥ 2^32 has no row (the machine faults on it anyway).
        var tsLo = l[S.TsLo];
        var tsHi = l[S.TsHi];
        builder.Receive(ZkvmBus.Sha256Compress,
            [tsLo, tsHi, l[S.StatePtrLo], l[S.StatePtrHi], C(0), C(0), l[S.BlockPtrLo], l[S.BlockPtrHi], C(0), C(0)], export);

        // --- Keys. ptr_lo is canonical (the CPU's register limb, or x11's value from the memory argument), key_lo is
        // Range16-checked, so ptr_lo = 8·key_lo holds over the integers (8·key_lo < 2^19 ≪ p): the pointer is 8-aligned and
        // key = key_lo + 2^13·ptr_hi is its double word's key.
        var stateKey = l[S.StateKeyLo] + l[S.StatePtrHi] * C(1 << 13);
        var blockKey = l[S.BlockKeyLo] + l[S.BlockPtrHi] * C(1 << 13);
        onExport.AssertEq(l[S.StatePtrLo], l[S.StateKeyLo] * C(8));
        onExport.AssertEq(l[S.BlockPtrLo], l[S.BlockKeyLo] * C(8));
        builder.Send(ZkvmBus.Range16, [l[S.StateKeyLo]], export);
        builder.Send(ZkvmBus.Range16, [l[S.BlockKeyLo]], export);

        // --- Bounds: the state's 32 bytes in writable RAM [code end, RamEnd), the block's 64 in RAM. Each difference is
        // lo + 2^16·hi with lo < 2^16 and hi < 2^11 (Range16 of 2^5·hi), an integer in [0, 2^27); the left sides are integers
        // in (−2^28, 2^30), so equal modulo p they are equal: first ≤ key ≤ last. Without this a prover could write the code
        // (read-only) or read outside RAM, or wrap a block past RamEnd.
        var (sFirst, sLast) = S.StateKeyRange(_codeEnd);
        var (bFirst, bLast) = S.BlockKeyRange;
        Bound(builder, 0, stateKey - C(sFirst), export);
        Bound(builder, 1, C(sLast) - stateKey, export);
        Bound(builder, 2, blockKey - C(bFirst), export);
        Bound(builder, 3, C(bLast) - blockKey, export);

        // --- Memory: each access consumes (key, prev, prev_ts) and produces (key, new, ts) with prev_ts < ts (TimestampGadget)
        // at the syscall's ts: offline memory checking makes the consumed values the guest's memory at these addresses and
        // the produced ones what later accesses see. The state's double words are read as the carried input state (H_2j in
        // the low half) and written as the output; the block's are read (re-produced unchanged) as the carried block words.
        // Two accesses of one key at one ts cannot balance the memory argument, so an overlapping state and block (which the
        // machine faults on) have no proof either.
        for (int j = 0; j < S.StateDwords + S.BlockDwords; j++)
        {
            bool state = j < S.StateDwords;
            int w = state ? 2 * j : 2 * (j - S.StateDwords);
            var key = state ? stateKey + C((ulong)j) : blockKey + C((ulong)(j - S.StateDwords));
            SymbolicExpression<F>[] prev = state
                ? [l[S.HInLimb(w, 0)], l[S.HInLimb(w, 1)], l[S.HInLimb(w + 1, 0)], l[S.HInLimb(w + 1, 1)]]
                : [l[S.BlockLimb(w, 0)], l[S.BlockLimb(w, 1)], l[S.BlockLimb(w + 1, 0)], l[S.BlockLimb(w + 1, 1)]];
            SymbolicExpression<F>[] next = state
                ? [l[S.OutLimb(w, 0)], l[S.OutLimb(w, 1)], l[S.OutLimb(w + 1, 0)], l[S.OutLimb(w + 1, 1)]]
                : prev;
            int a = S.Access(j);
            MemoryArgument.Consume(builder, key, prev, l[a], l[a + 1], export);
            MemoryArgument.Produce(builder, key, next, tsLo, tsHi, export);
            TimestampGadget.Eval(builder, a + 2, tsLo, tsHi, l[a], l[a + 1], export);
        }
    }

    /// <summary>difference = lo + 2^16·hi, Range16(lo), Range16(2^5·hi): difference ∈ [0, 2^27) as an integer.</summary>
    private static void Bound(AirBuilder<F> builder, int index, SymbolicExpression<F> difference, SymbolicExpression<F> export)
    {
        var l = builder.Local;
        int at = S.Bounds + 2 * index;
        builder.When(export).AssertEq(difference, l[at] + l[at + 1] * C(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[at]], export);
        builder.Send(ZkvmBus.Range16, [l[at + 1] * C(1 << 5)], export);
    }
}
