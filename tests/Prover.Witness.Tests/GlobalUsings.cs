global using Prover.TestSupport;
