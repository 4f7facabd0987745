using System.Diagnostics;
using Prover.Core.Machine;
using Prover.Witness.Ssz;

namespace Prover.Witness.Guest;

/// <summary>The outcome of running the Ethereum guest on one canonical input.</summary>
/// <param name="Result">The machine's result: exit code, public output, cycles, regions.</param>
/// <param name="Validation">The decoded 43-byte output when the guest exited successfully with one.</param>
/// <param name="OutputError">Why the output could not be decoded, if it could not.</param>
public sealed record BlockExecution(ExecutionResult Result, StatelessValidationResult? Validation, string? OutputError, double Milliseconds)
{
    /// <summary>The guest ran to completion and declared the block valid.</summary>
    public bool BlockValid => Result.Success && Validation is { SuccessfulValidation: true };
}

/// <summary>
/// The embedded stateless block validator (native/guest/evm, built for RV64IM and committed; CI
/// rebuilds it bit for bit) and a small default input for the tool's main job: the EEST Prague empty
/// block from shared/fixtures/ethereum/eest_prague, converted to the canonical StatelessInput.
/// </summary>
public static class EthereumGuest
{
    private static readonly Lazy<byte[]> s_elf = new(() => ReadResource("evm-guest.elf"));
    private static readonly Lazy<GuestProgram> s_program = new(() => GuestProgram.FromElf(s_elf.Value));

    /// <summary>The guest ELF bytes.</summary>
    public static ReadOnlySpan<byte> Elf => s_elf.Value;

    /// <summary>The parsed guest program (immutable, shared by every execution).</summary>
    public static GuestProgram Program => s_program.Value;

    /// <summary>Name of <see cref="DefaultInput"/>.</summary>
    public const string DefaultInputName = "eest_prague/empty_block (Prague)";

    /// <summary>A canonical StatelessInput (schema id + SSZ) of a small valid block.</summary>
    public static byte[] DefaultInput() => ReadResource("default-input.ssz");

    /// <summary>Runs the guest on a canonical input (fast mode). Machine faults surface as <see cref="MachineException"/>.</summary>
    public static BlockExecution Execute(ReadOnlySpan<byte> statelessInput, MachineOptions? options = null)
    {
        using var machine = new Machine(Program, statelessInput, options);
        var sw = Stopwatch.StartNew();
        var result = machine.Run();
        double ms = sw.Elapsed.TotalMilliseconds;
        if (!result.Success)
            return new BlockExecution(result, null, null, ms);
        try
        {
            return new BlockExecution(result, StatelessValidationResult.Decode(result.Output), null, ms);
        }
        catch (FormatException e)
        {
            return new BlockExecution(result, null, "the guest's output is not a StatelessValidationResult: " + e.Message, ms);
        }
    }

    internal static byte[] ReadResource(string name)
    {
        using var stream = typeof(EthereumGuest).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource '{name}' is missing from {typeof(EthereumGuest).Assembly.GetName().Name}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
