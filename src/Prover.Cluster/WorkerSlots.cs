using Orleans;

namespace Prover.Cluster;

/// <summary>
/// One place a worker runs a shard job: a GPU (its backend bound to that device alone) or the CPU (the CPU backend, on
/// every core). <see cref="Device"/> is <c>cpu</c> or a <see cref="LocalDevice.Id"/> such as <c>cuda:1</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSlot(
    [property: Id(0)] int Index,
    [property: Id(1)] string Device,
    [property: Id(2)] string Name,
    [property: Id(3)] long MemoryBytes)
{
    public const string Cpu = "cpu";

    public bool IsCpu => Device == Cpu;

    public override string ToString() => IsCpu ? $"#{Index} cpu" : $"#{Index} {Device} ({Name}{(MemoryBytes > 0 ? $", {MemoryBytes >> 20} MiB" : "")})";
}

/// <summary>The slots a worker advertises, from its settings and the devices it found (docs/design.md, "Devices and placement").</summary>
public static class WorkerSlots
{
    /// <summary>
    /// Every device is a slot (with <see cref="ClusterOptions.Slots"/> &gt; 0, only the first that many); the CPU is a slot
    /// when <see cref="ClusterOptions.CpuSlot"/> says so, and by default only when there is no device (a CPU shard proof
    /// uses every core, which the GPU slots' host work needs). Without devices, <see cref="ClusterOptions.Slots"/> CPU
    /// slots (default one). Never empty.
    /// </summary>
    public static WorkerSlot[] Plan(ClusterOptions options, IReadOnlyList<LocalDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(devices);
        var slots = new List<WorkerSlot>();
        var used = options.Slots > 0 ? devices.Take(options.Slots) : devices;
        foreach (var d in used)
            slots.Add(new WorkerSlot(slots.Count, d.Id, d.Name, d.MemoryBytes));
        if (slots.Count == 0)
        {
            int cpu = options.Slots > 0 ? options.Slots : 1;
            for (int i = 0; i < cpu; i++)
                slots.Add(new WorkerSlot(slots.Count, WorkerSlot.Cpu, "CPU", 0));
        }
        else if (options.CpuSlot == true)
        {
            slots.Add(new WorkerSlot(slots.Count, WorkerSlot.Cpu, "CPU", 0));
        }
        return [.. slots];
    }
}
