using Prover.Core.Air.Demo;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Gpu.Ilgpu;
using Xunit.Abstractions;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// Query openings on the device (issue 13): the opened rows gathered from the LDEs' and FRI codewords' device copies, the sibling
/// digests from the tree's layers left on the device, compared with <see cref="MerkleTreeMmcs{TParams, TDigest}.OpenMulti"/>
/// (the CPU reference) word for word; the bytes that cross are counted and must be the opened words only.
/// </summary>
public class DeviceQueryOpeningsTests(ITestOutputHelper output)
{
    private static readonly MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>> Mmcs = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default;

    private static void AssertSameOpening(MultiOpening<KoalaBearParameters, Digest<KoalaBearParameters>> expected,
        MultiOpening<KoalaBearParameters, Digest<KoalaBearParameters>> actual)
    {
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (int m = 0; m < expected.Rows.Count; m++)
            Assert.True(expected.Rows[m].AsSpan().SequenceEqual(actual.Rows[m]), $"rows of matrix {m} differ");
        Assert.Equal(expected.Siblings, actual.Siblings);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 3)]
    public void Openings_gathered_on_the_device_are_the_cpu_openings_and_only_the_opened_words_cross(int capHeight, int seed)
    {
        // A device of its own: the byte counts below must not see other tests' traffic.
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        IProverBackend<KoalaBearParameters> device = backend;
        var shift = KoalaBear.MultiplicativeGenerator;
        var a = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(32 * 5, seed), 5);
        var b = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(16 * 3, seed + 1), 3);
        var ldeA = device.CosetLdeBitReversed(a, 1, shift); // 64 × 5, on the device
        var ldeB = device.CosetLdeBitReversed(b, 1, shift); // 32 × 3, on the device
        var host = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(64 * 2, seed + 2), 2); // never uploaded for keeping
        var tree = device.Commit<Digest<KoalaBearParameters>>([ldeA, host, ldeB]);
        var cpuTree = Mmcs.Commit([ldeA, host, ldeB]);
        Assert.False(tree.HasHostLayers); // nothing of the tree came back yet
        Assert.Equal(0, backend.Traffic.FromDevice(IlgpuTraffic.Commit));
        var random = new Random(seed);
        int[] indices = [.. Enumerable.Range(0, 12).Select(_ => random.Next(64)), 5, 4, 5]; // unsorted, with repeats and a sibling pair
        var opening = device.OpenMulti(tree, indices, capHeight);
        AssertSameOpening(Mmcs.OpenMulti(indices, cpuTree, capHeight), opening);
        Assert.False(tree.HasHostLayers); // the siblings were gathered on the device
        // Exactly the opened words of the device matrices and the siblings came back; one index per opened row (or digest) went up.
        var leaves = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.SortedDistinct(indices);
        int rowsA = leaves.Length, rowsB = MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Positions(leaves, 1).Length;
        int siblings = opening.Siblings.Count;
        Assert.Equal(4L * (rowsA * 5 + rowsB * 3 + siblings * 8), backend.Traffic.FromDevice(IlgpuTraffic.QueryOpenings));
        Assert.Equal(4L * (rowsA + rowsB + siblings), backend.Traffic.ToDevice(IlgpuTraffic.QueryOpenings));
        output.WriteLine($"cap {capHeight}: {leaves.Length} leaves, {siblings} siblings; {backend.Traffic}");
        // The cap is fetched when read (one layer of 2^c digests); the root is the CPU's.
        Assert.Equal(cpuTree.Cap(capHeight).Digests.ToArray(), tree.Cap(capHeight).Digests.ToArray());
        Assert.Equal(4L * 8 << capHeight, backend.Traffic.FromDevice(IlgpuTraffic.TreeLayers));
        Assert.Equal(cpuTree.Root, tree.Root);
        // Bad indices are refused as the reference refuses them.
        Assert.Throws<ArgumentException>(() => device.OpenMulti(tree, [], capHeight));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.OpenMulti(tree, [64], capHeight));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.OpenMulti(tree, [-1], capHeight));
        // Released without its layers: a later read fails loudly (never other digests); fetched first, the host answers the same.
        var second = device.Commit<Digest<KoalaBearParameters>>([ldeA, host, ldeB]);
        device.Release([tree]);
        Assert.Throws<InvalidOperationException>(() => device.OpenMulti(tree, indices, capHeight));
        second.FetchAllLayers();
        Assert.True(second.HasHostLayers);
        device.Release([second, ldeA, ldeB, a, b]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        AssertSameOpening(Mmcs.OpenMulti(indices, cpuTree, capHeight), device.OpenMulti(second, indices, capHeight));
    }

    /// <summary>
    /// An LDE kept on the device has no host values until read (then they are the CPU's words, fetched once); DEEP's column
    /// selection runs on its device copy and stays there too; a matrix released unread fails loudly when read.
    /// </summary>
    [Fact]
    public void Ldes_stay_on_the_device_until_read_and_their_columns_are_selected_there()
    {
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        IProverBackend<KoalaBearParameters> device = backend, cpu = CpuBackend<KoalaBearParameters>.Instance;
        var trace = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>(32 * 5, 51), 5);
        var expected = cpu.CosetLdeBitReversed(trace, 1, KoalaBear.MultiplicativeGenerator);
        var lde = device.CosetLdeBitReversed(trace, 1, KoalaBear.MultiplicativeGenerator);
        Assert.False(lde.HasHostValues);
        Assert.Equal((64, 5), (lde.Height, lde.Width)); // known without the values
        int[] columns = [4, 0, 2];
        var selected = device.SelectColumns(lde, columns);
        Assert.False(selected.HasHostValues);
        Assert.False(lde.HasHostValues);
        Assert.Equal(ColumnSelection.Select(expected, columns).Values, selected.Values);
        Assert.Equal(0L, backend.Traffic.FromDevice(IlgpuTraffic.Deep)); // the selection itself downloads nothing
        Assert.Equal(4L * 64 * 3, backend.Traffic.FromDevice(IlgpuTraffic.MatrixValues));
        Assert.Equal(expected.Values, lde.Values);
        Assert.True(lde.HasHostValues);
        Assert.Equal(4L * 64 * 8, backend.Traffic.FromDevice(IlgpuTraffic.MatrixValues));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.SelectColumns(lde, [5]));
        Assert.Throws<ArgumentException>(() => device.SelectColumns(lde, []));
        var unread = device.CosetLdeBitReversed(trace, 1, KoalaBear.MultiplicativeGenerator);
        device.Release([lde, selected, unread, trace]);
        Assert.Equal(0, backend.Operations.ResidentCount);
        Assert.Throws<InvalidOperationException>(() => unread.Values);
        // A host matrix is selected on the host (same values).
        Assert.Equal(ColumnSelection.Select(expected, columns).Values, device.SelectColumns(expected, columns).Values);
    }

    /// <summary>A FRI step's tree (octic codeword): its leaves' rows are gathered from the codeword's device copy.</summary>
    [Fact]
    public void Fri_leaves_openings_are_gathered_from_the_codeword_copy()
    {
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(IlgpuCpuDevice.Device, ownsDevice: false);
        IProverBackend<KoalaBearParameters> device = backend;
        var words = Random31.Elements<KoalaBearParameters>(8 << 7, 41);
        var codeword = new ExtensionField<KoalaBear, KoalaBearOctic>[1 << 7];
        for (int i = 0; i < codeword.Length; i++)
            codeword[i] = ExtensionField<KoalaBear, KoalaBearOctic>.FromCoefficients(words.AsSpan(8 * i, 8));
        var leaves = device.FriLeaves(codeword, 3);
        Assert.True(backend.Operations.IsResident(leaves));
        var tree = device.Commit<Digest<KoalaBearParameters>>([leaves]);
        var cpuTree = Mmcs.Commit([((IProverBackend<KoalaBearParameters>)CpuBackend<KoalaBearParameters>.Instance).FriLeaves(codeword, 3)]);
        int[] indices = [0, 15, 7, 6, 3];
        AssertSameOpening(Mmcs.OpenMulti(indices, cpuTree, 1), device.OpenMulti(tree, indices, 1));
        Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.QueryOpenings));
        device.Release([codeword, leaves, tree]);
        Assert.Equal(0, backend.Operations.ResidentCount);
    }

    /// <summary>
    /// Whole proofs with the query openings on the device are the CPU's bytes; the trees' layers never come back whole (the
    /// commitments download nothing, the host reads the caps only), so fewer bytes cross than with the trees downloaded and
    /// opened on the host (the previous behaviour, still selectable); the per-phase traffic is reported.
    /// </summary>
    [Theory]
    [InlineData("fibonacci", 10)]
    [InlineData("lookup", 6)]
    public void Whole_proofs_with_device_query_openings_are_the_cpu_bytes_and_move_fewer_bytes(string demo, int logRows)
    {
        Assert.True(IlgpuDevice.TryOpen(IlgpuDeviceKind.Cpu, out var own, out string report), report);
        using var backend = new IlgpuProverBackend<KoalaBearParameters>(own!);
        var (cpuFile, cpuReport) = DemoProofs.Prove(demo, logRows, "development");
        long Traffic(bool onDevice)
        {
            backend.KeepTreesOnDevice = onDevice;
            backend.QueriesOnDevice = onDevice;
            backend.LdesOnDemand = onDevice;
            backend.Traffic.Reset();
            long before = own!.BytesToDevice + own.BytesFromDevice;
            var (file, _) = DemoProofs.Prove(demo, logRows, "development", backend);
            Assert.True(cpuFile.AsSpan().SequenceEqual(file), $"{demo}: proof bytes differ from the CPU's (queries on the device {onDevice})");
            Assert.Equal(0, backend.Operations.ResidentCount);
            long moved = own.BytesToDevice + own.BytesFromDevice - before;
            output.WriteLine($"{demo} 2^{logRows} (development, ILGPU CPU accelerator), trees, LDEs and queries on the device {onDevice}: {moved:N0} B in all{Environment.NewLine}{backend.Traffic}");
            return moved;
        }
        long host = Traffic(onDevice: false);
        Assert.Equal(0, backend.Traffic.Calls(IlgpuTraffic.QueryOpenings));
        long device = Traffic(onDevice: true);
        Assert.True(backend.Traffic.Calls(IlgpuTraffic.QueryOpenings) > 0);
        Assert.Equal(0, backend.Traffic.FromDevice(IlgpuTraffic.Commit));
        Assert.Equal(0, backend.Traffic.Calls(IlgpuTraffic.MatrixValues)); // no LDE or LogUp trace was read on the host
        Assert.Equal(0, backend.Traffic.FromDevice(IlgpuTraffic.Lde));
        // The quotient's values and chunks, the DEEP codewords and the folded FRI codewords stay on the device: of FRI's final
        // codeword only the final polynomial's coefficients come back (and the opened rows and siblings).
        foreach (var phase in new[] { IlgpuTraffic.Quotient, IlgpuTraffic.Deep, IlgpuTraffic.FriFold, IlgpuTraffic.FriRollIn })
            Assert.Equal(0, backend.Traffic.FromDevice(phase));
        Assert.Equal(1, backend.Traffic.Calls(IlgpuTraffic.FriFinal));
        Assert.Equal(0, backend.Traffic.ToDevice(IlgpuTraffic.FriFinal));
        // The proof's final polynomial section is a 4-byte count and the coefficients; the device sends the coefficients and a 4-byte
        // flag (the higher coefficients vanish), so the same number of bytes, and a blowup factor less than the codeword.
        Assert.Equal(cpuReport.Sizes.FinalPolynomial, backend.Traffic.FromDevice(IlgpuTraffic.FriFinal));
        Assert.True(device < host, $"{demo}: {device} B with the queries on the device, {host} B with the trees downloaded");
    }
}
