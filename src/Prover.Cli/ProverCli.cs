using System.CommandLine;

namespace Prover.Cli;

/// <summary>The <c>prover</c> command tree (built here so tests can invoke it in-process).</summary>
public static class ProverCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("prover: proves Ethereum block execution with a STARK over a RV64IM zkVM");
        root.Subcommands.Add(ExecuteCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ProveCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(RecursionSizeCommand.Create());
        root.Subcommands.Add(ShapesCommand.Create());
        root.Subcommands.Add(RecursionProveCommand.Create());
        root.Subcommands.Add(AggregateCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(GpuBenchCommand.Create());
        root.Subcommands.Add(FetchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        return root;
    }

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
