using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Tests.Machine;
using Prover.Core.Tests.Zkvm;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The STARK prover keeps its compiled AIRs across its proofs (a zkVM proof's shards share their AIRs): a multi-shard proof
/// whose shards reuse them is the same bytes as one that compiles every table afresh for every shard
/// (<see cref="ReferenceFamily.Compilation"/>).
/// </summary>
public sealed class CompiledAirReuseTests
{
    [Fact]
    public void Reused_compiled_airs_give_the_bytes_of_fresh_compilations()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        byte[] Prove(bool reference, out int shards)
        {
            using (KernelSelection.UseReference(reference ? ReferenceFamily.Compilation : ReferenceFamily.None))
            {
                var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1 << 9 });
                var bytes = prover.Prove(program, []).ToBytes();
                shards = prover.LastReport!.Shards;
                return bytes;
            }
        }
        var fresh = Prove(true, out _);
        var reused = Prove(false, out int shards);
        Assert.True(shards >= 2, $"{shards} shard(s): the case must reuse compiled AIRs across shards");
        Assert.Equal(fresh, reused);
    }
}
