namespace Prover.Gpu.Ilgpu;

/// <summary>
/// Host↔device bytes per proving phase of an <see cref="IlgpuProverBackend{TParams}"/>: each hook that ran on the device adds one
/// call and the bytes the device's counters (<see cref="IlgpuDevice.BytesToDevice"/>, <see cref="IlgpuDevice.BytesFromDevice"/>)
/// moved while it ran. The bytes are exact when the device serves one backend at a time (a device shared by threads attributes
/// another caller's copies made meanwhile to the running hook). Hooks that fell back to the CPU count nothing.
/// </summary>
public sealed class IlgpuTraffic
{
    public const string Lde = "LDE";
    public const string Commit = "Merkle commit";
    public const string LogUp = "LogUp trace";
    public const string Quotient = "quotient";
    public const string OutOfDomain = "out-of-domain openings";
    public const string Deep = "DEEP batching";
    public const string FriLeaves = "FRI leaves";
    public const string FriFold = "FRI fold";
    public const string FriRollIn = "FRI roll-in";

    /// <summary>FRI's final polynomial: its coefficients made on the device (or a codeword left there downloaded for the host's transform).</summary>
    public const string FriFinal = "FRI final polynomial";
    public const string QueryOpenings = "query openings";

    /// <summary>Digest layers a tree left on the device fetched when the host read them (its cap), counted as they are fetched.</summary>
    public const string TreeLayers = "tree layers read by the host";

    /// <summary>LDE or LogUp trace values left on the device that the host read (a CPU fallback), counted as they are fetched.</summary>
    public const string MatrixValues = "matrix values read by the host";

    private readonly object _lock = new();
    private readonly Dictionary<string, (long Calls, long ToDevice, long FromDevice)> _phases = [];

    /// <summary>Adds one call of <paramref name="phase"/> that moved these bytes.</summary>
    public void Add(string phase, long toDevice, long fromDevice)
    {
        ArgumentNullException.ThrowIfNull(phase);
        lock (_lock)
        {
            _phases.TryGetValue(phase, out var p);
            _phases[phase] = (p.Calls + 1, p.ToDevice + toDevice, p.FromDevice + fromDevice);
        }
    }

    /// <summary>Calls of <paramref name="phase"/> that ran on the device.</summary>
    public long Calls(string phase)
    {
        lock (_lock)
            return _phases.TryGetValue(phase, out var p) ? p.Calls : 0;
    }

    public long ToDevice(string phase)
    {
        lock (_lock)
            return _phases.TryGetValue(phase, out var p) ? p.ToDevice : 0;
    }

    public long FromDevice(string phase)
    {
        lock (_lock)
            return _phases.TryGetValue(phase, out var p) ? p.FromDevice : 0;
    }

    /// <summary>Every phase counted so far, in the order first seen.</summary>
    public IReadOnlyList<(string Phase, long Calls, long ToDevice, long FromDevice)> Snapshot()
    {
        lock (_lock)
            return _phases.Select(p => (p.Key, p.Value.Calls, p.Value.ToDevice, p.Value.FromDevice)).ToArray();
    }

    public void Reset()
    {
        lock (_lock)
            _phases.Clear();
    }

    /// <summary>One line per phase: "phase: calls, bytes to the device, bytes back".</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, Snapshot().Select(p => $"{p.Phase}: {p.Calls} calls, {p.ToDevice:N0} B to the device, {p.FromDevice:N0} B back"));
}
