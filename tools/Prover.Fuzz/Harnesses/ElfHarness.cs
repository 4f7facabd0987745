using Prover.Core.Machine;
using Prover.Core.Zkvm.Proving;

namespace Prover.Fuzz.Harnesses;

/// <summary>
/// The ELF loader and what a verifier derives from an ELF (<c>prover verify --elf</c>, <c>prover execute --elf</c>):
/// <see cref="GuestProgram.FromElf"/>, then <see cref="ZkvmProgram"/> (Program ROM, image, digest). Rejection:
/// <see cref="ElfLoadException"/>.
/// </summary>
public sealed class ElfHarness : FuzzHarness
{
    public override string Name => "elf";

    public override string Description => "GuestProgram.FromElf + new ZkvmProgram; rejects with ElfLoadException";

    protected override void Run(ReadOnlySpan<byte> data) => _ = new ZkvmProgram(GuestProgram.FromElf(data));

    protected override bool IsRejection(Exception e) => e is ElfLoadException;

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("hello.elf", sources.TestElf("hello"));
        yield return ("abort.elf", sources.TestElf("abort"));
    }
}
