using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Gpu.Cuda;
using Prover.Gpu.Ilgpu;
using Prover.Gpu.OpenCl;

namespace Prover.Gpu;

/// <summary>
/// Which backend to use: automatic (a GPU through ILGPU, then the hand-written CUDA and OpenCL-GPU
/// paths, then the CPU) or one in particular.
/// </summary>
public enum BackendKind
{
    Auto,
    Cpu,

    /// <summary>Hand-written CUDA kernels compiled at run time by NVRTC.</summary>
    Cuda,

    /// <summary>Hand-written OpenCL kernels (PoCL included).</summary>
    OpenCl,

    /// <summary>ILGPU on a GPU (CUDA, or OpenCL with the generic address space).</summary>
    Ilgpu,

    /// <summary>ILGPU's CPU accelerator: the GPU kernels run on the CPU (slow; for correctness checks without a GPU).</summary>
    IlgpuCpu,
}

/// <summary>
/// <see cref="IProverBackend{TParams}"/> on a GPU: the trace and quotient LDEs and the Merkle
/// commitments run on the device; DFTs of small matrices and Merkle openings stay on the CPU (they
/// are cheap and the seam does not route them through the backend). Results are word-for-word those
/// of <see cref="CpuBackend{TParams}"/>, so proofs are the same bytes.
/// </summary>
public sealed class GpuProverBackend<TParams> : IProverBackend<TParams>, IDisposable where TParams : struct, IMontyParameters
{
    private readonly bool _ownsDevice;

    public GpuProverBackend(GpuDevice device, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _ownsDevice = ownsDevice;
        Operations = new GpuOperations<TParams>(device);
    }

    public GpuDevice Device { get; }

    public GpuOperations<TParams> Operations { get; }

    public string Name => Device.Info.Api;

    public ITwoAdicSubgroupDft<MontyField31<TParams>> Dft => Radix2Dft<TParams>.Instance;

    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift) =>
        Operations.CosetLdeBitReversed(evaluations, addedBits, shift);

    /// <summary>
    /// The device kernels hash 8-element digests (Poseidon2 width 16): those trees are built on the device. A
    /// configuration with wider digests (provable-128: 12 elements, width 24) is committed by the CPU MMCS instead —
    /// the same tree any backend must produce, so the proof stays correct and identical; only the LDEs run on the device.
    /// </summary>
    public MerkleTree<TParams, TDigest> Commit<TDigest>(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
        where TDigest : struct, IDigest<TDigest, TParams> =>
        typeof(TDigest) == typeof(Digest<TParams>)
            ? (MerkleTree<TParams, TDigest>)(object)Operations.Commit(matrices)
            : MerkleTreeMmcs<TParams, TDigest>.Default.Commit(matrices);

    /// <summary>Whether trees of <typeparamref name="TDigest"/> are hashed on the device (else on the CPU).</summary>
    public static bool HashesOnDevice<TDigest>() where TDigest : struct, IDigest<TDigest, TParams> => typeof(TDigest) == typeof(Digest<TParams>);

    public void Dispose()
    {
        Operations.Dispose();
        if (_ownsDevice)
            Device.Dispose();
    }
}

/// <summary>Backend selection. Never throws for a missing driver, library or device: it reports why and falls back.</summary>
public static class GpuBackend
{
    /// <summary>The option values <see cref="Parse"/> accepts, for command lines and library options.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "ilgpu", "ilgpu:cpu", "cuda", "opencl"];

