using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prover.Gpu.Interop;

namespace Prover.Gpu.Cuda;

/// <summary>
/// The CUDA driver API entry points the backend uses (libcuda, installed with the NVIDIA driver), as
/// function pointers. <see cref="TryGet"/> never throws: no driver means "CUDA not available". Every
/// call returns a CUresult; <see cref="ThrowIfFailed"/> turns it into an exception with the driver's
/// own name and message (cuGetErrorName / cuGetErrorString).
/// </summary>
internal sealed unsafe class CudaApi
{
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int AttributeMultiprocessorCount = 16;
    public const int ErrorNoDevice = 100;
    public const int FuncAttributeMaxThreadsPerBlock = 0;

    private static readonly Lazy<(CudaApi? Api, string Reason)> s_instance = new(Load);

    public delegate* unmanaged<uint, int> Init;
    public delegate* unmanaged<int*, int> DeviceGetCount;
    public delegate* unmanaged<int*, int, int> DeviceGet;
    public delegate* unmanaged<byte*, int, int, int> DeviceGetName;
    public delegate* unmanaged<nuint*, int, int> DeviceTotalMem;
    public delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
    public delegate* unmanaged<IntPtr*, uint, int, int> CtxCreate;
    public delegate* unmanaged<IntPtr, int> CtxDestroy;
    public delegate* unmanaged<IntPtr, int> CtxSetCurrent;
    public delegate* unmanaged<IntPtr*, void*, int> ModuleLoadData;
    public delegate* unmanaged<IntPtr, int> ModuleUnload;
    public delegate* unmanaged<IntPtr*, IntPtr, byte*, int> ModuleGetFunction;
    public delegate* unmanaged<int*, int, IntPtr, int> FuncGetAttribute;
    public delegate* unmanaged<ulong*, nuint, int> MemAlloc;
    public delegate* unmanaged<ulong, int> MemFree;
    public delegate* unmanaged<void**, nuint, int> MemAllocHost;
    public delegate* unmanaged<void*, int> MemFreeHost;
    public delegate* unmanaged<ulong, void*, nuint, IntPtr, int> MemcpyHtoDAsync;
    public delegate* unmanaged<void*, ulong, nuint, IntPtr, int> MemcpyDtoHAsync;
    public delegate* unmanaged<IntPtr*, uint, int> StreamCreate;
    public delegate* unmanaged<IntPtr, int> StreamDestroy;
    public delegate* unmanaged<IntPtr, int> StreamSynchronize;
    public delegate* unmanaged<IntPtr*, uint, int> EventCreate;
    public delegate* unmanaged<IntPtr, int> EventDestroy;
    public delegate* unmanaged<IntPtr, IntPtr, int> EventRecord;
    public delegate* unmanaged<IntPtr, int> EventSynchronize;
    public delegate* unmanaged<float*, IntPtr, IntPtr, int> EventElapsedTime;
    public delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int> LaunchKernel;
    public delegate* unmanaged<int, byte**, int> GetErrorName;
    public delegate* unmanaged<int, byte**, int> GetErrorString;

    private CudaApi()
    {
    }

    public static CudaApi? TryGet(out string reason)
    {
        var (api, why) = s_instance.Value;
        reason = why;
        return api;
    }

    public static CudaApi Instance => s_instance.Value.Api ?? throw new GpuException("CUDA is not available: " + s_instance.Value.Reason);

