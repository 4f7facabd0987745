using Prover.Core.Machine;
using Prover.Core.Zkvm.Proving;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Node;

/// <summary>
/// The guest program a node proves and how its input and public output relate to an Ethereum payload:
/// <see cref="InputRoot"/> gives the <c>new_payload_request_root</c> an input is about (before proving, to
/// label and store the job), <see cref="DecodeOutput"/> reads the <see cref="StatelessValidationResult"/> a
/// proof commits to (after verifying, to bind an EIP-8025 <c>PublicInput</c> to the proof).
/// <see cref="Ethereum"/>, the embedded stateless block validator, is the default and the only production
/// guest; other guests exist so that tests can drive the whole path with a small program.
/// </summary>
public sealed class ProverGuest
{
    private readonly Lazy<ZkvmProgram> _program;
    private readonly Func<byte[], byte[]> _inputRoot;
    private readonly Func<byte[], StatelessValidationResult?> _decodeOutput;
    private Lazy<byte[]>? _elf;

    /// <param name="name">A short name for logs and reports.</param>
    /// <param name="program">The guest program (parsed once, on first use).</param>
    /// <param name="inputRoot">The 32-byte payload root an input is about; throws <see cref="FormatException"/> for a malformed input.</param>
    /// <param name="decodeOutput">The validation result a (verified) public output states; null when the output is not one.</param>
    public ProverGuest(string name, Func<GuestProgram> program, Func<byte[], byte[]> inputRoot, Func<byte[], StatelessValidationResult?> decodeOutput)
    {
        ArgumentNullException.ThrowIfNull(program);
        Name = name;
        _program = new Lazy<ZkvmProgram>(() => new ZkvmProgram(program()));
        _inputRoot = inputRoot ?? throw new ArgumentNullException(nameof(inputRoot));
        _decodeOutput = decodeOutput ?? throw new ArgumentNullException(nameof(decodeOutput));
    }

    /// <summary>
    /// The embedded Ethereum guest: the input is the canonical <c>StatelessInput</c> (schema id + SSZ), the output
    /// exactly the 43-byte <c>StatelessValidationResult</c> whose first field is <c>hash_tree_root(new_payload_request)</c>,
    /// computed by the guest from the input it was given.
    /// </summary>
    public static ProverGuest Ethereum { get; } = new("ethereum", () => EthereumGuest.Program,
        input => StatelessInput.Decode(input).NewPayloadRequest.HashTreeRoot(),
        output => output.Length == StatelessValidationResult.Size ? TryDecode(output) : null)
    {
        _elf = new Lazy<byte[]>(() => EthereumGuest.Elf.ToArray()),
    };

    public string Name { get; }

    /// <summary>The ELF the program was loaded from (what a cluster ships to its workers), or null for a guest made without one.</summary>
    public byte[]? Elf => _elf?.Value;

    /// <summary>The program as the prover and verifier see it.</summary>
    public ZkvmProgram Program => _program.Value;

    /// <summary>The payload root <paramref name="input"/> is about; <see cref="FormatException"/> when the input is malformed.</summary>
    public byte[] InputRoot(byte[] input) => _inputRoot(input);

    /// <summary>The validation result a verified output states, or null.</summary>
    public StatelessValidationResult? DecodeOutput(byte[] output) => _decodeOutput(output);

    /// <summary>A guest from an ELF whose output ends with a StatelessValidationResult; for tests and experiments.</summary>
    public static ProverGuest FromElf(string name, byte[] elf, Func<byte[], byte[]> inputRoot, Func<byte[], StatelessValidationResult?> decodeOutput) =>
        new(name, () => GuestProgram.FromElf(elf), inputRoot, decodeOutput) { _elf = new Lazy<byte[]>(() => elf) };

    /// <summary>The output as a 43-byte StatelessValidationResult, or null when it is not one.</summary>
    public static StatelessValidationResult? TryDecodeValidation(ReadOnlySpan<byte> output) => output.Length == StatelessValidationResult.Size ? TryDecode(output) : null;

    private static StatelessValidationResult? TryDecode(ReadOnlySpan<byte> output)
    {
        try
        {
            return StatelessValidationResult.Decode(output);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
