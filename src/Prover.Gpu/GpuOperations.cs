using System.Numerics;
using System.Runtime.InteropServices;
using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;

namespace Prover.Gpu;

/// <summary>
/// The prover's heavy operations for one field on one device: coset LDE in bit-reversed order, batched
/// DFTs, Poseidon2 permutations, Merkle commitments with mixed heights, and FRI folding. Each method
/// uploads its input, runs the single-source kernels and downloads the result, so every result can be
/// compared word for word with the CPU implementation. Calls are serialised by the device's lock (one queue).
/// </summary>
public sealed class GpuOperations<TParams> : IDisposable where TParams : struct, IMontyParameters
{
    private readonly KernelSource _ntt;
    private readonly KernelSource _poseidon;
    private readonly Poseidon2<TParams> _permutation;
    private readonly Dictionary<(int Log, bool Inverse), GpuBuffer> _twiddles = [];
    private GpuBuffer? _roundConstants;
    private bool _disposed;

    public GpuOperations(GpuDevice device, Poseidon2<TParams>? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        _permutation = permutation ?? Poseidon2.Width16<TParams>();
        if (_permutation.Width != 16)
            throw new ArgumentException("the Merkle kernels need a width-16 permutation", nameof(permutation));
        var field = KernelSource.FieldDefines<TParams>();
        _ntt = KernelSource.Create("ntt.cl", field);
        _poseidon = GpuKernelSources.Poseidon2Source(_permutation);
    }

    public GpuDevice Device { get; }

    /// <summary>Compiles every program now (the first call otherwise pays for it).</summary>
    public void Warm()
    {
        lock (Device.SyncRoot)
        {
            Device.Kernel(_ntt, "ntt_dif_level");
            Device.Kernel(_poseidon, "compress_layer");
        }
    }

    // ---------------------------------------------------------------- DFT / LDE

