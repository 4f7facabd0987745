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
    private long _residentBytes;
    private bool _disposed;

    public IlgpuOperations(IlgpuDevice device, Poseidon2<TParams>? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        ResidentBudgetBytes = device.Api == "cpu" ? Math.Min(device.Accelerator.MemorySize / 2, 4L << 30) : device.Accelerator.MemorySize / 2;
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
    /// Most bytes of LDE copies kept at once: an LDE that would exceed it is not kept (it is uploaded again when
    /// needed, never wrong). Default: half the device memory, at most 4 GiB on ILGPU's CPU accelerator (host memory).
    /// </summary>
    public long ResidentBudgetBytes { get; set; }

    /// <summary>Matrices and codewords whose device copy is kept now (aliases not counted), and their bytes.</summary>
    public int ResidentCount
    {
        get
        {
            lock (Device.SyncRoot)
                return _resident.Count;
        }
    }

    public long ResidentBytes
    {
        get
        {
            lock (Device.SyncRoot)
                return _residentBytes;
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
                if (m is null || _aliases.Remove(m) || !_resident.Remove(m, out var buffer))
                    continue;
                _residentBytes -= buffer.Length * sizeof(uint);
                Device.Return(buffer);
                foreach (var stale in _aliases.Where(a => ReferenceEquals(a.Value, m)).Select(a => a.Key).ToArray())
                    _aliases.Remove(stale);
            }
        }
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
        rented.Add(data);
        Device.Upload(data.View, words);
        return data.View;
    }

    private ArrayView<uint> OnDevice(RowMajorMatrix<MontyField31<TParams>> matrix, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented) =>
        OnDevice(matrix, MontyField31<TParams>.AsMontgomery(matrix.Values), rented);

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
        var result = new MontyField31<TParams>[bigWords];
        var matrix = new RowMajorMatrix<MontyField31<TParams>>(result, width);
        if (bigWords == 0)
            return matrix;
        lock (Device.SyncRoot)
        {
            var input = Device.Rent(smallWords);
            var data = Device.Rent(bigWords);
            var factors = Device.Rent(n);
            bool kept = false;
            try
            {
                var d = data.View.SubView(0, bigWords);
                // A trace kept on the device (a LogUp trace made there) is read from its copy, which stays unchanged.
                var source = input.View;
                if (TryKept(evaluations, out var keptTrace))
                    source = keptTrace.View;
                else
                    Device.Upload(input.View, MontyField31<TParams>.AsMontgomery(evaluations.Values));
                // Interpolate: bit-reverse the rows, DIT with inverse roots → n·coefficients (natural order).
                K.BitReverseRows((int)smallWords, source, d, width, log);
                if (bigWords > smallWords)
                    d.SubView(smallWords, bigWords - smallWords).MemSetToZero();
                RunLevels(d, width, log, dit: true, inverse: true);
                // Coefficient i times shift^i / n; the rows above n stay zero (the low-degree extension).
                var f = new uint[n];
                var acc = MontyField31<TParams>.FromCanonical((uint)n).Inverse();
                for (int i = 0; i < n; i++)
                {
                    f[i] = acc.Montgomery;
                    acc *= shift;
                }
                Device.Upload(factors.View, f);
                K.ScaleRows((int)smallWords, d, factors.View, width, _field);
                // Evaluate: DIF on the large domain leaves the rows bit-reversed.
                RunLevels(d, width, log + addedBits, dit: false, inverse: false);
                Device.Download(d, MontyField31<TParams>.AsMontgomery(result));
                kept = KeepBuffer(matrix, data);
            }
            finally
            {
                Device.Return(factors);
                if (!kept)
                    Device.Return(data);
                Device.Return(input);
            }
        }
        return matrix;
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

    private void RunLevels(ArrayView<uint> data, int width, int log, bool dit, bool inverse)
    {
        if (log == 0)
            return;
        var tw = Twiddles(log, inverse, out int tableLog);
        int butterflies = checked((1 << (log - 1)) * width);
        for (int step = 0; step < log; step++)
        {
            int j = dit ? step : log - 1 - step;
            if (dit)
                K.DitLevel(butterflies, data, tw, width, j, tableLog - 1 - j, _field);
            else
                K.DifLevel(butterflies, data, tw, width, j, tableLog - 1 - j, _field);
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

    /// <summary>Same tree as <c>MerkleTreeMmcs.Commit</c> with the default sponge and compression of 8-element digests (Poseidon2 width 16).</summary>
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
            CheckWords(mats[m].Values.LongLength);
        }
        // Groups of equal height, tallest first, commit order within a height (as MerkleTreeMmcs).
        var groups = mats.OrderByDescending(m => m.Height).GroupBy(m => m.Height).Select(g => g.ToArray()).ToList();
        int maxHeight = groups[0][0].Height;
        int levels = BitOperations.Log2((uint)maxHeight);
        CheckWords((long)maxHeight * 16);
        var layers = new Digest<TParams>[levels + 1][];
        lock (Device.SyncRoot)
        {
            var rc = RoundConstants();
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var current = HashRows(groups[0], rc, rented);
                layers[0] = DownloadDigests(current, maxHeight);
                int nextGroup = 1;
                for (int level = 1; level <= levels; level++)
                {
                    int count = maxHeight >> level;
                    var parents = Device.Rent((long)count * 8);
                    rented.Add(parents);
                    K.CompressLayer(count, current, parents.View, rc, _shape);
                    if (nextGroup < groups.Count && groups[nextGroup][0].Height == count)
                    {
                        var rowHashes = HashRows(groups[nextGroup], rc, rented);
                        K.CompressInject(count, parents.View, rowHashes, rc, _shape);
                        nextGroup++;
                    }
                    layers[level] = DownloadDigests(parents.View, count);
                    current = parents.View;
                }
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return MerkleTree<TParams, Digest<TParams>>.FromLayers(mats, layers);
    }

    /// <summary>Sponge of the concatenated rows of a group of equal-height matrices: one digest (8 words) per row.</summary>
    private ArrayView<uint> HashRows(RowMajorMatrix<MontyField31<TParams>>[] group, ArrayView<uint> rc, List<MemoryBuffer1D<uint, Stride1D.Dense>> rented)
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
        var digests = Device.Rent((long)height * 8);
        rented.Add(digests);
        K.Finish(height, states.View, digests.View, pos, rc, _shape);
        return digests.View;
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

    // ---------------------------------------------------------------- FRI and DEEP (quartic extension)

    /// <summary>
    /// One arity-2 FRI fold over the binomial quartic extension x^4 = <paramref name="w"/>:
    /// folded[j] = (a+b)/2 + β·(a−b)·halfInverseX[j], a = codeword[2j], b = codeword[2j+1] (4 words each).
    /// Same formula as <c>Fri.Fold</c>.
    /// </summary>
    public uint[] FriFold(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, ReadOnlySpan<uint> beta, ReadOnlySpan<uint> halfInverseX)
    {
        const int D = ExtensionShape.Degree;
        if (beta.Length != D || codeword.Length % (2 * D) != 0 || halfInverseX.Length != codeword.Length / (2 * D))
            throw new ArgumentException("codeword, beta and 1/(2x) lengths do not match a quartic extension");
        CheckWords(codeword.Length);
        int half = halfInverseX.Length;
        var result = new uint[half * D];
        if (half == 0)
            return result;
        lock (Device.SyncRoot)
        {
            var src = Device.Rent(codeword.Length);
            var b = Device.Rent(D);
            var h = Device.Rent(half);
            var dst = Device.Rent(result.Length);
            try
            {
                Device.Upload(src.View, codeword);
                Device.Upload(b.View, beta);
                Device.Upload(h.View, halfInverseX);
                K.FriFold(half, src.View, dst.View, b.View, h.View, new ExtensionShape(_field, w.Montgomery));
                Device.Download(dst.View, result);
            }
            finally
            {
                Device.Return(dst);
                Device.Return(h);
                Device.Return(b);
                Device.Return(src);
            }
        }
        return result;
    }

    /// <summary>
    /// The folds of one FRI step over the binomial quartic extension x^4 = <paramref name="w"/>: <paramref name="betas"/>
    /// holds β, β², β⁴, … (4 words each, one per arity-2 fold); the codeword (2^<paramref name="logN"/> values, bit-reversed)
    /// is uploaded once, folded on the device and only the result comes back. Same values as <c>Fri.FoldSteps</c>.
    /// </summary>
    public uint[] FriFoldSteps(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, int logN, ReadOnlySpan<uint> betas)
    {
        int logArity = betas.Length / ExtensionShape.Degree;
        var result = new uint[logArity >= 1 && logN >= logArity && logN <= 30 ? (ExtensionShape.Degree << logN) >> logArity : 0];
        FriFoldSteps(w, codeword, logN, betas, result, null, null);
        return result;
    }

    /// <summary>
    /// <see cref="FriFoldSteps(MontyField31{TParams}, ReadOnlySpan{uint}, int, ReadOnlySpan{uint})"/> into
    /// <paramref name="result"/>, reading the kept copy of <paramref name="codewordKey"/> when there is one (no upload)
    /// and keeping the result's device copy under <paramref name="resultKey"/> (when keeping is on and the budget allows).
    /// </summary>
    public void FriFoldSteps(MontyField31<TParams> w, ReadOnlySpan<uint> codeword, int logN, ReadOnlySpan<uint> betas, Span<uint> result,
        object? codewordKey, object? resultKey)
    {
        const int D = ExtensionShape.Degree;
        int logArity = betas.Length / D;
        if (betas.Length % D != 0 || logArity < 1 || logN < logArity || logN > 30 || codeword.Length != D << logN)
            throw new ArgumentException($"a codeword of {codeword.Length} words and {betas.Length} β words do not make folds of a 2^{logN}-value quartic codeword");
        if (result.Length != codeword.Length >> logArity)
            throw new ArgumentException($"the folded codeword has {codeword.Length >> logArity} words, not {result.Length}", nameof(result));
        CheckWords(codeword.Length);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            MemoryBuffer1D<uint, Stride1D.Dense>? last = null;
            bool kept = false;
            try
            {
                ArrayView<uint> src = codewordKey is not null && TryKept(codewordKey, out var k) ? k.View.AsContiguous() : Upload(codeword, rented);
                var beta = Device.Rent(betas.Length);
                rented.Add(beta);
                var h = Device.Rent(1L << (logN - 1));
                rented.Add(h);
                Device.Upload(beta.View, betas);
                var shape = new ExtensionShape(_field, w.Montgomery);
                for (int level = 0; level < logArity; level++)
                {
                    int log = logN - level, half = 1 << (log - 1);
                    // A fresh buffer per level (the pool reuses them): the last one may be kept as the result's copy.
                    var dst = Device.Rent((long)half * D);
                    if (last is not null)
                        rented.Add(last);
                    last = dst;
                    Device.Upload(h.View, HalfInverseX(log));
                    K.FriFold(half, src, dst.View, beta.View.SubView(level * D, D), h.View, shape);
                    src = dst.View;
                }
                Device.Download(src, result);
                kept = resultKey is not null && KeepBuffer(resultKey, last!);
            }
            finally
            {
                if (last is not null && !kept)
                    Device.Return(last);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// folded[j] += weight·rollIn[j] over the quartic extension (4 words per value), on the kept copy of
    /// <paramref name="foldedKey"/> (uploaded first when there is none); the result is written back to <paramref name="folded"/>.
    /// </summary>
    public void AddScaled(MontyField31<TParams> w, Span<uint> folded, ReadOnlySpan<uint> weight, ReadOnlySpan<uint> rollIn, object? foldedKey, object? rollInKey = null)
    {
        const int D = ExtensionShape.Degree;
        if (weight.Length != D || folded.Length != rollIn.Length || folded.Length % D != 0)
            throw new ArgumentException("folded, weight and roll-in lengths do not match a quartic extension");
        CheckWords(folded.Length);
        if (folded.Length == 0)
            return;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                ArrayView<uint> dst = foldedKey is not null && TryKept(foldedKey, out var k) ? k.View.AsContiguous() : Upload(folded, rented);
                var src = rollInKey is null ? Upload(rollIn, rented) : OnDevice(rollInKey, rollIn, rented);
                var wt = Upload(weight, rented);
                K.AddScaled(folded.Length / D, dst, src, wt, new ExtensionShape(_field, w.Montgomery));
                Device.Download(dst, folded);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>
    /// DEEP batching of one LDE height on the device (<c>IProverBackend.DeepReduce</c>): result[r] = Σ_p (Σ_m scale_pm·S_m[r] − y_p)/(x_r − z_p),
    /// S_m[r] = Σ_c coefficients[c]·M_m[r, c], x_r = g·ω^bitrev(r). Matrices with a kept copy are read there; the result's
    /// device copy is kept under <paramref name="resultKey"/> (for FRI). Extension values are 4 words; a point's
    /// <c>Scales</c> hold 4 words per matrix.
    /// </summary>
    public void DeepReduce(MontyField31<TParams> w, int logH, IReadOnlyList<RowMajorMatrix<MontyField31<TParams>>> matrices, ReadOnlySpan<uint> coefficients,
        IReadOnlyList<(uint[] Z, uint[] Scales, uint[] Y)> points, Span<uint> result, object? resultKey)
    {
        const int D = ExtensionShape.Degree;
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(points);
        if (logH < 0 || logH > 30 || result.Length != D << logH || coefficients.Length % D != 0)
            throw new ArgumentException($"a DEEP codeword of 2^{logH} values takes {D << Math.Clamp(logH, 0, 30)} words, and {D} words per coefficient");
        int h = 1 << logH;
        CheckWords((long)D * h);
        foreach (var m in matrices)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matrices));
            if (m.Height != h || m.Width * D > coefficients.Length)
                throw new ArgumentException($"a {m.Height}×{m.Width} matrix at a height of {h} rows with {coefficients.Length / D} coefficients", nameof(matrices));
            CheckWords(m.Values.LongLength);
        }
        foreach (var (z, scales, y) in points)
            if (z.Length != D || y.Length != D || scales.Length != D * matrices.Count)
                throw new ArgumentException("a point needs z and y (4 words each) and 4 words of weight per matrix", nameof(points));
        var shape = new ExtensionShape(_field, w.Montgomery);
        uint omega = MontyField31<TParams>.TwoAdicGenerator(logH).Montgomery, shift = MontyField31<TParams>.MultiplicativeGenerator.Montgomery;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            MemoryBuffer1D<uint, Stride1D.Dense>? acc = null;
            bool kept = false;
            try
            {
                var coeffs = Upload(coefficients, rented);
                // Every point's z, y and weights in one upload: point p at 8p (z) and 8p + 4 (y), weights after.
                int pc = points.Count, mc = matrices.Count;
                var small = new uint[8 * pc + D * pc * mc];
                for (int p = 0; p < pc; p++)
                {
                    points[p].Z.CopyTo(small, 8 * p);
                    points[p].Y.CopyTo(small, 8 * p + 4);
                    points[p].Scales.CopyTo(small, 8 * pc + D * p * mc);
                }
                var smallView = Upload(small, rented);
                var terms = new ArrayView<uint>[pc];
                for (int p = 0; p < pc; p++)
                {
                    var t = Device.Rent((long)D * h);
                    rented.Add(t);
                    terms[p] = t.View.SubView(0, (long)D * h);
                    terms[p].MemSetToZero();
                }
                var s = Device.Rent((long)D * h);
                rented.Add(s);
                for (int m = 0; m < mc; m++)
                {
                    var matrix = matrices[m];
                    K.CombineColumns(h, OnDevice(matrix, rented), coeffs, s.View, matrix.Width, shape);
                    for (int p = 0; p < pc; p++)
                    {
                        int at = 8 * pc + D * (p * mc + m);
                        if (small[at] == 0 && small[at + 1] == 0 && small[at + 2] == 0 && small[at + 3] == 0)
                            continue; // not opened at this point
                        K.AddScaled(h, terms[p], s.View, smallView.SubView(at, D), shape);
                    }
                }
                acc = Device.Rent((long)D * h);
                acc.View.SubView(0, (long)D * h).MemSetToZero();
                var inv = Device.Rent((long)D * h);
                rented.Add(inv);
                for (int p = 0; p < pc; p++)
                {
                    K.DeepInverse(h, inv.View, smallView.SubView(8 * p, D), omega, shift, logH, shape);
                    K.DeepAccumulate(h, acc.View, terms[p], inv.View, smallView.SubView(8 * p + 4, D), shape);
                }
                Device.Download(acc.View, result);
                kept = resultKey is not null && KeepBuffer(resultKey, acc);
            }
            finally
            {
                if (acc is not null && !kept)
                    Device.Return(acc);
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
    }

    /// <summary>1/(x_r − z) for x_r = g·ω^bitrev(r) on a domain of 2^<paramref name="logH"/> points, on the device (4 words per value).</summary>
    public uint[] DeepInverse(MontyField31<TParams> w, int logH, ReadOnlySpan<uint> z)
    {
        const int D = ExtensionShape.Degree;
        if (logH < 0 || logH > 30 || z.Length != D)
            throw new ArgumentException("a point of 4 words on a domain of at most 2^30 points");
        var result = new uint[D << logH];
        CheckWords(result.Length);
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var zv = Upload(z, rented);
                var o = Device.Rent(result.Length);
                rented.Add(o);
                K.DeepInverse(1 << logH, o.View, zv, MontyField31<TParams>.TwoAdicGenerator(logH).Montgomery, MontyField31<TParams>.MultiplicativeGenerator.Montgomery,
                    logH, new ExtensionShape(_field, w.Montgomery));
                Device.Download(o.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return result;
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
        CheckWords(main.Values.LongLength);
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

    /// <summary>1/(2x_j) for j &lt; N/2, x_j = ω_N^bitrev(2j), in Montgomery form (as <c>Fri.FoldCodeword</c> computes them).</summary>
    private static uint[] HalfInverseX(int logN)
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

    /// <summary>
    /// out[r] = Σ_c coeffs[c]·M[r, c] with quartic-extension coefficients (4 words each) over a base-field
    /// matrix: the column combination of DEEP batching.
    /// </summary>
    public uint[] CombineColumns(MontyField31<TParams> w, RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<uint> coeffs)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        const int D = ExtensionShape.Degree;
        if (coeffs.Length != matrix.Width * D)
            throw new ArgumentException("one extension coefficient (4 words) per column is needed", nameof(coeffs));
        CheckWords(matrix.Values.LongLength);
        CheckWords((long)matrix.Height * D);
        var result = new uint[matrix.Height * D];
        if (matrix.Height == 0)
            return result;
        lock (Device.SyncRoot)
        {
            var rented = new List<MemoryBuffer1D<uint, Stride1D.Dense>>();
            try
            {
                var m = OnDevice(matrix, rented);
                var c = Device.Rent(Math.Max(1, coeffs.Length));
                rented.Add(c);
                var o = Device.Rent(result.Length);
                rented.Add(o);
                Device.Upload(c.View, coeffs);
                K.CombineColumns(matrix.Height, m, c.View, o.View, matrix.Width, new ExtensionShape(_field, w.Montgomery));
                Device.Download(o.View, result);
            }
            finally
            {
                foreach (var b in rented)
                    Device.Return(b);
            }
        }
        return result;
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
            _aliases.Clear();
            _residentBytes = 0;
            foreach (var b in _twiddles.Values)
                b.Dispose();
            _twiddles.Clear();
            _roundConstants?.Dispose();
        }
    }
}