    /// <summary>"auto", "cpu", "ilgpu", "ilgpu:cpu", "cuda" or "opencl" (case-insensitive) → the kind; anything else is an error.</summary>
    public static BackendKind Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToLowerInvariant() switch
        {
            "auto" => BackendKind.Auto,
            "cpu" => BackendKind.Cpu,
            "ilgpu" => BackendKind.Ilgpu,
            "ilgpu:cpu" => BackendKind.IlgpuCpu,
            "cuda" => BackendKind.Cuda,
            "opencl" => BackendKind.OpenCl,
            _ => throw new ArgumentException($"unknown backend '{value}'; expected one of {string.Join(", ", Names)}", nameof(value)),
        };
    }

    /// <summary>Host↔device bytes and the most device memory held, for an ILGPU backend; null for other backends.</summary>
    public static IReadOnlyDictionary<string, long>? DeviceCounters<TParams>(IProverBackend<TParams> backend) where TParams : struct, IMontyParameters =>
        backend is IlgpuProverBackend<TParams> ilgpu
            ? new Dictionary<string, long>
            {
                ["bytes_to_device"] = ilgpu.Device.BytesToDevice,
                ["bytes_from_device"] = ilgpu.Device.BytesFromDevice,
                ["peak_device_bytes"] = ilgpu.Device.PeakDeviceBytes,
            }
            : null;

    /// <summary>
    /// Opens an ILGPU backend: <see cref="BackendKind.Ilgpu"/> (and Auto) on a GPU,
    /// <see cref="BackendKind.IlgpuCpu"/> on ILGPU's CPU accelerator. False, with the reasons, when none opens.
    /// </summary>
    public static bool TryCreateIlgpu<TParams>(BackendKind kind, out IlgpuProverBackend<TParams>? backend, out string report)
        where TParams : struct, IMontyParameters
    {
        backend = null;
        if (kind is not (BackendKind.Auto or BackendKind.Ilgpu or BackendKind.IlgpuCpu))
        {
            report = $"{kind} is not an ILGPU backend";
            return false;
        }
        if (!IlgpuDevice.TryOpen(kind == BackendKind.IlgpuCpu ? IlgpuDeviceKind.Cpu : IlgpuDeviceKind.Gpu, out var device, out report))
            return false;
        backend = new IlgpuProverBackend<TParams>(device!);
        return true;
    }

    /// <summary>
    /// ILGPU backends on every GPU after the first (ordinals 1, 2, … of <see cref="IlgpuDevice.EnumerateGpus"/>; the first is the one
    /// <see cref="TryCreateIlgpu{TParams}"/> opens): with it, one slot per GPU for the zkVM prover's shard proofs
    /// (<c>ZkvmProverOptions.Backends</c>). Empty with one GPU or none; a GPU that does not open is left out, with the reason.
    /// </summary>
    public static IReadOnlyList<IlgpuProverBackend<TParams>> OpenOtherIlgpuGpus<TParams>(out string report)
        where TParams : struct, IMontyParameters
    {
        var gpus = IlgpuDevice.EnumerateGpus(out report);
        var opened = new List<IlgpuProverBackend<TParams>>();
        var reasons = new List<string>();
        for (int ordinal = 1; ordinal < gpus.Count; ordinal++)
        {
            if (IlgpuDevice.TryOpenGpu(ordinal, out var device, out string why))
                opened.Add(new IlgpuProverBackend<TParams>(device!));
            else
                reasons.Add(why);
        }
        report = opened.Count == 0 && reasons.Count == 0 ? (gpus.Count <= 1 ? "one GPU or none" : report) : string.Join("; ",
            opened.Select(b => b.Device.Description).Concat(reasons));
        return opened;
    }

    /// <summary>
    /// Opens a GPU backend of the requested kind (Auto: CUDA first, then OpenCL). Returns false, with
    /// the reasons, when none is available; <paramref name="backend"/> is then null.
    /// </summary>
    public static bool TryCreate<TParams>(BackendKind kind, out GpuProverBackend<TParams>? backend, out string report)
        where TParams : struct, IMontyParameters
    {
        backend = null;
        var reasons = new List<string>();
        if (kind is BackendKind.Ilgpu or BackendKind.IlgpuCpu)
        {
            report = $"{kind} is an ILGPU backend (TryCreateIlgpu)";
            return false;
        }
        if (kind is BackendKind.Auto or BackendKind.Cuda)
        {
            if (CudaDevice.TryOpen(out var cuda, out var why))
                return Open(cuda!, out backend, out report);
            reasons.Add("cuda: " + why);
        }
        if (kind is BackendKind.Auto or BackendKind.OpenCl)
        {
            // Auto takes only a real GPU: an OpenCL CPU device (PoCL) is a correctness path, slower than the CPU backend.
            if (OpenClDevice.TryOpen(out var cl, out var why, requireGpu: kind == BackendKind.Auto))
                return Open(cl!, out backend, out report);
            reasons.Add("opencl: " + why);
        }
        if (kind == BackendKind.Cpu)
            reasons.Add("cpu requested");
        report = string.Join("; ", reasons);
        return false;
    }

    /// <summary>The backend to prove with: the requested GPU one if it opens, else the CPU (the report says which and why).</summary>
    public static IProverBackend<TParams> CreateOrCpu<TParams>(BackendKind kind, out string report) where TParams : struct, IMontyParameters
    {
        if (kind == BackendKind.Cpu)
        {
            report = "cpu (requested)";
            return CpuBackend<TParams>.Instance;
        }
        string ilgpuWhy = "";
        if (kind is BackendKind.Auto or BackendKind.Ilgpu or BackendKind.IlgpuCpu)
        {
            if (TryCreateIlgpu<TParams>(kind, out var ilgpu, out ilgpuWhy))
            {
                report = ilgpuWhy;
                return ilgpu!;
            }
            if (kind != BackendKind.Auto)
            {
                report = "cpu (ILGPU not available: " + ilgpuWhy + ")";
                return CpuBackend<TParams>.Instance;
            }
        }
        if (TryCreate<TParams>(kind, out var gpu, out var why))
        {
            report = why;
            return gpu!;
        }
        if (ilgpuWhy.Length > 0)
            why = ilgpuWhy + "; " + why;
        report = "cpu (GPU not available: " + why + ")";
        return CpuBackend<TParams>.Instance;
    }

    private static bool Open<TParams>(GpuDevice device, out GpuProverBackend<TParams>? backend, out string report) where TParams : struct, IMontyParameters
    {
        backend = new GpuProverBackend<TParams>(device);
        report = $"{device.Info.Api}: {device.Info.Name} ({device.Info.GlobalMemoryBytes >> 20} MiB; {device.Info.Details})";
        return true;
    }

    /// <summary>Every device each API reports, with the reason for an API that reports none.</summary>
    public static IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        if (IlgpuDevice.TryOpen(IlgpuDeviceKind.Gpu, out var ilgpu, out var ilgpuWhy))
        {
            lines.Add(ilgpu!.Description);
            ilgpu.Dispose();
        }
        else
            lines.Add("ilgpu gpu: not available (" + ilgpuWhy + ")");
        var cuda = CudaDevice.Enumerate(out var cudaWhy);
        lines.AddRange(cuda.Count > 0 ? cuda.Select(d => $"cuda: {d.Name}, {d.GlobalMemoryBytes >> 20} MiB, {d.Details}") : ["cuda: not available (" + cudaWhy + ")"]);
        var cl = OpenClDevice.Enumerate(out var clWhy);
        lines.AddRange(cl.Count > 0 ? cl.Select(d => $"opencl: {d.Name}, {d.GlobalMemoryBytes >> 20} MiB, {d.Details}") : ["opencl: not available (" + clWhy + ")"]);
        return lines;
    }
}
