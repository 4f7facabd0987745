using System.Globalization;
using System.Text;

namespace Prover.Gpu.Cuda;

/// <summary>
/// One CUDA device: a context, one stream on which every copy and launch is enqueued in order, a
/// page-locked staging buffer (grown geometrically, reused) for the asynchronous copies, and the
/// modules compiled by NVRTC for this device's compute capability (cached by source hash). Each
/// public call makes the context current on the calling thread first.
/// </summary>
public sealed unsafe class CudaDevice : GpuDevice
{
    private readonly CudaApi _api;
    private readonly CudaContextHandle _context;
    private readonly CudaStreamHandle _stream;
    private readonly string _architecture;
    private readonly Dictionary<string, CudaModuleHandle> _modules = [];
    private readonly Dictionary<(string Hash, string Name), CudaKernel> _kernels = [];
    private CudaPinnedHandle? _staging;
    private long _stagingBytes;

    private CudaDevice(CudaApi api, int ordinal, GpuDeviceInfo info, string architecture)
    {
        _api = api;
        Info = info;
        _architecture = architecture;
        IntPtr ctx;
        api.ThrowIfFailed(api.CtxCreate(&ctx, 0, ordinal), "cuCtxCreate");
        _context = CudaHandle.Wrap<CudaContextHandle>(ctx);
        try
        {
            IntPtr stream;
            api.ThrowIfFailed(api.StreamCreate(&stream, 1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
            _stream = CudaHandle.Wrap<CudaStreamHandle>(stream);
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    public override GpuDeviceInfo Info { get; }

    /// <summary>Every CUDA device, or an empty list with the reason (no driver, no device).</summary>
    public static IReadOnlyList<GpuDeviceInfo> Enumerate(out string reason)
    {
        var list = new List<GpuDeviceInfo>();
        var api = CudaApi.TryGet(out reason);
        if (api is null)
            return list;
        try
        {
            foreach (var (_, info, _) in Devices(api))
                list.Add(info);
            if (list.Count == 0)
                reason = "no CUDA device found";
        }
        catch (GpuException e)
        {
            reason = e.Message;
        }
        return list;
    }

    /// <summary>Opens a device; never throws (no driver, no device or no NVRTC give false with the reason).</summary>
    public static bool TryOpen(out CudaDevice? device, out string reason, int ordinal = 0)
    {
        device = null;
        var api = CudaApi.TryGet(out reason);
        if (api is null)
            return false;
        if (!Nvrtc.IsAvailable(out var nvrtcReason))
        {
            reason = "CUDA driver present but " + nvrtcReason;
            return false;
        }
        try
        {
            var all = Devices(api);
            if (all.Count <= ordinal)
            {
                reason = all.Count == 0 ? "no CUDA device found" : $"only {all.Count} CUDA devices";
                return false;
            }
            var (id, info, arch) = all[ordinal];
            device = new CudaDevice(api, id, info, arch);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is GpuException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = e.Message;
            return false;
        }
    }

    private static List<(int Ordinal, GpuDeviceInfo Info, string Architecture)> Devices(CudaApi api)
    {
        var list = new List<(int, GpuDeviceInfo, string)>();
        int count;
        int rc = api.DeviceGetCount(&count);
        if (rc == CudaApi.ErrorNoDevice)
            return list;
        api.ThrowIfFailed(rc, "cuDeviceGetCount");
        for (int i = 0; i < count; i++)
        {
            int dev, major, minor, sms;
            nuint memory;
            api.ThrowIfFailed(api.DeviceGet(&dev, i), "cuDeviceGet");
            var name = new byte[256];
            fixed (byte* n = name)
                api.ThrowIfFailed(api.DeviceGetName(n, name.Length, dev), "cuDeviceGetName");
            api.ThrowIfFailed(api.DeviceTotalMem(&memory, dev), "cuDeviceTotalMem");
            api.ThrowIfFailed(api.DeviceGetAttribute(&major, CudaApi.AttributeComputeCapabilityMajor, dev), "cuDeviceGetAttribute(CC major)");
            api.ThrowIfFailed(api.DeviceGetAttribute(&minor, CudaApi.AttributeComputeCapabilityMinor, dev), "cuDeviceGetAttribute(CC minor)");
            api.ThrowIfFailed(api.DeviceGetAttribute(&sms, CudaApi.AttributeMultiprocessorCount, dev), "cuDeviceGetAttribute(SM count)");
            string text = Encoding.UTF8.GetString(name).TrimEnd('\0');
            string cc = string.Create(CultureInfo.InvariantCulture, $"{major}{minor}");
            list.Add((dev, new GpuDeviceInfo("cuda", text, (long)memory, string.Create(CultureInfo.InvariantCulture, $"compute capability {major}.{minor}; {sms} SMs")), "compute_" + cc));
        }
        return list;
    }

    private void MakeCurrent()
    {
        ThrowIfDisposed();
        _api.ThrowIfFailed(_api.CtxSetCurrent(_context.Value), "cuCtxSetCurrent");
    }

    public override GpuBuffer Allocate(long words)
    {
        MakeCurrent();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(words);
        ulong pointer;
        _api.ThrowIfFailed(_api.MemAlloc(&pointer, checked((nuint)(words * sizeof(uint)))), $"cuMemAlloc({words * sizeof(uint)} bytes)");
        return new CudaBuffer(CudaHandle.Wrap<CudaMemoryHandle>((IntPtr)(long)pointer), words);
    }

    /// <summary>Page-locked staging of at least <paramref name="bytes"/>, grown geometrically and reused.</summary>
    private void* Staging(long bytes)
    {
        if (_staging is null || _stagingBytes < bytes)
        {
            _staging?.Dispose();
            _staging = null;
            long size = Math.Max(bytes, Math.Max(1 << 20, _stagingBytes * 2));
            void* p;
            _api.ThrowIfFailed(_api.MemAllocHost(&p, (nuint)size), $"cuMemAllocHost({size} bytes)");
            _staging = CudaHandle.Wrap<CudaPinnedHandle>((IntPtr)p);
            _stagingBytes = size;
        }
        return (void*)_staging.Value;
    }

    public override void Upload(GpuBuffer buffer, ReadOnlySpan<uint> source, long offsetWords = 0)
    {
        MakeCurrent();
        CheckRange(buffer, offsetWords, source.Length);
        if (source.IsEmpty)
            return;
        long bytes = (long)source.Length * sizeof(uint);
        void* staging = Staging(bytes);
        // The staging buffer may still feed an earlier asynchronous copy: wait for the stream first.
        _api.ThrowIfFailed(_api.StreamSynchronize(_stream.Value), "cuStreamSynchronize");
        source.CopyTo(new Span<uint>(staging, source.Length));
        _api.ThrowIfFailed(_api.MemcpyHtoDAsync(Pointer(buffer) + (ulong)(offsetWords * 4), staging, (nuint)bytes, _stream.Value), "cuMemcpyHtoDAsync");
    }

    public override void Download(GpuBuffer buffer, Span<uint> destination, long offsetWords = 0)
    {
        MakeCurrent();
        CheckRange(buffer, offsetWords, destination.Length);
        if (destination.IsEmpty)
            return;
        long bytes = (long)destination.Length * sizeof(uint);
        void* staging = Staging(bytes);
        _api.ThrowIfFailed(_api.MemcpyDtoHAsync(staging, Pointer(buffer) + (ulong)(offsetWords * 4), (nuint)bytes, _stream.Value), "cuMemcpyDtoHAsync");
        _api.ThrowIfFailed(_api.StreamSynchronize(_stream.Value), "cuStreamSynchronize");
        new ReadOnlySpan<uint>(staging, destination.Length).CopyTo(destination);
    }

    public override GpuKernel Kernel(KernelSource source, string name)
    {
        MakeCurrent();
        ArgumentNullException.ThrowIfNull(source);
        if (_kernels.TryGetValue((source.Hash, name), out var cached))
            return cached;
        if (!_modules.TryGetValue(source.Hash, out var module))
        {
            byte[] ptx = Nvrtc.CompileToPtxCached(source, _architecture);
            IntPtr m;
            fixed (byte* p = ptx)
                _api.ThrowIfFailed(_api.ModuleLoadData(&m, p), $"cuModuleLoadData({source.File})");
            module = CudaHandle.Wrap<CudaModuleHandle>(m);
            _modules[source.Hash] = module;
        }
        IntPtr function;
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* n = nameBytes)
            _api.ThrowIfFailed(_api.ModuleGetFunction(&function, module.Value, n), $"cuModuleGetFunction({name})");
        int maxThreads;
        _api.ThrowIfFailed(_api.FuncGetAttribute(&maxThreads, CudaApi.FuncAttributeMaxThreadsPerBlock, function), $"cuFuncGetAttribute({name})");
        var kernel = new CudaKernel(name, function, GpuKernel.FitGroup(GroupSize, maxThreads));
        _kernels[(source.Hash, name)] = kernel;
        return kernel;
    }

    public override void Launch(GpuKernel kernel, long workItems, params ReadOnlySpan<KernelArg> args)
    {
        MakeCurrent();
        if (workItems <= 0)
            return;
        var k = (CudaKernel)kernel;
        // cuLaunchKernel takes an array of pointers to the argument values.
        var values = stackalloc ulong[args.Length];
        var pointers = stackalloc void*[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            values[i] = args[i].Buffer is { } b ? Pointer(b) : args[i].Scalar;
            pointers[i] = &values[i]; // little-endian: a uint argument reads the low 4 bytes
        }
        int group = kernel.GroupSize;
        long blocks = (workItems + group - 1) / group;
        if (blocks > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(workItems), workItems, "too many work items for a 1-D grid");
        _api.ThrowIfFailed(_api.LaunchKernel(k.Function, (uint)blocks, 1, 1, (uint)group, 1, 1, 0, _stream.Value, pointers, null), $"cuLaunchKernel({kernel.Name})");
    }

    public override void Synchronize()
    {
        MakeCurrent();
        _api.ThrowIfFailed(_api.StreamSynchronize(_stream.Value), "cuStreamSynchronize");
    }

    /// <summary>Milliseconds the stream spends on <paramref name="work"/> (CUDA events around it), for benchmarks.</summary>
    public float Time(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        MakeCurrent();
        IntPtr start, stop;
        _api.ThrowIfFailed(_api.EventCreate(&start, 0), "cuEventCreate");
        using var startHandle = CudaHandle.Wrap<CudaEventHandle>(start);
        _api.ThrowIfFailed(_api.EventCreate(&stop, 0), "cuEventCreate");
        using var stopHandle = CudaHandle.Wrap<CudaEventHandle>(stop);
        _api.ThrowIfFailed(_api.EventRecord(start, _stream.Value), "cuEventRecord");
        work();
        MakeCurrent();
        _api.ThrowIfFailed(_api.EventRecord(stop, _stream.Value), "cuEventRecord");
        _api.ThrowIfFailed(_api.EventSynchronize(stop), "cuEventSynchronize");
        float ms;
        _api.ThrowIfFailed(_api.EventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
        return ms;
    }

    private static ulong Pointer(GpuBuffer buffer)
    {
        buffer.ThrowIfDisposed();
        return ((CudaBuffer)buffer).Handle.Pointer;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        if (_api.CtxSetCurrent(_context.Value) == 0)
            _api.StreamSynchronize(_stream.Value);
        _kernels.Clear();
        foreach (var m in _modules.Values)
            m.Dispose();
        _modules.Clear();
        _staging?.Dispose();
        _stream.Dispose();
        _context.Dispose();
    }

    private sealed class CudaBuffer(CudaMemoryHandle handle, long words) : GpuBuffer(words)
    {
        public CudaMemoryHandle Handle { get; } = handle;

        protected override void Release() => Handle.Dispose();
    }

    private sealed class CudaKernel(string name, IntPtr function, int groupSize) : GpuKernel(name, groupSize)
    {
        public IntPtr Function { get; } = function;
    }
}
