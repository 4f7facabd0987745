using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof128 = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearOctic>, KoalaBearWideDigest>;
using Executor128 = RecursionExecutor<KoalaBearParameters, KoalaBearOctic>;
using Machine128 = RecursionMachine<KoalaBearParameters, KoalaBearOctic>;
using Prover128 = RecursionProver<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;
using Verifier128 = RecursionVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;

/// <summary>
/// Recursion at provable-128's hash: proofs whose Merkle trees, transcript and commitments use width-24 Poseidon2 with
/// 12-element digests are verified by the recursion program and its run proved by the recursion chips (the width-24
/// Poseidon2 table), the recursion proof itself committing with the wide hash. The recursion proof's verdict is the
/// native verifier's on the honest proof and on tampered ones (opened value, Merkle sibling, commitment: the run is
/// refused and its forced trace rejected); the width-24 table rejects forged rows (a wrong permutation output made
/// consistent everywhere else, the Merkle step's order forged three ways).
/// </summary>
public sealed class WideRecursionTests(ITestOutputHelper output)
{
    // The inner proof: provable-128's shape (octic extension, 12-element digests, blowup 8) with few queries (a test) and
    // no grinding, so that a tampered value reaches the check it is meant for instead of failing the proof of work.
    private static readonly StarkConfig Inner = StarkConfig.Provable128 with { NumQueries = 8, QueryPowBits = 0, AllowInsecure = true };

    // The recursion proof (outer STARK): development parameters with the wide digest and the octic extension.
    private static readonly StarkConfig Outer = StarkConfig.Development with { ExtensionDegree = 8, DigestElements = KoalaBearWideDigest.Length, NumQueries = 20, QueryPowBits = 4 };

    private sealed record Setup(IAir<KoalaBear>[] Airs, byte[] ProofBytes, RecursionProgram Program, Machine128 Machine, ProvingKey<KoalaBearParameters, KoalaBearWideDigest> Key)
    {
        public Proof128 Fresh() => ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(ProofBytes);

        public StarkProofHints<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest> Hints(Proof128? proof = null) => new(Inner, Airs, proof ?? Fresh());
    }

    private static readonly Lazy<Setup> Fibonacci = new(() =>
    {
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", 6);
        var proof = new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(Inner).Prove(airs, traces, publics);
        var program = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>.Build(Inner, airs, proof.LogHeights);
        var machine = new Machine128(program);
        return new Setup(airs, ProofSerializer.Serialize(proof), program, machine, machine.Setup<KoalaBearWideDigest>(Outer));
    });

    [Fact]
    public void Provable128ProofIsVerifiedByTheWidthTwentyFourChips()
    {
        var s = Fibonacci.Value;
        // Every permutation of the program is width 24 (leaves, nodes, transcript): one Poseidon2 table, of width 24.
        Assert.All(s.Program.Instructions.Where(i => i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap), i => Assert.Equal(24, i.Operands!.Length));
        var perms = s.Machine.Chips.OfType<Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>>().ToList();
        Assert.Single(perms);
        Assert.Equal(24, perms[0].StateWidth);
        Assert.Contains(s.Program.Instructions, i => i.Op == RecursionOp.PermuteSwap);
        foreach (var (table, rows, logHeight, width, pre) in s.Machine.Shape())
            output.WriteLine($"{table}: {rows} rows, 2^{logHeight}, {width} main + {pre} fixed columns");
        Assert.True(new StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(Inner).Verify(s.Airs, s.Fresh()).IsValid);
        var prover = new Prover128(Outer) { CheckConstraints = true };
        var proof = prover.Prove(s.Program, s.Hints());
        output.WriteLine($"{s.Program.Instructions.Count} instructions; " + string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms"))
            + $"; proof {ProofSerializer.Serialize(proof.Stark).Length} B");
        Assert.Equal(s.Fresh().PublicValues[0].Select(v => v.ToCanonical()), proof.Outputs);
        var verifier = new Verifier128(Outer);
        Assert.True(verifier.Verify(s.Program, proof.Outputs, proof.Stark).IsValid);
        // The recursion proof commits with 12-element digests and survives serialisation.
        var bytes = ProofSerializer.Serialize(proof.Stark);
        Assert.True(verifier.Verify(s.Program, proof.Outputs, ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(bytes)).IsValid);
        var other = proof.Outputs.ToArray();
        other[2] = (other[2] + 1) % (uint)KoalaBear.Modulus;
        Assert.False(verifier.Verify(s.Program, other, proof.Stark).IsValid);
    }

