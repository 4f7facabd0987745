using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Zkvm.Memory;
using SyscallNumber = Prover.Core.Machine.Syscall;

namespace Prover.Core.Zkvm.Syscall;

/// <summary>Column layout of <see cref="SyscallAir{F}"/> (offsets into a row).</summary>
public static class SyscallCols
{
    /// <summary>The syscall numbers, in selector-column order (<see cref="Selectors"/>).</summary>
    public static ReadOnlySpan<ulong> Numbers =>
    [
        SyscallNumber.Write, SyscallNumber.Exit, SyscallNumber.Input,
        SyscallNumber.Commit, SyscallNumber.RegionBegin, SyscallNumber.RegionEnd,
        SyscallNumber.ModMul256, SyscallNumber.ModMul384,
    ];

    /// <summary>Selector column of <see cref="Numbers"/>[i]: the first six lead the row, the modmul two follow <see cref="X12Gadget"/>.</summary>
    public static int SelectorColumn(int i) => i < 6 ? Selectors + i : IsModMul256 + (i - 6);

    /// <summary>6 boolean selectors, one per number of <see cref="Numbers"/>: write, exit, input, commit, region begin, region end (the modmul two are at <see cref="IsModMul256"/>).</summary>
    public const int Selectors = 0;
    public const int IsWrite = Selectors + 0;
    public const int IsExit = Selectors + 1;
    public const int IsInput = Selectors + 2;
    public const int IsCommit = Selectors + 3;
    public const int IsRegionBegin = Selectors + 4;
    public const int IsRegionEnd = Selectors + 5;

    /// <summary>a7 limbs (the syscall number), as received from the CPU.</summary>
    public const int A7 = 6;

    /// <summary>a0 limbs, as received from the CPU.</summary>
    public const int A0 = 10;

    /// <summary>Result limbs: the value the CPU writes to a0.</summary>
    public const int Result = 14;

    /// <summary>ts = 4·clk + 2 as (lo, hi) pieces, as received from the CPU.</summary>
    public const int TsLo = 18;
    public const int TsHi = 19;

    /// <summary>Register access A on x11 (input, commit): prev value limbs, prev ts (lo, hi), <see cref="TimestampGadget"/>, new value limbs.</summary>
    public const int X11Prev = 20;
    public const int X11PrevTsLo = 24;
    public const int X11PrevTsHi = 25;
    public const int X11Gadget = 26;
    public const int X11New = X11Gadget + TimestampGadget.Columns;

    /// <summary>Register access B on x12 (write): a read; prev value limbs, prev ts (lo, hi), <see cref="TimestampGadget"/>.</summary>
    public const int X12Prev = X11New + 4;
    public const int X12PrevTsLo = X12Prev + 4;
    public const int X12PrevTsHi = X12Prev + 5;
    public const int X12Gadget = X12Prev + 6;

    /// <summary>Boolean selector of KECCAK_PERMUTE (0x10010), kept apart from <see cref="Numbers"/>: its row hands (ts, a0) to the keccak chip.</summary>
    public const int IsKeccak = X12Gadget + TimestampGadget.Columns;

    /// <summary>Selectors of <see cref="SyscallNumber.ModMul256"/> and <see cref="SyscallNumber.ModMul384"/>.</summary>
    public const int IsModMul256 = IsKeccak + 1;
    public const int IsModMul384 = IsModMul256 + 1;

    // --- sha256 branch (issue 15): the SHA256_COMPRESS selector; its row reads x11 (the block pointer) and hands
    // (ts, a0, a1) to the sha256 chip.
    /// <summary>Selector of <see cref="SyscallNumber.Sha256Compress"/>.</summary>
    public const int IsSha256Compress = IsModMul384 + 1;

    // --- ecc branch (issue 15, Weierstrass point chips): one selector per point syscall, in WeierstrassCurve.All order
    // (add, double per curve).
    /// <summary>First selector of the point syscalls: <see cref="WeierstrassNumbers"/>[i] at IsWeierstrass + i.</summary>
    public const int IsWeierstrass = IsSha256Compress + 1;

