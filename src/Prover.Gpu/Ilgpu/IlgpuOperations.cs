using System.Numerics;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// The prover's heavy operations for one field on one ILGPU accelerator: coset LDE in bit-reversed
/// order, batched DFTs, Poseidon2 permutations, Merkle commitments with mixed heights, FRI folding and
/// the DEEP column combination. Same algorithms and results, word for word, as the CPU implementation
/// (and as <see cref="GpuOperations{TParams}"/> on the hand-written kernels). Device buffers come from
/// the device's pool; twiddles and round constants stay resident. Calls are serialised by the device lock.
/// </summary>
public sealed partial class IlgpuOperations<TParams> : IDisposable where TParams : struct, IMontyParameters
{
    private readonly MontyField _field = MontyField.Of<TParams>();
    private readonly Poseidon2Shape _shape;
    private readonly Poseidon2<TParams> _permutation;
    private readonly Dictionary<(int Log, bool Inverse), MemoryBuffer1D<uint, Stride1D.Dense>> _twiddles = [];
    private MemoryBuffer1D<uint, Stride1D.Dense>? _roundConstants;
    // Data whose device copy is kept, keyed by the host object (an LDE matrix, a FRI codeword): commitments, the
    // DEEP column combination and FRI folds read it there instead of uploading the host values again. An alias
    // (a FRI step's leaves matrix) names another key's words in the same order.
    private readonly Dictionary<object, MemoryBuffer1D<uint, Stride1D.Dense>> _resident = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, object> _aliases = new(ReferenceEqualityComparer.Instance);
    // Codewords (host arrays) whose values were left on the device: the host array holds no values (all words 0xFFFFFFFF, never a
    // canonical field element) until FetchCodeword downloads them.
    private readonly HashSet<object> _unfilled = new(ReferenceEqualityComparer.Instance);
    // Matrices retained across proofs (a proving key's traces and LDEs, Retain): kept the first time a hook reads them, left alone
    // by Release; the value orders them by their last Retain (the least recent are dropped first when over RetainedBudgetBytes).
    private readonly Dictionary<object, long> _retained = new(ReferenceEqualityComparer.Instance);
    private long _retainStamp;
    private long _residentBytes;
    private bool _disposed;

    public IlgpuOperations(IlgpuDevice device, Poseidon2<TParams>? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        ResidentBudgetBytes = device.Api == "cpu" ? Math.Min(device.Accelerator.MemorySize / 2, 4L << 30) : device.Accelerator.MemorySize / 2;
        RetainedBudgetBytes = ResidentBudgetBytes / 4;
        // On ILGPU's CPU accelerator the chunk kernel is measured faster (a hello.elf shard proof 29.9 s → 9.1 s, side by side): it pays
        // the simulator's per-thread cost once per chunk instead of once per butterfly and level. On GPUs off until measured there.
        SharedMemoryNtt = device.Api == "cpu";
        _permutation = permutation ?? Poseidon2.Width16<TParams>();
        if (_permutation.Width != 16)
            throw new ArgumentException("the Merkle kernels need a width-16 permutation", nameof(permutation));
        int degree = Poseidon2<TParams>.SBoxDegree;
        if (degree is not (3 or 7))
            throw new NotSupportedException($"S-box degree {degree}: the kernels implement 3 and 7");
        _shape = new Poseidon2Shape(_field, _permutation.PartialRounds, degree);
    }

    public IlgpuDevice Device { get; }

    private IlgpuKernels K => Device.Kernels;

    /// <summary>
    /// Whether <see cref="CosetLdeBitReversed"/> keeps the device copy of its result (until <see cref="Release"/>)
    /// for later commitments and column combinations of the same matrix. Default off (every call uploads what it
    /// reads); <see cref="IlgpuProverBackend{TParams}"/> turns it on, since the prover releases its LDEs.
    /// </summary>
    public bool KeepLdesOnDevice { get; set; }

    /// <summary>
    /// Whether <see cref="CosetLdeBitReversed"/> also keeps the evaluations it uploaded, as their own device copy (when
    /// <see cref="KeepLdesOnDevice"/> is on): the trace openings then read the trace without a second upload. Callers release
    /// the evaluations with the LDE (the prover does).
    /// </summary>
    public bool KeepTracesOnDevice { get; set; }

    /// <summary>
    /// Whether a kept LDE (and a LogUp trace made on the device) comes back to the host only when the host reads its values
    /// (<see cref="RowMajorMatrix{T}.FromDevice"/>): on the device path nothing reads them (commitments, quotients, openings, DEEP
    /// and the query openings use the kept copy), so they never cross the bus; a CPU fallback that reads them fetches them. A
    /// matrix released before it was read can no longer fetch its values (read <c>Values</c> first). Default off;
    /// <see cref="IlgpuProverBackend{TParams}"/> turns it on.
    /// </summary>
    public bool LdesOnDemand { get; set; }

    /// <summary>Called with the bytes of each matrix fetched from the device when the host read its values (for traffic reports).</summary>
    public Action<long>? MatrixFetched { get; set; }

    /// <summary>
    /// Most bytes of LDE copies kept at once: an LDE that would exceed it is not kept (it is uploaded again when
    /// needed, never wrong). Default: half the device memory, at most 4 GiB on ILGPU's CPU accelerator (host memory).
    /// </summary>
    public long ResidentBudgetBytes { get; set; }

