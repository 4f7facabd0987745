using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Memory;
using K = Prover.Core.Zkvm.Keccak.KeccakCols;

namespace Prover.Core.Zkvm.Keccak;

/// <summary>
/// The keccak chip: Keccak-f[1600] as a table of one row per round, 24 rows per permutation (the design of
/// Plonky3's keccak-air, re-derived here from FIPS 202), plus the memory wiring of the KECCAK_PERMUTE syscall
/// (docs/zkvm.md, "Keccak chip"). Each row holds the round's input state A as 16-bit limbs, θ's column parities C
/// and C' = C ⊕ D as bits, A' = θ(A) as bits, A'' = χ(π(ρ(A'))) as limbs and lane (0, 0) of A'' as bits for ι. The
/// last row of a permutation that a syscall made (<see cref="KeccakCols.Export"/>) receives (ts, ptr) from the
/// syscall chip and makes the 25 read-modify-write accesses of the state: consume (key + i, input lane i, prev ts),
/// produce (key + i, output lane i, ts). Constraint degree 3.
/// <para>
/// Why a forged output cannot pass: every bit column is boolean (asserted, or an expression of booleans that is
/// itself 0/1); every limb is tied to bits by a recomposition Σ 2^k·bit over 16 bits (unique below p), so the
/// limbs are canonical and the bits are the limb's bits; C is forced to be the true column parity by the
/// ΣA' ≡ C' (mod 2) check below; each row's A'' and ι output are fixed expressions of those bits; the step flags
/// are a rotating one-hot counter fixed by the first row, so round i of every permutation uses RC[i] and the
/// permutation boundaries are rows 24k; the next row's A is the previous row's output except across a
/// permutation boundary, and the preimage is carried unchanged from the first row (where it equals A) to the last.
/// So on an export row the produced output is Keccak-f of the consumed input, both at the syscall's keys and ts.
/// </para>
/// </summary>
public sealed class KeccakAir<F> : IAir<F> where F : struct, IField<F>
{
    private readonly ulong _minKeyBase;