    /// <summary>Same result as <c>Radix2Dft.CosetLdeBitReversed</c>: evaluations on H (natural order) → shift·H', rows bit-reversed.</summary>
    public RowMajorMatrix<MontyField31<TParams>> CosetLdeBitReversed(RowMajorMatrix<MontyField31<TParams>> evaluations, int addedBits, MontyField31<TParams> shift)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        int log = LogHeight(evaluations.Height, addedBits);
        int n = 1 << log, width = evaluations.Width;
        long bigWords = ((long)n << addedBits) * width;
        CheckWords(bigWords);
        var result = new MontyField31<TParams>[bigWords];
        lock (Device.SyncRoot)
        {
            using var input = Device.Upload(MontyField31<TParams>.AsMontgomery(evaluations.Values));
            using var data = Device.Allocate(bigWords);
            // Interpolate: bit-reverse the rows, DIT with inverse roots → n·coefficients (natural order).
            Launch(_ntt, "bitrev_rows", (long)n * width, input, data, (uint)width, (uint)log, (uint)(n * width));
            if (bigWords > (long)n * width)
                Zero(data, (long)n * width, bigWords);
            RunLevels(data, width, log, dit: true, inverse: true);
            // Coefficient i times shift^i / n; the rows above n stay zero (the low-degree extension).
            var factors = new uint[n];
            var acc = MontyField31<TParams>.FromCanonical((uint)n).Inverse();
            for (int i = 0; i < n; i++)
            {
                factors[i] = acc.Montgomery;
                acc *= shift;
            }
            using var f = Device.Upload(factors);
            Launch(_ntt, "scale_rows", (long)n * width, data, f, (uint)width, (uint)(n * width));
            // Evaluate: DIF on the large domain leaves the rows bit-reversed.
            RunLevels(data, width, log + addedBits, dit: false, inverse: false);
            Device.Download(data, MontyField31<TParams>.AsMontgomery(result));
        }
        return new RowMajorMatrix<MontyField31<TParams>>(result, width);
    }

    /// <summary>Forward DFT of every column in place (natural order in and out), as <c>Radix2Dft.DftBatch</c>.</summary>
    public void DftBatch(RowMajorMatrix<MontyField31<TParams>> matrix) => Transform(matrix, inverse: false);

    /// <summary>Inverse DFT of every column in place, scaled by 1/n, as <c>Radix2Dft.IdftBatch</c>.</summary>
    public void IdftBatch(RowMajorMatrix<MontyField31<TParams>> matrix) => Transform(matrix, inverse: true);

    private void Transform(RowMajorMatrix<MontyField31<TParams>> matrix, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int log = LogHeight(matrix.Height, 0);
        int n = matrix.Height, width = matrix.Width;
        var words = MontyField31<TParams>.AsMontgomery(matrix.Values);
        lock (Device.SyncRoot)
        {
            using var input = Device.Upload(words);
            using var data = Device.Allocate(words.Length);
            Launch(_ntt, "bitrev_rows", words.Length, input, data, (uint)width, (uint)log, (uint)words.Length);
            RunLevels(data, width, log, dit: true, inverse);
            if (inverse)
            {
                var nInv = MontyField31<TParams>.FromCanonical((uint)n).Inverse().Montgomery;
                var factors = new uint[n];
                Array.Fill(factors, nInv);
                using var f = Device.Upload(factors);
                Launch(_ntt, "scale_rows", words.Length, data, f, (uint)width, (uint)words.Length);
            }
            Device.Download(data, words);
        }
    }

    /// <summary>Levels fused per work-group in local memory (NTT_BLOCK_LOG in ntt.cl).</summary>
    private const int BlockLog = 9;

    private void RunLevels(GpuBuffer data, int width, int log, bool dit, bool inverse)
    {
        if (log == 0)
            return;
        var tw = Twiddles(log, inverse, out int tableLog);
        long butterflies = (long)(1 << (log - 1)) * width;
        var level = Device.Kernel(_ntt, dit ? "ntt_dit_level" : "ntt_dif_level");
        // Levels j < blockLevels stay inside blocks of 2^blockLevels rows: one local-memory pass
        // (first for DIT, last for DIF); the wider levels are one global pass each. One work-group per
        // (block, column): the launch is exactly groups × the kernel's group size.
        int blockLevels = Math.Min(log, BlockLog);
        var block = Device.Kernel(_ntt, "ntt_block");
        long blockItems = (long)(1 << (log - blockLevels)) * width * block.GroupSize;
        if (dit)
            Device.Launch(block, blockItems, data, tw, (uint)width, (uint)blockLevels, (uint)tableLog, 1u);
        for (int step = 0; step < log - blockLevels; step++)
        {
            int j = dit ? blockLevels + step : log - 1 - step;
            Device.Launch(level, butterflies, data, tw, (uint)width, (uint)j, (uint)(tableLog - 1 - j), (uint)butterflies);
        }
        if (!dit)
            Device.Launch(block, blockItems, data, tw, (uint)width, (uint)blockLevels, (uint)tableLog, 0u);
    }

    /// <summary>tw[i] = ω^i (ω a primitive 2^L-th root, inverted for the inverse transform), L ≥ log, cached at the largest size used.</summary>
    private GpuBuffer Twiddles(int log, bool inverse, out int tableLog)
    {
        foreach (var ((l, inv), buffer) in _twiddles)
        {
            if (inv == inverse && l >= log)
            {
                tableLog = l;
                return buffer;
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
        var uploaded = Device.Upload(table);
        _twiddles[(log, inverse)] = uploaded;
        tableLog = log;
        return uploaded;
    }

    // ---------------------------------------------------------------- Poseidon2 and Merkle

    /// <summary>Permutes states (16 Montgomery words each, concatenated) in place.</summary>
    public void Permute(Span<uint> states)
    {
        if (states.Length % 16 != 0)
            throw new ArgumentException("states must be whole 16-word states", nameof(states));
        lock (Device.SyncRoot)
        {
            using var buffer = Device.Upload(states);
            Launch(_poseidon, "poseidon2_permute", states.Length / 16, buffer, RoundConstants(), (uint)(states.Length / 16));
            Device.Download(buffer, states);
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
            var buffers = new List<GpuBuffer>();
            try
            {
                var current = HashRows(groups[0], rc);
                buffers.Add(current);
                layers[0] = DownloadDigests(current, maxHeight);
                int nextGroup = 1;
                var compress = Device.Kernel(_poseidon, "compress_layer");
                var inject = Device.Kernel(_poseidon, "compress_inject");
                for (int level = 1; level <= levels; level++)
                {
                    int count = maxHeight >> level;
                    var parents = Device.Allocate((long)count * 8);
                    buffers.Add(parents);
                    Device.Launch(compress, count, current, parents, rc, (uint)count);
                    if (nextGroup < groups.Count && groups[nextGroup][0].Height == count)
                    {
                        var rowHashes = HashRows(groups[nextGroup], rc);
                        buffers.Add(rowHashes);
                        Device.Launch(inject, count, parents, rowHashes, rc, (uint)count);
                        nextGroup++;
                    }
                    layers[level] = DownloadDigests(parents, count);
                    current = parents;
                }
            }
            finally
            {
                foreach (var b in buffers)
                    b.Dispose();
            }
        }
        return MerkleTree<TParams, Digest<TParams>>.FromLayers(mats, layers);
    }

    /// <summary>Sponge of the concatenated rows of a group of equal-height matrices: one digest (8 words) per row.</summary>
    private GpuBuffer HashRows(RowMajorMatrix<MontyField31<TParams>>[] group, GpuBuffer rc)
    {
        int height = group[0].Height;
        using var states = Device.Allocate((long)height * 16);
        Launch(_poseidon, "sponge_init", (long)height * 16, states, (uint)(height * 16));
        var absorb = Device.Kernel(_poseidon, "sponge_absorb");
        int pos = 0;
        foreach (var matrix in group)
        {
            CheckWords(matrix.Values.LongLength);
            using var data = Device.Upload(MontyField31<TParams>.AsMontgomery(matrix.Values));
            Device.Launch(absorb, height, states, data, (uint)matrix.Width, (uint)pos, rc, (uint)height);
            pos = (pos + matrix.Width) % PaddingFreeSponge<TParams, Digest<TParams>>.Rate;
        }
        var digests = Device.Allocate((long)height * 8);
        Launch(_poseidon, "sponge_finish", height, states, digests, (uint)pos, rc, (uint)height);
        return digests;
    }

    private Digest<TParams>[] DownloadDigests(GpuBuffer buffer, int count)
    {
        var digests = new Digest<TParams>[count];
        Device.Download(buffer, MemoryMarshal.Cast<Digest<TParams>, uint>(digests.AsSpan()));
        return digests;
    }

    /// <summary>Round constants in the layout poseidon2.cl expects: 64 initial, 64 final, partial, 16 diagonal.</summary>
    private GpuBuffer RoundConstants()
    {
        if (_roundConstants is not null)
            return _roundConstants;
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
        _roundConstants = Device.Upload(words.ToArray());
        return _roundConstants;
    }

    // ---------------------------------------------------------------- FRI

    /// <summary>
    /// One arity-2 FRI fold of a codeword over the binomial extension of degree <paramref name="degree"/>
    /// (x^D = W): folded[j] = (a+b)/2 + β·(a−b)·inv2x[j], a = codeword[2j], b = codeword[2j+1]; elements are
    /// <paramref name="degree"/> consecutive Montgomery words. Same formula as <c>Fri.Fold</c>.
    /// </summary>
    public uint[] FriFold(int degree, MontyField31<TParams> w, ReadOnlySpan<uint> codeword, ReadOnlySpan<uint> beta, ReadOnlySpan<uint> halfInverseX)
    {
        if (degree is < 2 or > 8)
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "extension degree 2..8");
        if (beta.Length != degree || codeword.Length % (2 * degree) != 0 || halfInverseX.Length != codeword.Length / (2 * degree))
            throw new ArgumentException("codeword, beta and 1/(2x) lengths do not match");
        int half = halfInverseX.Length;
        var result = new uint[half * degree];
        if (half == 0)
            return result;
        var fri = FriSource(degree, w);
        lock (Device.SyncRoot)
        {
            using var src = Device.Upload(codeword);
            using var b = Device.Upload(beta);
            using var h = Device.Upload(halfInverseX);
            using var dst = Device.Allocate(result.Length);
            Launch(fri, "fri_fold", half, src, dst, b, h, (uint)half);
            Device.Download(dst, result);
        }
        return result;
    }

    /// <summary>acc[j] += scalar·values[j] in the extension (the FRI roll-in of a shorter reduced opening).</summary>
    public void ExtMulAdd(int degree, MontyField31<TParams> w, Span<uint> acc, ReadOnlySpan<uint> values, ReadOnlySpan<uint> scalar)
    {
        if (acc.Length != values.Length || acc.Length % degree != 0 || scalar.Length != degree)
            throw new ArgumentException("lengths do not match the extension degree");
        int count = acc.Length / degree;
        if (count == 0)
            return;
        var fri = FriSource(degree, w);
        lock (Device.SyncRoot)
        {
            using var a = Device.Upload(acc);
            using var v = Device.Upload(values);
            using var s = Device.Upload(scalar);
            Launch(fri, "ext_mul_add", count, a, v, s, (uint)count);
            Device.Download(a, acc);
        }
    }

    /// <summary>
    /// out[r] = Σ_c coeffs[c]·M[r, c] with extension coefficients (D words each) over a base-field matrix:
    /// the column combination of DEEP batching and of the quotient's α-folding.
    /// </summary>
    public uint[] CombineColumns(int degree, MontyField31<TParams> w, RowMajorMatrix<MontyField31<TParams>> matrix, ReadOnlySpan<uint> coeffs)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (degree is < 1 or > 8 || coeffs.Length != matrix.Width * degree)
            throw new ArgumentException("one extension coefficient (degree words) per column is needed", nameof(coeffs));
        CheckWords(matrix.Values.LongLength);
        var result = new uint[matrix.Height * degree];
        var source = GpuKernelSources.ExtensionSource("combine.cl", degree, w);
        lock (Device.SyncRoot)
        {
            using var m = Device.Upload(MontyField31<TParams>.AsMontgomery(matrix.Values));
            using var c = Device.Upload(coeffs);
            using var o = Device.Allocate(result.Length);
            Launch(source, "ext_combine_columns", matrix.Height, m, c, o, (uint)matrix.Width, (uint)matrix.Height);
            Device.Download(o, result);
        }
        return result;
    }

    private static KernelSource FriSource(int degree, MontyField31<TParams> w) => GpuKernelSources.FriSource(degree, w);

    // ---------------------------------------------------------------- helpers

    private void Launch(KernelSource source, string name, long items, params ReadOnlySpan<KernelArg> args) =>
        Device.Launch(Device.Kernel(source, name), items, args);

    /// <summary>Clears words [from, to) of a buffer.</summary>
    private void Zero(GpuBuffer buffer, long from, long to) =>
        Launch(_ntt, "fill_zero", to - from, buffer, (uint)from, (uint)(to - from));

    private static int LogHeight(int height, int addedBits) => Radix2Dft<TParams>.LogHeight(height, addedBits);

    /// <summary>Kernels index with 32-bit words: buffers stay below 2^32 words (16 GiB).</summary>
    private static void CheckWords(long words)
    {
        if (words >= 1L << 32)
            throw new NotSupportedException($"{words} words exceed the kernels' 32-bit indexing");
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (Device.SyncRoot)
        {
            foreach (var b in _twiddles.Values)
                b.Dispose();
            _twiddles.Clear();
            _roundConstants?.Dispose();
        }
    }
}
