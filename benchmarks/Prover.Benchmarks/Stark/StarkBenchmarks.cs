using BenchmarkDotNet.Attributes;
using Prover.Core.Air;
using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Matrix;
using Prover.Core.Stark;
using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
using Prover.Core.Hash;

namespace Prover.Benchmarks.Stark;

/// <summary>
/// Proving and verifying the Poseidon2 AIR (one permutation per row, 164 columns) under the
/// development preset (quartic extension, blowup 2; the baseline) and the provable-100 preset
/// (degree-8 extension, blowup 8). Larger sizes are measured with <c>prover demo</c> (docs/benchmarks.md).
/// The setup checks that both proofs verify before timing.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class StarkBenchmarks
{
    private IAir<KoalaBear>[] _airs = [];
    private RowMajorMatrix<KoalaBear>[] _traces = [];
    private KoalaBear[][] _publics = [];
    private byte[] _devProof = [];
    private byte[] _provableProof = [];

    [Params(10, 12)]
    public int LogRows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_airs, _traces, _publics) = DemoCatalog.Build("poseidon2", LogRows);
        _devProof = ProofSerializer.Serialize(ProveDevelopment());
        _provableProof = ProofSerializer.Serialize(ProveProvable100());
        if (!new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(StarkConfig.Development).Verify(_airs, _devProof).IsValid
            || !new StarkVerifier<KoalaBearParameters, KoalaBearOctic, Digest<KoalaBearParameters>>(StarkConfig.Provable100).Verify(_airs, _provableProof).IsValid)
            throw new InvalidOperationException("a benchmark proof does not verify");
    }

    [Benchmark(Baseline = true)]
    public StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, Digest<KoalaBearParameters>> ProveDevelopment() =>
        new StarkProver<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(StarkConfig.Development).Prove(_airs, _traces, _publics);

    [Benchmark]
    public StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearOctic>, Digest<KoalaBearParameters>> ProveProvable100() =>
        new StarkProver<KoalaBearParameters, KoalaBearOctic, Digest<KoalaBearParameters>>(StarkConfig.Provable100).Prove(_airs, _traces, _publics);

    [Benchmark]
    public bool VerifyDevelopment() =>
        new StarkVerifier<KoalaBearParameters, KoalaBearQuartic, Digest<KoalaBearParameters>>(StarkConfig.Development).Verify(_airs, _devProof).IsValid;

    [Benchmark]
    public bool VerifyProvable100() =>
        new StarkVerifier<KoalaBearParameters, KoalaBearOctic, Digest<KoalaBearParameters>>(StarkConfig.Provable100).Verify(_airs, _provableProof).IsValid;
}
