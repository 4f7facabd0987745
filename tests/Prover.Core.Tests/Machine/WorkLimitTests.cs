using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Machine;

/// <summary>Resource bounds on work as library options (docs/design.md, "Resource bounds"): clear errors, before the work.</summary>
public sealed class WorkLimitTests
{
    [Fact]
    public void Input_above_the_machine_limit_is_refused_naming_both_sizes()
    {
        var program = GuestProgram.FromElf(GuestTests.Elf("hello"));
        var e = Assert.Throws<ArgumentException>(() => new Prover.Core.Machine.Machine(program, new byte[100], new MachineOptions { MaxInputBytes = 99 }));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("100 bytes exceeds the limit of 99 bytes", e.Message, StringComparison.Ordinal);
        using var ok = new Prover.Core.Machine.Machine(program, new byte[99], new MachineOptions { MaxInputBytes = 99 });
        Assert.Equal(0, ok.Run().ExitCode);
    }

    [Fact]
    public void Prover_stops_at_its_cycle_limit_with_a_machine_fault()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("bigmul"));
        var options = new ZkvmProverOptions { Config = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0 }, ShardSize = 1 << 10, MaxCycles = 300 };
        var e = Assert.Throws<MachineException>(() => new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(options).Prove(program, []));
        Assert.Equal(MachineFault.CycleLimitExceeded, e.Fault);
        Assert.Contains("cycle limit 300 exceeded", e.Message, StringComparison.Ordinal);
    }
}
