using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Prover.Gpu.Interop;

namespace Prover.Gpu.Cuda;

/// <summary>
/// NVRTC (run-time CUDA C++ compiler) through function pointers. Needs no GPU and no driver: CI uses
/// Debian's libnvrtc (package libnvrtc11.2) to compile every kernel to PTX on every commit.
/// </summary>
internal sealed unsafe class NvrtcApi
{
    private static readonly Lazy<(NvrtcApi? Api, string Reason)> s_instance = new(Load);

    public delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int> CreateProgram;
    public delegate* unmanaged<IntPtr, int, byte**, int> CompileProgram;
    public delegate* unmanaged<IntPtr, nuint*, int> GetProgramLogSize;
    public delegate* unmanaged<IntPtr, byte*, int> GetProgramLog;
    public delegate* unmanaged<IntPtr, nuint*, int> GetPTXSize;
    public delegate* unmanaged<IntPtr, byte*, int> GetPTX;
    public delegate* unmanaged<IntPtr*, int> DestroyProgram;
    public delegate* unmanaged<int, byte*> GetErrorString;
    public delegate* unmanaged<int*, int*, int> Version;

    private NvrtcApi()
    {
    }

    public static NvrtcApi? TryGet(out string reason)
    {
        var (api, why) = s_instance.Value;
        reason = why;
        return api;
    }

    private static (NvrtcApi?, string) Load()
    {
        string[] names = OperatingSystem.IsWindows()
            ? ["nvrtc64_120_0.dll", "nvrtc64_112_0.dll", "nvrtc64_130_0.dll"]
            : ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"];
        if (!NativeLibraries.TryLoad(names, out var lib, out var reason))
            return (null, "NVRTC not found: " + reason);
        try
        {
            return (new NvrtcApi
            {
                CreateProgram = (delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int>)NativeLibraries.Export(lib, "nvrtcCreateProgram"),
                CompileProgram = (delegate* unmanaged<IntPtr, int, byte**, int>)NativeLibraries.Export(lib, "nvrtcCompileProgram"),
                GetProgramLogSize = (delegate* unmanaged<IntPtr, nuint*, int>)NativeLibraries.Export(lib, "nvrtcGetProgramLogSize"),
                GetProgramLog = (delegate* unmanaged<IntPtr, byte*, int>)NativeLibraries.Export(lib, "nvrtcGetProgramLog"),
                GetPTXSize = (delegate* unmanaged<IntPtr, nuint*, int>)NativeLibraries.Export(lib, "nvrtcGetPTXSize"),
                GetPTX = (delegate* unmanaged<IntPtr, byte*, int>)NativeLibraries.Export(lib, "nvrtcGetPTX"),
                DestroyProgram = (delegate* unmanaged<IntPtr*, int>)NativeLibraries.Export(lib, "nvrtcDestroyProgram"),
                GetErrorString = (delegate* unmanaged<int, byte*>)NativeLibraries.Export(lib, "nvrtcGetErrorString"),
                Version = (delegate* unmanaged<int*, int*, int>)NativeLibraries.Export(lib, "nvrtcVersion"),
            }, "");
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, "NVRTC is incomplete: " + e.Message);
        }
    }

    public void ThrowIfFailed(int code, [CallerArgumentExpression(nameof(code))] string call = "")
    {
        if (code != 0)
            throw new GpuException($"NVRTC call failed with {Marshal.PtrToStringUTF8((IntPtr)GetErrorString(code))} ({code}): {call}") { Code = code };
    }
}

/// <summary>Compiles kernel sources to PTX with NVRTC.</summary>
public static unsafe class Nvrtc
{
    /// <summary>Whether NVRTC can be loaded, and why not.</summary>
    public static bool IsAvailable(out string reason) => NvrtcApi.TryGet(out reason) is not null;

    /// <summary>NVRTC's version, e.g. (11, 8).</summary>
    public static (int Major, int Minor) Version()
    {
        var api = NvrtcApi.TryGet(out var reason) ?? throw new GpuException(reason);
        int major, minor;
        api.ThrowIfFailed(api.Version(&major, &minor));
        return (major, minor);
    }

    /// <summary>
    /// <see cref="CompileToPtx"/> through an on-disk cache: one file per (source hash, architecture,
    /// NVRTC version) under <paramref name="cacheDirectory"/> (default: PROVER_KERNEL_CACHE, else the
    /// user's local application data under prover/kernels). The cache is an optimisation only: any I/O
    /// failure falls back to compiling, and files are written atomically (temporary file, then rename).
    /// </summary>
    public static byte[] CompileToPtxCached(KernelSource source, string architecture, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (major, minor) = Version();
        string dir = cacheDirectory ?? DefaultCacheDirectory();
        string path = Path.Combine(dir, $"{source.Hash}-{architecture}-nvrtc{major}.{minor}.ptx");
        try
        {
            if (File.Exists(path))
                return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        var ptx = CompileToPtx(source, architecture);
        try
        {
            Directory.CreateDirectory(dir);
            string temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temp, ptx);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return ptx;
    }

    private static string DefaultCacheDirectory() =>
        Environment.GetEnvironmentVariable("PROVER_KERNEL_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } local ? local : Path.GetTempPath(), "prover", "kernels");

    /// <summary>
    /// PTX for a virtual architecture such as "compute_80". Throws <see cref="GpuException"/> with
    /// NVRTC's program log when the source does not compile.
    /// </summary>
    public static byte[] CompileToPtx(KernelSource source, string architecture)
    {
        ArgumentNullException.ThrowIfNull(source);
        var api = NvrtcApi.TryGet(out var reason) ?? throw new GpuException(reason);
        var text = Encoding.UTF8.GetBytes(source.Text + "\0");
        var name = Encoding.UTF8.GetBytes(source.File + ".cu\0");
        IntPtr program;
        fixed (byte* t = text)
        fixed (byte* n = name)
            api.ThrowIfFailed(api.CreateProgram(&program, t, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            string[] options = ["--gpu-architecture=" + architecture, "--std=c++14", "-default-device"];
            var optionBytes = options.Select(o => Encoding.UTF8.GetBytes(o + "\0")).ToArray();
            var handles = optionBytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
            int rc;
            try
            {
                var pointers = stackalloc byte*[handles.Length];
                for (int i = 0; i < handles.Length; i++)
                    pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                rc = api.CompileProgram(program, handles.Length, pointers);
            }
            finally
            {
                foreach (var h in handles)
                    h.Free();
            }
            if (rc != 0)
            {
                throw new GpuException($"NVRTC could not compile {source.File} for {architecture}: {Marshal.PtrToStringUTF8((IntPtr)api.GetErrorString(rc))}\n{Log(api, program)}") { Code = rc };
            }
            nuint size;
            api.ThrowIfFailed(api.GetPTXSize(program, &size));
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx)
                api.ThrowIfFailed(api.GetPTX(program, p));
            return ptx;
        }
        finally
        {
            api.DestroyProgram(&program);
        }
    }

    private static string Log(NvrtcApi api, IntPtr program)
    {
        nuint size;
        if (api.GetProgramLogSize(program, &size) != 0 || size == 0)
            return "(no log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            api.GetProgramLog(program, b);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }
}
