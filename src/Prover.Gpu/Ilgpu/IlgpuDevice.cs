using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// One ILGPU context and one accelerator (CUDA, OpenCL or ILGPU's CPU accelerator), the kernels loaded
/// on it and a pool of device buffers reused across calls (and across shards). Calls are serialised by
/// <see cref="SyncRoot"/>: one stream, launches in order. Never throws for a missing driver or device:
/// <see cref="TryOpen"/> reports why.
/// </summary>
public sealed class IlgpuDevice : IDisposable
{
    private readonly Context _context;
    private readonly Dictionary<long, Stack<MemoryBuffer1D<uint, Stride1D.Dense>>> _pool = [];
    private bool _disposed;

    private IlgpuDevice(Context context, Accelerator accelerator, string description)
    {
        _context = context;
        Accelerator = accelerator;
        Description = description;
        Kernels = new IlgpuKernels(accelerator);
    }

    public Accelerator Accelerator { get; }

    /// <summary>"cuda", "opencl" or "cpu" (ILGPU's accelerator type).</summary>
    public string Api => Accelerator.AcceleratorType switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.OpenCL => "opencl",
        _ => "cpu",
    };

    /// <summary>Name, memory and what was skipped, for reports.</summary>
    public string Description { get; }

    /// <summary>The kernels, compiled for this accelerator on first use.</summary>
    public IlgpuKernels Kernels { get; }

    public object SyncRoot { get; } = new();

    /// <summary>Bytes copied host → device and device → host since the device was opened.</summary>
    public long BytesToDevice { get; private set; }

    public long BytesFromDevice { get; private set; }

    /// <summary>Most bytes held in device buffers at once (pool included).</summary>
    public long PeakDeviceBytes { get; private set; }

    private long _deviceBytes;

    /// <summary>Opens an accelerator of the requested kind; false (with the reasons) when none is available.</summary>
    public static bool TryOpen(IlgpuDeviceKind kind, out IlgpuDevice? device, out string report)
    {
        device = null;
        var reasons = new List<string>();
        if (kind == IlgpuDeviceKind.Cpu)
        {
            try
            {
                // ILGPU's default CPU device simulates one multiprocessor of 16 threads that meet at
                // barriers after every group: 16 spinning threads per launch. These kernels use no
                // barriers or shared memory, so the leanest legal shape (warps of 2 threads, ILGPU's
                // minimum, one warp per group) run sequentially on the calling thread is fastest
                // (Poseidon2: 9.4 µs/permutation against 21 µs with parallel groups and 200–670 µs
                // with 32-thread groups on the shared 2-core machine) and leaves the cores to others.
                var cpu = new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);
                var context = Context.Create(b => b.CPU(cpu).EnableAlgorithms());
                var accelerator = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Sequential);
                device = new IlgpuDevice(context, accelerator, $"ilgpu cpu accelerator ({accelerator.Name}, sequential)");
                report = device.Description;
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                report = "ilgpu cpu accelerator failed: " + e.Message;
                return false;
            }
        }
        if (TryOpenGpu(b => b.Cuda().EnableAlgorithms(), c => c.GetCudaDevices().Count > 0 ? c.CreateCudaAccelerator(0) : null, "cuda", reasons, out device)
            // ILGPU's OpenCL backend needs the generic address space (OpenCL 2.0+ GPUs from AMD and Intel);
            // devices without it (PoCL, OpenCL 1.2 drivers) are left out, as is an OpenCL CPU device.
            || TryOpenGpu(b => b.OpenCL(d => d.Capabilities.GenericAddressSpace && d.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU).EnableAlgorithms(),
                c => c.GetCLDevices().Count > 0 ? c.CreateCLAccelerator(0) : null, "opencl", reasons, out device))
        {
            report = device!.Description;
            return true;
        }
        report = string.Join("; ", reasons);
        return false;
    }

    /// <summary>
    /// Every GPU ILGPU can open, in the order <see cref="TryOpenGpu(int, out IlgpuDevice?, out string)"/> numbers them: the
    /// CUDA devices, then the OpenCL GPUs with the generic address space. Empty, with the reasons, when there is none.
    /// Never throws for a missing driver.
    /// </summary>
    public static IReadOnlyList<GpuDeviceInfo> EnumerateGpus(out string reason)
    {
        var list = new List<GpuDeviceInfo>();
        var reasons = new List<string>();
        foreach (var (api, configure, devices) in GpuApis())
        {
            try
            {
                using var context = Context.Create(configure);
                var found = devices(context);
                list.AddRange(found.Select(d => new GpuDeviceInfo("ilgpu " + api, d.Name, d.MemorySize, $"ilgpu {api} device")));
                if (found.Count == 0)
                    reasons.Add($"ilgpu {api}: no device");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reasons.Add($"ilgpu {api}: {e.GetType().Name}: {e.Message}");
            }
        }
        reason = list.Count > 0 ? "" : string.Join("; ", reasons);
        return list;
    }

    /// <summary>Opens GPU number <paramref name="ordinal"/> of <see cref="EnumerateGpus"/>; false (with the reasons) when there is no such device.</summary>
    public static bool TryOpenGpu(int ordinal, out IlgpuDevice? device, out string report)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        device = null;
        var reasons = new List<string>();
        int skipped = 0;
        foreach (var (api, configure, devices) in GpuApis())
        {
            Context? context = null;
            try
            {
                context = Context.Create(configure);
                var found = devices(context);
                if (ordinal - skipped < found.Count)
                {
                    var accelerator = found[ordinal - skipped].CreateAccelerator(context);
                    device = new IlgpuDevice(context, accelerator, $"ilgpu {api}: {accelerator.Name} ({accelerator.MemorySize >> 20} MiB)");
                    report = device.Description;
                    return true;
                }
                skipped += found.Count;
                context.Dispose();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reasons.Add($"ilgpu {api}: {e.GetType().Name}: {e.Message}");
                context?.Dispose();
            }
        }
        reasons.Add($"no ILGPU GPU number {ordinal} ({skipped} found)");
        report = string.Join("; ", reasons);
        return false;
    }

    /// <summary>The GPU APIs ILGPU is asked for, in order, with the devices each context lists.</summary>
    private static IEnumerable<(string Api, Action<Context.Builder> Configure, Func<Context, IReadOnlyList<Device>> Devices)> GpuApis()
    {
        yield return ("cuda", b => b.Cuda().EnableAlgorithms(), c => [.. c.GetCudaDevices()]);
        // As in TryOpen: OpenCL GPUs with the generic address space only.
        yield return ("opencl", b => b.OpenCL(d => d.Capabilities.GenericAddressSpace && d.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU).EnableAlgorithms(),
            c => [.. c.GetCLDevices()]);
    }

    private static bool TryOpenGpu(Action<Context.Builder> configure, Func<Context, Accelerator?> create, string api, List<string> reasons, out IlgpuDevice? device)
    {
        device = null;
        Context? context = null;
        try
        {
            context = Context.Create(configure);
            var accelerator = create(context);
            if (accelerator is null)
            {
                reasons.Add($"ilgpu {api}: no device");
                context.Dispose();
                return false;
            }
            device = new IlgpuDevice(context, accelerator, $"ilgpu {api}: {accelerator.Name} ({accelerator.MemorySize >> 20} MiB)");
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing driver library surfaces as DllNotFoundException, TypeInitializationException or
            // an ILGPU exception, depending on the API and platform: each is "not available", never a crash.
            reasons.Add($"ilgpu {api}: {e.GetType().Name}: {e.Message}");
            context?.Dispose();
            return false;
        }
    }

    // ---------------------------------------------------------------- buffers

    /// <summary>
    /// A device buffer of at least <paramref name="words"/> words from the pool (capacities are powers of
    /// two, so buffers are reused across shards of different heights). Its contents are undefined.
    /// </summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Rent(long words)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long capacity = words <= 1 ? 1 : 1L << (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(words - 1)));
        if (_pool.TryGetValue(capacity, out var stack) && stack.Count > 0)
            return stack.Pop();
        var buffer = Accelerator.Allocate1D<uint>(capacity);
        _deviceBytes += capacity * sizeof(uint);
        PeakDeviceBytes = Math.Max(PeakDeviceBytes, _deviceBytes);
        return buffer;
    }

    /// <summary>Gives a rented buffer back to the pool.</summary>
    public void Return(MemoryBuffer1D<uint, Stride1D.Dense> buffer)
    {
        if (_disposed)
        {
            buffer.Dispose();
            return;
        }
        if (!_pool.TryGetValue(buffer.Length, out var stack))
            _pool[buffer.Length] = stack = new Stack<MemoryBuffer1D<uint, Stride1D.Dense>>();
        stack.Push(buffer);
    }

    /// <summary>Frees every pooled buffer (between proofs of very different sizes).</summary>
    public void Trim()
    {
        foreach (var stack in _pool.Values)
        {
            while (stack.Count > 0)
            {
                var b = stack.Pop();
                _deviceBytes -= b.Length * sizeof(uint);
                b.Dispose();
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="view"/>.</summary>
    /// <remarks>
    /// The host memory is pinned for the copy: ILGPU's <c>ref T</c> copy overloads do not pin, and a
    /// managed array moved by the GC during the copy gave corrupted uploads (seen once as a wrong Merkle
    /// layer in a test run while other tests allocated).
    /// </remarks>
    public unsafe void Upload(ArrayView<uint> view, ReadOnlySpan<uint> source)
    {
        if (source.Length == 0)
            return;
        fixed (uint* p = source)
            view.SubView(0, source.Length).CopyFromCPU(ref Unsafe.AsRef<uint>(p), source.Length);
        BytesToDevice += (long)source.Length * sizeof(uint);
    }

    /// <summary>Waits for the launches and copies the start of <paramref name="view"/> to <paramref name="destination"/>.</summary>
    public unsafe void Download(ArrayView<uint> view, Span<uint> destination)
    {
        if (destination.Length == 0)
            return;
        Accelerator.Synchronize();
        fixed (uint* p = destination)
            view.SubView(0, destination.Length).CopyToCPU(ref Unsafe.AsRef<uint>(p), destination.Length);
        BytesFromDevice += (long)destination.Length * sizeof(uint);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        Trim();
        _disposed = true;
        Accelerator.Dispose();
        _context.Dispose();
    }
}
