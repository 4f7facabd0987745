namespace Prover.Core.Machine;

/// <summary>Why the machine stopped without halting.</summary>
public enum MachineFault
{
    IllegalInstruction,
    Breakpoint,
    /// <summary>A jump, branch or fall-through to an address outside the code.</summary>
    JumpOutsideCode,
    /// <summary>A jump or taken branch to an address that is not a multiple of 4 (no C extension).</summary>
    MisalignedJump,
    LoadOutOfBounds,
    /// <summary>A store outside the writable RAM (below the end of the code, the input, or unmapped).</summary>
    StoreOutOfBounds,
    CycleLimitExceeded,
    UnknownSyscall,
    /// <summary>A syscall argument out of bounds (buffer outside memory, output over its limit).</summary>
    BadSyscallArgument,
}

/// <summary>The guest did something the machine does not allow; <see cref="Pc"/> is the instruction's address.</summary>
public sealed class MachineException : Exception
{
    public MachineException(MachineFault fault, ulong pc, long cycles, string message)
        : base($"{message} (pc 0x{pc:x}, after {cycles} cycles)")
    {
        Fault = fault;
        Pc = pc;
        Cycles = cycles;
    }

    public MachineException()
    {
    }

    public MachineException(string message)
        : base(message)
    {
    }

    public MachineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MachineFault Fault { get; }

    public ulong Pc { get; }

    /// <summary>Instructions completed before the fault.</summary>
    public long Cycles { get; }
}

/// <summary>The ELF file cannot be run: malformed, not a static RV64IM executable, or outside the memory map.</summary>
public sealed class ElfLoadException : Exception
{
    public ElfLoadException()
    {
    }

    public ElfLoadException(string message)
        : base(message)
    {
    }

    public ElfLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