    /// <param name="codeEnd">The program's code end: the state must lie in writable RAM, [code end, RamEnd).</param>
    public KeccakAir(ulong codeEnd)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(codeEnd, Machine.MemoryMap.RamEnd);
        _minKeyBase = KeccakCols.MinKeyBase(codeEnd);
    }

    public string Name => "keccak";

    public int Width => KeccakCols.Width;

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    private static SymbolicExpression<F> Xor(SymbolicExpression<F> a, SymbolicExpression<F> b) => a + b - C(2) * a * b;

    /// <summary>a ⊕ b ⊕ c for bits a, b, c (degree 3).</summary>
    private static SymbolicExpression<F> Xor3(SymbolicExpression<F> a, SymbolicExpression<F> b, SymbolicExpression<F> c) =>
        a + b + c - C(2) * (a * b + a * c + b * c) + C(4) * a * b * c;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        var n = builder.Next;
        const int Rounds = KeccakF1600.Rounds, Lanes = KeccakF1600.Lanes;

        // --- Step flags: a one-hot counter that starts at round 0 on the first row and rotates every row, so
        // rows 24k + i carry flag i exactly. Nothing else is needed to make them boolean and one-hot: the first
        // row is fixed and every later row is a rotation of the previous one (the wrap from the last row to the
        // first is not a transition, so any height works; a truncated last permutation never exports).
        var first = builder.WhenFirstRow();
        first.AssertEq(l[K.StepFlags], SymbolicExpression<F>.One);
        for (int i = 1; i < Rounds; i++)
            first.AssertZero(l[K.StepFlags + i]);
        var transition = builder.WhenTransition();
        for (int i = 0; i < Rounds; i++)
            transition.AssertEq(n[K.StepFlags + (i + 1) % Rounds], l[K.StepFlags + i]);
        var firstStep = l[K.StepFlags];
        var finalStep = l[K.StepFlags + Rounds - 1];
        var notFinal = SymbolicExpression<F>.One - finalStep;

        // Export is boolean (its multiplicity bound is 1) and only set on a permutation's last row, where the
        // output and the carried preimage are those of the same 24-round permutation.
        var export = l[K.Export];
        builder.AssertBool(export);
        builder.When(notFinal).AssertZero(export);

        // --- Preimage: equals A on a permutation's first row and is carried unchanged to its last row.
        var whenFirstStep = builder.When(firstStep);
        var carry = builder.WhenTransition().When(notFinal);
        for (int i = 0; i < Lanes * K.Limbs; i++)
        {
            whenFirstStep.AssertEq(l[K.Preimage + i], l[K.A + i]);
            carry.AssertEq(n[K.Preimage + i], l[K.Preimage + i]);
        }

        // --- θ. C bits are boolean and C'[x][z] = C[x][z] ⊕ C[x − 1][z] ⊕ C[x + 1][z − 1] (= C ⊕ D). A' bits are
        // boolean and A = A' ⊕ C ⊕ C' limb by limb (so A' = A ⊕ D bit by bit, as the recomposition of 16 bits is
        // unique). C is not trusted yet: ⊕_y A'[x][y] = C_true[x] ⊕ C[x] ⊕ C'[x] (five copies of C ⊕ C' cancel to
        // one), so requiring ⊕_y A'[x][y] = C'[x] forces C = C_true. The parity is checked as
        // Σ_y A'[x][y][z] − C'[x][z] ∈ {0, 2, 4}: an integer in [−1, 5] (bits), even exactly when the parities agree.
        for (int x = 0; x < 5; x++)
            for (int z = 0; z < K.Bits; z++)
            {
                builder.AssertBool(l[K.CBit(x, z)]);
                var cPrime = Xor3(l[K.CBit(x, z)], l[K.CBit((x + 4) % 5, z)], l[K.CBit((x + 1) % 5, (z + 63) % 64)]);
                builder.AssertEq(l[K.CPrimeBit(x, z)], cPrime);
                var sum = SymbolicExpression<F>.Zero;
                for (int y = 0; y < 5; y++)
                    sum += l[K.APrimeBit(KeccakF1600.Lane(x, y), z)];
                var diff = sum - l[K.CPrimeBit(x, z)];
                builder.AssertZero(diff * (diff - C(2)) * (diff - C(4)));
            }
        for (int lane = 0; lane < Lanes; lane++)
        {
            int x = lane % 5;
            for (int z = 0; z < K.Bits; z++)
                builder.AssertBool(l[K.APrimeBit(lane, z)]);
            for (int limb = 0; limb < K.Limbs; limb++)
            {
                var value = SymbolicExpression<F>.Zero;
                for (int k = 0; k < 16; k++)
                {
                    int z = 16 * limb + k;
                    value += C(1UL << k) * Xor3(l[K.APrimeBit(lane, z)], l[K.CBit(x, z)], l[K.CPrimeBit(x, z)]);
                }
                builder.AssertEq(l[K.ALimb(lane, limb)], value);
            }
        }

        // --- ρ and π: B[y][2x + 3y] = rot(A'[x][y], r[x][y]), i.e. bit z of B comes from bit z − r of A'.
        SymbolicExpression<F> B(int bx, int by, int z)
        {
            // Invert π: B[X][Y] = A'[x][y] with X = y, Y = 2x + 3y, so y = X and x = (Y − 3y)·2^{-1} = 3(Y − 3X) mod 5.
            int y = bx, x = ((3 * (by - 3 * bx)) % 5 + 5) % 5;
            int lane = KeccakF1600.Lane(x, y);
            return l[K.APrimeBit(lane, (z - KeccakF1600.RhoOffsets[lane] + 64) % 64)];
        }

        // --- χ: A''[x][y] = B[x][y] ⊕ (¬B[x + 1][y] ∧ B[x + 2][y]); every term is a bit, so A'' limbs are canonical
        // recompositions (no range check needed) and lane (0, 0)'s bits are exactly the χ bits.
        SymbolicExpression<F> Chi(int x, int y, int z)
        {
            var andNot = (SymbolicExpression<F>.One - B((x + 1) % 5, y, z)) * B((x + 2) % 5, y, z);
            return Xor(B(x, y, z), andNot);
        }
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
            {
                int lane = KeccakF1600.Lane(x, y);
                for (int limb = 0; limb < K.Limbs; limb++)
                {
                    var value = SymbolicExpression<F>.Zero;
                    for (int k = 0; k < 16; k++)
                        value += C(1UL << k) * (lane == 0 ? l[K.APrimePrime00Bits + 16 * limb + k] : Chi(x, y, 16 * limb + k));
                    builder.AssertEq(l[K.APrimePrimeLimb(lane, limb)], value);
                }
            }
        for (int z = 0; z < K.Bits; z++)
            builder.AssertEq(l[K.APrimePrime00Bits + z], Chi(0, 0, z));

        // --- ι: lane (0, 0) ⊕= RC[round], the round's constant bit selected by the step flags (exactly one is 1).
        var rc = KeccakF1600.RoundConstants;
        for (int limb = 0; limb < K.Limbs; limb++)
        {
            var value = SymbolicExpression<F>.Zero;
            for (int k = 0; k < 16; k++)
            {
                int z = 16 * limb + k;
                var rcBit = SymbolicExpression<F>.Zero;
                for (int i = 0; i < Rounds; i++)
                    if ((rc[i] >> z & 1) != 0)
                        rcBit += l[K.StepFlags + i];
                value += C(1UL << k) * Xor(l[K.APrimePrime00Bits + z], rcBit);
            }
            builder.AssertEq(l[K.APrimePrimePrime00 + limb], value);
        }

        // --- Chaining: within a permutation the next round starts from this round's output.
        for (int lane = 0; lane < Lanes; lane++)
            for (int limb = 0; limb < K.Limbs; limb++)
                carry.AssertEq(n[K.ALimb(lane, limb)], Output(l, lane, limb));

        // --- Memory wiring on export rows (docs/zkvm.md, "Keccak chip").
        var keyBase = l[K.KeyBase];
        var tsLo = l[K.TsLo];
        var tsHi = l[K.TsHi];
        // One row per syscall: the syscall chip sends (ts, ptr) once per KECCAK_PERMUTE ECALL and this row
        // receives it with multiplicity export, so every ECALL has exactly one proven permutation (a skipped one
        // leaves an unmatched send) and no permutation is exported without an ECALL. ts and ptr limbs are the
        // CPU's (canonical: a0's limbs, ts pieces from the CPU's clk) by way of the syscall chip.
        builder.Receive(ZkvmBus.KeccakPermute, [tsLo, tsHi, l[K.PtrLo], l[K.PtrHi]], export);
        var onExport = builder.When(export);
        // ptr = 8·key. ptr_hi < 2^14 (4·ptr_hi ∈ Range16; ptr_hi is a canonical limb, so 4·ptr_hi < 2^18 < p) makes
        // ptr < 2^30, and the bounds below make key ≤ 2^27 − 25, so 8·key < 2^30: both sides are integers below p,
        // equal modulo p hence equal. So ptr is 8-aligned and key = ptr / 8.
        onExport.AssertEq(keyBase * C(8), l[K.PtrLo] + l[K.PtrHi] * C(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[K.PtrHi] * C(4)], export);
        // RAM-region rule: kMin ≤ key ≤ kMax with kMin = ⌈code end / 8⌉ and kMax = 2^27 − 25, i.e. the 200 bytes lie in
        // [code end, RamEnd). Each difference is split as d0 + 2^16·d1 with d0 ∈ Range16 and 2^5·d1 ∈ Range16 (d1 < 2^11),
        // so it is an integer in [0, 2^27); a key outside the range makes one difference "negative", p − m with
        // m ≤ 2^27, which no such split reaches (p − 2^27 > 2^27).
        onExport.AssertEq(keyBase - C(_minKeyBase), l[K.Low0] + l[K.Low1] * C(1 << 16));
        onExport.AssertEq(C(KeccakCols.MaxKeyBase) - keyBase, l[K.High0] + l[K.High1] * C(1 << 16));
        builder.Send(ZkvmBus.Range16, [l[K.Low0]], export);
        builder.Send(ZkvmBus.Range16, [l[K.Low1] * C(1 << 5)], export);
        builder.Send(ZkvmBus.Range16, [l[K.High0]], export);
        builder.Send(ZkvmBus.Range16, [l[K.High1] * C(1 << 5)], export);
        // The 25 accesses: consume (key + i, input lane i, prev ts), produce (key + i, output lane i, ts) with
        // prev ts < ts (TimestampGadget): offline memory checking makes the consumed value the lane's latest value in
        // memory, and the produced one is what later loads see. Produced limbs are canonical (bit recompositions);
        // produced ts pieces are the CPU's. Keys key + i are distinct, so no lane is read twice.
        for (int lane = 0; lane < Lanes; lane++)
        {
            var key = keyBase + C((ulong)lane);
            SymbolicExpression<F>[] input = [.. Enumerable.Range(0, K.Limbs).Select(limb => l[K.PreimageLimb(lane, limb)])];
            SymbolicExpression<F>[] output = [.. Enumerable.Range(0, K.Limbs).Select(limb => Output(l, lane, limb))];
            MemoryArgument.Consume(builder, key, input, l[K.PrevTsLo(lane)], l[K.PrevTsHi(lane)], export);
            MemoryArgument.Produce(builder, key, output, tsLo, tsHi, export);
            TimestampGadget.Eval(builder, K.Gadget(lane), tsLo, tsHi, l[K.PrevTsLo(lane)], l[K.PrevTsHi(lane)], export);
        }
    }

    /// <summary>Limb of the round's output state: A'' except lane (0, 0), which is A''' (after ι).</summary>
    private static SymbolicExpression<F> Output(IReadOnlyList<SymbolicExpression<F>> l, int lane, int limb) =>
        lane == 0 ? l[K.APrimePrimePrime00 + limb] : l[K.APrimePrimeLimb(lane, limb)];
}