    [Fact]
    public void Final128GivesAtLeast128ProvableBitsAtTheMeasuredFinalProgramsShape()
    {
        // The tables of the program that verifies a provable-128 recursion layer (Fibonacci 2^10 at blowup 16, 56 queries;
        // docs/benchmarks.md): their widths and constraints are the chips' (the program only fills fixed columns), their
        // heights the measured ones. The calculator gives final-128 its 128 bits there, and one query fewer falls short.
        var machine = Fibonacci.Value.Machine;
        Assert.Equal(["recursion-base-alu", "recursion-ext-alu", "recursion-ext-convert", "recursion-poseidon2-w24", "recursion-bits", "recursion-assert-eq", "recursion-hint", "recursion-public-output"],
            machine.Chips.Select(c => c.Name));
        int[] heights = [16, 17, 12, 15, 6, 13, 18, 1];
        Prover.Core.Security.SecurityReport Report(StarkConfig c)
        {
            var compiled = machine.Airs.Select((a, t) => new CompiledAir<KoalaBear>(a, c.LogUpBatchingFor(heights[t]))).ToList();
            var layout = new StarkLayout<KoalaBear>(compiled, heights, c.ExtensionDegree, c.LogBlowup, c.LogFinalPolyLength, c.FoldingArity);
            return StarkSecurity.Report(c, layout, KoalaBearParameters.P, c.DigestElements);
        }
        var final = Report(StarkConfig.Final128);
        output.WriteLine($"final-128: {final}");
        Assert.True(final.Provable >= 128, final.ToString());
        Assert.True(Report(StarkConfig.Final128 with { NumQueries = 41 }).Provable < 128);
        // The fewest queries for 128 bits at the other blowups (what a machine with more memory could take).
        foreach (int blowup in new[] { 4, 6 })
        {
            var c = StarkConfig.Final128 with { LogBlowup = blowup, LogUpMaxLogQuotientChunks = blowup };
            int queries = Enumerable.Range(1, 200).First(n => Report(c with { NumQueries = n }).Provable >= 128);
            output.WriteLine($"log blowup {blowup}: {queries} queries");
        }
    }

    [Fact]
    public void Recursion128GivesAtLeast128ProvableBitsAtTheCountedWrapShape()
    {
        // The wrap of a provable-128 execution (recursion-128 over the leaf of hello.elf's provable-128 shard, counted in
        // docs/benchmarks.md, "Recursion: a provable-128 execution to one final-128 proof"): the chips' tables at the
        // counted heights. The calculator gives recursion-128 its 128 bits there; the fewest queries for 128 are printed.
        var machine = Fibonacci.Value.Machine;
        int[] heights = [17, 18, 13, 15, 7, 14, 19, 1];
        Prover.Core.Security.SecurityReport Report(StarkConfig c)
        {
            var compiled = machine.Airs.Select((a, t) => new CompiledAir<KoalaBear>(a, c.LogUpBatchingFor(heights[t]))).ToList();
            var layout = new StarkLayout<KoalaBear>(compiled, heights, c.ExtensionDegree, c.LogBlowup, c.LogFinalPolyLength, c.FoldingArity);
            return StarkSecurity.Report(c, layout, KoalaBearParameters.P, c.DigestElements);
        }
        var wrap = Report(StarkConfig.Recursion128);
        output.WriteLine($"recursion-128: {wrap}");
        Assert.True(wrap.Provable >= 128, wrap.ToString());
        int fewest = Enumerable.Range(1, 200).First(n => Report(StarkConfig.Recursion128 with { NumQueries = n }).Provable >= 128);
        output.WriteLine($"fewest queries for 128 bits at blowup 16, 24 PoW bits: {fewest}");
        Assert.True(fewest <= StarkConfig.Recursion128.NumQueries);
        // Two levels taller everywhere (a larger shard's wrap): the fewest for 128 bits there.
        for (int t = 0; t < heights.Length; t++)
            heights[t] += 2;
        var taller = Report(StarkConfig.Recursion128);
        output.WriteLine($"two levels taller: {taller}; fewest {Enumerable.Range(1, 200).First(n => Report(StarkConfig.Recursion128 with { NumQueries = n }).Provable >= 128)}");
        Assert.True(taller.Provable >= 128, taller.ToString());
    }

    private static KoalaBearWideDigest Bump(KoalaBearWideDigest d)
    {
        var e = d.Elements.ToArray();
        e[^1] += KoalaBear.One;
        return KoalaBearWideDigest.FromElements(e);
    }