    /// <summary>
    /// Matrices and codewords whose device copy is kept now (aliases and retained matrices not counted: see <see cref="RetainedCount"/>),
    /// and their bytes.
    /// </summary>
    public int ResidentCount
    {
        get
        {
            lock (Device.SyncRoot)
                return _resident.Keys.Count(k => !_retained.ContainsKey(k));
        }
    }

    public long ResidentBytes
    {
        get
        {
            lock (Device.SyncRoot)
                return _residentBytes - RetainedBytesHeld();
        }
    }

    /// <summary>Retained matrices (<see cref="Retain"/>: a proving key's) whose device copy is kept now, and their bytes.</summary>
    public int RetainedCount
    {
        get
        {
            lock (Device.SyncRoot)
                return _retained.Keys.Count(_resident.ContainsKey);
        }
    }

    public long RetainedBytes
    {
        get
        {
            lock (Device.SyncRoot)
                return RetainedBytesHeld();
        }
    }

    /// <summary>
    /// Most bytes of retained copies (<see cref="Retain"/>) held at once, within <see cref="ResidentBudgetBytes"/>; default a quarter of it.
    /// A retained matrix that does not fit is uploaded per use, as before.
    /// </summary>
    public long RetainedBudgetBytes { get; set; }

    private long RetainedBytesHeld() => _retained.Keys.Sum(k => _resident.TryGetValue(k, out var b) ? b.Length * sizeof(uint) : 0L);

    /// <summary>
    /// Retains these matrices across proofs (a proving key's traces and LDEs): the first hook that reads one keeps the copy it uploads,
    /// later proofs read it without an upload, and <see cref="Release"/> leaves it alone until <see cref="ReleaseRetained"/> or
    /// <see cref="Dispose"/>. The least recently retained matrices not in this call are dropped (their copies freed) while the retained
    /// copies and these matrices would exceed <see cref="RetainedBudgetBytes"/>. Nothing happens when keeping is off.
    /// </summary>
    public void Retain(IEnumerable<RowMajorMatrix<MontyField31<TParams>>?> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        lock (Device.SyncRoot)
        {
            if (!KeepLdesOnDevice)
                return;
            long stamp = ++_retainStamp;
            long incoming = 0;
            foreach (var m in matrices)
            {
                if (m is null || _retained.TryGetValue(m, out long s) && s == stamp)
                    continue;
                _retained[m] = stamp;
                if (!_resident.ContainsKey(m))
                    incoming += (long)m.Height * m.Width * sizeof(uint);
            }
            long held = RetainedBytesHeld();
            foreach (var old in _retained.Where(r => r.Value != stamp).OrderBy(r => r.Value).Select(r => r.Key).ToArray())
            {
                if (held + incoming <= RetainedBudgetBytes)
                    break;
                if (_resident.TryGetValue(old, out var b))
                    held -= b.Length * sizeof(uint);
                _retained.Remove(old);
                Free(old);
            }
        }
    }

    /// <summary>Stops retaining these matrices and frees their device copies.</summary>
    public void ReleaseRetained(IEnumerable<object?> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        lock (Device.SyncRoot)
        {
            foreach (var m in matrices)
                if (m is not null && _retained.Remove(m))
                    Free(m);
        }
    }

    /// <summary>Whether a device copy of this object (or of the data it aliases) is kept.</summary>
    public bool IsResident(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        lock (Device.SyncRoot)
            return TryKept(data, out _);
    }

