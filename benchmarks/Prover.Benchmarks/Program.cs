using BenchmarkDotNet.Running;

namespace Prover.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/Prover.Benchmarks -- --filter '*Ntt*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["zkvm-phases", ..])
            Zkvm.ZkvmPhases.Run(args);
        else if (args is ["shard-prove", ..])
            Zkvm.ShardRetention.Prove(args);
        else if (args is ["shard-model", ..])
            Zkvm.ShardRetention.Model(args);
        else if (args is ["shard-retention", ..])
            Zkvm.ShardRetention.Run(args);
        else if (args is ["zkvm-logup", ..])
            Zkvm.ZkvmPhases.LogUpSplit(args);
        else if (args is ["openings-time", ..])
            Stark.OpeningsModel.Time(args);
        else if (args is ["openings-model", ..])
            Stark.OpeningsModel.Run(args);
        else if (args is ["size-model", ..])
            Stark.SizeModel.Run(args);
        else if (args is ["recursion-final", ..])
            Stark.RecursionFinal.Run(args);
        else if (args is ["final-verify", ..])
            Stark.FinalVerify.Run(args);
        else if (args is ["table-shapes", ..])
            Stark.TableShapes.Run(args);
        else if (args is ["proof-account", ..])
            Stark.ProofAccount.Run(args);
        else if (args is ["fixed-tables", ..])
            Zkvm.FixedTableShapes.Run(args);
        else if (args is ["node-overhead", ..])
            Node.NodeOverhead.Run(args);
        else if (args is ["cluster-overhead", ..])
            Cluster.ClusterOverhead.Run(args);
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
