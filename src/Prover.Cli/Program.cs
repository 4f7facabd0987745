using System.CommandLine;
using Prover.Cli;

var root = new RootCommand("prover: proves Ethereum block execution with a STARK over a RV64IM zkVM");
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
return root.Parse(args).Invoke();
