using Prover.Cli;

return ProverCli.Run(args);
