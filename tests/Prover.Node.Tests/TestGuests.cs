using System.Text;
using Prover.Witness.Ssz;

namespace Prover.Node.Tests;

/// <summary>
/// A small stand-in for the Ethereum guest, so tests can prove in seconds: hello.elf commits "hello, zkvm\n"
/// followed by its input. Given a 43-byte StatelessValidationResult as input, its proven output ends with that
/// result, which this binding reads (and the input's first 32 bytes are its payload root).
/// </summary>
public static class TestGuests
{
    private static readonly byte[] Greeting = Encoding.ASCII.GetBytes("hello, zkvm\n");

    public static string HelloElfPath => Path.Combine(SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");

    public static ProverGuest Hello { get; } = ProverGuest.FromElf("hello", File.ReadAllBytes(HelloElfPath),
        input => input.Length == StatelessValidationResult.Size ? input[..32] : throw new FormatException("not a 43-byte validation result"),
        output => output.Length == Greeting.Length + StatelessValidationResult.Size && output.AsSpan(0, Greeting.Length).SequenceEqual(Greeting)
            ? StatelessValidationResult.Decode(output.AsSpan(Greeting.Length))
            : null);

    /// <summary>The input that makes hello state a validation result for <paramref name="root"/>.</summary>
    public static byte[] ResultFor(byte[] root, bool valid = true) => new StatelessValidationResult(root, valid, 1, Fork.Prague.SchemaId()).Encode();

    public static NodeProverOptions Options => new()
    {
        Configuration = ProofConfiguration.Development,
        LogShardSize = 10,
        Guest = Hello,
        AcceptInsecureProofs = true, // development-configuration proofs (fast, ~60 provable bits)
    };

    /// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to a synchronization context).</summary>
    public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
