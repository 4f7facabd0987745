namespace Prover.Cli.Tests;

/// <summary>
/// A fact that runs only with <c>PROVER_PROVE_BLOCKS=1</c> (the suite's switch for proofs that take minutes: here whole
/// recursion chains under the development preset's 100 queries); skipped with that reason otherwise.
/// </summary>
public sealed class ProveBlocksFactAttribute : FactAttribute
{
    public ProveBlocksFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PROVER_PROVE_BLOCKS") != "1")
            Skip = "recursion chains under the development preset take a minute or more: set PROVER_PROVE_BLOCKS=1 to run (the same statements are tested at small scale in ZkvmEpochTests)";
    }
}