    private static Proof128 WithMain(Proof128 p, MerkleCap<KoalaBearParameters, KoalaBearWideDigest> main) =>
    p with { MainCommitment = main };

    public static TheoryData<string> Tamperings => ["opened value", "Merkle sibling", "commitment"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void TamperedProvable128ProofIsRejectedByBothVerifiersAndItsForcedTraceByTheRecursionVerifier(string what)
    {
        var s = Fibonacci.Value;
        var p = s.Fresh();
        switch (what)
        {
            case "opened value":
                p.Openings[0].MainLocal[0] += ExtensionField<KoalaBear, KoalaBearOctic>.One;
                break;
            case "Merkle sibling":
                var siblings = (KoalaBearWideDigest[])p.InputOpenings[^1].Siblings;
                Assert.NotEmpty(siblings);
                siblings[siblings.Length / 2] = Bump(siblings[siblings.Length / 2]);
                break;
            default:
                var d = p.MainCommitment.Digests.ToArray();
                d[0] = Bump(d[0]);
                p = WithMain(p, new MerkleCap<KoalaBearParameters, KoalaBearWideDigest>(d));
                break;
        }
        var native = new StarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(Inner).Verify(s.Airs, p);
        var run = Executor128.Run(s.Program, s.Hints(p));
        output.WriteLine($"{what}: native {native}; program {run}");
        Assert.False(native.IsValid);
        Assert.False(run.Accepted);
        Assert.DoesNotContain("proof-of-work", run.ToString(), StringComparison.Ordinal);
        Assert.Throws<RecursionRejectedException>(() => new Prover128(Outer).Prove(s.Program, s.Hints(p)));
        // A cheating prover forces the rejected run's trace (every instruction executed on the values it met): the
        // recursion proof of it is rejected.
        Assert.False(Executor128.RunPastFailures(s.Program, s.Hints(p), out var memory).Accepted);
        var outputs = s.Program.Outputs.Select(o => memory.Felts[o].ToCanonical()).ToArray();
        var forced = new Prover128(Outer).ProveTraces(s.Machine, s.Key, s.Machine.GenerateTraces(memory), outputs, check: false);
        var verdict = new Verifier128(Outer).Verify(s.Machine, s.Key.VerifyingKey, outputs, forced);
        output.WriteLine($"{what}, forced trace: {verdict}");
        Assert.False(verdict.IsValid);
    }

    [Fact]
    public void WidthTwentyFourRowsCannotBeForged()
    {
        // One Merkle step of two 12-element children (order bit hinted) and one plain width-24 permutation, each stating
        // its first 12 output words: a forged row's outputs can be made consistent everywhere else (memory and the stated
        // outputs rewritten), so only the Poseidon2 row's own constraints can reject it.
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearOctic>();
        var bitVar = b.Hint(0, 1)[0];
        var childrenVars = b.Hint(0, 24);
        var stateVars = b.Hint(0, 24);
        b.Output(b.PermuteSwap(bitVar, childrenVars)[..12]);
        b.Output(b.Permute(stateVars)[..12]);
        var program = b.Build();
        var machine = new Machine128(program);
        var key = machine.Setup<KoalaBearWideDigest>(Outer);
        int table = machine.Chips.ToList().FindIndex(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>);
        var chip = (Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>)machine.Chips[table];
        Assert.Equal(24, chip.StateWidth);
        Assert.Equal(1, machine.Chips.Count(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearOctic>));
        var air = new Poseidon2Air<KoalaBearParameters>(24);
        var perm = Poseidon2.KoalaBear24;

        var rng = new Random(7);
        var children = Enumerable.Range(0, 24).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next())).ToArray();
        var state = Enumerable.Range(0, 24).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next())).ToArray();
        KoalaBear[] Swapped(KoalaBear[] x) => [.. x[12..], .. x[..12]];
        KoalaBear[] Diffs(KoalaBear[] input, KoalaBear bit) => Enumerable.Range(0, 12).Select(k => bit * (input[k + 12] - input[k])).ToArray();
        var one = KoalaBear.One;

        // Row r of the table as the permutation of input with the given bit and differences, its outputs in memory.
        void Refill(RowMajorMatrix<KoalaBear> trace, RecursionMemory<KoalaBearParameters, KoalaBearOctic> memory, int row, KoalaBear[] input, KoalaBear bit, KoalaBear[] d)
        {
            var r = trace.Row(row);
            r.Clear();
            air.FillPermutation(r, 0, input);
            r[chip.BitColumn] = bit;
            for (int k = 0; k < 12; k++)
                r[chip.DifferenceColumn(k)] = d[k];
            var permuted = input.ToArray();
            perm.Permute(permuted);
            permuted.CopyTo(memory.Felts, program.Instructions.Where(i => i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap).ElementAt(row).Dst);
        }

        foreach (uint bitValue in new uint[] { 0, 1 })
        {
            var bit = KoalaBear.FromUInt64(bitValue);
            var hints = new ListHints([bit, .. children, .. state]);
            var run = Executor128.Run(program, hints, out var memory);
            Assert.True(run.Accepted, run.ToString());
            var expected = (bitValue == 0 ? children : Swapped(children)).ToArray();
            perm.Permute(expected);
            Assert.Equal(expected[..12].Select(v => v.ToCanonical()), run.Outputs.Take(12));
            var honest = new Prover128(Outer) { CheckConstraints = true }.Prove(program, new ListHints([bit, .. children, .. state]));
            Assert.True(new Verifier128(Outer).Verify(machine, key.VerifyingKey, honest.Outputs, honest.Stark).IsValid);

            void Forged(string what, Action<RowMajorMatrix<KoalaBear>[], RecursionMemory<KoalaBearParameters, KoalaBearOctic>> forge)
            {
                var mem = memory with { Felts = (KoalaBear[])memory.Felts.Clone() };
                var traces = machine.GenerateTraces(mem);
                forge(traces, mem);
                // The other tables from the rewritten memory: every reader of the forged outputs, and the stated outputs, agree.
                var others = machine.GenerateTraces(mem);
                for (int i = 0; i < traces.Length; i++)
                    if (i != table)
                        traces[i] = others[i];
                var outputs = program.Outputs.Select(o => mem.Felts[o].ToCanonical()).ToArray();
                var proof = new Prover128(Outer).ProveTraces(machine, key, traces, outputs, check: false);
                var verdict = new Verifier128(Outer).Verify(machine, key.VerifyingKey, outputs, proof);
                output.WriteLine($"bit {bitValue}, {what}: {verdict}");
                Assert.False(verdict.IsValid);
            }

            // A permutation output word that is not the permutation's, written to memory (so the bus balances): only the
            // round constraints of the width-24 AIR can reject it.
            Forged("wrong permutation output, consistent in memory", (t, mem) =>
            {
                t[table][1, air.OutputColumn(5)] += one;
                var dst = program.Instructions.Where(i => i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap).ElementAt(1).Dst;
                mem.Felts[dst + 5] += one;
            });
            var other = bitValue == 0 ? Swapped(children) : children;
            Forged("the other order, bit column flipped", (t, mem) => Refill(t[table], mem, 0, other, one - bit, Diffs(other, one - bit)));
            Forged("the other order, differences zeroed", (t, mem) => Refill(t[table], mem, 0, other, bit, bitValue == 0 ? Diffs(other, one) : new KoalaBear[12]));
            Forged("a plain permutation swapped", (t, mem) => Refill(t[table], mem, 1, Swapped(state), one, Diffs(Swapped(state), one)));
        }
    }

    [Fact]
    public void WidthSixteenProgramsKeepTheirTablesAndMixedProgramsGetOneTablePerWidth()
    {
        var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
        var x = b.Hint(0, 24);
        b.Output(b.Permute(x[..16])[..4]);
        var narrow = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(b.Build());
        Assert.Equal(["recursion-poseidon2"], narrow.Chips.Where(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>).Select(c => c.Name));
        b.Output(b.Permute(x)[..4]);
        var mixed = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(b.Build());
        Assert.Equal(["recursion-poseidon2", "recursion-poseidon2-w24"], mixed.Chips.Where(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>).Select(c => c.Name));
        // A mixed program proves and verifies (each permutation on the table of its width).
        var config = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 4 };
        var rng = new Random(11);
        var hints = Enumerable.Range(0, 24).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next())).ToArray();
        var proof = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(config) { CheckConstraints = true }.Prove(mixed.Program, new ListHints(hints));
        Assert.True(new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(config).Verify(mixed.Program, proof.Outputs, proof.Stark).IsValid);
        var expected16 = hints[..16];
        Poseidon2.KoalaBear16.Permute(expected16);
        var expected24 = hints.ToArray();
        Poseidon2.KoalaBear24.Permute(expected24);
        Assert.Equal(expected16[..4].Concat(expected24[..4]).Select(v => v.ToCanonical()), proof.Outputs);
        // A program with no permutation keeps the empty width-16 table.
        var none = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>().Build());
        Assert.Equal(["recursion-poseidon2"], none.Chips.Where(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>).Select(c => c.Name));
    }
}
