using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Stark;

namespace Prover.Core.Tests.Stark;

/// <summary>
/// The verifier's DEEP reduction at a query (Y once per proof, S = Σ λ^c·row_c with base-field rows, one inverse per
/// distinct height and point) against the term-by-term reference, on the layouts of real proofs (next-row columns,
/// LogUp, several heights) with random rows, points and λ.
/// </summary>
public sealed class DeepReductionTests
{
    private static void Matches<TDef>(string demo, StarkConfig config) where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var (airs, traces, publics) = DemoCatalog.Build(demo, 5);
        var proof = new StarkProver<KoalaBearParameters, TDef, KoalaBearDigest>(config).Prove(airs, traces, publics);
        var compiled = airs.Select((a, t) => new CompiledAir<KoalaBear>(a, config.LogUpBatchingFor(proof.LogHeights[t]))).ToList();
        var layout = new StarkLayout<KoalaBear>(compiled, proof.LogHeights, TDef.Degree, config.LogBlowup, config.LogFinalPolyLength, config.FoldingArity);
        var rng = new Random(17);
        KoalaBear F() => KoalaBear.FromUInt64((ulong)rng.NextInt64(KoalaBear.Modulus));
        ExtensionField<KoalaBear, TDef> E() => ExtensionField<KoalaBear, TDef>.FromCoefficients([.. Enumerable.Range(0, TDef.Degree).Select(_ => F())]);
        Assert.Contains(layout.Matrices, m => m.PointCount > 1 && m.Columns(1) is not null);
        for (int trial = 0; trial < 8; trial++)
        {
            var zeta = E();
            var lambdaPowers = E().Powers(layout.LambdaPowers);
            int index = rng.Next(1 << layout.LogMaxLdeHeight);
            var rows = Enumerable.Range(0, layout.TreeCount)
                .Select(tree => (IReadOnlyList<KoalaBear[]>)layout.InTree(tree).Select(m => Enumerable.Range(0, m.Width).Select(_ => F()).ToArray()).ToList()).ToList();
            var fast = Deep<KoalaBearParameters, TDef>.ReduceAtQuery(layout, rows, index, proof.Openings, zeta, lambdaPowers);
            var reference = Deep<KoalaBearParameters, TDef>.ReduceAtQueryReference(layout, rows, index, proof.Openings, zeta, lambdaPowers);
            Assert.Equal(reference.OrderBy(p => p.Key), fast.OrderBy(p => p.Key));
            // A changed row value changes the reduction (the comparison is not vacuous).
            rows[0][0][0] += KoalaBear.One;
            Assert.NotEqual(fast[layout.InTree(0).First().LogLdeHeight], Deep<KoalaBearParameters, TDef>.ReduceAtQuery(layout, rows, index, proof.Openings, zeta, lambdaPowers)[layout.InTree(0).First().LogLdeHeight]);
        }
        // All queries at once (one batch inversion, numerators summed per point) equals the reference at each query,
        // for query counts below and above the lane counts and with repeated indices.
        foreach (int queries in new[] { 1, 5, 21 })
        {
            var zeta = E();
            var lambdaPowers = E().Powers(layout.LambdaPowers);
            var claims = Deep<KoalaBearParameters, TDef>.ClaimsAt(layout, proof.Openings, zeta, lambdaPowers);
            var indices = Enumerable.Range(0, queries).Select(_ => rng.Next(1 << layout.LogMaxLdeHeight)).ToArray();
            var rows = indices.Select(_ => (IReadOnlyList<IReadOnlyList<KoalaBear[]>>)Enumerable.Range(0, layout.TreeCount)
                .Select(tree => (IReadOnlyList<KoalaBear[]>)layout.InTree(tree).Select(m => Enumerable.Range(0, m.Width).Select(_ => F()).ToArray()).ToList()).ToList()).ToList();
            var all = Deep<KoalaBearParameters, TDef>.ReduceAtQueries(layout, rows, indices, claims, lambdaPowers);
            Assert.Equal(queries, all.Length);
            for (int q = 0; q < queries; q++)
                Assert.Equal(Deep<KoalaBearParameters, TDef>.ReduceAtQueryReference(layout, rows[q], indices[q], proof.Openings, zeta, lambdaPowers).OrderBy(p => p.Key),
                    all[q].OrderBy(p => p.Key));
            using (KernelSelection.UseReference(ReferenceFamily.Verifier))
            {
                var perQuery = Deep<KoalaBearParameters, TDef>.ReduceAtQueries(layout, rows, indices, claims, lambdaPowers);
                for (int q = 0; q < queries; q++)
                    Assert.Equal(perQuery[q].OrderBy(p => p.Key), all[q].OrderBy(p => p.Key));
            }
        }
    }

    [Fact]
    public void Fast_reduction_equals_the_term_by_term_reference()
    {
        Matches<KoalaBearQuartic>("lookup", StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 });
        Matches<KoalaBearOctic>("lookup", StarkConfig.Provable100 with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2, AllowInsecure = true });
        Matches<KoalaBearQuartic>("fibonacci", StarkConfig.Development with { NumQueries = 4, QueryPowBits = 0, LogFinalPolyLength = 2 });
    }
}