    private static (CudaApi?, string) Load()
    {
        string[] names = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
        if (!NativeLibraries.TryLoad(names, out var lib, out var reason))
            return (null, "CUDA driver not found: " + reason);
        try
        {
            var api = new CudaApi
            {
                Init = (delegate* unmanaged<uint, int>)NativeLibraries.Export(lib, "cuInit"),
                DeviceGetCount = (delegate* unmanaged<int*, int>)NativeLibraries.Export(lib, "cuDeviceGetCount"),
                DeviceGet = (delegate* unmanaged<int*, int, int>)NativeLibraries.Export(lib, "cuDeviceGet"),
                DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)NativeLibraries.Export(lib, "cuDeviceGetName"),
                DeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibraries.Export(lib, "cuDeviceTotalMem_v2"),
                DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)NativeLibraries.Export(lib, "cuDeviceGetAttribute"),
                CtxCreate = (delegate* unmanaged<IntPtr*, uint, int, int>)NativeLibraries.Export(lib, "cuCtxCreate_v2"),
                CtxDestroy = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuCtxDestroy_v2"),
                CtxSetCurrent = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuCtxSetCurrent"),
                ModuleLoadData = (delegate* unmanaged<IntPtr*, void*, int>)NativeLibraries.Export(lib, "cuModuleLoadData"),
                ModuleUnload = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuModuleUnload"),
                ModuleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)NativeLibraries.Export(lib, "cuModuleGetFunction"),
                FuncGetAttribute = (delegate* unmanaged<int*, int, IntPtr, int>)NativeLibraries.Export(lib, "cuFuncGetAttribute"),
                MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)NativeLibraries.Export(lib, "cuMemAlloc_v2"),
                MemFree = (delegate* unmanaged<ulong, int>)NativeLibraries.Export(lib, "cuMemFree_v2"),
                MemAllocHost = (delegate* unmanaged<void**, nuint, int>)NativeLibraries.Export(lib, "cuMemAllocHost_v2"),
                MemFreeHost = (delegate* unmanaged<void*, int>)NativeLibraries.Export(lib, "cuMemFreeHost"),
                MemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, IntPtr, int>)NativeLibraries.Export(lib, "cuMemcpyHtoDAsync_v2"),
                MemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, IntPtr, int>)NativeLibraries.Export(lib, "cuMemcpyDtoHAsync_v2"),
                StreamCreate = (delegate* unmanaged<IntPtr*, uint, int>)NativeLibraries.Export(lib, "cuStreamCreate"),
                StreamDestroy = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuStreamDestroy_v2"),
                StreamSynchronize = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuStreamSynchronize"),
                EventCreate = (delegate* unmanaged<IntPtr*, uint, int>)NativeLibraries.Export(lib, "cuEventCreate"),
                EventDestroy = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuEventDestroy_v2"),
                EventRecord = (delegate* unmanaged<IntPtr, IntPtr, int>)NativeLibraries.Export(lib, "cuEventRecord"),
                EventSynchronize = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "cuEventSynchronize"),
                EventElapsedTime = (delegate* unmanaged<float*, IntPtr, IntPtr, int>)NativeLibraries.Export(lib, "cuEventElapsedTime"),
                LaunchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)NativeLibraries.Export(lib, "cuLaunchKernel"),
                GetErrorName = (delegate* unmanaged<int, byte**, int>)NativeLibraries.Export(lib, "cuGetErrorName"),
                GetErrorString = (delegate* unmanaged<int, byte**, int>)NativeLibraries.Export(lib, "cuGetErrorString"),
            };
            int rc = api.Init(0);
            if (rc != 0)
                return (null, "cuInit failed: " + api.Describe(rc));
            return (api, "");
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, "CUDA driver is incomplete: " + e.Message);
        }
    }

    public string Describe(int code)
    {
        byte* name = null, text = null;
        GetErrorName(code, &name);
        GetErrorString(code, &text);
        return $"{(name is null ? "CUDA_ERROR" : Marshal.PtrToStringUTF8((IntPtr)name))} ({code}): {(text is null ? "unknown error" : Marshal.PtrToStringUTF8((IntPtr)text))}";
    }

    public void ThrowIfFailed(int code, [CallerArgumentExpression(nameof(code))] string call = "")
    {
        if (code != 0)
            throw new GpuException($"CUDA call failed with {Describe(code)}: {call}") { Code = code };
    }
}

/// <summary>CUDA handles: released once, never throwing from the finalizer.</summary>
internal abstract class CudaHandle : SafeHandle
{
    protected CudaHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public IntPtr Value => handle;

    public static T Wrap<T>(IntPtr value) where T : CudaHandle, new()
    {
        var h = new T();
        h.SetHandle(value);
        return h;
    }
}

internal sealed class CudaContextHandle : CudaHandle
{
    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.CtxDestroy(handle) == 0;
}

internal sealed class CudaModuleHandle : CudaHandle
{
    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.ModuleUnload(handle) == 0;
}

internal sealed class CudaStreamHandle : CudaHandle
{
    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.StreamDestroy(handle) == 0;
}

internal sealed class CudaEventHandle : CudaHandle
{
    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.EventDestroy(handle) == 0;
}

/// <summary>Device memory (a CUdeviceptr held as a pointer-sized handle).</summary>
internal sealed class CudaMemoryHandle : CudaHandle
{
    public ulong Pointer => (ulong)(long)handle;

    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.MemFree((ulong)(long)handle) == 0;
}

/// <summary>Page-locked host memory (cuMemAllocHost): what asynchronous copies need.</summary>
internal sealed class CudaPinnedHandle : CudaHandle
{
    protected override unsafe bool ReleaseHandle() => CudaApi.Instance.MemFreeHost((void*)handle) == 0;
}
