using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Recursion;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;
using Xunit.Abstractions;

namespace Prover.Core.Tests.Recursion;

using Proof128 = StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearOctic>, KoalaBearWideDigest>;
using Keyed128 = KeyedRecursion<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;
using Hints128 = StarkProofHints<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;
using Machine128 = RecursionMachine<KoalaBearParameters, KoalaBearOctic>;
using Prover128 = RecursionProver<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;
using Verifier128 = RecursionVerifier<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>;
using KeySet128 = RecursionKeySet<KoalaBearParameters, KoalaBearWideDigest>;
using Executor128 = RecursionExecutor<KoalaBearParameters, KoalaBearOctic>;

/// <summary>
/// Keys as data under provable-128's hash (octic extension, 12-element digests, width-24 Poseidon2 only): two leaf
/// programs padded to one width-24 shape, one node over both stating (R, compress of the payloads) with 12-element R
/// and paths; a child outside the set is refused.
/// </summary>
public sealed class WideKeyedRecursionTests(ITestOutputHelper output)
{
    private static readonly StarkConfig Config = StarkConfig.Development with
    {
        ExtensionDegree = 8, DigestElements = KoalaBearWideDigest.Length, NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2,
    };

    private static readonly IAir<KoalaBear>[] FibAirs = DemoCatalog.Airs("fibonacci")!;

    private static Proof128 Fib(int rows, uint a, uint b)
    {
        var trace = FibonacciAir<KoalaBear>.GenerateTrace(rows, KoalaBear.FromUInt64(a), KoalaBear.FromUInt64(b));
        return new StarkProver<KoalaBearParameters, KoalaBearOctic, KoalaBearWideDigest>(Config).Prove(FibAirs, [trace], [[trace[0, 0], trace[0, 1], trace[rows - 1, 1]]]);
    }

    [Fact]
    public void WideNodeVerifiesTwoLeafProgramsByTheirKeysMembership()
    {
        var (fa, fb, fx) = (Fib(16, 0, 1), Fib(32, 2, 3), Fib(64, 5, 8));
        var leaves = new[] { fa, fb, fx }.Select(f => Keyed128.BuildLeaf(Config, FibAirs, f.LogHeights)).ToArray();
        var (shape, node, rounds) = Keyed128.FitFamily(Config, leaves, childCount: 2, setDepth: 2);
        output.WriteLine($"shape after {rounds} round(s): {shape}; node {node.Instructions.Count} instructions");
        Assert.Equal([24], shape.Poseidon2Widths);
        Assert.Equal(2 * KoalaBearWideDigest.Length, shape.OutputCount);
        var padded = leaves.Select(l => l.PaddedTo(shape)).ToArray();
        var keys = padded.Append(node).Select(p => new Machine128(p).Setup<KoalaBearWideDigest>(Config)).ToArray();
        var set = new KeySet128([keys[0].VerifyingKey.PreprocessedRoot, keys[1].VerifyingKey.PreprocessedRoot, keys[3].VerifyingKey.PreprocessedRoot]);
        var prover = new Prover128(Config);
        var proofs = new[] { fa, fb, fx }.Select((f, i) => prover.Prove(padded[i], Keyed128.LeafHints(set.Root, new Hints128(Config, FibAirs, f)))).ToArray();
        var airs = Machine128.AirsOf(shape);
        Hints128 Child(int i) => new(Config, airs, proofs[i].Stark, keys[i].VerifyingKey);

        var top = new Prover128(Config) { CheckConstraints = true }.Prove(node, Keyed128.NodeHints(set, [(Child(0), keys[0].VerifyingKey.PreprocessedRoot), (Child(1), keys[1].VerifyingKey.PreprocessedRoot)]));
        var payload = Keyed128.NodePayload([(keys[0].VerifyingKey.PreprocessedRoot, Keyed128.LeafPayload([0, 1, 987])), (keys[1].VerifyingKey.PreprocessedRoot, Keyed128.LeafPayload([.. fb.PublicValues[0].Select(v => v.ToCanonical())]))]);
        var verifier = new Verifier128(Config);
        Assert.True(Keyed128.VerifyTop(verifier, node, set.Root, payload, top.Stark).IsValid);
        var otherRoot = set.Root.Elements.ToArray();
        otherRoot[11] += KoalaBear.One;
        Assert.False(Keyed128.VerifyTop(verifier, node, KoalaBearWideDigest.FromElements(otherRoot), payload, top.Stark).IsValid);

        // The third leaf (same shape, not in the set) with leaf B's path: refused.
        var honest = Keyed128.NodeHints(set, [(Child(0), keys[0].VerifyingKey.PreprocessedRoot), (Child(1), keys[1].VerifyingKey.PreprocessedRoot)]);
        var outsider = new KeyedRecursionHints<KoalaBearParameters>([.. honest.Root], [honest.Children[0], honest.Children[1] with { Proof = Child(2) }]);
        var run = Executor128.Run(node, outsider);
        output.WriteLine($"outsider: {run}");
        Assert.False(run.Accepted);
        Assert.Contains("not in the allowed set", run.ToString());
    }
}
