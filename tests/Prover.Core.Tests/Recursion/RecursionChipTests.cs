using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

/// <summary>
/// The first recursive proof: the verifier program of a small Fibonacci proof (quartic extension, 8-element digests) is
/// run and its run proved by the recursion chips, and the STARK verifier accepts it with the run's outputs; forged
/// traces (a wrong arithmetic result, a wrong Poseidon2 output, a read of another value, a changed hint, a failed
/// assertion forced through) give proofs the verifier rejects; a tampered inner proof cannot be proved at all.
/// </summary>
public sealed class RecursionChipTests(ITestOutputHelper output)
{
    // The inner proof: development parameters with few queries and no grinding, so the program is small (a test).
    private static readonly StarkConfig Inner = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 };

    // The recursion proof itself (the outer STARK).
    private static readonly StarkConfig Outer = StarkConfig.Development with { NumQueries = 20, QueryPowBits = 4 };

    private sealed record Setup(IAir<KoalaBear>[] Airs, byte[] ProofBytes, RecursionProgram Program, RecursionMachine<KoalaBearParameters, KoalaBearQuartic> Machine,
        ProvingKey<KoalaBearParameters, KoalaBearDigest> Key)
    {
        public StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest> Fresh() =>
            ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofBytes);

        public StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Hints(StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest>? proof = null) =>
            new(Inner, Airs, proof ?? Fresh());
    }

    private static readonly Lazy<Setup> Fibonacci = new(() =>
    {
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", 4);
        var proof = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Prove(airs, traces, publics);
        var program = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(Inner, airs, proof.LogHeights);
        var machine = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(program);
        return new Setup(airs, ProofSerializer.Serialize(proof), program, machine, machine.Setup<KoalaBearDigest>(Outer));
    });

    private static RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Prover(bool check = false) => new(Outer) { CheckConstraints = check };

    private static RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Verifier => new(Outer);

    [Fact]
    public void HonestRunProvesAndVerifiesWithTheExecutorsOutputs()
    {
        var s = Fibonacci.Value;
        foreach (var (table, rows, logHeight, width, pre) in s.Machine.Shape())
            output.WriteLine($"{table}: {rows} rows, 2^{logHeight}, {width} main + {pre} fixed columns");
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(s.Program, s.Hints());
        Assert.True(run.Accepted, run.ToString());
        var prover = Prover(check: true);
        var proof = prover.Prove(s.Program, s.Hints());
        output.WriteLine($"{s.Program.Instructions.Count} instructions; " + string.Join(", ", prover.LastTimings.Select(t => $"{t.Phase} {t.Milliseconds:F0} ms")));
        // The outputs are the executor's, and they are the inner proof's statement (Fibonacci's public values).
        Assert.Equal(run.Outputs, proof.Outputs);
        Assert.Equal(s.Fresh().PublicValues[0].Select(v => v.ToCanonical()), proof.Outputs);
        var verdict = Verifier.Verify(s.Program, proof.Outputs, proof.Stark);
        Assert.True(verdict.IsValid, verdict.ToString());
        // The proof survives serialisation (what a layer above or a node receives).
        var bytes = ProofSerializer.Serialize(proof.Stark);
        Assert.True(Verifier.Verify(s.Program, proof.Outputs, ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(bytes)).IsValid);
        // The same proof with any other claimed output is rejected, and so is a proof whose stated output is changed to
        // that claim (the check then falls to the STARK: the output table reads the run's value from memory).
        var other = proof.Outputs.ToArray();
        other[2] = (other[2] + 1) % (uint)KoalaBear.Modulus;
        Assert.False(Verifier.Verify(s.Program, other, proof.Stark).IsValid);
        var changed = ProofSerializer.Deserialize<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(ProofSerializer.Serialize(proof.Stark));
        changed.PublicValues[^1][2] += KoalaBear.One;
        Assert.False(Verifier.Verify(s.Program, other, changed).IsValid);
        // Another program (the verifier of another shape) does not accept the proof.
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", 5);
        var bigger = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Prove(airs, traces, publics);
        var otherProgram = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(Inner, airs, bigger.LogHeights);
        Assert.False(Verifier.Verify(otherProgram, proof.Outputs, proof.Stark).IsValid);
    }

    [Fact]
    public void VerifierCommitsAProgramsKeyOnceAndItIsTheSetupsKey()
    {
        var s = Fibonacci.Value;
        var verifier = new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Outer);
        var key = verifier.Prepare(s.Program);
        // The cached key is reused (the same object: no second commitment) and equals a fresh setup's.
        Assert.Same(key, verifier.Prepare(s.Program));
        Assert.Equal(s.Key.VerifyingKey.PreprocessedRoot, key.Key.PreprocessedRoot);
        Assert.Equal(s.Key.VerifyingKey.LogHeights, key.Key.LogHeights);
        // Another program gets its own key; a proof of one is not accepted under the other's.
        var (airs, traces, publics) = DemoCatalog.Build("fibonacci", 5);
        var bigger = new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Inner).Prove(airs, traces, publics);
        var otherProgram = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>.Build(Inner, airs, bigger.LogHeights);
        Assert.NotEqual(key.Key.PreprocessedRoot, verifier.Prepare(otherProgram).Key.PreprocessedRoot);
        var proof = Prover().Prove(s.Program, s.Hints());
        Assert.True(verifier.Verify(s.Program, proof.Outputs, proof.Stark).IsValid);
        Assert.True(verifier.Verify(s.Program, proof.Outputs, proof.Stark).IsValid);
        Assert.False(verifier.Verify(otherProgram, proof.Outputs, proof.Stark).IsValid);
    }

    [Fact]
    public void TamperedInnerProofCannotBeProved()
    {
        var s = Fibonacci.Value;
        var tampered = s.Fresh();
        tampered.PublicValues[0][2] += KoalaBear.One;
        var e = Assert.Throws<RecursionRejectedException>(() => Prover().Prove(s.Program, s.Hints(tampered)));
        output.WriteLine(e.Message);
        // A prover that forces the trace of the rejected run (every instruction executed on the values it met) gets a
        // proof the verifier rejects: the failed assertion's row reads two different values with one column.
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(s.Program, s.Hints(tampered), out var memory);
        Assert.False(run.Accepted);
        var outputs = s.Program.Outputs.Select(o => memory.Felts[o].ToCanonical()).ToArray();
        RejectsForged("forced trace of a failed assertion", s, memory, outputs, _ => { });
    }

    [Fact]
    public void HintThatMakesAnAssertionPassIsRejected()
    {
        var s = Fibonacci.Value;
        var tampered = s.Fresh();
        tampered.Openings[0].MainLocal[0] += ExtensionField<KoalaBear, KoalaBearQuartic>.One;
        Assert.False(RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(s.Program, s.Hints(tampered)).Accepted);
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(s.Program, s.Hints(tampered), out var memory);
        output.WriteLine($"tampered inner proof: {run}");
        // Rewrite the operand of the failed assertion that came from the computation so that the two sides agree:
        // in memory only (the row that wrote it no longer computes it), the assertion row then balances.
        var failed = s.Program.Instructions[run.FailedInstruction];
        Assert.True(failed.Op is RecursionOp.AssertEqF or RecursionOp.AssertEqE);
        if (failed.Op == RecursionOp.AssertEqF) memory.Felts[failed.A] = memory.Felts[failed.B];
        else memory.Exts[failed.A] = memory.Exts[failed.B];
        var outputs = s.Program.Outputs.Select(o => memory.Felts[o].ToCanonical()).ToArray();
        RejectsForged("assertion made to pass by rewriting its operand", s, memory, outputs, _ => { });
    }

    [Fact]
    public void ForgedTracesAreRejected()
    {
        var s = Fibonacci.Value;
        var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(s.Program, s.Hints(), out var memory);
        Assert.True(run.Accepted);
        var chips = s.Machine.Chips;
        int Table<T>() => chips.ToList().FindIndex(c => c is T);
        var code = s.Program.Instructions;
        var baseCode = code.Where(i => BaseAluChip<KoalaBearParameters, KoalaBearQuartic>.Operations.Contains(i.Op)).ToList();
        int mulRow = baseCode.FindIndex(i => i.Op == RecursionOp.FMul);
        int addRow = baseCode.FindIndex(i => i.Op == RecursionOp.FAdd);
        Assert.True(mulRow >= 0 && addRow >= 0);
        var one = KoalaBear.One;
        // A wrong product: out (column 3) of a multiplication row.
        RejectsForged("wrong arithmetic result", s, memory, run.Outputs, t => t[Table<BaseAluChip<KoalaBearParameters, KoalaBearQuartic>>()][mulRow, 3] += one);
        // The same wrong product also written to memory, so every later read sees it: the multiplication row still fails.
        {
            var f = (KoalaBear[])memory.Felts.Clone();
            f[baseCode[mulRow].Dst] += one;
            RejectsForged("wrong arithmetic result used consistently", s, memory with { Felts = f }, run.Outputs, _ => { });
        }
        // A wrong Poseidon2 output word on a real row.
        var permAir = new Poseidon2Air<KoalaBearParameters>();
        RejectsForged("wrong Poseidon2 output", s, memory, run.Outputs, t => t[Table<Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>>()][0, permAir.OutputColumn(3)] += one);
        // An addition whose operand a and result are both shifted by one: the row is arithmetically consistent but reads
        // a value that was never written at a's address (and writes another value than its readers receive).
        RejectsForged("memory read of a different value", s, memory, run.Outputs, t =>
        {
            var alu = t[Table<BaseAluChip<KoalaBearParameters, KoalaBearQuartic>>()];
            alu[addRow, 0] += one;
            alu[addRow, 3] += one;
        });
        // A hinted felt changed in its table only (readers still receive the honest value).
        RejectsForged("hint changed in the hint table", s, memory, run.Outputs, t => t[Table<HintChip<KoalaBearParameters, KoalaBearQuartic>>()][0, 0] += one);
        // A fused multiply-add (the DEEP row combination) with a wrong coefficient of its result.
        var extCode = code.Where(i => ExtAluChip<KoalaBearParameters, KoalaBearQuartic>.Operations.Contains(i.Op)).ToList();
        foreach (var op in new[] { RecursionOp.EMulFAdd, RecursionOp.EMulAdd })
        {
            int row = extCode.FindIndex(i => i.Op == op);
            Assert.True(row >= 0, $"the verifier program has no {op}");
            RejectsForged($"wrong {op} result", s, memory, run.Outputs, t => t[Table<ExtAluChip<KoalaBearParameters, KoalaBearQuartic>>()][row, 3 * 4 + 1] += one);
        }
    }

    /// <summary>
    /// A program of one Merkle step (order bit and both children hinted) and one plain permutation, each stating its first
    /// 8 output words: small enough that a forged row's outputs can be made consistent everywhere else (memory and the
    /// stated outputs rewritten), so the only thing that can reject it is the Poseidon2 row's own order constraints.
    /// </summary>
    private sealed class MerkleStep
    {
        public readonly RecursionProgram Program;
        public readonly RecursionMachine<KoalaBearParameters, KoalaBearQuartic> Machine;
        public readonly ProvingKey<KoalaBearParameters, KoalaBearDigest> Key;
        public readonly int Table;

        public MerkleStep()
        {
            var b = new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>();
            var bit = b.Hint(0, 1)[0];
            var children = b.Hint(0, 16);
            var state = b.Hint(0, 16);
            b.Output(b.PermuteSwap(bit, children)[..8]);
            b.Output(b.Permute(state)[..8]);
            Program = b.Build();
            Machine = new RecursionMachine<KoalaBearParameters, KoalaBearQuartic>(Program);
            Key = Machine.Setup<KoalaBearDigest>(Outer);
            Table = Machine.Chips.ToList().FindIndex(c => c is Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>);
        }

        public Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic> Chip => (Poseidon2Chip<KoalaBearParameters, KoalaBearQuartic>)Machine.Chips[Table];

        /// <summary>Row <paramref name="row"/> of the Poseidon2 table as a permutation of <paramref name="input"/> with the given bit and differences; its outputs written to memory at the instruction's addresses.</summary>
        public void Refill(RowMajorMatrix<KoalaBear> trace, RecursionMemory<KoalaBearParameters, KoalaBearQuartic> memory, int row, KoalaBear[] input, KoalaBear bit, KoalaBear[] d)
        {
            var r = trace.Row(row);
            r.Clear();
            new Poseidon2Air<KoalaBearParameters>().FillPermutation(r, 0, input);
            r[Chip.BitColumn] = bit;
            for (int k = 0; k < 8; k++)
                r[Chip.DifferenceColumn(k)] = d[k];
            var dst = Program.Instructions.Where(i => i.Op is RecursionOp.Permute or RecursionOp.PermuteSwap).ElementAt(row).Dst;
            var permuted = input.ToArray();
            KoalaBearDigest.Permutation.Permute(permuted);
            permuted.CopyTo(memory.Felts, dst);
        }
    }

    [Fact]
    public void MerkleStepOrdersItsChildrenByTheBitAndCannotBeForged()
    {
        var m = new MerkleStep();
        var rng = new Random(3);
        var children = Enumerable.Range(0, 16).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next())).ToArray();
        var state = Enumerable.Range(0, 16).Select(_ => KoalaBear.FromUInt64((ulong)rng.Next())).ToArray();
        KoalaBear[] Swapped(KoalaBear[] x) => [.. x[8..], .. x[..8]];
        KoalaBear[] Diffs(KoalaBear[] input, KoalaBear bit) => Enumerable.Range(0, 8).Select(k => bit * (input[k + 8] - input[k])).ToArray();
        var zero = KoalaBear.Zero;
        var one = KoalaBear.One;
        var noDiffs = new KoalaBear[8];
        foreach (uint bitValue in new uint[] { 0, 1 })
        {
            var bit = KoalaBear.FromUInt64(bitValue);
            var hints = new ListHints([bit, .. children, .. state]);
            var run = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(m.Program, hints, out var memory);
            Assert.True(run.Accepted, run.ToString());
            // The step's outputs are the compression of the children in the bit's order.
            var expected = (bitValue == 0 ? children : Swapped(children)).ToArray();
            KoalaBearDigest.Permutation.Permute(expected);
            Assert.Equal(expected[..8].Select(v => v.ToCanonical()), run.Outputs.Take(8));
            var proof = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Outer) { CheckConstraints = true }.Prove(m.Program, new ListHints([bit, .. children, .. state]));
            Assert.True(Verifier.Verify(m.Machine, m.Key.VerifyingKey, proof.Outputs, proof.Stark).IsValid);

            void Forged(string what, Action<RowMajorMatrix<KoalaBear>[], RecursionMemory<KoalaBearParameters, KoalaBearQuartic>> forge,
                RecursionMemory<KoalaBearParameters, KoalaBearQuartic>? start = null)
            {
                var mem = start ?? memory;
                mem = mem with { Felts = (KoalaBear[])mem.Felts.Clone() };
                // Forge the Poseidon2 row (which rewrites its outputs in memory), then the other tables from that memory,
                // so every reader of the forged outputs, and the stated outputs, agree with the forged row.
                var traces = m.Machine.GenerateTraces(mem);
                forge(traces, mem);
                var others = m.Machine.GenerateTraces(mem);
                for (int i = 0; i < traces.Length; i++)
                    if (i != m.Table)
                        traces[i] = others[i];
                var outputs = m.Program.Outputs.Select(o => mem.Felts[o].ToCanonical()).ToArray();
                var forgedProof = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Outer).ProveTraces(m.Machine, m.Key, traces, outputs, check: false);
                var verdict = Verifier.Verify(m.Machine, m.Key.VerifyingKey, outputs, forgedProof);
                output.WriteLine($"bit {bitValue}, {what}: {verdict}");
                Assert.False(verdict.IsValid);
            }

            // The other order with the bit column flipped to match (d consistent, outputs rewritten everywhere): the row
            // receives a bit the program never wrote.
            var flipped = one - bit;
            Forged("the other order, bit column flipped", (t, mem) =>
                m.Refill(t[m.Table], mem, 0, bitValue == 0 ? Swapped(children) : children, flipped, Diffs(bitValue == 0 ? Swapped(children) : children, flipped)));
            // The other order with the honest bit and no differences (the words read still match memory): d ≠ bit·(…).
            Forged("the other order, differences zeroed", (t, mem) =>
                m.Refill(t[m.Table], mem, 0, bitValue == 0 ? Swapped(children) : children, bit, bitValue == 0 ? Diffs(Swapped(children), one) : noDiffs));
            // A plain permutation (a sponge or compression) reordered by a bit of 1 on its row: its bit must be zero.
            Forged("a plain permutation swapped", (t, mem) => m.Refill(t[m.Table], mem, 1, Swapped(state), one, Diffs(Swapped(state), one)));
        }
        // A non-bit order value (2, hinted): the executor refuses it. Forced, the row's input is the executor's affine mix
        // x + 2·(x' − x); a non-bit swap is no involution, so the words the row reads back no longer match memory (the
        // bus fails), and the row's own constraints fail too (booleanity: the differences are consistent with the bit).
        var two = KoalaBear.FromUInt64(2);
        var nonBitHints = new ListHints([two, .. children, .. state]);
        var refused = RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.RunPastFailures(m.Program, nonBitHints, out var forcedMemory);
        Assert.False(refused.Accepted);
        var mix = Enumerable.Range(0, 16).Select(k => children[k] + two * (children[k < 8 ? k + 8 : k - 8] - children[k])).ToArray();
        var traces2 = m.Machine.GenerateTraces(forcedMemory);
        Assert.Equal(two, traces2[m.Table][0, m.Chip.BitColumn]);
        Assert.Equal(two * (mix[8] - mix[0]), traces2[m.Table][0, m.Chip.DifferenceColumn(0)]);
        var outs = m.Program.Outputs.Select(o => forcedMemory.Felts[o].ToCanonical()).ToArray();
        var nonBitProof = new RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Outer).ProveTraces(m.Machine, m.Key, traces2, outs, check: false);
        var nonBitVerdict = Verifier.Verify(m.Machine, m.Key.VerifyingKey, outs, nonBitProof);
        output.WriteLine($"order value 2: {nonBitVerdict}");
        Assert.False(nonBitVerdict.IsValid);
        Assert.Null(AirChecker.FindViolation(m.Chip, m.Machine.GenerateTraces(RunMemory(m, KoalaBear.One, children, state))[m.Table], [], m.Chip.PreprocessedTrace(1 << m.Chip.LogHeight)!));
        Assert.NotNull(AirChecker.FindViolation(m.Chip, traces2[m.Table], [], m.Chip.PreprocessedTrace(1 << m.Chip.LogHeight)!));
    }

    private static RecursionMemory<KoalaBearParameters, KoalaBearQuartic> RunMemory(MerkleStep m, KoalaBear bit, KoalaBear[] children, KoalaBear[] state)
    {
        Assert.True(RecursionExecutor<KoalaBearParameters, KoalaBearQuartic>.Run(m.Program, new ListHints([bit, .. children, .. state]), out var memory).Accepted);
        return memory;
    }

    /// <summary>Builds the traces from <paramref name="memory"/>, applies <paramref name="forge"/>, proves without checks and expects the verifier to reject.</summary>
    private void RejectsForged(string what, Setup s, RecursionMemory<KoalaBearParameters, KoalaBearQuartic> memory, IReadOnlyList<uint> outputs,
        Action<RowMajorMatrix<KoalaBear>[]> forge)
    {
        var traces = s.Machine.GenerateTraces(memory);
        forge(traces);
        var proof = Prover().ProveTraces(s.Machine, s.Key, traces, outputs, check: false);
        var verdict = Verifier.Verify(s.Machine, s.Key.VerifyingKey, outputs, proof);
        output.WriteLine($"{what}: {verdict}");
        Assert.False(verdict.IsValid);
    }

    [Fact]
    public void OcticProgramProvesAndVerifies()
    {
        // A provable-100-shaped inner proof (degree-8 extension, blowup 8, LogUp quotient raise) with few queries, and a
        // degree-8 recursion proof: the extension table's columns and product are the octic ones.
        var inner = StarkConfig.Provable100 with { NumQueries = 3, QueryPowBits = 0, LogFinalPolyLength = 2, AllowInsecure = true };
        var outer = StarkConfig.Development with { ExtensionDegree = 8, NumQueries = 20, QueryPowBits = 4 };
        var (airs, traces, publics) = DemoCatalog.Build("lookup", 4);
        var proof = new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(inner).Prove(airs, traces, publics);
        var program = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>.Build(inner, airs, proof.LogHeights);
        var hints = new StarkProofHints<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(inner, airs, proof);
        var recursion = new RecursionProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(outer) { CheckConstraints = true }.Prove(program, hints);
        output.WriteLine($"{program.Instructions.Count} instructions, EMul {program.Counts().GetValueOrDefault(RecursionOp.EMul)}");
        var verifier = new RecursionVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(outer);
        var verdict = verifier.Verify(program, recursion.Outputs, recursion.Stark);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(proof.PublicValues.SelectMany(p => p).Select(v => v.ToCanonical()), recursion.Outputs);

        // A wrong coefficient of an extension product, in the trace only.
        var machine = new RecursionMachine<KoalaBearParameters, KoalaBearOctic>(program);
        var key = machine.Setup<KoalaBearDigest>(outer);
        Assert.True(RecursionExecutor<KoalaBearParameters, KoalaBearOctic>.Run(program, hints, out var memory).Accepted);
        var forged = machine.GenerateTraces(memory);
        var extCode = program.Instructions.Where(i => ExtAluChip<KoalaBearParameters, KoalaBearOctic>.Operations.Contains(i.Op)).ToList();
        int mulRow = extCode.FindIndex(i => i.Op == RecursionOp.EMul);
        forged[1][mulRow, 3 * 8 + 5] += KoalaBear.One;
        var bad = new RecursionProver<KoalaBearParameters, KoalaBearOctic, KoalaBearDigest>(outer).ProveTraces(machine, key, forged, recursion.Outputs, check: false);
        var rejected = verifier.Verify(machine, key.VerifyingKey, recursion.Outputs, bad);
        output.WriteLine($"wrong extension product: {rejected}");
        Assert.False(rejected.IsValid);
    }

    [Fact]
    public void VerificationOfAZkvmShardIsProved()
    {
        // hello.elf's one shard, proved with few queries, verified as one proof of the shards' shared-challenge group
        // (the key and seed as the zkVM verifier derives them); the recursion proof states the shard's statement and bus sum.
        var inner = StarkConfig.Development with { NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };
        var r = RecursionProofReport.ForZkvmShard(Machine.GuestTests.Elf("hello"), [], inner, Outer);
        output.WriteLine($"{r.Shape}: {r.Instructions} instructions, proof {r.ProofBytes} B in {r.ProvingMilliseconds:F0} ms: {r.Verdict}");
        foreach (var t in r.Tables)
            output.WriteLine($"  {t.Table}: {t.Rows} rows");
        Assert.True(r.Valid, r.Verdict);
        Assert.True(r.Outputs.Count > 22);
    }

    [Fact]
    public void VerificationOfAZkvmShardInTheSmallStatementShapeIsProved()
    {
        // Under provable-100, hello.elf's tables are all small, so its shard is proved in the small-statement shape
        // (StarkConfig.ForTallestTable, blowup 64): the verifier program and its hints must take the shape the shard proof
        // states, not the configuration asked for (built for provable-100's blowup 8, the program rejected the proof at
        // its proof-of-work check).
        var outer = StarkConfig.Development with { ExtensionDegree = 8, NumQueries = 20, QueryPowBits = 4 };
        var r = RecursionProofReport.ForZkvmShard(Machine.GuestTests.Elf("hello"), [], StarkConfig.Provable100, outer);
        output.WriteLine($"{r.Shape} under {r.InnerConfig}: {r.Instructions} instructions, proof {r.ProofBytes} B: {r.Verdict}");
        Assert.True(r.Valid, r.Verdict);
        Assert.True(StarkConfig.SameShape(StarkConfig.Provable100.ForTallestTable(12), StarkConfig.Provable100Small));
    }

    [Fact]
    public void RecursionReportTakesTheInnerProofsDigest()
    {
        // The report over 12-element digests (provable-128's hash, small parameters): the demo's verification is proved with
        // the wide digest and verifies; an outer configuration with the other digest is refused.
        var wide = StarkConfig.Development with { ExtensionDegree = 8, DigestElements = KoalaBearWideDigest.Length, NumQueries = 2, QueryPowBits = 0, LogFinalPolyLength = 2 };
        var r = RecursionProofReport.ForDemo("fibonacci", 4, wide, wide with { NumQueries = 8 });
        output.WriteLine($"{r.Shape}: {r.Instructions} instructions, proof {r.ProofBytes} B: {r.Verdict}");
        Assert.True(r.Valid, r.Verdict);
        Assert.Equal([0u, 1u, 987u], r.Outputs);
        Assert.Contains(r.Tables, t => t.Table == "recursion-poseidon2-w24");
        Assert.DoesNotContain(r.Tables, t => t.Table == "recursion-poseidon2");
        Assert.Throws<ArgumentException>(() => RecursionProofReport.ForDemo("fibonacci", 4, wide, wide with { DigestElements = KoalaBearDigest.Length }));
    }

    [Fact]
    public void BitsMustBeCanonical()
    {
        var chip = new BitsChip<KoalaBearParameters, KoalaBearQuartic>(RecursionMemoryPlan.For(new RecursionBuilder<KoalaBearParameters, KoalaBearQuartic>().Build()), []);
        var trace = new RowMajorMatrix<KoalaBear>(2, chip.Width);
        var pre = chip.PreprocessedTrace(2)!;
        // 5 decomposed as 5 + p (a 31-bit value): booleans, the right value mod p, but not canonical.
        BitsChip<KoalaBearParameters, KoalaBearQuartic>.Fill(trace.Row(0), 5 + (uint)KoalaBear.Modulus);
        Assert.NotNull(AirChecker.FindViolation(chip, trace, [], pre));
        BitsChip<KoalaBearParameters, KoalaBearQuartic>.Fill(trace.Row(0), 5);
        Assert.Null(AirChecker.FindViolation(chip, trace, [], pre));
        BitsChip<KoalaBearParameters, KoalaBearQuartic>.Fill(trace.Row(0), (uint)KoalaBear.Modulus - 1);
        Assert.Null(AirChecker.FindViolation(chip, trace, [], pre));
    }
}
