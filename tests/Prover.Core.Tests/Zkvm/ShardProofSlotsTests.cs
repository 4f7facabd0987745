using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Phase 2 of a zkVM proof on several backends at once (<see cref="ZkvmProverOptions.Backends"/>, <see cref="ShardProofSlots"/>): the
/// same proof bytes as one backend, every shard proved once, a shard placed only on a device whose memory holds its modelled
/// peak, a shard no device holds refused before any proof, and a failing shard failing the proof.
/// </summary>
public sealed class ShardProofSlotsTests
{
    /// <summary>The CPU backend with a device memory of its own and a count of the heavy calls it served.</summary>
    private sealed class CountingBackend(long? memory) : IProverBackend<KoalaBearParameters>
    {
        private static IProverBackend<KoalaBearParameters> Cpu => CpuBackend<KoalaBearParameters>.Instance;

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => "counting";

        public long? DeviceMemoryBytes => memory;

        public ITwoAdicSubgroupDft<KoalaBear> Dft => Cpu.Dft;

        public RowMajorMatrix<KoalaBear> CosetLdeBitReversed(RowMajorMatrix<KoalaBear> evaluations, int addedBits, KoalaBear shift)
        {
            Interlocked.Increment(ref _calls);
            return Cpu.CosetLdeBitReversed(evaluations, addedBits, shift);
        }

        public MerkleTree<KoalaBearParameters, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<KoalaBear>> matrices)
            where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
        {
            Interlocked.Increment(ref _calls);
            return Cpu.Commit<TDigest>(matrices);
        }
    }

    private static byte[] Prove(IProverBackend<KoalaBearParameters>? backend = null, IReadOnlyList<IProverBackend<KoalaBearParameters>>? backends = null) =>
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config,
            ShardSize = 1 << 9,
            Backend = backend,
            Backends = backends,
        }).Prove(ZkvmProgram.FromElf(GuestTests.Elf("misaligned")), []).ToBytes();

    private static readonly Lazy<byte[]> OneBackend = new(() => Prove());

    [Fact]
    public void Shards_on_three_backends_at_once_are_the_one_backend_bytes()
    {
        CountingBackend[] devices = [new(null), new(null), new(null)];
        var bytes = Prove(backends: devices);
        Assert.Equal(OneBackend.Value, bytes);
        var proof = ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>.Parse(bytes);
        Assert.True(proof.Shards.Count >= 3, $"{proof.Shards.Count} shards: the test needs several");
        // Three slots start at once on at least three shards (a shard proof takes far longer than starting a thread): each proved one.
        Assert.All(devices, d => Assert.True(d.Calls > 0));
    }

    [Fact]
    public void A_shard_goes_only_to_a_device_whose_memory_holds_it()
    {
        // The first backend also makes the main commitments and the key (phase 1); the second is too small for any shard.
        CountingBackend big = new(1L << 40), small = new(1);
        Assert.Equal(OneBackend.Value, Prove(backends: [big, small]));
        Assert.Equal(0, small.Calls);
        Assert.True(big.Calls > 0);
    }

    [Fact]
    public void A_shard_no_device_holds_is_refused_before_any_proof()
    {
        CountingBackend a = new(1), b = new(1);
        var e = Assert.Throws<InsufficientMemoryException>(() => Prove(backends: [a, b]));
        Assert.Contains("fits no device", e.Message);
    }

    [Fact]
    public void Slots_prove_every_shard_once_at_most_one_each_at_a_time_and_pass_on_a_failure()
    {
        int[] slots = [0, 1, 2];
        var proved = new int[10];
        var inFlight = new int[slots.Length];
        int most = 0;
        ShardProofSlots.Run(slots, proved.Length, (_, _) => true, (slot, s) =>
        {
            int now = Interlocked.Increment(ref inFlight[slot]);
            Assert.Equal(1, now); // one shard per slot at a time
            lock (proved)
                most = Math.Max(most, inFlight.Sum());
            Interlocked.Increment(ref proved[s]);
            Thread.Sleep(5);
            Interlocked.Decrement(ref inFlight[slot]);
        }, CancellationToken.None);
        Assert.All(proved, p => Assert.Equal(1, p));
        Assert.InRange(most, 1, slots.Length);
        // A slot that cannot hold a shard leaves it to another.
        var bySlot = new int[10];
        ShardProofSlots.Run(slots, bySlot.Length, (slot, s) => slot == s % 2, (slot, s) => bySlot[s] = slot, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10).Select(s => s % 2), bySlot);
        // The first failure is the run's.
        var e = Assert.Throws<InvalidOperationException>(() => ShardProofSlots.Run(slots, 10, (_, _) => true, (_, s) =>
        {
            if (s == 4)
                throw new InvalidOperationException("shard 4 failed");
        }, CancellationToken.None));
        Assert.Equal("shard 4 failed", e.Message);
        Assert.Throws<InsufficientMemoryException>(() => ShardProofSlots.Run(slots, 3, (_, s) => s != 2, (_, _) => { }, CancellationToken.None));
    }
}
