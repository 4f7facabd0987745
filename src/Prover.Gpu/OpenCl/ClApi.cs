using System.Runtime.CompilerServices;
using Prover.Gpu.Interop;

namespace Prover.Gpu.OpenCl;

/// <summary>
/// The OpenCL 1.2 entry points the backend uses, as unmanaged function pointers taken from the ICD
/// loader (libOpenCL). Loaded once; <see cref="TryGet"/> never throws: a missing loader or export is
/// a reason string. Handles are opaque pointers (cl_platform_id, cl_context, cl_mem, ...).
/// </summary>
internal sealed unsafe class ClApi
{
    public const int Success = 0;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DeviceVersion = 0x102F;
    public const uint PlatformName = 0x0902;
    public const uint ProgramBuildLog = 0x1183;
    public const ulong MemReadWrite = 1;
    public const uint KernelWorkGroupSize = 0x11B0;

    private static readonly Lazy<(ClApi? Api, string Reason)> s_instance = new(Load);

    public delegate* unmanaged<uint, IntPtr*, uint*, int> GetPlatformIDs;
    public delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int> GetPlatformInfo;
    public delegate* unmanaged<IntPtr, ulong, uint, IntPtr*, uint*, int> GetDeviceIDs;
    public delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int> GetDeviceInfo;
    public delegate* unmanaged<IntPtr*, uint, IntPtr*, IntPtr, IntPtr, int*, IntPtr> CreateContext;
    public delegate* unmanaged<IntPtr, IntPtr, ulong, int*, IntPtr> CreateCommandQueue;
    public delegate* unmanaged<IntPtr, uint, byte**, nuint*, int*, IntPtr> CreateProgramWithSource;
    public delegate* unmanaged<IntPtr, uint, IntPtr*, byte*, IntPtr, IntPtr, int> BuildProgram;
    public delegate* unmanaged<IntPtr, IntPtr, uint, nuint, void*, nuint*, int> GetProgramBuildInfo;
    public delegate* unmanaged<IntPtr, byte*, int*, IntPtr> CreateKernel;
    public delegate* unmanaged<IntPtr, uint, nuint, void*, int> SetKernelArg;
    public delegate* unmanaged<IntPtr, IntPtr, uint, nuint, void*, nuint*, int> GetKernelWorkGroupInfo;
    public delegate* unmanaged<IntPtr, ulong, nuint, void*, int*, IntPtr> CreateBuffer;
    public delegate* unmanaged<IntPtr, IntPtr, uint, nuint, nuint, void*, uint, IntPtr*, IntPtr*, int> EnqueueWriteBuffer;
    public delegate* unmanaged<IntPtr, IntPtr, uint, nuint, nuint, void*, uint, IntPtr*, IntPtr*, int> EnqueueReadBuffer;
    public delegate* unmanaged<IntPtr, IntPtr, uint, nuint*, nuint*, nuint*, uint, IntPtr*, IntPtr*, int> EnqueueNDRangeKernel;
    public delegate* unmanaged<IntPtr, int> Finish;
    public delegate* unmanaged<IntPtr, int> ReleaseMemObject;
    public delegate* unmanaged<IntPtr, int> ReleaseKernel;
    public delegate* unmanaged<IntPtr, int> ReleaseProgram;
    public delegate* unmanaged<IntPtr, int> ReleaseCommandQueue;
    public delegate* unmanaged<IntPtr, int> ReleaseContext;

    private ClApi()
    {
    }

    /// <summary>The loaded API, or null with the reason it is unavailable.</summary>
    public static ClApi? TryGet(out string reason)
    {
        var (api, why) = s_instance.Value;
        reason = why;
        return api;
    }

    /// <summary>The loaded API (for handle release, which only runs after a successful load).</summary>
    public static ClApi Instance => s_instance.Value.Api ?? throw new GpuException("OpenCL is not available: " + s_instance.Value.Reason);

