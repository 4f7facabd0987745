namespace Prover.Core.Machine;

/// <summary>
/// The guest's address space (docs/design.md, "RV64IM machine"). Everything not listed faults.
/// <code>
/// 0x0000_0000 .. 0x0000_FFFF   unmapped (null-pointer guard)
/// 0x0001_0000 .. 0x3FFF_FFFF   RAM: program image (code first, read-only up to the end of the code),
///                              then data, bss, heap (bump allocator) and the stack, whose top is
///                              0x4000_0000 (the linker script native/guest/runtime/zkvm.ld lays these out)
/// 0x4000_0000 .. +input size   input, preloaded by the host, read-only (at most 1 GiB)
/// </code>
/// RAM starts zeroed. Addresses stay below 2^32, so a pc always fits a <see cref="uint"/>.
/// </summary>
public static class MemoryMap
{
    public const ulong RamBase = 0x0001_0000;
    public const ulong RamEnd = 0x4000_0000;
    public const ulong RamSize = RamEnd - RamBase;
    public const ulong StackTop = RamEnd;
    public const ulong InputBase = 0x4000_0000;
    public const ulong InputMaxSize = 0x4000_0000;
    public const ulong InputEnd = InputBase + InputMaxSize;
}

/// <summary>
/// System calls: <c>ecall</c> with the number in a7 and arguments in a0..a2; results in a0 (and a1).
/// Write and exit use the Linux RISC-V numbers, so the same ELF runs under <c>qemu-riscv64</c> user
/// mode; the zkVM-only calls use numbers Linux does not have (qemu answers -ENOSYS, which the runtime
/// treats as "no input" / "ignored"). Any other number stops the machine with an error: a syscall is
/// only sound once a chip proves it.
/// </summary>
public static class Syscall
{
    /// <summary>write(fd = a0, buf = a1, len = a2) → a0 = len. fd 1 appends to <see cref="ExecutionResult.Output"/>,
    /// fd 2 is debug output (host stderr); other fds return -EBADF. Neither is proven: the proven output is
    /// what the guest commits with <see cref="Commit"/>.</summary>
    public const ulong Write = 64;

    /// <summary>exit(code = a0): halts; code 0 is success (EF termination semantics).</summary>
    public const ulong Exit = 93;

    /// <summary>exit_group(code = a0): the same as <see cref="Exit"/>.</summary>
    public const ulong ExitGroup = 94;

    /// <summary>input() → a0 = address of the preloaded input (<see cref="MemoryMap.InputBase"/>), a1 = its size.</summary>
    public const ulong Input = 0x1_0000;

    /// <summary>region_begin(name = a0, NUL-terminated, at most 64 bytes) → a0 = 0.</summary>
    public const ulong RegionBegin = 0x1_0001;

    /// <summary>region_end(name = a0) → a0 = 0.</summary>
    public const ulong RegionEnd = 0x1_0002;

    /// <summary>
    /// commit(index = a0, byte = a1) → a0 = 0: appends one byte to the committed output, the proven public
    /// output (<see cref="ExecutionResult.CommittedOutput"/>). Bytes are committed in order: a0 must equal the
    /// number of bytes committed so far and a1 must be below 256, else the machine faults
    /// (<see cref="MachineFault.BadSyscallArgument"/>); so does exceeding <see cref="MachineOptions.MaxOutputBytes"/>.
    /// </summary>
    public const ulong Commit = 0x1_0003;

