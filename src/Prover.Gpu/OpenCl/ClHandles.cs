using System.Runtime.InteropServices;

namespace Prover.Gpu.OpenCl;

/// <summary>
/// Base of the OpenCL object handles: released exactly once (SafeHandle guarantees it, including
/// from the finalizer), and a release failure is never thrown from there (it returns false).
/// </summary>
internal abstract class ClHandle : SafeHandle
{
    protected ClHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public IntPtr Value => handle;

    public static T Wrap<T>(IntPtr value) where T : ClHandle, new()
    {
        var h = new T();
        h.SetHandle(value);
        return h;
    }
}

internal sealed class ClContextHandle : ClHandle
{
    protected override unsafe bool ReleaseHandle() => ClApi.Instance.ReleaseContext(handle) == ClApi.Success;
}

internal sealed class ClQueueHandle : ClHandle
{
    protected override unsafe bool ReleaseHandle() => ClApi.Instance.ReleaseCommandQueue(handle) == ClApi.Success;
}

internal sealed class ClProgramHandle : ClHandle
{
    protected override unsafe bool ReleaseHandle() => ClApi.Instance.ReleaseProgram(handle) == ClApi.Success;
}

internal sealed class ClKernelHandle : ClHandle
{
    protected override unsafe bool ReleaseHandle() => ClApi.Instance.ReleaseKernel(handle) == ClApi.Success;
}

internal sealed class ClMemHandle : ClHandle
{
    protected override unsafe bool ReleaseHandle() => ClApi.Instance.ReleaseMemObject(handle) == ClApi.Success;
}
