using System.Text;

namespace Prover.Gpu.OpenCl;

/// <summary>
/// One OpenCL device with its context, an in-order command queue and the programs built for it
/// (cached by source hash). The device owns every buffer, program and kernel it creates; disposing
/// the device releases them (children first).
/// </summary>
public sealed unsafe class OpenClDevice : GpuDevice
{
    private readonly ClApi _api;
    private readonly IntPtr _device;
    private readonly ClContextHandle _context;
    private readonly ClQueueHandle _queue;
    private readonly Dictionary<string, ClProgramHandle> _programs = [];
    private readonly Dictionary<(string Hash, string Name), ClGpuKernel> _kernels = [];

    private OpenClDevice(ClApi api, IntPtr device, GpuDeviceInfo info, int groupSize)
    {
        _api = api;
        _device = device;
        Info = info;
        GroupSize = groupSize;
        int err;
        IntPtr d = device;
        _context = ClHandle.Wrap<ClContextHandle>(api.CreateContext(null, 1, &d, IntPtr.Zero, IntPtr.Zero, &err));
        ClApi.ThrowIfFailed(err, "clCreateContext");
        try
        {
            _queue = ClHandle.Wrap<ClQueueHandle>(api.CreateCommandQueue(_context.Value, device, 0, &err));
            ClApi.ThrowIfFailed(err, "clCreateCommandQueue");
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    public override GpuDeviceInfo Info { get; }

    /// <summary>Every OpenCL device of every platform, or an empty list with the reason.</summary>
    public static IReadOnlyList<GpuDeviceInfo> Enumerate(out string reason)
    {
        var result = new List<GpuDeviceInfo>();
        var api = ClApi.TryGet(out reason);
        if (api is null)
            return result;
        try
        {
            foreach (var (_, _, info, _) in Devices(api))
                result.Add(info);
            if (result.Count == 0)
                reason = "no OpenCL device found";
        }
        catch (GpuException e)
        {
            reason = e.Message;
        }
        return result;
    }

    /// <summary>
    /// Opens device <paramref name="index"/> (in enumeration order, counting only GPUs when
    /// <paramref name="requireGpu"/>); never throws. <paramref name="maxGroupSize"/> caps the work-group size
    /// (a power of two; the default 256 suits GPUs; tests lower it to check that kernels do not assume it).
    /// </summary>
    public static bool TryOpen(out OpenClDevice? device, out string reason, int index = 0, bool requireGpu = false, int maxGroupSize = 256)
    {
        device = null;
        var api = ClApi.TryGet(out reason);
        if (api is null)
            return false;
        try
        {
            var all = Devices(api).Where(d => !requireGpu || d.Info.Details.Contains("type GPU", StringComparison.Ordinal)).ToList();
            if (all.Count <= index)
            {
                string what = requireGpu ? "OpenCL GPU" : "OpenCL device";
                reason = all.Count == 0 ? $"no {what} found" : $"only {all.Count} {what}s";
                return false;
            }
            if (maxGroupSize <= 0 || (maxGroupSize & (maxGroupSize - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(maxGroupSize), maxGroupSize, "a power of two");
            var (_, id, info, group) = all[index];
            device = new OpenClDevice(api, id, info, GpuKernel.FitGroup(maxGroupSize, group));
            reason = "";
            return true;
        }
        catch (Exception e) when (e is GpuException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = e.Message;
            return false;
        }
    }

    private static List<(IntPtr Platform, IntPtr Device, GpuDeviceInfo Info, int GroupSize)> Devices(ClApi api)
    {
        var list = new List<(IntPtr, IntPtr, GpuDeviceInfo, int)>();
        uint count;
        int rc = api.GetPlatformIDs(0, null, &count);
        if (rc == -1001 || count == 0) // CL_PLATFORM_NOT_FOUND_KHR: the ICD loader found no driver
            return list;
        ClApi.ThrowIfFailed(rc, "clGetPlatformIDs");
        var platforms = new IntPtr[count];
        fixed (IntPtr* p = platforms)
            ClApi.ThrowIfFailed(api.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
        foreach (var platform in platforms)
        {
            uint n;
            rc = api.GetDeviceIDs(platform, ClApi.DeviceTypeAll, 0, null, &n);
            if (rc == -1 || n == 0)
                continue;
            ClApi.ThrowIfFailed(rc, "clGetDeviceIDs");
            var devices = new IntPtr[n];
            fixed (IntPtr* d = devices)
                ClApi.ThrowIfFailed(api.GetDeviceIDs(platform, ClApi.DeviceTypeAll, n, d, null), "clGetDeviceIDs");
            string platformName = PlatformString(api, platform, ClApi.PlatformName);
            foreach (var device in devices)
            {
                ulong memory = 0;
                nuint maxGroup = 0;
                ulong type = 0;
                ClApi.ThrowIfFailed(api.GetDeviceInfo(device, ClApi.DeviceType, sizeof(ulong), &type, null), "clGetDeviceInfo(TYPE)");
                ClApi.ThrowIfFailed(api.GetDeviceInfo(device, ClApi.DeviceGlobalMemSize, sizeof(ulong), &memory, null), "clGetDeviceInfo(GLOBAL_MEM_SIZE)");
                ClApi.ThrowIfFailed(api.GetDeviceInfo(device, ClApi.DeviceMaxWorkGroupSize, (nuint)sizeof(nuint), &maxGroup, null), "clGetDeviceInfo(MAX_WORK_GROUP_SIZE)");
                string name = DeviceString(api, device, ClApi.DeviceName);
                string version = DeviceString(api, device, ClApi.DeviceVersion);
                int group = (int)Math.Min(1 << 20, Math.Max(1, (long)maxGroup));
                var info = new GpuDeviceInfo("opencl", name, (long)memory, $"{platformName}; {version}; type {TypeName(type)}; max work-group {maxGroup}");
                list.Add((platform, device, info, group));
            }
        }
        return list;
    }

    private static string TypeName(ulong type) =>
        (type & 4) != 0 ? "GPU" : (type & 2) != 0 ? "CPU" : (type & 8) != 0 ? "accelerator" : "other";

    private static string DeviceString(ClApi api, IntPtr device, uint param)
    {
        nuint size;
        ClApi.ThrowIfFailed(api.GetDeviceInfo(device, param, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            ClApi.ThrowIfFailed(api.GetDeviceInfo(device, param, size, b, null), "clGetDeviceInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string PlatformString(ClApi api, IntPtr platform, uint param)
    {
        nuint size;
        ClApi.ThrowIfFailed(api.GetPlatformInfo(platform, param, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            ClApi.ThrowIfFailed(api.GetPlatformInfo(platform, param, size, b, null), "clGetPlatformInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    public override GpuBuffer Allocate(long words)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(words);
        int err;
        var mem = ClHandle.Wrap<ClMemHandle>(_api.CreateBuffer(_context.Value, ClApi.MemReadWrite, checked((nuint)(words * sizeof(uint))), null, &err));
        if (err != ClApi.Success)
        {
            mem.Dispose();
            ClApi.ThrowIfFailed(err, $"clCreateBuffer({words * sizeof(uint)} bytes)");
        }
        return new ClBuffer(mem, words);
    }

    public override void Upload(GpuBuffer buffer, ReadOnlySpan<uint> source, long offsetWords = 0)
    {
        ThrowIfDisposed();
        CheckRange(buffer, offsetWords, source.Length);
        if (source.IsEmpty)
            return;
        fixed (uint* s = source)
            ClApi.ThrowIfFailed(_api.EnqueueWriteBuffer(_queue.Value, Mem(buffer), 1, (nuint)(offsetWords * 4), (nuint)source.Length * 4, s, 0, null, null));
    }

    public override void Download(GpuBuffer buffer, Span<uint> destination, long offsetWords = 0)
    {
        ThrowIfDisposed();
        CheckRange(buffer, offsetWords, destination.Length);
        if (destination.IsEmpty)
            return;
        fixed (uint* d = destination)
            ClApi.ThrowIfFailed(_api.EnqueueReadBuffer(_queue.Value, Mem(buffer), 1, (nuint)(offsetWords * 4), (nuint)destination.Length * 4, d, 0, null, null));
    }

    public override GpuKernel Kernel(KernelSource source, string name)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(source);
        if (_kernels.TryGetValue((source.Hash, name), out var cached))
            return cached;
        var program = Program(source);
        int err;
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        IntPtr k;
        fixed (byte* n = nameBytes)
            k = _api.CreateKernel(program.Value, n, &err);
        var handle = ClHandle.Wrap<ClKernelHandle>(k);
        if (err != ClApi.Success)
        {
            handle.Dispose();
            ClApi.ThrowIfFailed(err, $"clCreateKernel({name}) in {source.File}");
        }
        nuint kernelMax;
        ClApi.ThrowIfFailed(_api.GetKernelWorkGroupInfo(handle.Value, _device, ClApi.KernelWorkGroupSize, (nuint)sizeof(nuint), &kernelMax, null), $"clGetKernelWorkGroupInfo({name})");
        var kernel = new ClGpuKernel(name, handle, GpuKernel.FitGroup(GroupSize, (long)kernelMax));
        _kernels[(source.Hash, name)] = kernel;
        return kernel;
    }

    private ClProgramHandle Program(KernelSource source)
    {
        if (_programs.TryGetValue(source.Hash, out var cached))
            return cached;
        var text = Encoding.UTF8.GetBytes(source.Text);
        int err;
        IntPtr p;
        fixed (byte* t = text)
        {
            byte* strings = t;
            nuint length = (nuint)text.Length;
            p = _api.CreateProgramWithSource(_context.Value, 1, &strings, &length, &err);
        }
        var program = ClHandle.Wrap<ClProgramHandle>(p);
        try
        {
            ClApi.ThrowIfFailed(err, $"clCreateProgramWithSource({source.File})");
            IntPtr device = _device;
            var options = "-cl-std=CL1.2\0"u8;
            int rc;
            fixed (byte* o = options)
                rc = _api.BuildProgram(program.Value, 1, &device, o, IntPtr.Zero, IntPtr.Zero);
            if (rc != ClApi.Success)
                throw new GpuException($"OpenCL build of {source.File} failed with {ClApi.ErrorName(rc)} ({rc}):\n{BuildLog(program)}") { Code = rc };
        }
        catch
        {
            program.Dispose();
            throw;
        }
        _programs[source.Hash] = program;
        return program;
    }

    private string BuildLog(ClProgramHandle program)
    {
        nuint size;
        if (_api.GetProgramBuildInfo(program.Value, _device, ClApi.ProgramBuildLog, 0, null, &size) != ClApi.Success)
            return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            _api.GetProgramBuildInfo(program.Value, _device, ClApi.ProgramBuildLog, size, b, null);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    public override void Launch(GpuKernel kernel, long workItems, params ReadOnlySpan<KernelArg> args)
    {
        ThrowIfDisposed();
        if (workItems <= 0)
            return;
        var k = (ClGpuKernel)kernel;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].Buffer is { } buffer)
            {
                IntPtr mem = Mem(buffer);
                ClApi.ThrowIfFailed(_api.SetKernelArg(k.Handle.Value, (uint)i, (nuint)sizeof(IntPtr), &mem), $"clSetKernelArg({kernel.Name}, {i})");
            }
            else
            {
                uint scalar = args[i].Scalar;
                ClApi.ThrowIfFailed(_api.SetKernelArg(k.Handle.Value, (uint)i, sizeof(uint), &scalar), $"clSetKernelArg({kernel.Name}, {i})");
            }
        }
        int group = kernel.GroupSize;
        nuint local = (nuint)group;
        nuint global = checked((nuint)((workItems + group - 1) / group * group));
        ClApi.ThrowIfFailed(_api.EnqueueNDRangeKernel(_queue.Value, k.Handle.Value, 1, null, &global, &local, 0, null, null), $"clEnqueueNDRangeKernel({kernel.Name})");
    }

    public override void Synchronize()
    {
        ThrowIfDisposed();
        ClApi.ThrowIfFailed(_api.Finish(_queue.Value));
    }

    private static IntPtr Mem(GpuBuffer buffer)
    {
        buffer.ThrowIfDisposed();
        return ((ClBuffer)buffer).Handle.Value;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        foreach (var k in _kernels.Values)
            k.Handle.Dispose();
        foreach (var p in _programs.Values)
            p.Dispose();
        _kernels.Clear();
        _programs.Clear();
        _queue.Dispose();
        _context.Dispose();
    }

    private sealed class ClBuffer(ClMemHandle handle, long words) : GpuBuffer(words)
    {
        public ClMemHandle Handle { get; } = handle;

        protected override void Release() => Handle.Dispose();
    }

    private sealed class ClGpuKernel(string name, ClKernelHandle handle, int groupSize) : GpuKernel(name, groupSize)
    {
        public ClKernelHandle Handle { get; } = handle;
    }
}