    /// <summary>
    /// keccak_permute(state = a0) → a0 = 0: applies Keccak-f[1600] in place to the 25 little-endian 64-bit lanes at
    /// a0 (lane (x, y) at a0 + 8·(x + 5y)). a0 must be 8-aligned and the 200 bytes must lie in writable RAM
    /// ([code end, <see cref="MemoryMap.RamEnd"/>)), else the machine faults (<see cref="MachineFault.BadSyscallArgument"/>).
    /// Proven by the keccak chip (Zkvm/Keccak): the 25 double words are read and written through the memory argument.
    /// </summary>
    public const ulong KeccakPermute = 0x1_0010;
    /// modmul256(x = a0, ym = a1) → a0 = 0: x := x·y mod m on 256-bit values (4 little-endian u64 limbs each):
    /// a0 points to x (read, then overwritten with the fully reduced result), a1 to y followed by m. Both
    /// pointers are 8-aligned, the x block lies in writable RAM (above the code), the y‖m block in RAM, the
    /// two blocks do not overlap, m ≠ 0 and the quotient x·y / m is below 2^256 (guaranteed by y &lt; m); anything else faults (<see cref="MachineFault.BadSyscallArgument"/>).
    /// Proved by the modular-multiplication chip (docs/zkvm.md, "Modular multiplication").
    /// </summary>
    public const ulong ModMul256 = 0x1_0020;

    /// <summary><see cref="ModMul256"/> on 384-bit values (6 limbs each).</summary>
    public const ulong ModMul384 = 0x1_0021;

    /// <summary>
    /// sha256_compress(state = a0, block = a1) → a0 = 0: one SHA-256 compression (FIPS 180-4 §6.2.2, schedule included),
    /// H := H + rounds(H, W). a0 points to the state H_0..H_7 as eight little-endian uint32 (H_2i in the low half of
    /// double word i); a1 to the block's 16 message words W_0..W_15 as little-endian uint32 (the numbers FIPS reads
    /// big-endian from the message bytes: the guest converts). Both 8-aligned, the state's 32 bytes in writable RAM
    /// ([code end, RamEnd)), the block's 64 bytes in RAM, not overlapping; anything else faults
    /// (<see cref="MachineFault.BadSyscallArgument"/>). Proved by the sha256 chip (docs/zkvm.md, "SHA-256 chip").
    /// </summary>
    public const ulong Sha256Compress = 0x1_0030;

    /// <summary>
    /// secp256k1_add(p = a0, q = a1) → a0 = 0 (issue 15, Weierstrass point chips): P := P + Q on secp256k1 in affine
    /// coordinates. Each point is x then y, 4 little-endian u64 limbs each (64 bytes); the coordinates read are taken
    /// modulo the field prime (any 256-bit value), the result written over P is fully reduced. Both pointers are
    /// 8-aligned, P lies in writable RAM (above the code), Q in RAM, the blocks do not overlap and x_P ≢ x_Q (mod p)
    /// (P ≠ ±Q; the guest handles those cases and the point at infinity); anything else faults
    /// (<see cref="MachineFault.BadSyscallArgument"/>). Proved by the Weierstrass add chip (Zkvm/EllipticCurve).
    /// </summary>
    public const ulong Secp256k1Add = 0x1_0040;

    /// <summary>
    /// secp256k1_double(p = a0) → a0 = 0: P := 2P (a = 0 formula) on the 64-byte affine point at a0 (as
    /// <see cref="Secp256k1Add"/>); y ≢ 0 (mod p) or the machine faults.
    /// </summary>
    public const ulong Secp256k1Double = 0x1_0041;

    /// <summary><see cref="Secp256k1Add"/> on bn254 G1 (4-limb coordinates).</summary>
    public const ulong Bn254Add = 0x1_0042;

    /// <summary><see cref="Secp256k1Double"/> on bn254 G1.</summary>
    public const ulong Bn254Double = 0x1_0043;

    /// <summary><see cref="Secp256k1Add"/> on BLS12-381 G1: 6-limb coordinates, 96-byte points.</summary>
    public const ulong Bls12381Add = 0x1_0044;

    /// <summary><see cref="Secp256k1Double"/> on BLS12-381 G1 (96-byte points).</summary>
    public const ulong Bls12381Double = 0x1_0045;

    public const long EBadF = 9;
}