    /// <summary>The point syscall numbers in selector order.</summary>
    public static ReadOnlySpan<ulong> WeierstrassNumbers =>
    [
        SyscallNumber.Secp256k1Add, SyscallNumber.Secp256k1Double, SyscallNumber.Bn254Add, SyscallNumber.Bn254Double,
        SyscallNumber.Bls12381Add, SyscallNumber.Bls12381Double,
    ];

    public const int Width = IsWeierstrass + 6;

    /// <summary>Public values: the input size as (lo, hi) 16-bit pieces, set and range-checked by the verifier.</summary>
    public const int PublicInputSizeLo = 0;
    public const int PublicInputSizeHi = 1;
    public const int PublicValueCount = 2;

    /// <summary>Whether the chip accesses x11 (a1) at slot 2 for syscall <paramref name="number"/>: input writes it, commit and modmul read it.</summary>
    public static bool AccessesX11(ulong number) =>
        number is SyscallNumber.Input or SyscallNumber.Commit or SyscallNumber.ModMul256 or SyscallNumber.ModMul384
            or SyscallNumber.Sha256Compress or SyscallNumber.Secp256k1Add or SyscallNumber.Bn254Add or SyscallNumber.Bls12381Add;

    /// <summary>Memory key of register x_r.</summary>
    public static ulong RegisterKey(int r) => MemoryArgument.RegisterKeyBase + (ulong)r;
}

