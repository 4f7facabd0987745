using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;
using Prover.Node;

namespace Prover.Cluster.Tests;

/// <summary>Small guests whose proofs take seconds: enough cycles for several shards at small shard sizes.</summary>
internal static class ClusterTestGuests
{
    public static string ElfPath(string name) => Path.Combine(SharedData.RepositoryRoot, "native", "guest", "tests", "elf", name + ".elf");

    /// <summary>misaligned.elf: 1 358 cycles (two shards of 2^10), no input.</summary>
    public static ProverGuest Misaligned { get; } = ProverGuest.FromElf("misaligned", File.ReadAllBytes(ElfPath("misaligned")),
        _ => new byte[32], _ => null);

    /// <summary>hello.elf: 206 cycles without input (two shards of 128).</summary>
    public static ProverGuest Hello => Prover.Node.Tests.TestGuests.Hello;

    public static StarkConfig Development => StarkConfig.ByName("development");

    public static VerificationPolicy Insecure => new() { AllowInsecure = true };

    public static NodeProverOptions Options(ProverGuest guest, int logShardSize) => new()
    {
        Configuration = ProofConfiguration.Development,
        LogShardSize = logShardSize,
        Guest = guest,
        AcceptInsecureProofs = true,
    };

    public static ZkvmProofCheck Verify(ProverGuest guest, byte[] file, byte[] input) => ZkvmProofs.Verify(guest.Program, file, input, Insecure);
}