    /// <summary>
    /// Keeps a device copy of <paramref name="words"/> under <paramref name="key"/> unless one is kept already; false
    /// when it is not kept (keeping off, or over the budget).
    /// </summary>
    public bool Keep(object key, ReadOnlySpan<uint> words)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckWords(words.Length);
        lock (Device.SyncRoot)
        {
            if (TryKept(key, out _))
                return true;
            if (!KeepLdesOnDevice || _residentBytes + (long)words.Length * sizeof(uint) > ResidentBudgetBytes)
                return false; // nothing uploaded: the caller's later calls upload what they read
            var buffer = Device.Rent(Math.Max(1, words.Length));
            Device.Upload(buffer.View, words);
            if (KeepBuffer(key, buffer))
                return true;
            Device.Return(buffer);
            return false;
        }
    }

    /// <summary>
    /// Lets <paramref name="alias"/> name the kept copy of <paramref name="key"/> (the same words in the same order:
    /// a FRI step's leaves and its codeword). Nothing happens when no copy of <paramref name="key"/> is kept.
    /// </summary>
    public void Alias(object alias, object key)
    {
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(key);
        lock (Device.SyncRoot)
        {
            if (_resident.ContainsKey(key) && !_resident.ContainsKey(alias))
                _aliases[alias] = key;
        }
    }

    /// <summary>Frees the kept device copies of these objects (objects without one are ignored; an alias only stops naming its copy).</summary>
    public void Release(IEnumerable<object?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        lock (Device.SyncRoot)
        {
            foreach (var m in data)
            {
                if (m is null || _aliases.Remove(m) || _retained.ContainsKey(m))
                    continue; // a retained matrix (a proving key's) outlives the proof: ReleaseRetained frees it
                Free(m);
            }
        }
    }

    /// <summary>Frees the kept copy of <paramref name="m"/> and the aliases naming it (caller holds the lock).</summary>
    private void Free(object m)
    {
        _unfilled.Remove(m); // its host array keeps the marker words: released, its values are no longer needed
        if (!_resident.Remove(m, out var buffer))
            return;
        _residentBytes -= buffer.Length * sizeof(uint);
        Device.Return(buffer);
        foreach (var stale in _aliases.Where(a => ReferenceEquals(a.Value, m)).Select(a => a.Key).ToArray())
            _aliases.Remove(stale);
    }

    /// <summary>Registers a device buffer as <paramref name="key"/>'s copy if keeping is on and the budget allows (caller holds the lock).</summary>
    private bool KeepBuffer(object key, MemoryBuffer1D<uint, Stride1D.Dense> buffer)
    {
        long bytes = buffer.Length * sizeof(uint);
        if (!KeepLdesOnDevice || _residentBytes + bytes > ResidentBudgetBytes || _resident.ContainsKey(key) || _aliases.ContainsKey(key))
            return false;
        _resident.Add(key, buffer);
        _residentBytes += bytes;
        return true;
    }

    private bool TryKept(object key, out MemoryBuffer1D<uint, Stride1D.Dense> buffer)
    {
        if (_aliases.TryGetValue(key, out var target))
            key = target;
        return _resident.TryGetValue(key, out buffer!);
    }

    /// <summary>The words of <paramref name="key"/> on the device: its kept copy, or an upload of <paramref name="words"/> into <paramref name="rented"/> (caller holds the lock).</summary>
    private ArrayView<uint> OnDevice(object key, ReadOnlySpan<uint> words, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        if (TryKept(key, out var kept))
            return kept.View;
        var data = Device.Rent(Math.Max(1, words.Length));
        Device.Upload(data.View, words);
        // A retained matrix (a proving key's) keeps this upload for later proofs when the retained budget allows; else it is temporary.
        if (_retained.ContainsKey(key) && RetainedBytesHeld() + data.Length * sizeof(uint) <= RetainedBudgetBytes && KeepBuffer(key, data))
            return data.View;
        rented.Add(data);
        return data.View;
    }

    private ArrayView<uint> OnDevice(RowMajorMatrix<MontyField31<TParams>> matrix, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented) =>
        // The kept copy first: a matrix whose values stayed on the device is not fetched to be uploaded again.
        TryKept(matrix, out var kept) ? kept.View : OnDevice(matrix, MontyField31<TParams>.AsMontgomery(matrix.Values), rented);

    // ---------------------------------------------------------------- DFT / LDE

    /// <summary>Same result as <c>Radix2Dft.CosetLdeBitReversed</c>: evaluations on H (natural order) → shift·H', rows bit-reversed.</summary>
    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        int log = Radix2Dft<TParams>.LogHeight(evaluations.Height, addedBits);
        int n = 1 << log, width = evaluations.Width;
        long smallWords = (long)n * width;
        long bigWords = smallWords << addedBits;
        CheckWords(bigWords);
        if (bigWords == 0)
            return new RowMajorMatrix<MontyField31<TParams>>([], width);
        RowMajorMatrix<MontyField31<TParams>> matrix;
        lock (Device.SyncRoot)
        {
            var input = Device.Rent(smallWords);
            var data = Device.Rent(bigWords);
            var factors = Device.Rent(n);
            bool kept = false, inputKept = false;
            try
            {
                var d = data.View.SubView(0, bigWords);
                // A trace kept on the device (a LogUp trace made there) is read from its copy, which stays unchanged.
                var source = input.View;
                bool uploaded = !TryKept(evaluations, out var keptTrace);
                if (uploaded)
                    Device.Upload(input.View, MontyField31<TParams>.AsMontgomery(evaluations.Values));
                else
                    source = keptTrace.View;
                // Interpolate: bit-reverse the rows, DIT with inverse roots → n·coefficients (natural order).
                K.BitReverseRows((int)smallWords, source, d, width, log);
                if (bigWords > smallWords)
                    d.SubView(smallWords, bigWords - smallWords).MemSetToZero();
                RunLevels(d, width, log, dit: true, inverse: true);
                // Coefficient i times shift^i / n (the factors made on the device); the rows above n stay zero (the low-degree extension).
                K.Geometric(n, factors.View, MontyField31<TParams>.FromCanonical((uint)n).Inverse().Montgomery, shift.Montgomery, 0, _field);
                K.ScaleRows((int)smallWords, d, factors.View, width, _field);
                // Evaluate: DIF on the large domain leaves the rows bit-reversed.
                RunLevels(d, width, log + addedBits, dit: false, inverse: false);
                // Left on the device (values fetched when read) only when it will be kept: checked under the lock with KeepBuffer's budget.
                if (LdesOnDemand && KeepLdesOnDevice && _residentBytes + data.Length * sizeof(uint) <= ResidentBudgetBytes)
                {
                    matrix = OnDemand((int)(bigWords / width), width);
                    kept = KeepBuffer(matrix, data);
                    if (!kept)
                        throw new InvalidOperationException("internal: an LDE left on the device could not be kept");
                }
                else
                {
                    var result = new MontyField31<TParams>[bigWords];
                    Device.Download(d, MontyField31<TParams>.AsMontgomery(result));
                    matrix = new RowMajorMatrix<MontyField31<TParams>>(result, width);
                    kept = KeepBuffer(matrix, data);
                }
                // The uploaded evaluations (unchanged: the bit reversal wrote to the LDE buffer) stay as their copy.
                if (KeepTracesOnDevice && uploaded)
                    inputKept = KeepBuffer(evaluations, input);
            }
            finally
            {
                Device.Return(factors);
                if (!kept)
                    Device.Return(data);
                if (!inputKept)
                    Device.Return(input);
            }
        }
        return matrix;
    }

    /// <summary>A matrix whose values are the kept device copy registered under it (by the caller, at once), fetched when read.</summary>
    private RowMajorMatrix<MontyField31<TParams>> OnDemand(int height, int width)
    {
        RowMajorMatrix<MontyField31<TParams>>? self = null;
        self = RowMajorMatrix<MontyField31<TParams>>.FromDevice(height, width, () => FetchValues(self!));
        return self;
    }

    private MontyField31<TParams>[] FetchValues(RowMajorMatrix<MontyField31<TParams>> matrix)
    {
        lock (Device.SyncRoot)
        {
            if (!TryKept(matrix, out var kept))
                throw new InvalidOperationException($"the values of this {matrix.Height}×{matrix.Width} matrix stayed on the device, and its device copy " +
                    "was released: read a matrix's values before releasing it when they are still needed");
            var values = new MontyField31<TParams>[(long)matrix.Height * matrix.Width];
            Device.Download(kept.View, MontyField31<TParams>.AsMontgomery(values));
            MatrixFetched?.Invoke(values.LongLength * sizeof(uint));
            return values;
        }
    }

    /// <summary>Whether <paramref name="codeword"/>'s values were left on the device (its host array holds none until <see cref="FetchCodeword"/>).</summary>
    public bool IsOnDeviceOnly(object codeword)
    {
        ArgumentNullException.ThrowIfNull(codeword);
        lock (Device.SyncRoot)
            return _unfilled.Contains(codeword);
    }

    /// <summary>
    /// Downloads the values of a codeword left on the device into its host words (<paramref name="words"/>, the array's words);
    /// nothing happens when its host array already holds them. Returns the bytes downloaded.
    /// </summary>
    public long FetchCodeword(object codeword, Span<uint> words)
    {
        ArgumentNullException.ThrowIfNull(codeword);
        lock (Device.SyncRoot)
        {
            if (!_unfilled.Contains(codeword))
                return 0;
            if (!TryKept(codeword, out var kept))
                throw new InvalidOperationException("internal: a codeword left on the device has no device copy");
            Device.Download(kept.View, words);
            _unfilled.Remove(codeword);
            return (long)words.Length * sizeof(uint);
        }
    }

    /// <summary>Marks a codeword whose device copy was just kept as left there: its host words get the marker (caller holds the lock).</summary>
    private void LeftOnDevice(object codeword, Span<uint> words)
    {
        words.Fill(uint.MaxValue);
        _unfilled.Add(codeword);
    }

    /// <summary>Whether a result of <paramref name="words"/> words may be left on the device: keeping and fetching on demand on, within the budget (caller holds the lock).</summary>
    private bool MayLeaveOnDevice(long words) =>
        LdesOnDemand && KeepLdesOnDevice && _residentBytes + words * sizeof(uint) <= ResidentBudgetBytes;

    /// <summary>
    /// A FRI step's leaves (<paramref name="height"/> rows of <paramref name="width"/> words) as a matrix naming the kept copy of
    /// <paramref name="codeword"/> (the same words in the same order): its values are fetched from that copy when the host reads them.
    /// Null when no copy of the codeword is kept.
    /// </summary>
    public RowMajorMatrix<MontyField31<TParams>>? LeavesOf(object codeword, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(codeword);
        lock (Device.SyncRoot)
        {
            if (!TryKept(codeword, out var kept) || kept.Length < (long)height * width)
                return null;
            RowMajorMatrix<MontyField31<TParams>>? self = null;
            self = RowMajorMatrix<MontyField31<TParams>>.FromDevice(height, width, () => FetchValues(self!));
            Alias(self, codeword);
            return self;
        }
    }

    /// <summary>Forward DFT of every column in place (natural order in and out), as <c>Radix2Dft.DftBatch</c>.</summary>
    public void DftBatch(RowMajorMatrix<MontyField31<TParams>> matrix) => Transform(matrix, inverse: false);

    /// <summary>Inverse DFT of every column in place, scaled by 1/n, as <c>Radix2Dft.IdftBatch</c>.</summary>
    public void IdftBatch(RowMajorMatrix<MontyField31<TParams>> matrix) => Transform(matrix, inverse: true);

    private void Transform(RowMajorMatrix<MontyField31<TParams>> matrix, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = Radix2Dft<TParams>.LogHeight(matrix.Height, 0);
        int n = matrix.Height, width = matrix.Width;
        var words = MontyField31<TParams>.AsMontgomery(matrix.Values);
        CheckWords(words.Length);
        if (words.Length == 0)
            return;
        lock (Device.SyncRoot)
        {
            var input = Device.Rent(words.Length);
            var data = Device.Rent(words.Length);
            var factors = Device.Rent(n);
            try
            {
                var d = data.View.SubView(0, words.Length);
                Device.Upload(input.View, words);
                K.BitReverseRows(words.Length, input.View, d, width, log);
                RunLevels(d, width, log, dit: true, inverse);
                if (inverse)
                {
                    var f = new uint[n];
                    Array.Fill(f, MontyField31<TParams>.FromCanonical((uint)n).Inverse().Montgomery);
                    Device.Upload(factors.View, f);
                    K.ScaleRows(words.Length, d, factors.View, width, _field);
                }
                Device.Download(d, words);
            }
            finally
            {
                Device.Return(factors);
                Device.Return(data);
                Device.Return(input);
            }
        }
    }

    /// <summary>
    /// Whether the NTT's inner levels (those below 2^<see cref="NttBlockKernels.MaxLogChunk"/> rows) run in group-local memory
    /// (<see cref="NttBlockKernels"/>: one kernel for all of them, a barrier between levels) instead of one global-memory launch per
    /// level (<see cref="NttKernels.DitLevel"/>/<see cref="NttKernels.DifLevel"/>, the reference). Same words either way. Default: on for
    /// ILGPU's CPU accelerator (measured faster there), off on GPUs, where which is faster can only be measured (<c>prover gpu-bench</c>
    /// times both; scripts/gpu-check.sh).
    /// </summary>
    public bool SharedMemoryNtt { get; set; }

    private void RunLevels(ArrayView<uint> data, int width, int log, bool dit, bool inverse) => RunLevels(data, width, log, dit, inverse, SharedMemoryNtt);

    private void RunLevels(ArrayView<uint> data, int width, int log, bool dit, bool inverse, bool sharedMemory)
    {
        if (log == 0 || width == 0)
            return;
        var tw = Twiddles(log, inverse, out int tableLog);
        int butterflies = checked((1 << (log - 1)) * width);
        // Levels below `inner` run in one shared-memory kernel per direction: first for DIT (levels 0 … inner − 1), last for DIF.
        int inner = sharedMemory ? Math.Min(log, NttBlockKernels.MaxLogChunk) : 0;
        var chunks = inner == 0 ? default : new KernelConfig(checked((1 << (log - inner)) * width), Math.Min(K.ChunkGroupSize, 1 << (inner - 1)));
        if (dit && inner > 0)
            K.DitChunk(chunks, data, tw, width, inner, tableLog, _field);
        for (int step = inner; step < log; step++)
        {
            int j = dit ? step : log - 1 - step + inner;
            if (dit)
                K.DitLevel(butterflies, data, tw, width, j, tableLog - 1 - j, _field);
            else
                K.DifLevel(butterflies, data, tw, width, j, tableLog - 1 - j, _field);
        }
        if (!dit && inner > 0)
            K.DifChunk(chunks, data, tw, width, inner, tableLog, _field);
    }

    /// <summary>
    /// Device time of one batched NTT (2^<paramref name="log"/> rows × <paramref name="width"/> columns, DIF, already on the device):
    /// the best of <paramref name="repeats"/> runs after a warm-up, with the global-level kernels or the shared-memory chunk kernel
    /// (<see cref="SharedMemoryNtt"/>), for the kernel benchmarks. Nothing crosses the bus but the random input, once.
    /// </summary>
    public double TimeNtt(int log, int width, bool sharedMemory, int repeats)
    {
        if (log < 1 || log > Math.Min(30, TParams.TwoAdicity) || width < 1 || repeats < 1)
            throw new ArgumentOutOfRangeException(nameof(log), $"no NTT of 2^{log} rows × {width}, {repeats} runs");
        long words = (long)width << log;
        CheckWords(words);
        lock (Device.SyncRoot)
        {
            var data = Device.Rent(words);
            try
            {
                var rng = new Random(7);
                var input = new uint[words];
                for (long i = 0; i < words; i++)
                    input[i] = MontyField31<TParams>.FromCanonical((uint)rng.NextInt64(TParams.P)).Montgomery;
                Device.Upload(data.View, input);
                var d = data.View.SubView(0, words);
                double best = double.MaxValue;
                for (int r = 0; r <= repeats; r++)
                {
                    Device.Accelerator.Synchronize();
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    RunLevels(d, width, log, dit: false, inverse: false, sharedMemory);
                    Device.Accelerator.Synchronize();
                    double ms = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (r > 0) // the first run compiles the kernels
                        best = Math.Min(best, ms);
                }
                return best;
            }
            finally
            {
                Device.Return(data);
            }
        }
    }

    /// <summary>tw[i] = ω^i (ω a primitive 2^L-th root, inverted for the inverse transform), L ≥ log, kept at the largest size used.</summary>
    private ArrayView<uint> Twiddles(int log, bool inverse, out int tableLog)
    {
        foreach (var ((l, inv), buffer) in _twiddles)
        {
            if (inv == inverse && l >= log)
            {
                tableLog = l;
                return buffer.View;
            }
        }
        var root = MontyField31<TParams>.TwoAdicGenerator(log);
        if (inverse)
            root = root.Inverse();
        var table = new uint[1 << (log - 1)];
        var acc = MontyField31<TParams>.One;
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = acc.Montgomery;
            acc *= root;
        }
        foreach (var key in _twiddles.Keys.Where(k => k.Inverse == inverse).ToArray())
        {
            _twiddles[key].Dispose();
            _twiddles.Remove(key);
        }
        var uploaded = Device.Accelerator.Allocate1D<uint>(table.Length);
        Device.Upload(uploaded.View, table);
        _twiddles[(log, inverse)] = uploaded;
        tableLog = log;
        return uploaded.View;
    }

    // ---------------------------------------------------------------- Poseidon2 and Merkle

    /// <summary>Permutes states (16 Montgomery words each, concatenated) in place.</summary>
    public void Permute(Span<uint> states)
    {
        if (states.Length % 16 != 0)
            throw new ArgumentException("states must be whole 16-word states", nameof(states));
        if (states.Length == 0)
            return;
        CheckWords(states.Length);
        lock (Device.SyncRoot)
        {
            var buffer = Device.Rent(states.Length);
            try
            {
                Device.Upload(buffer.View, states);
                K.Permute(states.Length / 16, buffer.View, RoundConstants(), _shape);
                Device.Download(buffer.View, states);
            }
            finally
            {
                Device.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Whether <see cref="Commit"/> leaves a tree's digest layers on the device (when keeping is on and the budget allows): the tree
    /// (<see cref="MerkleTree{TParams, TDigest}.FromDeviceLayers"/>) fetches a layer when the host first reads it (its cap), and the
    /// query openings gather siblings on the device (<see cref="OpenMulti"/>). Default off (every layer is downloaded);
    /// <see cref="IlgpuProverBackend{TParams}"/> turns it on, since the prover releases its trees after their openings. A tree
    /// released before its layers were read can no longer fetch them (<see cref="MerkleTree{TParams, TDigest}.FetchAllLayers"/> first).
    /// </summary>
    public bool KeepTreesOnDevice { get; set; }

    /// <summary>Called with the bytes of each layer a tree fetched from the device when the host read it (for traffic reports).</summary>
    public Action<long>? LayerFetched { get; set; }

    /// <summary>
    /// Same tree as <c>MerkleTreeMmcs.Commit</c> with the default sponge and compression of 8-element digests (Poseidon2 width 16).
    /// Every digest layer is written into one device buffer (level l at <see cref="LayerOffset"/>), which is kept under the returned
    /// tree when keeping is on and the budget allows (until <see cref="Release"/>), for the query openings (<see cref="OpenMulti"/>);
    /// with <see cref="KeepTreesOnDevice"/> the layers are then not downloaded until the host reads them.
    /// </summary>
    public MerkleTree<TParams, Digest<TParams>> Commit(IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
            throw new ArgumentException("nothing to commit: no matrices", nameof(matrices));
        var mats = matrices.ToArray();
        for (int m = 0; m < mats.Length; m++)
        {
            ArgumentNullException.ThrowIfNull(mats[m], nameof(matrices));
            int h = mats[m].Height;
            if (h == 0 || !BitOperations.IsPow2(h))
                throw new ArgumentException($"matrix {m} has height {h}; heights must be powers of two", nameof(matrices));
            CheckWords((long)mats[m].Height * mats[m].Width);
        }
        // Groups of equal height, tallest first, commit order within a height (as MerkleTreeMmcs).
        var groups = mats.OrderByDescending(m => m.Height).GroupBy(m => m.Height).Select(g => g.ToArray()).ToList();
        int maxHeight = groups[0][0].Height;
        int levels = BitOperations.Log2((uint)maxHeight);
        CheckWords((long)maxHeight * 16);
        var layers = new Digest<TParams>[levels + 1][];
        MerkleTree<TParams, Digest<TParams>> tree;
        lock (Device.SyncRoot)
        {
            var rc = RoundConstants();
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            long layerWords = LayerOffset(maxHeight, levels + 1);
            var all = Device.Rent(layerWords);
            bool kept = false;
            // Left on the device only when the buffer will be kept (checked now, under the lock, with the same budget KeepBuffer applies).
            bool onDevice = KeepTreesOnDevice && KeepLdesOnDevice && _residentBytes + all.Length * sizeof(uint) <= ResidentBudgetBytes;
            try
            {
                var current = all.View.SubView(0, (long)maxHeight * 8);
                HashRows(groups[0], rc, rented, current);
                if (!onDevice)
                    layers[0] = DownloadDigests(current, maxHeight);
                int nextGroup = 1;
                for (int level = 1; level <= levels; level++)
                {
                    int count = maxHeight >> level;
                    var parents = all.View.SubView(LayerOffset(maxHeight, level), (long)count * 8);
                    K.CompressLayer(count, current, parents, rc, _shape);
                    if (nextGroup < groups.Count && groups[nextGroup][0].Height == count)
                    {
                        var rowHashes = HashRows(groups[nextGroup], rc, rented, null);
                        K.CompressInject(count, parents, rowHashes, rc, _shape);
                        nextGroup++;
                    }
                    if (!onDevice)
                        layers[level] = DownloadDigests(parents, count);
                    current = parents;
                }
                if (onDevice)
                {
                    MerkleTree<TParams, Digest<TParams>>? self = null;
                    tree = self = MerkleTree<TParams, Digest<TParams>>.FromDeviceLayers(mats, level => FetchLayer(self!, level));
                }
                else
                {
                    tree = MerkleTree<TParams, Digest<TParams>>.FromLayers(mats, layers);
                }
                kept = KeepBuffer(tree, all);
                if (onDevice && !kept)
                    throw new InvalidOperationException("internal: a tree left on the device could not be kept");
            }
            finally
            {
                if (!kept)
                    Device.Return(all);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return tree;
    }

    /// <summary>Downloads layer <paramref name="level"/> of a tree whose layers were left on the device (<see cref="KeepTreesOnDevice"/>).</summary>
    private Digest<TParams>[] FetchLayer(MerkleTree<TParams, Digest<TParams>> tree, int level)
    {
        lock (Device.SyncRoot)
        {
            if (!TryKept(tree, out var layers))
                throw new InvalidOperationException($"layer {level} of this tree stayed on the device, and its device copy was released: " +
                    "fetch its layers (FetchAllLayers) before releasing a tree that is still needed");
            int count = tree.Height >> level;
            var digests = DownloadDigests(layers.View.SubView(LayerOffset(tree.Height, level), (long)count * 8), count);
            LayerFetched?.Invoke((long)count * 8 * sizeof(uint));
            return digests;
        }
    }

    /// <summary>Where level <paramref name="level"/> of a tree of <paramref name="maxHeight"/> leaves starts in its layer buffer (8 words per digest).</summary>
    private static long LayerOffset(int maxHeight, int level)
    {
        long words = 0;
        for (int l = 0; l < level; l++)
            words += (long)(maxHeight >> l) * 8;
        return words;
    }

    /// <summary>
    /// Sponge of the concatenated rows of a group of equal-height matrices: one digest (8 words) per row, into
    /// <paramref name="output"/> when given (else a rented buffer).
    /// </summary>
    private ArrayView<uint> HashRows(RowMajorMatrix<MontyField31<TParams>>[] group, ArrayView<uint> rc, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented,
        ArrayView<uint>? output)
    {
        int height = group[0].Height;
        var states = Device.Rent((long)height * 16);
        rented.Add(states);
        states.View.SubView(0, (long)height * 16).MemSetToZero();
        int pos = 0;
        foreach (var matrix in group)
        {
            if (matrix.Width == 0)
                continue;
            K.Absorb(height, states.View, OnDevice(matrix, rented), matrix.Width, pos, rc, _shape);
            pos = (pos + matrix.Width) % PaddingFreeSponge<TParams, Digest<TParams>>.Rate;
        }
        ArrayView<uint> digests;
        if (output is { } o)
        {
            digests = o;
        }
        else
        {
            var buffer = Device.Rent((long)height * 8);
            rented.Add(buffer);
            digests = buffer.View;
        }
        K.Finish(height, states.View, digests, pos, rc, _shape);
        return digests;
    }

    private Digest<TParams>[] DownloadDigests(ArrayView<uint> view, int count)
    {
        var digests = new Digest<TParams>[count];
        Device.Download(view, MemoryMarshal.Cast<Digest<TParams>, uint>(digests.AsSpan()));
        return digests;
    }

    /// <summary>Round constants in the layout <see cref="Poseidon2State"/> expects: 64 initial, 64 final, partial, 16 diagonal.</summary>
    private ArrayView<uint> RoundConstants()
    {
        if (_roundConstants is not null)
            return _roundConstants.View;
        var p = _permutation;
        var words = new List<uint>();
        for (int r = 0; r < 4; r++)
            for (int i = 0; i < 16; i++)
                words.Add(p.InitialRoundConstant(r, i).Montgomery);
        for (int r = 0; r < 4; r++)
            for (int i = 0; i < 16; i++)
                words.Add(p.FinalRoundConstant(r, i).Montgomery);
        for (int r = 0; r < p.PartialRounds; r++)
            words.Add(p.PartialRoundConstant(r).Montgomery);
        for (int i = 0; i < 16; i++)
            words.Add(p.InternalDiagonal(i).Montgomery);
        _roundConstants = Device.Accelerator.Allocate1D<uint>(words.Count);
        Device.Upload(_roundConstants.View, words.ToArray());
        return _roundConstants.View;
    }

    /// <summary>
    /// The quotient of an AIR without LogUp columns on the device (<see cref="QuotientKernels.QuotientRows"/>): the
    /// constraint program (<paramref name="program"/>: code, variables and outputs in the kernel's layout; constants
    /// and public values in <paramref name="values"/>) at every point of the quotient domain of 2^(logN + logD)
    /// points, folded with <paramref name="alphaPowers"/> (4 words per constraint) and multiplied by 1/Z_H
    /// (<paramref name="zhInverse"/>, 2^logD words; <paramref name="zh"/> are the Z_H values, for the selectors, which
    /// the kernel computes per point). The main and preprocessed LDEs are read from their kept copies
    /// when there are. Launches cover slices of the domain so the registers (one per instruction and point) stay bounded.
    /// </summary>
    public void EvaluateQuotient(MontyField31<TParams> w, int[] program, int instructions, int variablesAt, int outputsAt, int outputs, uint[] values, int publicsAt,
        RowMajorMatrix<MontyField31<TParams>> main, RowMajorMatrix<MontyField31<TParams>>? preprocessed, int logN, int logD,
        ReadOnlySpan<uint> alphaPowers, ReadOnlySpan<uint> zhInverse, ReadOnlySpan<uint> zh, Span<uint> result)
    {
        const int D = ExtensionShape.Degree;
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(main);
        if (logN < 0 || logD < 0 || logN + logD > 30)
            throw new ArgumentOutOfRangeException(nameof(logN), $"no quotient domain of 2^{logN}·2^{logD} points");
        int q = 1 << (logN + logD);
        if (main.Height < q || preprocessed is not null && preprocessed.Height < q)
            throw new ArgumentException($"LDEs of {main.Height} (preprocessed {preprocessed?.Height}) rows cannot serve a quotient domain of {q} points", nameof(main));
        if (alphaPowers.Length != D * outputs || zhInverse.Length != 1 << logD || zh.Length != 1 << logD || result.Length != D * q)
            throw new ArgumentException("α powers, Z_H, 1/Z_H or the result have the wrong length");
        if (instructions < 0 || program.Length < 3 * instructions || outputsAt + outputs > program.Length || publicsAt > values.Length)
            throw new ArgumentException("the program arrays do not match their layout", nameof(program));
        CheckWords((long)main.Height * main.Width);
        CheckWords((long)D * q);
        int slice = Math.Max(1, Math.Min(q, (1 << 26) / Math.Max(1, instructions)));
        var alphaZh = new uint[alphaPowers.Length + 2 * zhInverse.Length];
        alphaPowers.CopyTo(alphaZh);
        zhInverse.CopyTo(alphaZh.AsSpan(alphaPowers.Length));
        zh.CopyTo(alphaZh.AsSpan(alphaPowers.Length + zhInverse.Length));
        var omegaN = MontyField31<TParams>.TwoAdicGenerator(logN);
        var domain = new QuotientDomain(MontyField31<TParams>.MultiplicativeGenerator.Montgomery, MontyField31<TParams>.TwoAdicGenerator(logN + logD).Montgomery,
            omegaN.Montgomery, omegaN.Inverse().Montgomery, MontyField31<TParams>.FromUInt64((ulong)(1L << logN)).Montgomery);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var code = Upload(MemoryMarshal.Cast<int, uint>(program.AsSpan()), rented).Cast<int>();
                var vals = Upload(values, rented);
                var m = OnDevice(main, rented);
                var pre = preprocessed is null ? Upload([0u], rented) : OnDevice(preprocessed, rented);
                var az = Upload(alphaZh, rented);
                var registers = Device.Rent(Math.Max(1L, (long)slice * instructions));
                rented.Add(registers);
                var o = Device.Rent((long)D * q);
                rented.Add(o);
                var ext = new ExtensionShape(_field, w.Montgomery);
                for (int first = 0; first < q; first += slice)
                {
                    int count = Math.Min(slice, q - first);
                    var shape = new QuotientShape(ext, instructions, variablesAt, outputsAt, outputs, publicsAt, main.Width, preprocessed?.Width ?? 0,
                        logN + logD, logD, first, domain);
                    K.QuotientRows(count, code, vals, m, pre, az, registers.View, o.View, shape);
                }
                Device.Download(o.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    private ArrayView<uint> Upload(ReadOnlySpan<uint> words, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
    {
        var buffer = Device.Rent(Math.Max(1, words.Length));
        rented.Add(buffer);
        Device.Upload(buffer.View, words);
        return buffer.View;
    }

    /// <summary>
    /// <see cref="NttKernels.Geometric"/> read back: first·ratio^e for e = i (or bitrev(i) over <paramref name="reverseBits"/> bits), i &lt;
    /// <paramref name="count"/> (the tests compare it with the host's tables).
    /// </summary>
    internal uint[] Geometric(int count, MontyField31<TParams> first, MontyField31<TParams> ratio, int reverseBits)
    {
        var result = new uint[count];
        if (count == 0)
            return result;
        lock (Device.SyncRoot)
        {
            var buffer = Device.Rent(count);
            try
            {
                K.Geometric(count, buffer.View, first.Montgomery, ratio.Montgomery, reverseBits, _field);
                Device.Download(buffer.View, result);
            }
            finally
            {
                Device.Return(buffer);
            }
        }
        return result;
    }

    /// <summary>
    /// 1/(2x_j) for j &lt; N/2, x_j = ω_N^bitrev(2j), in Montgomery form (as <c>Fri.FoldCodeword</c> computes them): the host reference of
    /// the tables <see cref="FriFoldSteps(MontyField31{TParams}, ReadOnlySpan{uint}, int, ReadOnlySpan{uint}, Span{uint}, object?, object?, int)"/>
    /// makes on the device.
    /// </summary>
    internal static uint[] HalfInverseX(int logN)
    {
        int half = 1 << (logN - 1);
        var omegaInv = MontyField31<TParams>.TwoAdicGenerator(logN).Inverse();
        var table = new uint[half];
        var p = MontyField31<TParams>.One.Halve();
        for (int i = 0; i < half; i++)
        {
            table[BitReversal.ReverseBits(i, logN - 1)] = p.Montgomery;
            p *= omegaInv;
        }
        return table;
    }


    /// <summary>Kernels index words with 32-bit unsigned arithmetic and launch with 32-bit extents: buffers stay below 2^31 words.</summary>
    private static void CheckWords(long words)
    {
        if (words >= 1L << 31)
            throw new NotSupportedException($"{words} words exceed the ILGPU kernels' 32-bit launch extents");
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (Device.SyncRoot)
        {
            foreach (var b in _resident.Values)
                Device.Return(b);
            _resident.Clear();
            _retained.Clear();
            _aliases.Clear();
            _unfilled.Clear();
            _residentBytes = 0;
            foreach (var b in _twiddles.Values)
                b.Dispose();
            _twiddles.Clear();
            _roundConstants?.Dispose();
        }
    }
}