    private static (ClApi?, string) Load()
    {
        string[] names = OperatingSystem.IsWindows() ? ["OpenCL.dll"]
            : OperatingSystem.IsMacOS() ? ["/System/Library/Frameworks/OpenCL.framework/OpenCL"]
            : ["libOpenCL.so.1", "libOpenCL.so"];
        if (!NativeLibraries.TryLoad(names, out var lib, out var reason))
            return (null, "OpenCL ICD loader not found: " + reason);
        try
        {
            var api = new ClApi
            {
                GetPlatformIDs = (delegate* unmanaged<uint, IntPtr*, uint*, int>)NativeLibraries.Export(lib, "clGetPlatformIDs"),
                GetPlatformInfo = (delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int>)NativeLibraries.Export(lib, "clGetPlatformInfo"),
                GetDeviceIDs = (delegate* unmanaged<IntPtr, ulong, uint, IntPtr*, uint*, int>)NativeLibraries.Export(lib, "clGetDeviceIDs"),
                GetDeviceInfo = (delegate* unmanaged<IntPtr, uint, nuint, void*, nuint*, int>)NativeLibraries.Export(lib, "clGetDeviceInfo"),
                CreateContext = (delegate* unmanaged<IntPtr*, uint, IntPtr*, IntPtr, IntPtr, int*, IntPtr>)NativeLibraries.Export(lib, "clCreateContext"),
                CreateCommandQueue = (delegate* unmanaged<IntPtr, IntPtr, ulong, int*, IntPtr>)NativeLibraries.Export(lib, "clCreateCommandQueue"),
                CreateProgramWithSource = (delegate* unmanaged<IntPtr, uint, byte**, nuint*, int*, IntPtr>)NativeLibraries.Export(lib, "clCreateProgramWithSource"),
                BuildProgram = (delegate* unmanaged<IntPtr, uint, IntPtr*, byte*, IntPtr, IntPtr, int>)NativeLibraries.Export(lib, "clBuildProgram"),
                GetProgramBuildInfo = (delegate* unmanaged<IntPtr, IntPtr, uint, nuint, void*, nuint*, int>)NativeLibraries.Export(lib, "clGetProgramBuildInfo"),
                CreateKernel = (delegate* unmanaged<IntPtr, byte*, int*, IntPtr>)NativeLibraries.Export(lib, "clCreateKernel"),
                SetKernelArg = (delegate* unmanaged<IntPtr, uint, nuint, void*, int>)NativeLibraries.Export(lib, "clSetKernelArg"),
                GetKernelWorkGroupInfo = (delegate* unmanaged<IntPtr, IntPtr, uint, nuint, void*, nuint*, int>)NativeLibraries.Export(lib, "clGetKernelWorkGroupInfo"),
                CreateBuffer = (delegate* unmanaged<IntPtr, ulong, nuint, void*, int*, IntPtr>)NativeLibraries.Export(lib, "clCreateBuffer"),
                EnqueueWriteBuffer = (delegate* unmanaged<IntPtr, IntPtr, uint, nuint, nuint, void*, uint, IntPtr*, IntPtr*, int>)NativeLibraries.Export(lib, "clEnqueueWriteBuffer"),
                EnqueueReadBuffer = (delegate* unmanaged<IntPtr, IntPtr, uint, nuint, nuint, void*, uint, IntPtr*, IntPtr*, int>)NativeLibraries.Export(lib, "clEnqueueReadBuffer"),
                EnqueueNDRangeKernel = (delegate* unmanaged<IntPtr, IntPtr, uint, nuint*, nuint*, nuint*, uint, IntPtr*, IntPtr*, int>)NativeLibraries.Export(lib, "clEnqueueNDRangeKernel"),
                Finish = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clFinish"),
                ReleaseMemObject = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clReleaseMemObject"),
                ReleaseKernel = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clReleaseKernel"),
                ReleaseProgram = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clReleaseProgram"),
                ReleaseCommandQueue = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clReleaseCommandQueue"),
                ReleaseContext = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(lib, "clReleaseContext"),
            };
            return (api, "");
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, "OpenCL ICD loader is incomplete: " + e.Message);
        }
    }

    /// <summary>Turns an OpenCL status code into an exception naming the call and the code.</summary>
    public static void ThrowIfFailed(int code, [CallerArgumentExpression(nameof(code))] string call = "")
    {
        if (code != Success)
            throw new GpuException($"OpenCL call failed with {ErrorName(code)} ({code}): {call}") { Code = code };
    }

    /// <summary>OpenCL has no error-string function: the names from cl.h.</summary>
    public static string ErrorName(int code) => code switch
    {
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -32 => "CL_INVALID_PLATFORM",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -44 => "CL_INVALID_PROGRAM",
        -45 => "CL_INVALID_PROGRAM_EXECUTABLE",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -53 => "CL_INVALID_WORK_DIMENSION",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -55 => "CL_INVALID_WORK_ITEM_SIZE",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => "CL error",
    };
}
