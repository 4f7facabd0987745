using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Gpu;
using Prover.Gpu.Cuda;
using Prover.Gpu.Ilgpu;
using Prover.Gpu.OpenCl;

namespace Prover.Cluster;

/// <summary>
/// One accelerator of this machine a worker can prove on: <paramref name="Backend"/> is the backend kind that opens it
/// (ilgpu, cuda, opencl, ilgpu:cpu), <paramref name="Ordinal"/> its number among that kind's devices.
/// </summary>
public sealed record LocalDevice(string Backend, int Ordinal, string Name, long MemoryBytes)
{
    /// <summary>"cuda:1", "ilgpu:0", "ilgpu:cpu:0": the slot's backend as the worker advertises it.</summary>
    public string Id => $"{Backend}:{Ordinal}";
}

/// <summary>
/// The accelerators a worker finds and how it opens a prover backend on one of them. The default
/// (<see cref="LocalDevices"/>) asks Prover.Gpu; tests give a list of their own.
/// </summary>
public interface IDeviceInventory
{
    /// <summary>The devices usable with the backend kind a worker was told to use (none for the CPU), and why there are none.</summary>
    IReadOnlyList<LocalDevice> Find(BackendKind kind, int cpuAccelerators, out string report);

    /// <summary>A prover backend on <paramref name="device"/> (disposed by the worker); throws when it cannot be opened.</summary>
    IProverBackend<KoalaBearParameters> Open(LocalDevice device);
}

/// <summary>
/// This machine's GPUs through Prover.Gpu: <see cref="BackendKind.Auto"/> takes every ILGPU GPU (CUDA, then OpenCL GPUs),
/// else the hand-written CUDA path's devices, else OpenCL GPUs (the order <see cref="GpuBackend.CreateOrCpu{TParams}"/>
/// tries for one device); a named kind takes that kind's devices; <see cref="BackendKind.IlgpuCpu"/> gives ILGPU's CPU
/// accelerator as many times as asked (a device for tests without a GPU). Never throws for a missing driver.
/// </summary>
public sealed class LocalDevices : IDeviceInventory
{
    public static LocalDevices Instance { get; } = new();

    public IReadOnlyList<LocalDevice> Find(BackendKind kind, int cpuAccelerators, out string report)
    {
        var reasons = new List<string>();
        IReadOnlyList<LocalDevice> Take(string backend, IReadOnlyList<GpuDeviceInfo> found, string why)
        {
            if (found.Count == 0)
                reasons.Add($"{backend}: {why}");
            return [.. found.Select((d, i) => new LocalDevice(backend, i, d.Name, d.GlobalMemoryBytes))];
        }

        IReadOnlyList<LocalDevice> devices = [];
        switch (kind)
        {
            case BackendKind.Cpu:
                reasons.Add("cpu requested");
                break;
            case BackendKind.IlgpuCpu:
                devices = [.. Enumerable.Range(0, Math.Max(1, cpuAccelerators)).Select(i => new LocalDevice("ilgpu:cpu", i, "ILGPU CPU accelerator", 0))];
                break;
            case BackendKind.Ilgpu:
                devices = Take("ilgpu", IlgpuDevice.EnumerateGpus(out var ilgpuWhy), ilgpuWhy);
                break;
            case BackendKind.Cuda:
                devices = Take("cuda", CudaDevice.Enumerate(out var cudaWhy), cudaWhy);
                break;
            case BackendKind.OpenCl:
                devices = Take("opencl", GpusOnly(OpenClDevice.Enumerate(out var clWhy)), clWhy);
                break;
            default:
                devices = Take("ilgpu", IlgpuDevice.EnumerateGpus(out var a), a);
                if (devices.Count == 0)
                    devices = Take("cuda", CudaDevice.Enumerate(out var b), b);
                if (devices.Count == 0)
                    devices = Take("opencl", GpusOnly(OpenClDevice.Enumerate(out var c)), c);
                break;
        }
        report = devices.Count > 0 ? string.Join(", ", devices.Select(d => $"{d.Id} {d.Name}")) : string.Join("; ", reasons);
        return devices;
    }

    // As GpuBackend's automatic choice: an OpenCL CPU device (PoCL) is a correctness path, not a slot.
    private static IReadOnlyList<GpuDeviceInfo> GpusOnly(IReadOnlyList<GpuDeviceInfo> devices) =>
        [.. devices.Where(d => d.Details.Contains("type GPU", StringComparison.Ordinal))];

    public IProverBackend<KoalaBearParameters> Open(LocalDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        string why;
        switch (device.Backend)
        {
            case "ilgpu:cpu":
                if (IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var cpu, out why))
                    return new IlgpuProverBackend<KoalaBearParameters>(cpu!);
                break;
            case "ilgpu":
                if (IlgpuDevice.TryOpenGpu(device.Ordinal, out var gpu, out why))
                    return new IlgpuProverBackend<KoalaBearParameters>(gpu!);
                break;
            case "cuda":
                if (CudaDevice.TryOpen(out var cuda, out why, device.Ordinal))
                    return new GpuProverBackend<KoalaBearParameters>(cuda!);
                break;
            case "opencl":
                if (OpenClDevice.TryOpen(out var cl, out why, device.Ordinal, requireGpu: true))
                    return new GpuProverBackend<KoalaBearParameters>(cl!);
                break;
            default:
                throw new ArgumentException($"unknown device backend '{device.Backend}'");
        }
        throw new InvalidOperationException($"device {device.Id} ({device.Name}) did not open: {why}");
    }
}
