using System.Runtime.InteropServices;

namespace Prover.Gpu;

/// <summary>A device memory allocation of 32-bit words, owned by its <see cref="GpuDevice"/>.</summary>
public abstract class GpuBuffer : IDisposable
{
    protected GpuBuffer(long words) => Words = words;

    /// <summary>Size in 32-bit words.</summary>
    public long Words { get; }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed)
            return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    protected abstract void Release();

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}

/// <summary>A compiled kernel entry point of a <see cref="GpuDevice"/>.</summary>
public abstract class GpuKernel
{
    protected GpuKernel(string name, int groupSize)
    {
        Name = name;
        GroupSize = groupSize;
    }

    public string Name { get; }

    /// <summary>
    /// Work items per group for this kernel: the device's <see cref="GpuDevice.GroupSize"/>, lowered to a
    /// power of two the compiled kernel allows (registers can limit it below the device maximum).
    /// Kernels that use work-group memory read it back with LOCAL_SIZE().
    /// </summary>
    public int GroupSize { get; }

    /// <summary>The largest power of two ≤ both the device's group size and the kernel's limit.</summary>
    internal static int FitGroup(int deviceGroup, long kernelMax)
    {
        int g = deviceGroup;
        while (g > 1 && g > kernelMax)
            g >>= 1;
        return g;
    }
}

/// <summary>A kernel argument: a device buffer or a 32-bit scalar (kernels take no other kinds).</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct KernelArg
{
    private KernelArg(GpuBuffer? buffer, uint scalar)
    {
        Buffer = buffer;
        Scalar = scalar;
    }

    public GpuBuffer? Buffer { get; }

    public uint Scalar { get; }

    public static implicit operator KernelArg(GpuBuffer buffer) => new(buffer ?? throw new ArgumentNullException(nameof(buffer)), 0);

    public static implicit operator KernelArg(uint scalar) => new(null, scalar);

    public static KernelArg FromBuffer(GpuBuffer buffer) => buffer;

    public static KernelArg FromUInt32(uint scalar) => scalar;
}

/// <summary>Properties of a device as its driver reports them.</summary>
public sealed record GpuDeviceInfo(string Api, string Name, long GlobalMemoryBytes, string Details);

/// <summary>
/// What the backend needs from a driver: buffers of words, synchronous copies, kernels compiled from
/// the single-source files (<see cref="KernelSource"/>) and 1-D launches on one in-order stream. The
/// CUDA and OpenCL implementations differ only in these calls; every algorithm lives above this.
/// Not thread-safe: callers serialise access (the backend holds a lock per device).
/// </summary>
public abstract class GpuDevice : IDisposable
{
    private bool _disposed;

    public abstract GpuDeviceInfo Info { get; }

    /// <summary>Held by every caller for the length of an operation (one queue, kernels with mutable arguments).</summary>
    public Lock SyncRoot { get; } = new();

    /// <summary>Work items per group (CUDA: threads per block) used for every launch.</summary>
    public int GroupSize { get; protected init; } = 256;

    public abstract GpuBuffer Allocate(long words);

    public abstract void Upload(GpuBuffer buffer, ReadOnlySpan<uint> source, long offsetWords = 0);

    public abstract void Download(GpuBuffer buffer, Span<uint> destination, long offsetWords = 0);

    /// <summary>The kernel <paramref name="name"/> of a program; programs are compiled once per source text (<see cref="KernelSource"/>).</summary>
    public abstract GpuKernel Kernel(KernelSource source, string name);

    /// <summary>Enqueues a 1-D launch of at least <paramref name="workItems"/> items, rounded up to whole groups of <see cref="GpuKernel.GroupSize"/> (kernels bound-check).</summary>
    public abstract void Launch(GpuKernel kernel, long workItems, params ReadOnlySpan<KernelArg> args);

    /// <summary>Waits until every enqueued command has finished.</summary>
    public abstract void Synchronize();

    public GpuBuffer Upload(ReadOnlySpan<uint> source)
    {
        var buffer = Allocate(Math.Max(1, source.Length));
        try
        {
            if (source.Length > 0)
                Upload(buffer, source);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    protected static void CheckRange(GpuBuffer buffer, long offsetWords, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.ThrowIfDisposed();
        if (offsetWords < 0 || offsetWords + count > buffer.Words)
            throw new ArgumentOutOfRangeException(nameof(offsetWords), $"words [{offsetWords}, {offsetWords + count}) lie outside a buffer of {buffer.Words}");
    }
}

/// <summary>Thrown for a failed driver call, with the driver's own error name or message.</summary>
public sealed class GpuException : Exception
{
    public GpuException(string message) : base(message)
    {
    }

    public GpuException(string message, Exception inner) : base(message, inner)
    {
    }

    public GpuException()
    {
    }

    /// <summary>The API's numeric status code, when one caused this.</summary>
    public int Code { get; init; }
}
