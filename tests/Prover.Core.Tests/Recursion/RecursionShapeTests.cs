using System.Security.Cryptography;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, KoalaBearDigest>;
using Verifier = RecursiveStarkVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Hints = StarkProofHints<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>;
using Machine = RecursionMachine<KoalaBearParameters, KoalaBearQuartic>;
using KeySet = RecursionKeySet<KoalaBearParameters, KoalaBearDigest>;

/// <summary>
/// Recursion programs padded to a fixed <see cref="RecursionShape"/>, and the allowed-key set: a program without a shape
/// proves exactly as before; padded to its own shape it proves the same bytes; padded to a larger shape it has the
/// shape's tables and heights (an unused table present), verifies, and a program that does not fit is refused; the
/// chips' AIRs of two programs of one shape compile to one verifier program; the key set's paths verify natively.
/// </summary>
public sealed class RecursionShapeTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Config = StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 };

    private static readonly IAir<KoalaBear>[] FibAirs = DemoCatalog.Airs("fibonacci")!;

    private static Proof Fib(int rows, uint a, uint b)
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(rows, KoalaBear.FromUInt64(a), KoalaBear.FromUInt64(b));
        return new StarkProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Config).Prove(FibAirs, [trace], [[trace[0, 0], trace[0, 1], trace[rows - 1, 1]]]);
    }

    private static RecursionProver<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest> Prover => new(Config) { CheckConstraints = true };

    private static readonly Lazy<(Proof Fib, RecursionProgram Program)> Fib16 = new(() =>
    {
        var fib = Fib(16, 0, 1);
        return (fib, Verifier.Build(Config, FibAirs, fib.LogHeights));
    });

    [Fact]
    public void UnpaddedProgramsProveTheSameBytesAsBefore()
    {
        var (fib, program) = Fib16.Value;
        Assert.Null(program.Shape);
        var bytes = ProofSerializer.Serialize(Prover.Prove(program, new Hints(Config, FibAirs, fib)).Stark);
        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        output.WriteLine($"{bytes.Length} B, SHA-256 {hash}");
        // The proof's hash as main proved it before shapes existed (f0b57e8): the machine of a program without a shape has
        // its former tables and heights.
        Assert.Equal("E3A5AA790D52CE07A5EC1A5E0AA5C6125D6D8C64DCE2CEBF9DE7602A0C854D74", hash);
        // Padded to its own smallest shape, the program proves the same bytes (the same tables at the same heights).
        var own = Machine.NaturalShape(program);
        Assert.Equal(new Machine(program).LogHeights, own.LogHeights);
        var padded = ProofSerializer.Serialize(Prover.Prove(program.PaddedTo(own), new Hints(Config, FibAirs, fib)).Stark);
        Assert.Equal(bytes, padded);
    }

    [Fact]
    public void PaddedProgramHasTheShapesTablesAndVerifies()
    {
        var (fib, program) = Fib16.Value;
        var own = Machine.NaturalShape(program);
        output.WriteLine($"own shape: {own}");
        // Taller tables, and a width-24 Poseidon2 table the program never uses (present, all padding).
        var heights = own.LogHeights.Select(h => h + 1).ToList();
        heights.Insert(4, 3);
        var shape = new RecursionShape([16, 24], own.OutputCount, heights);
        var padded = program.PaddedTo(shape);
        Assert.Same(program, padded.Unpadded);
        var machine = new Machine(padded);
        Assert.Equal(shape.TableNames, machine.Chips.Select(c => c.Name));
        Assert.Equal(shape.LogHeights, machine.LogHeights);
        Assert.Equal(shape, machine.TableShape);
        Assert.Equal(own, Machine.NaturalShape(padded));
        var proof = Prover.Prove(padded, new Hints(Config, FibAirs, fib));
        Assert.Equal(shape.LogHeights, proof.Stark.LogHeights);
        var verifier = new RecursionVerifier<KoalaBearParameters, KoalaBearQuartic, KoalaBearDigest>(Config);
        Assert.True(verifier.Verify(padded, proof.Outputs, proof.Stark).IsValid);
        // The proof is of the padded program's key: not of the unpadded program (another shape), nor of another padding.
        Assert.False(verifier.Verify(program, proof.Outputs, proof.Stark).IsValid);
        Assert.False(verifier.Verify(program.PaddedTo(new RecursionShape([16, 24], own.OutputCount, heights.Select(h => h + 1).ToArray())), proof.Outputs, proof.Stark).IsValid);
        // The padded key differs from the unpadded one (the heights are part of the commitment).
        Assert.NotEqual(new Machine(program).Setup<KoalaBearDigest>(Config).VerifyingKey.PreprocessedRoot, machine.Setup<KoalaBearDigest>(Config).VerifyingKey.PreprocessedRoot);
    }

    [Fact]
    public void ProgramThatDoesNotFitTheShapeIsRefused()
    {
        var (_, program) = Fib16.Value;
        var own = Machine.NaturalShape(program);
        // A table one level too short.
        var shorter = own.LogHeights.ToArray();
        shorter[1]--;
        var e = Assert.Throws<ArgumentException>(() => new Machine(program.PaddedTo(new RecursionShape(own.Poseidon2Widths, own.OutputCount, shorter))));
        output.WriteLine(e.Message);
        Assert.Contains("recursion-ext-alu", e.Message);
        // Another output count (the output table would state other public values).
        var moreOutputs = new RecursionShape(own.Poseidon2Widths, own.OutputCount + 1, own.LogHeights);
        e = Assert.Throws<ArgumentException>(() => new Machine(program.PaddedTo(moreOutputs)));
        output.WriteLine(e.Message);
        // A width-16 program in a width-24-only shape.
        e = Assert.Throws<ArgumentException>(() => new Machine(program.PaddedTo(new RecursionShape([24], own.OutputCount, own.LogHeights))));
        output.WriteLine(e.Message);
        Assert.Contains("width 16", e.Message);
        // Malformed shapes.
        Assert.Throws<ArgumentException>(() => new RecursionShape([20], 0, [1, 1, 1, 1, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => new RecursionShape([16], 0, [1, 1, 1]));
        Assert.Throws<ArgumentException>(() => RecursionShape.Covering([own, moreOutputs]));
    }

    [Fact]
    public void ChipsOfOneShapeAreOneVerifierProgramWhateverTheProgram()
    {
        // Two different programs (verifiers of Fibonacci proofs of 16 and 64 rows) padded to one shape: their machines'
        // AIRs differ as objects but not as constraints, so the verifier program of their proofs is one instruction list,
        // also built from the shape alone (RecursionMachine.AirsOf).
        var (_, p16) = Fib16.Value;
        var p64 = Verifier.Build(Config, FibAirs, [6]);
        var shape = RecursionShape.Covering([Machine.NaturalShape(p16), Machine.NaturalShape(p64)]);
        var airs16 = new Machine(p16.PaddedTo(shape)).Airs;
        var airs64 = new Machine(p64.PaddedTo(shape)).Airs;
        var fromShape = Machine.AirsOf(shape);
        var v16 = Verifier.Build(Config, airs16, shape.LogHeights);
        var v64 = Verifier.Build(Config, airs64, shape.LogHeights);
        var vShape = Verifier.Build(Config, fromShape, shape.LogHeights);
        AssertSameProgram(v16, v64);
        AssertSameProgram(v16, vShape);
        output.WriteLine($"shape {shape}: one verifier program of {v16.Instructions.Count} instructions");
        // The compiled constraints of each table are the same too (what the native verifier runs).
        for (int t = 0; t < airs16.Length; t++)
        {
            var a = new CompiledAir<KoalaBear>(airs16[t], Config.LogUpBatchingFor(shape.LogHeights[t]));
            var b = new CompiledAir<KoalaBear>(airs64[t], Config.LogUpBatchingFor(shape.LogHeights[t]));
            Assert.Equal((a.Width, a.ConstraintCount, a.Interactions.Count, a.LogUpColumns, a.Program.InstructionCount),
                (b.Width, b.ConstraintCount, b.Interactions.Count, b.LogUpColumns, b.Program.InstructionCount));
        }
    }

    internal static void AssertSameProgram(RecursionProgram a, RecursionProgram b)
    {
        Assert.Equal(a.Instructions.Count, b.Instructions.Count);
        for (int i = 0; i < a.Instructions.Count; i++)
        {
            var (x, y) = (a.Instructions[i], b.Instructions[i]);
            Assert.Equal((x.Op, x.Dst, x.A, x.B, x.C), (y.Op, y.Dst, y.A, y.B, y.C));
            Assert.Equal(x.Operands ?? [], y.Operands ?? []);
        }
        Assert.Equal(a.FeltConstants, b.FeltConstants);
        Assert.Equal(a.ExtConstants, b.ExtConstants);
        Assert.Equal(a.Outputs, b.Outputs);
        Assert.Equal(a.Messages, b.Messages);
    }

    private static KoalaBearDigest Digest(uint seed) =>
        KoalaBearDigest.FromCanonical(Enumerable.Range(0, KoalaBearDigest.Length).Select(i => (uint)(seed * 1000 + i + 1)).ToArray());

    [Fact]
    public void KeySetPathsVerifyAndOthersDoNot()
    {
        var keys = Enumerable.Range(1, 5).Select(i => Digest((uint)i)).ToArray();
        var set = new KeySet(keys);
        Assert.Equal(3, set.Depth);
        for (int i = 0; i < keys.Length; i++)
        {
            var path = set.Path(i);
            Assert.Equal(i, set.IndexOf(keys[i]));
            Assert.True(KeySet.VerifyMembership(set.Root, keys[i], i, path));
            // Another index, another key, a changed sibling or another root do not verify.
            Assert.False(KeySet.VerifyMembership(set.Root, keys[i], i ^ 1, path));
            Assert.False(KeySet.VerifyMembership(set.Root, keys[(i + 1) % keys.Length], i, path));
            var bent = path.ToArray();
            var e = bent[1].Elements.ToArray();
            e[0] += KoalaBear.One;
            bent[1] = KoalaBearDigest.FromElements(e);
            Assert.False(KeySet.VerifyMembership(set.Root, keys[i], i, bent));
            Assert.False(KeySet.VerifyMembership(new KeySet(keys[..4]).Root, keys[i], i, path));
        }
        Assert.False(set.Contains(Digest(9)));
        // The filler is no key, and a set of one key is its key.
        Assert.Throws<ArgumentException>(() => new KeySet([keys[0], KeySet.Filler]));
        Assert.Equal(keys[2], new KeySet([keys[2]]).Root);
        Assert.Equal(0, new KeySet([keys[2]]).Depth);
        // The root depends on the order (the index is part of the path) and on every key.
        Assert.NotEqual(set.Root, new KeySet([keys[1], keys[0], .. keys[2..]]).Root);
    }
}
