using Prover.Core.Machine;

namespace Prover.Core.Zkvm.Syscall;

/// <summary>Previous value and previous timestamp (contract units, 4·clk + slot) of a register as a syscall found it.</summary>
public readonly record struct RegisterWitness(ulong PrevValue, ulong PrevTimestamp);

/// <summary>One ECALL as the syscall chip proves it: the event and the state of a1 (x11) and a2 (x12) before its slot-2 accesses.</summary>
public readonly record struct SyscallRow(SyscallEvent Event, RegisterWitness X11, RegisterWitness X12);
