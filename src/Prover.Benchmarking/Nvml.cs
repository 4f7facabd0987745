using System.Runtime.InteropServices;
using System.Text;

namespace Prover.Benchmarking;

/// <summary>One NVIDIA GPU as NVML reports it.</summary>
public sealed record GpuInfo(string Model, ulong MemoryBytes, string Driver);

/// <summary>
/// NVIDIA's management library (libnvidia-ml) through P/Invoke, loaded at run time: GPU names, memory,
/// driver version and the total-energy counter (millijoules since the driver loaded, Volta and later).
/// Without the library or a GPU, <see cref="TryOpen"/> returns null with the reason: reported as absent.
/// </summary>
public sealed class Nvml : IDisposable
{
    private const int Success = 0;
    private readonly IntPtr _library;
    private readonly IntPtr[] _devices;
    private readonly Shutdown _shutdown;
    private readonly GetEnergy _energy;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int Init();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int Shutdown();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetCount(out uint count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetHandle(uint index, out IntPtr device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetName(IntPtr device, byte[] name, uint length);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetMemory(IntPtr device, out MemoryInfo memory);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetDriver(byte[] version, uint length);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetEnergy(IntPtr device, out ulong millijoules);

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    public IReadOnlyList<GpuInfo> Gpus { get; }

    private Nvml(IntPtr library, IntPtr[] devices, IReadOnlyList<GpuInfo> gpus, Shutdown shutdown, GetEnergy energy)
    {
        (_library, _devices, Gpus, _shutdown, _energy) = (library, devices, gpus, shutdown, energy);
    }

    /// <summary>The library names tried, in order.</summary>
    public static readonly string[] LibraryNames = ["libnvidia-ml.so.1", "libnvidia-ml.so", "nvml.dll"];

    /// <summary>Opens NVML, or returns null with <paramref name="absentReason"/> saying why not.</summary>
    public static Nvml? TryOpen(out string? absentReason) => TryOpen(LibraryNames, out absentReason);

    internal static Nvml? TryOpen(IEnumerable<string> libraryNames, out string? absentReason)
    {
        IntPtr library = IntPtr.Zero;
        foreach (var name in libraryNames)
            if (NativeLibrary.TryLoad(name, out library))
                break;
        if (library == IntPtr.Zero)
        {
            absentReason = "NVML absent: libnvidia-ml is not installed (no NVIDIA driver)";
            return null;
        }
        try
        {
            var init = Function<Init>(library, "nvmlInit_v2");
            var shutdown = Function<Shutdown>(library, "nvmlShutdown");
            if (init() is var rc and not Success)
            {
                absentReason = $"NVML absent: nvmlInit failed (code {rc})";
                NativeLibrary.Free(library);
                return null;
            }
            var count = Function<GetCount>(library, "nvmlDeviceGetCount_v2");
            var handle = Function<GetHandle>(library, "nvmlDeviceGetHandleByIndex_v2");
            var getName = Function<GetName>(library, "nvmlDeviceGetName");
            var memory = Function<GetMemory>(library, "nvmlDeviceGetMemoryInfo");
            var driver = Function<GetDriver>(library, "nvmlSystemGetDriverVersion");
            var energy = Function<GetEnergy>(library, "nvmlDeviceGetTotalEnergyConsumption");
            var version = new byte[96];
            string driverVersion = driver(version, (uint)version.Length) == Success ? CString(version) : "unknown";
            if (count(out uint n) != Success || n == 0)
            {
                shutdown();
                NativeLibrary.Free(library);
                absentReason = "NVML absent: no NVIDIA GPU";
                return null;
            }
            var devices = new List<IntPtr>();
            var gpus = new List<GpuInfo>();
            for (uint i = 0; i < Math.Min(n, 64u); i++)
            {
                if (handle(i, out var device) != Success)
                    continue;
                var nameBytes = new byte[96];
                string model = getName(device, nameBytes, (uint)nameBytes.Length) == Success ? CString(nameBytes) : "unknown NVIDIA GPU";
                ulong total = memory(device, out var info) == Success ? info.Total : 0;
                devices.Add(device);
                gpus.Add(new GpuInfo(model, total, driverVersion));
            }
            absentReason = null;
            return new Nvml(library, [.. devices], gpus, shutdown, energy);
        }
        catch (EntryPointNotFoundException e)
        {
            NativeLibrary.Free(library);
            absentReason = $"NVML absent: {e.Message}";
            return null;
        }
    }

    /// <summary>Sum of the GPUs' total-energy counters in joules, or null when a GPU does not report it.</summary>
    public double? TotalEnergyJoules()
    {
        double sum = 0;
        foreach (var device in _devices)
        {
            if (_energy(device, out ulong millijoules) != Success)
                return null;
            sum += millijoules / 1e3;
        }
        return sum;
    }

    public void Dispose()
    {
        _shutdown();
        NativeLibrary.Free(_library);
    }

    private static T Function<T>(IntPtr library, string name) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));

    private static string CString(byte[] bytes)
    {
        int end = Array.IndexOf(bytes, (byte)0);
        return Encoding.ASCII.GetString(bytes, 0, end < 0 ? bytes.Length : end).Trim();
    }
}
