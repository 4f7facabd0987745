using System.Runtime.InteropServices;

namespace Prover.Gpu.Interop;

/// <summary>
/// Loads a native library by trying several file names (distributions name the same library
/// differently: libOpenCL.so.1, libnvrtc.so.11.2, libnvrtc.so.12, nvrtc64_120_0.dll, ...). Never throws:
/// a missing library is reported as a reason, which becomes the backend's "not available" message.
/// </summary>
internal static class NativeLibraries
{
    public static bool TryLoad(IReadOnlyList<string> names, out IntPtr handle, out string reason)
    {
        var tried = new List<string>();
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, typeof(NativeLibraries).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out handle))
            {
                reason = "";
                return true;
            }
            tried.Add(name);
        }
        handle = IntPtr.Zero;
        reason = $"none of {string.Join(", ", tried)} could be loaded";
        return false;
    }

    /// <summary>The address of an export, or throws <see cref="EntryPointNotFoundException"/> naming it (caught by the API loaders).</summary>
    public static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"the library has no export '{name}'");
}
