namespace Prover.Core.Zkvm.Cpu;

/// <summary>
/// The register file as the memory argument sees it: each register's value and the timestamp (4·clk + slot)
/// of its last access. It starts an execution with the initial registers at ts 0 (what MemoryInit produces)
/// and is carried from shard to shard, so register accesses chain across shards on the memory bus with
/// absolute timestamps.
/// </summary>
public sealed class RegisterFile
{
    public RegisterFile(IReadOnlyList<ulong> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != 32)
            throw new ArgumentException("32 registers", nameof(values));
        Values = [.. values];
        Values[0] = 0;
    }

    public ulong[] Values { get; }

    public long[] Timestamps { get; } = new long[32];

    /// <summary>Registers accessed at least once (x0 included when read).</summary>
    public bool[] Touched { get; } = new bool[32];
}
