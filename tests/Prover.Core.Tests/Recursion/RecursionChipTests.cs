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
