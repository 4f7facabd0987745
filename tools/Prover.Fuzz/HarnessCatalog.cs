using Prover.Fuzz.Harnesses;

namespace Prover.Fuzz;

/// <summary>Every harness, by name.</summary>
public static class HarnessCatalog
{
    public static IReadOnlyList<FuzzHarness> All { get; } =
    [
        new RlpHarness(), new SszInputHarness(), new SszResultHarness(), new WitnessJsonHarness(), new ElfHarness(),
        new ProofEnvelopeHarness(), new StarkProofHarness(), new ZkvmProofHarness(),
    ];

    public static FuzzHarness? Find(string name) => All.FirstOrDefault(h => h.Name == name);
}
