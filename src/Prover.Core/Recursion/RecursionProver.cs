using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>A proof that a recursion program accepted a run, and the outputs it states (the run's <see cref="RecursionProgram.Outputs"/>).</summary>
public sealed record RecursionProof<TParams, TDef, TDigest>(StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> Stark, IReadOnlyList<uint> Outputs)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>;

/// <summary>The program rejected the run (a failed assertion, an inverse of zero, a hint that does not fit): there is nothing to prove.</summary>
public sealed class RecursionRejectedException(RecursionRun run) : Exception($"the recursion program rejects the run: {run}")
{
    public RecursionRun Run { get; } = run;
}

/// <summary>
/// Proves that a <see cref="RecursionProgram"/> accepts a run on given hints: runs the executor, turns its memory into
/// the recursion chips' traces (<see cref="RecursionMachine{TParams, TDef}"/>) and proves them with the multi-table
/// <see cref="StarkProver{TParams, TDef, TDigest}"/> under <paramref name="config"/>. A run the program rejects is refused
/// (<see cref="RecursionRejectedException"/>); the chips could not prove it anyway.
/// </summary>
public sealed class RecursionProver<TParams, TDef, TDigest>(StarkConfig config, IProverBackend<TParams>? backend = null)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>
{
    /// <summary>Check every table's constraints and the buses' balance before proving (slower; a failure throws).</summary>
    public bool CheckConstraints { get; init; }

    /// <summary>Time of each step of the last proof: run, setup, traces, STARK.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastTimings { get; private set; } = [];

    /// <summary>Security of the last recursion proof's shape.</summary>
    public Security.SecurityReport? LastSecurity { get; private set; }

    /// <summary>The phases of the last STARK proof.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastStarkTimings { get; private set; } = [];

    public RecursionProof<TParams, TDef, TDigest> Prove(RecursionProgram program, IRecursionHints<TParams> hints)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(hints);
        var timings = new List<(string, double)>();
        var sw = Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings.Add((phase, sw.Elapsed.TotalMilliseconds));
            sw.Restart();
        }
        var run = RecursionExecutor<TParams, TDef>.Run(program, hints, out var memory);
        if (!run.Accepted)
            throw new RecursionRejectedException(run);
        Lap("execute");
        var machine = new RecursionMachine<TParams, TDef>(program);
        var key = machine.Setup<TDigest>(config, backend);
        Lap("setup (program columns)");
        var traces = machine.GenerateTraces(memory);
        Lap("traces");
        var proof = ProveTraces(machine, key, traces, run.Outputs, CheckConstraints);
        Lap("STARK");
        LastTimings = timings;
        return new RecursionProof<TParams, TDef, TDigest>(proof, run.Outputs);
    }

    /// <summary>Proves given traces of the machine (tests force traces of rejected or altered runs through here; <paramref name="check"/> off lets them reach the verifier).</summary>
    internal StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> ProveTraces(RecursionMachine<TParams, TDef> machine,
        ProvingKey<TParams, TDigest> key, RowMajorMatrix<MontyField31<TParams>>[] traces, IReadOnlyList<uint> outputs, bool check)
    {
        var prover = new StarkProver<TParams, TDef, TDigest>(config, backend) { CheckConstraints = check };
        var proof = prover.Prove(machine.Airs, traces, machine.PublicValues(outputs), key);
        LastStarkTimings = prover.LastTimings;
        LastSecurity = prover.LastSecurity;
        return proof;
    }
}
