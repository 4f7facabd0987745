using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Input;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Boundary chunk shards under the budget policy (issue 14 piece (b); docs/design.md, "Boundary chunks"): the whole
/// execution's memory boundary and the input commitment cut into chunk shards of bounded tiers, chained on the KeyChain and
/// InputChain buses, with the verifier's end tuples from the claim; the last shard a plain CPU shard. Proofs verify; forged
/// chains (overlapping or repeated keys, chunks out of order, f on two chunks or none, a dropped chunk, an input chunk
/// dropped, reordered or with another capacity, another claimed commitment or size) and mixed modes are rejected.
/// </summary>
public sealed class BoundaryChunkTests
{
    private static readonly byte[] SomeInput = [.. Enumerable.Range(0, 700).Select(i => (byte)(i * 29 + 3))];

    private static (ZkvmProgram Program, byte[] Input) Guest(string name) => name switch
    {
        "keccak" => (ZkvmProgram.FromElf(GuestTests.Elf("keccak")), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 13))]),
        "sha256" => (ZkvmProgram.FromElf(GuestTests.Elf("sha256")), SomeInput),
        _ => (ZkvmProgram.FromElf(GuestTests.Elf(name)), []),
    };

    internal static ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Prove(ZkvmProgram program, byte[] input, int logShard, int? chunkLogRows = 4,
        Action<int, RowMajorMatrix<KoalaBear>?[], KoalaBear[][]>? tamper = null, bool? retainMains = null) =>
        new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config, ShardSize = 1L << logShard, ShapePolicy = ShardShapePolicy.Budget, CheckConstraints = tamper is null,
            ChunkMaxLogRows = chunkLogRows, Tamper = tamper, RetainMainCommitments = retainMains ?? false,
        }).Prove(program, input);

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) => ZkvmProving.VerifyZkvm(program, proof);

    [Theory]
    [InlineData("hello", 8)]
    [InlineData("misaligned", 8)]
    [InlineData("keccak", 10)]
    [InlineData("sha256", 10)]
    public void Budget_proofs_with_the_boundary_in_chunk_shards_verify(string guest, int logShard)
    {
        var (program, input) = Guest(guest);
        // 2^8 keys per memory chunk: every guest's boundary spans several chunks; 2^4 pairs per input chunk.
        var proof = Prove(program, input, logShard, chunkLogRows: guest == "sha256" ? 4 : 8);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        using (var machine = new Prover.Core.Machine.Machine(program.Program, input))
            Assert.Equal(machine.Run().CommittedOutput, result.Output);
        Assert.Equal(InputCommitment.Compute(input), result.InputCommitment);
        int n = proof.Shards.Count;
        var chips = proof.ShardChips;
        // The last shard: a plain CPU shard (no boundary, no input commitment) whose image sends.
        Assert.True(chips[^1].Contains(ZkvmTable.Cpu));
        Assert.False(chips[^1].Contains(ZkvmTable.MemoryInit));
        Assert.False(chips[^1].Contains(ZkvmTable.InputCommit));
        Assert.Null(ZkvmChips.Check(chips[^1], lastShard: false));
        // Memory chunks, then input chunks, just before the last shard; nothing else has a chunk table.
        var memory = Enumerable.Range(0, n).Where(s => chips[s] == ZkvmChips.MemoryChunkShard).ToArray();
        var inputs = Enumerable.Range(0, n).Where(s => chips[s] == ZkvmChips.InputChunkShard).ToArray();
        Assert.True(memory.Length >= 2, $"{memory.Length} memory chunks");
        Assert.NotEmpty(inputs);
        Assert.Equal(Enumerable.Range(n - 1 - inputs.Length - memory.Length, memory.Length + inputs.Length), [.. memory, .. inputs]);
        var budget = ShardBudget.For(logShard);
        foreach (int s in memory.Concat(inputs))
        {
            var heights = ZkvmProving.ChipLogHeights(proof, s);
            int chunkTable = chips[s].Contains(ZkvmTable.InputChunk) ? ZkvmTable.InputChunk : ZkvmTable.MemoryInitChunk;
            Assert.InRange(heights[chunkTable], ShardBudget.AcceleratorMinLogHeight, budget.ChunkMaxLogHeight(program, chips[s]));
            if (chunkTable == ZkvmTable.MemoryInitChunk)
                Assert.Equal(heights[ZkvmTable.MemoryInitChunk], heights[ZkvmTable.MemoryFinalChunk]);
        }
    }

    [Fact]
    public void Probe_shapes_are_the_proofs_and_a_long_runs_boundary_is_cut_at_its_tier()
    {
        // The probe (prover shapes) reports the chunk shards the prover makes, by their shapes.
        var (program, input) = Guest("sha256");
        var proof = Prove(program, input, 10, chunkLogRows: null);
        var probe = ShardProfile.Probe(program, input, 10, 1L << 30, ShardShapePolicy.Budget).ProbeShardLogHeights;
        Assert.Equal(proof.Shards.Count, probe.Count);
        for (int s = 0; s < probe.Count; s++)
            Assert.Equal(ZkvmProving.ChipLogHeights(proof, s), probe[s]);
        // bigmul (862,537 cycles, no proof here): its boundary in memory chunks of at most 2^M keys, every shard of a bounded
        // kind, the last a plain CPU shard.
        var bigmul = ZkvmProgram.FromElf(GuestTests.Elf("bigmul"));
        var shards = ShardProfile.Probe(bigmul, [], 16, 1L << 30, ShardShapePolicy.Budget).ProbeShardLogHeights;
        int max = ShardBudget.For(16).ChunkMaxLogHeight(bigmul, ZkvmChips.MemoryChunkShard);
        var memory = shards.Where(h => h[ZkvmTable.MemoryInitChunk] >= 0).ToArray();
        Assert.NotEmpty(memory);
        Assert.All(memory, h => Assert.InRange(h[ZkvmTable.MemoryInitChunk], ShardBudget.AcceleratorMinLogHeight, max));
        Assert.Single(shards, h => h[ZkvmTable.InputChunk] >= 0);
        Assert.All(shards, h => Assert.Equal(-1, h[ZkvmTable.MemoryInit]));
        Assert.All(shards, h => Assert.Equal(-1, h[ZkvmTable.InputCommit]));
        Assert.True(shards[^1][ZkvmTable.Cpu] >= 0);
    }

    /// <summary>Shard indices of the memory and input chunks of an honest proof's layout.</summary>
    private static (int[] Memory, int[] Input) Chunks(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) =>
        ([.. Enumerable.Range(0, proof.Shards.Count).Where(s => proof.ShardChips[s] == ZkvmChips.MemoryChunkShard)],
         [.. Enumerable.Range(0, proof.Shards.Count).Where(s => proof.ShardChips[s] == ZkvmChips.InputChunkShard)]);

    private static void AssertRejected(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof, string? because = null)
    {
        var result = Verify(program, proof);
        Assert.False(result.IsValid, "a forged proof verified");
        if (because is not null)
            Assert.Contains(because, result.Error);
    }

    [Theory]
    [InlineData(0, 1)] // f = 1 on the first memory chunk too: two chunks send the end
    [InlineData(-1, 0)] // f = 0 on the last memory chunk: none sends the end
    public void A_memory_chain_without_exactly_one_end_is_rejected_by_the_bus_balance(int which, int f)
    {
        var (program, input) = Guest("sha256");
        var honest = Prove(program, input, 10, chunkLogRows: 8);
        var (memory, _) = Chunks(honest);
        int target = which < 0 ? memory[^1] : memory[which];
        var forged = Prove(program, input, 10, chunkLogRows: 8, tamper: (s, traces, publics) =>
        {
            if (s == target)
                publics[ZkvmTable.MemoryInitChunk][MemoryChunkCols.PublicIsLastChunk] = KoalaBear.FromUInt64((ulong)f);
        });
        AssertRejected(program, forged, "do not balance");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 0)]
    public void An_input_chain_without_exactly_one_end_is_rejected_by_the_bus_balance(int which, int f)
    {
        var (program, input) = Guest("sha256");
        var honest = Prove(program, input, 10, chunkLogRows: 4);
        var (_, inputs) = Chunks(honest);
        Assert.True(inputs.Length >= 2);
        int target = which < 0 ? inputs[^1] : inputs[which];
        var forged = Prove(program, input, 10, chunkLogRows: 4, tamper: (s, traces, publics) =>
        {
            if (s == target)
                publics[ZkvmTable.InputChunk][InputChunkCols.PublicIsLastChunk] = KoalaBear.FromUInt64((ulong)f);
        });
        AssertRejected(program, forged, "do not balance");
    }

    [Theory]
    [InlineData(true)] // a memory chunk repeated in place of the next: its keys initialised twice, the next chunk's not at all
    [InlineData(false)] // an input chunk repeated in place of the next: a pair range absorbed twice, the next dropped
    public void A_chunk_repeated_in_place_of_another_is_rejected(bool memoryChunk)
    {
        var (program, input) = Guest("sha256");
        int logRows = memoryChunk ? 8 : 4;
        var honest = Prove(program, input, 10, chunkLogRows: logRows);
        var (memory, inputs) = Chunks(honest);
        var kind = memoryChunk ? memory : inputs;
        int from = kind[0], to = kind[1];
        Assert.Equal(ZkvmProving.ChipLogHeights(honest, from), ZkvmProving.ChipLogHeights(honest, to));
        RowMajorMatrix<KoalaBear>?[]? copied = null;
        KoalaBear[][]? copiedPublics = null;
        var forged = Prove(program, input, 10, chunkLogRows: logRows, tamper: (s, traces, publics) =>
        {
            if (s == from)
                (copied, copiedPublics) = ((RowMajorMatrix<KoalaBear>?[])traces.Clone(), [.. publics.Select(p => (KoalaBear[])p.Clone())]);
            if (s == to)
            {
                copied!.CopyTo(traces, 0);
                copiedPublics!.CopyTo(publics, 0);
            }
        });
        AssertRejected(program, forged, "do not balance");
    }

    [Fact]
    public void An_input_chunk_absorbing_another_input_is_rejected()
    {
        // The second input chunk's rows absorb another input of the same size (its capacity chain and words differ).
        var (program, input) = Guest("sha256");
        var other = (byte[])input.Clone();
        other[^1] ^= 1;
        var honest = Prove(program, input, 10, chunkLogRows: 4);
        var (_, inputs) = Chunks(honest);
        int target = inputs[^1];
        int pairsBefore = (inputs.Length - 1) << 4;
        var forged = Prove(program, input, 10, chunkLogRows: 4, tamper: (s, traces, publics) =>
        {
            if (s != target)
                return;
            var air = (InputChunkAir)program.Airs[ZkvmTable.InputChunk];
            int pairs = InputChunkTrace.Rows(input.Length) - pairsBefore;
            traces[ZkvmTable.InputChunk] = InputChunkTrace.Generate(air, other, pairsBefore, pairs, traces[ZkvmTable.InputChunk]!.Height, new Prover.Core.Zkvm.Tables.LookupCounts());
        });
        AssertRejected(program, forged, "do not balance");
    }

    [Fact]
    public void A_memory_chunk_whose_chain_value_passes_its_first_key_is_rejected()
    {
        // The second memory chunk receives a value above its first key (its chunks "out of order"): the start gap is negative,
        // which no 16-bit pieces express (the range checks on the byte table fail to balance).
        var (program, input) = Guest("hello");
        var honest = Prove(program, input, 8, chunkLogRows: 8);
        var (memory, _) = Chunks(honest);
        var forged = Prove(program, input, 8, chunkLogRows: 8, tamper: (s, traces, publics) =>
        {
            if (s != memory[1])
                return;
            var row = traces[ZkvmTable.MemoryInitChunk]!.Row(0);
            ulong key = row[MemoryBoundaryCols.KeyLo].ToCanonical() + ((ulong)row[MemoryBoundaryCols.KeyHi].ToCanonical() << 16);
            row[MemoryChunkCols.Prev] = KoalaBear.FromUInt64(key + 1);
            var gap = KoalaBear.Zero - KoalaBear.One; // key − (key + 1)
            row[MemoryChunkCols.StartGapLo] = gap;
            row[MemoryChunkCols.StartGapHi] = KoalaBear.Zero;
        });
        AssertRejected(program, forged);
    }

    [Fact]
    public void The_claimed_input_size_and_commitment_are_bound()
    {
        var (program, input) = Guest("sha256");
        var proof = Prove(program, input, 10);
        Assert.True(Verify(program, proof).IsValid);
        var commitment = (KoalaBear[])proof.InputCommitment.Clone();
        commitment[3] += KoalaBear.One;
        ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Claiming(ulong size, KoalaBear[] c) => new()
        {
            ProgramDigest = proof.ProgramDigest, ExitCode = proof.ExitCode, Cycles = proof.Cycles, InputSize = size, InputCommitment = c,
            Output = proof.Output, ShardChips = proof.ShardChips, Shards = proof.Shards,
        };
        Assert.True(Verify(program, Claiming(proof.InputSize, proof.InputCommitment)).IsValid);
        AssertRejected(program, Claiming(proof.InputSize, commitment));
        AssertRejected(program, Claiming(proof.InputSize + 1, proof.InputCommitment));
        // At the proof's own challenges, another claimed commitment changes the verifier's chain tuples' sum.
        var gamma = ExtensionField<KoalaBear, KoalaBearQuartic>.FromBase(KoalaBear.FromUInt64(12345));
        var beta = ExtensionField<KoalaBear, KoalaBearQuartic>.FromBase(KoalaBear.FromUInt64(678));
        var honestSum = ZkvmStatement.PublicBusSum(proof.Output, 0, 100, gamma, beta, new ZkvmChainEnds(proof.InputSize, proof.InputCommitment));
        Assert.NotEqual(honestSum, ZkvmStatement.PublicBusSum(proof.Output, 0, 100, gamma, beta, new ZkvmChainEnds(proof.InputSize, commitment)));
        Assert.NotEqual(honestSum, ZkvmStatement.PublicBusSum(proof.Output, 0, 100, gamma, beta, new ZkvmChainEnds(proof.InputSize + 1, proof.InputCommitment)));
        Assert.Equal(honestSum, ZkvmStatement.PublicBusSumReference(proof.Output, 0, 100, gamma, beta, new ZkvmChainEnds(proof.InputSize, proof.InputCommitment)));
    }

    [Fact]
    public void The_modes_do_not_mix()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        // A natural proof with a chunk table added to its last shard (and so a chunk shard's chips where they are not allowed).
        var natural = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions
        {
            Config = ZkvmProving.Config, ShardSize = 1L << 8, Tamper = (s, traces, publics) =>
            {
                if (traces[ZkvmTable.MemoryInit] is not null)
                {
                    traces[ZkvmTable.InputChunk] = new RowMajorMatrix<KoalaBear>(1 << 10, program.Airs[ZkvmTable.InputChunk].Width);
                    publics[ZkvmTable.InputChunk] = InputChunkTrace.PublicValues(true);
                }
            },
        }).Prove(program, []);
        AssertRejected(program, natural, "chunk shard only");
        // A chunked proof with the natural MemoryInit added to its last shard: then it is in natural mode, where chunk shards are refused.
        int n = Prove(program, [], 8).Shards.Count;
        var chunked = Prove(program, [], 8, tamper: (s, traces, publics) =>
        {
            if (s == n - 1)
                traces[ZkvmTable.MemoryInit] = new RowMajorMatrix<KoalaBear>(1 << 10, MemoryBoundaryCols.Width);
        });
        AssertRejected(program, chunked);
        // The chip-set rules by mode.
        Assert.Null(ZkvmChips.CheckShard(ZkvmChips.MemoryChunkShard, lastShard: false, chunked: true));
        Assert.Null(ZkvmChips.CheckShard(ZkvmChips.InputChunkShard, lastShard: false, chunked: true));
        Assert.NotNull(ZkvmChips.CheckShard(ZkvmChips.MemoryChunkShard, lastShard: false));
        Assert.NotNull(ZkvmChips.CheckShard(ZkvmChips.InputChunkShard, lastShard: true, chunked: true));
        Assert.NotNull(ZkvmChips.CheckShard(ZkvmChips.Full(lastShard: true), lastShard: true, chunked: true));
        Assert.Null(ZkvmChips.CheckShard(ZkvmChips.Full(lastShard: false), lastShard: true, chunked: true));
        Assert.NotNull(ZkvmChips.CheckShard(ZkvmChips.Full(lastShard: false), lastShard: true));
    }
}