/// <summary>
/// The syscall chip: one row per ECALL, receiving the CPU's (a7, a0, result, ts) on the
/// <see cref="ZkvmBus.Syscall"/> bus and proving the result and the side effects of write, exit, input,
/// commit and the two region calls (docs/zkvm.md, "Syscalls"; soundness in docs/design.md, "zkVM chips:
/// syscall"). Side effects: x11 is read (commit) or written with the input size (input), x12 is read
/// (write), each at ts = 4·clk + 2 through the memory argument; exit sends (ts, code) on
/// <see cref="ZkvmBus.Halt"/>, commit sends (index, byte) on <see cref="ZkvmBus.Output"/>. The verifier
/// receives those two buses (one Halt at the last cycle with the claimed exit code, one Output per
/// committed byte) and sets the two public values (input size) after range-checking them.
/// Constraint degree 3.
/// </summary>
public sealed class SyscallAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "syscall";

    public int Width => SyscallCols.Width;

    public int PublicValueCount => SyscallCols.PublicValueCount;

    private static SymbolicExpression<F> C(ulong x) => Word.Constant<F>(x);

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var l = builder.Local;
        SymbolicExpression<F>[] Limbs(int offset) => [l[offset], l[offset + 1], l[offset + 2], l[offset + 3]];
        var a7 = Limbs(SyscallCols.A7);
        var a0 = Limbs(SyscallCols.A0);
        var result = Limbs(SyscallCols.Result);
        var tsLo = l[SyscallCols.TsLo];
        var tsHi = l[SyscallCols.TsHi];
        var isWrite = l[SyscallCols.IsWrite];
        var isExit = l[SyscallCols.IsExit];
        var isInput = l[SyscallCols.IsInput];
        var isCommit = l[SyscallCols.IsCommit];
        var isRegion = l[SyscallCols.IsRegionBegin] + l[SyscallCols.IsRegionEnd];
        var isModMul256 = l[SyscallCols.IsModMul256];
        var isModMul384 = l[SyscallCols.IsModMul384];
        var isModMul = isModMul256 + isModMul384;

        // Selectors: booleans whose sum `real` is boolean, so at most one is set; padding rows (real = 0)
        // receive and send nothing.
        var real = SymbolicExpression<F>.Zero;
        var numLo = SymbolicExpression<F>.Zero;
        var numHi = SymbolicExpression<F>.Zero;
        var numbers = SyscallCols.Numbers;
        for (int i = 0; i < numbers.Length; i++)
        {
            var s = l[SyscallCols.SelectorColumn(i)];
            builder.AssertBool(s);
            real += s;
            numLo += s * C(numbers[i] & 0xFFFF);
            numHi += s * C(numbers[i] >> 16);
        }
        var isKeccak = l[SyscallCols.IsKeccak];
        builder.AssertBool(isKeccak);
        real += isKeccak;
        numLo += isKeccak * C(SyscallNumber.KeccakPermute & 0xFFFF);
        numHi += isKeccak * C(SyscallNumber.KeccakPermute >> 16);
        var isSha256 = l[SyscallCols.IsSha256Compress];
        builder.AssertBool(isSha256);
        real += isSha256;
        numLo += isSha256 * C(SyscallNumber.Sha256Compress & 0xFFFF);
        numHi += isSha256 * C(SyscallNumber.Sha256Compress >> 16);
        // ecc branch: the point syscalls' selectors (their rows are checked in Weierstrass below).
        var pointOps = SyscallCols.WeierstrassNumbers;
        var isPointAdd = SymbolicExpression<F>.Zero;
        for (int i = 0; i < pointOps.Length; i++)
        {
            var s = l[SyscallCols.IsWeierstrass + i];
            builder.AssertBool(s);
            real += s;
            numLo += s * C(pointOps[i] & 0xFFFF);
            numHi += s * C(pointOps[i] >> 16);
            if (!WeierstrassCurve.Of(pointOps[i])!.Value.IsDouble)
                isPointAdd += s;
        }
        builder.AssertBool(real);

        // The number: a7 = Σ sel·number limb by limb. a7 is received from the CPU (the register's
        // canonical limbs), so a row whose selector claims another syscall than the guest's a7 fails
        // here; a number outside the eight (exit_group 94 included) equals no selector's and has no row
        // that can receive its tuple, so such an execution cannot be proven.
        builder.AssertEq(a7[0], numLo);
        builder.AssertEq(a7[1], numHi);
        builder.AssertZero(a7[2]);
        builder.AssertZero(a7[3]);

        // One row per ECALL: the CPU sends (a7, a0, result, ts) once per ECALL row; receiving with
        // multiplicity real makes the chip prove exactly the result the CPU writes to a0.
        builder.Receive(ZkvmBus.Syscall, [.. a7, .. a0, .. result, tsLo, tsHi], real);

        // --- Register accesses at ts (slot 2, which the CPU leaves free on ECALL rows: it reads a7, a0
        // at slots 0, 1 and writes a0 at slot 3). Each consumes (key, prev, prev_ts) and produces
        // (key, new, ts) with prev_ts < ts (TimestampGadget), so prev is x_r's latest value (offline
        // memory checking, docs/zkvm.md). The produced ts pieces are the CPU's (received on the Syscall bus:
        // 4·clk_q + 2 with clk_q range-checked, clk_hi bounded by the verifier), so canonical; produced values are canonical: reads re-produce a consumed
        // (hence produced and checked) value and the input size comes from public values the verifier
        // range-checks.
        var accessA = isInput + isCommit + isModMul + isSha256 + isPointAdd;
        var x11Prev = Limbs(SyscallCols.X11Prev);
        var x11New = Limbs(SyscallCols.X11New);
        var x12Prev = Limbs(SyscallCols.X12Prev);
        RegisterAccess(builder, 11, x11Prev, SyscallCols.X11PrevTsLo, SyscallCols.X11PrevTsHi, SyscallCols.X11Gadget, x11New, tsLo, tsHi, accessA);
        RegisterAccess(builder, 12, x12Prev, SyscallCols.X12PrevTsLo, SyscallCols.X12PrevTsHi, SyscallCols.X12Gadget, x12Prev, tsLo, tsHi, isWrite);

        // --- write(fd = a0, buf = a1, len = a2) → len. Only fd 1 and 2 are provable (a0's canonical limbs
        // are (1 or 2, 0, 0, 0)); another fd, which the machine answers with −EBADF, has no satisfying row.
        // The result is x12's current value (a read of x12 at ts, so it is the guest's len); nothing of
        // the buffer is proven: the proven output is the committed one.
        var when = builder.When(isWrite);
        when.AssertZero(a0[1]);
        when.AssertZero(a0[2]);
        when.AssertZero(a0[3]);
        when.AssertZero((a0[0] - C(1)) * (a0[0] - C(2)));
        for (int i = 0; i < 4; i++)
            when.AssertEq(result[i], x12Prev[i]);

        // --- exit(code = a0): the machine leaves a0 unchanged (result = a0) and halts. The Halt send
        // carries (ts, code): the verifier receives exactly one, at the ts of the last cycle with the
        // claimed exit code, so the proof is of a run that ended in this exit with this code.
        when = builder.When(isExit);
        for (int i = 0; i < 4; i++)
            when.AssertEq(result[i], a0[i]);
        builder.Send(ZkvmBus.Halt, [tsLo, tsHi, .. a0], isExit);

        // --- input() → a0 = InputBase, x11 := input size. The address is a constant; the size is the
        // chip's public value (size_lo, size_hi), which the verifier sets from the input it checks.
        when = builder.When(isInput);
        when.AssertEq(result[0], C(MemoryMap.InputBase & 0xFFFF));
        when.AssertEq(result[1], C(MemoryMap.InputBase >> 16));
        when.AssertZero(result[2]);
        when.AssertZero(result[3]);
        when.AssertEq(x11New[0], builder.PublicValues[SyscallCols.PublicInputSizeLo]);
        when.AssertEq(x11New[1], builder.PublicValues[SyscallCols.PublicInputSizeHi]);
        when.AssertZero(x11New[2]);
        when.AssertZero(x11New[3]);

        // --- region_begin/region_end(name = a0) → 0. The names are not proven: they only feed reports.
        when = builder.When(isRegion);
        for (int i = 0; i < 4; i++)
            when.AssertZero(result[i]);

        // --- commit(index = a0, byte = a1) → 0. x11 is read (new = prev); its value v must be a byte:
        // v1..v3 = 0 and RANGE8 of v0 (the byte table's (v0, 0, 0)). The index must fit 32 bits (a0 limbs 2, 3 = 0)
        // and the Output send carries (index_lo, index_hi, v0): the verifier receives exactly one tuple
        // per committed byte index 0..n−1 with the claimed output byte, so no byte can be forged, left
        // out, duplicated or reordered (a second commit of an index would be an unmatched send).
        when = builder.When(isCommit);
        for (int i = 0; i < 4; i++)
        {
            when.AssertZero(result[i]);
            when.AssertEq(x11New[i], x11Prev[i]);
        }
        when.AssertZero(x11Prev[1]);
        when.AssertZero(x11Prev[2]);
        when.AssertZero(x11Prev[3]);
        when.AssertZero(a0[2]);
        when.AssertZero(a0[3]);
        ByteLookup.SendRange8(builder, x11Prev[0], isCommit);
        builder.Send(ZkvmBus.Output, [a0[0], a0[1], x11Prev[0]], isCommit);

        // --- modmul256/384(x = a0, ym = a1) → 0. x11 (a1) is read at ts (new = prev), so the pointer sent is the guest's a1;
        // the call goes to the modmul chip of its size as (limbs, ts, a0, a1), which proves the memory effect at this ts
        // (docs/zkvm.md, "Modular multiplication"). The chip receives exactly one tuple per row of its table, so a call
        // cannot be skipped and no call can be invented.
        when = builder.When(isModMul);
        for (int i = 0; i < 4; i++)
        {
            when.AssertZero(result[i]);
            when.AssertEq(x11New[i], x11Prev[i]);
        }
        builder.Send(ZkvmBus.ModMul, [C(4), tsLo, tsHi, .. a0, .. x11Prev], isModMul256);
        builder.Send(ZkvmBus.ModMul, [C(6), tsLo, tsHi, .. a0, .. x11Prev], isModMul384);

        KeccakPermute(builder, isKeccak, a0, result, tsLo, tsHi);

        // --- sha256_compress(state = a0, block = a1) → 0. x11 (a1) is read at ts (new = prev), so the block pointer sent is
        // the guest's a1; the sha256 chip receives (ts, a0, a1) exactly once, on the last row of the compression whose state
        // and block accesses it makes at this ts (docs/zkvm.md, "SHA-256 chip"), so a call cannot be skipped or invented.
        when = builder.When(isSha256);
        for (int i = 0; i < 4; i++)
        {
            when.AssertZero(result[i]);
            when.AssertEq(x11New[i], x11Prev[i]);
        }
        builder.Send(ZkvmBus.Sha256Compress, [tsLo, tsHi, .. a0, .. x11Prev], isSha256);

        Weierstrass(builder, a0, x11Prev, x11New, result, tsLo, tsHi);
    }

    /// <summary>
    /// ecc branch: secp256k1_add(p = a0, q = a1) / secp256k1_double(p = a0) → 0. Add reads x11 (a1) at ts (new = prev), so
    /// the Q pointer sent is the guest's a1; double sends 0 for it. The row sends (number_lo, ts, a0, a1) on
    /// <see cref="ZkvmBus.Weierstrass"/>, which the point chip of that number receives exactly once per row of its table
    /// (reading and writing the points through the memory argument at this ts): a call cannot be skipped or invented, and a
    /// call cannot be claimed by the chip of another operation (the number's low limb is in the tuple).
    /// </summary>
    private static void Weierstrass(AirBuilder<F> builder, SymbolicExpression<F>[] a0, SymbolicExpression<F>[] x11Prev, SymbolicExpression<F>[] x11New,
        SymbolicExpression<F>[] result, SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi)
    {
        var l = builder.Local;
        var pointOps = SyscallCols.WeierstrassNumbers;
        for (int i = 0; i < pointOps.Length; i++)
        {
            var s = l[SyscallCols.IsWeierstrass + i];
            bool isDouble = WeierstrassCurve.Of(pointOps[i])!.Value.IsDouble;
            var when = builder.When(s);
            for (int k = 0; k < 4; k++)
            {
                when.AssertZero(result[k]);
                if (!isDouble)
                    when.AssertEq(x11New[k], x11Prev[k]);
            }
            SymbolicExpression<F>[] q = isDouble ? [C(0), C(0), C(0), C(0)] : x11Prev;
            builder.Send(ZkvmBus.Weierstrass, [C(pointOps[i] & 0xFFFF), tsLo, tsHi, .. a0, .. q], s);
        }
    }

    /// <summary>
    /// keccak_permute(state = a0) → 0. The permutation and its 25 memory accesses are the keccak chip's: this row sends
    /// (ts, a0_lo, a0_hi) on <see cref="ZkvmBus.KeccakPermute"/>, which the chip receives exactly once, on the last row
    /// of a permutation whose consumed and produced lanes are at keys a0/8 + i and ts (a0 limbs 2, 3 = 0 here; the
    /// chip proves a0 &lt; 2^30, 8-aligned, and the 200 bytes in writable RAM).
    /// </summary>
    private static void KeccakPermute(AirBuilder<F> builder, SymbolicExpression<F> isKeccak, SymbolicExpression<F>[] a0, SymbolicExpression<F>[] result,
        SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi)
    {
        var when = builder.When(isKeccak);
        for (int i = 0; i < 4; i++)
            when.AssertZero(result[i]);
        when.AssertZero(a0[2]);
        when.AssertZero(a0[3]);
        builder.Send(ZkvmBus.KeccakPermute, [tsLo, tsHi, a0[0], a0[1]], isKeccak);
    }

    /// <summary>Consumes (x_r, prev, prev_ts), produces (x_r, new, ts), proves prev_ts &lt; ts.</summary>
    private static void RegisterAccess(AirBuilder<F> builder, int register, SymbolicExpression<F>[] prev, int prevTsLo, int prevTsHi, int gadget,
        SymbolicExpression<F>[] next, SymbolicExpression<F> tsLo, SymbolicExpression<F> tsHi, SymbolicExpression<F> multiplicity)
    {
        var l = builder.Local;
        var key = C(SyscallCols.RegisterKey(register));
        MemoryArgument.Consume(builder, key, prev, l[prevTsLo], l[prevTsHi], multiplicity);
        MemoryArgument.Produce(builder, key, next, tsLo, tsHi, multiplicity);
        TimestampGadget.Eval(builder, gadget, tsLo, tsHi, l[prevTsLo], l[prevTsHi], multiplicity);
    }
}
