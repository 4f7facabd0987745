namespace Prover.Core.Zkvm;

/// <summary>Bus ids of the zkVM (docs/zkvm.md, "Buses"). The id is part of every LogUp fingerprint, so buses cannot be confused.</summary>
public static class ZkvmBus
{
    /// <summary>(x): x ∈ [0, 2^16). Received by <see cref="Tables.ByteTable{F}"/> (its Range16 multiplicity column).</summary>
    public const int Range16 = 1;

    /// <summary>
    /// (a, b, c): a, b bytes and c = a AND b; RANGE8 of x is (x, 0, 0). Received by <see cref="Tables.ByteTable{F}"/> (its AND
    /// multiplicity column); sent through <see cref="Tables.ByteLookup"/>.
    /// </summary>
    public const int ByteAnd = 2;

    /// <summary>(opcode, a0..a3, b0..b3, c0..c3): a = op(b, c) on 64-bit words in 16-bit limbs. Received by the ALU chips.</summary>
    public const int Alu = 3;

    /// <summary>Number of field elements of an <see cref="Alu"/> tuple.</summary>
    public const int AluTupleWidth = 13;

    /// <summary>(pc_lo, pc_hi, opcode, rd, rs1, rs2, imm_lo, imm_hi, flags): sent by the CPU, received by <see cref="Prover.Core.Zkvm.Program.ProgramTable{F}"/>.</summary>
    public const int Program = 4;

    /// <summary>(key, v0..v3, ts_lo, ts_hi): the memory argument (registers and RAM). Produce = send, consume = receive.</summary>
    public const int Memory = 5;

    /// <summary>Number of field elements of a <see cref="Memory"/> tuple.</summary>
    public const int MemoryTupleWidth = 7;

    /// <summary>(a7 limbs, a0 limbs, result limbs, ts_lo, ts_hi) with ts = 4·clk + 2: CPU → <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>.</summary>
    public const int Syscall = 6;

    /// <summary>Number of field elements of a <see cref="Syscall"/> tuple.</summary>
    public const int SyscallTupleWidth = 14;

    /// <summary>A load/store request (opcode, addr_lo, addr_hi, v0..v3, ts_lo, ts_hi), CPU → load/store chip.</summary>
    public const int LoadStore = 8;

    /// <summary>Number of field elements of a <see cref="LoadStore"/> tuple as the load/store chip receives it (the CPU sends the same).</summary>
    public const int LoadStoreTupleWidth = 9;

    /// <summary>(key, v0..v3): a verifier-known initial value (program image, input, initial registers), sent by the verifier, received by the bound MemoryInit.</summary>
    public const int InitialValue = 9;

    /// <summary>
    /// (index_lo, index_hi, byte): one committed output byte, sent by <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/> for each
    /// COMMIT; the verifier receives one tuple per byte of the claimed public output.
    /// </summary>
    public const int Output = 10;

    /// <summary>Number of field elements of an <see cref="Output"/> tuple.</summary>
    public const int OutputTupleWidth = 3;

    /// <summary>
    /// (ts_lo, ts_hi, code0..code3): the exit ECALL, sent by <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>; the verifier
    /// receives one tuple with the ts of the last cycle and the claimed exit code.
    /// </summary>
    public const int Halt = 11;

    /// <summary>Number of field elements of a <see cref="Halt"/> tuple.</summary>
    public const int HaltTupleWidth = 6;

    /// <summary>(key, v0..v3): an input double word as the input-commitment chip absorbed it, received by the bound MemoryInit.</summary>
    public const int InputValue = 12;

    /// <summary>
    /// (ts_lo, ts_hi, ptr_lo, ptr_hi): a KECCAK_PERMUTE ECALL at ts = 4·clk + 2 on the state at ptr, sent by
    /// <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>, received once by <see cref="Prover.Core.Zkvm.Keccak.KeccakAir{F}"/>
    /// on the last row of the permutation it proves.
    /// </summary>
    public const int KeccakPermute = 13;

    /// <summary>Number of field elements of a <see cref="KeccakPermute"/> tuple.</summary>
    public const int KeccakPermuteTupleWidth = 4;

    /// <summary>
    /// (number_lo, ts_lo, ts_hi, a0 limbs, a1 limbs): a Weierstrass point ECALL (number_lo = the syscall number's low 16
    /// bits, e.g. 0x40 for secp256k1_add; a1 = 0 for double), sent by <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>,
    /// received by the <see cref="Prover.Core.Zkvm.EllipticCurve.WeierstrassAir{F}"/> of that operation (ecc branch: ids 16–17).
    /// </summary>
    public const int Weierstrass = 16;

    /// <summary>Number of field elements of a <see cref="Weierstrass"/> tuple.</summary>
    public const int WeierstrassTupleWidth = 11;

    /// <summary>
    /// (limbs, ts_lo, ts_hi, a0 limbs, a1 limbs): a modmul ECALL (limbs 4 or 6), sent by <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>,
    /// received by the <see cref="Prover.Core.Zkvm.ModMul.ModMulAir{F}"/> of that limb count. Id 20 leaves 13–19 to other accelerator buses.
    /// </summary>
    public const int ModMul = 20;

    /// <summary>Number of field elements of a <see cref="ModMul"/> tuple.</summary>
    public const int ModMulTupleWidth = 11;

    /// <summary>
    /// (ts_lo, ts_hi, a0 limbs, a1 limbs): a SHA256_COMPRESS ECALL at ts = 4·clk + 2 (a0 the state, a1 the block), sent by
    /// <see cref="Prover.Core.Zkvm.Syscall.SyscallAir{F}"/>, received once by <see cref="Prover.Core.Zkvm.Sha256.Sha256Air{F}"/>
    /// on the last row of the compression it proves.
    /// </summary>
    public const int Sha256Compress = 14;

    /// <summary>Number of field elements of a <see cref="Sha256Compress"/> tuple.</summary>
    public const int Sha256CompressTupleWidth = 10;

    /// <summary>
    /// (value): the memory boundary's key chain across chunk shards (<see cref="Memory.MemoryInitChunkAir"/>): each memory
    /// chunk receives a value at most its first key and sends one past its last key (or <see cref="ChainEnd"/>); the
    /// verifier sends 0 and receives <see cref="ChainEnd"/> (docs/design.md, "Boundary chunks").
    /// </summary>
    public const int KeyChain = 21;

    /// <summary>
    /// (pair, capacity…): the input commitment's sponge chain across input chunk shards (<see cref="Input.InputChunkAir"/>):
    /// each chunk receives its first row's pair index and capacity and sends the next pair index and its output capacity, or
    /// (<see cref="ChainEnd"/>, commitment, 0…); the verifier sends (0, size_lo, size_hi, 0…) and receives the end tuple.
    /// </summary>
    public const int InputChain = 22;

    /// <summary>The end value of the chunk chains, 2^30: above every memory key + 1 (keys &lt; 2^29 + 2^17) and every pair index.</summary>
    public const ulong ChainEnd = 1UL << 30;
}
