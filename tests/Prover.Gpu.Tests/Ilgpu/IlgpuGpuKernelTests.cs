using Prover.Core.Dft;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;
using Prover.Core.Merkle;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>The ILGPU GPU device (CUDA, or OpenCL with the generic address space), opened once; null with the reason when there is none.</summary>
internal static class IlgpuGpuDevice
{
    private static readonly Lazy<(IlgpuOperations<KoalaBearParameters>? Ops, string Reason)> s_ops = new(() =>
        IlgpuDevice.TryOpen(IlgpuDeviceKind.Gpu, out var device, out var report)
            ? (new IlgpuOperations<KoalaBearParameters>(device!), report)
            : (null, "no GPU through ILGPU: " + report));

    public static IlgpuOperations<KoalaBearParameters>? Operations => s_ops.Value.Ops;

    public static string Missing => s_ops.Value.Reason;
}

/// <summary>A fact that runs only where ILGPU finds a GPU; otherwise skipped with the reason.</summary>
public sealed class IlgpuGpuFactAttribute : FactAttribute
{
    public IlgpuGpuFactAttribute()
    {
        if (IlgpuGpuDevice.Operations is null)
            Skip = IlgpuGpuDevice.Missing;
    }
}

/// <summary>The ILGPU kernels on a real GPU against the CPU reference at sizes the CPU accelerator cannot afford (2^18–2^20).</summary>
public class IlgpuGpuKernelTests
{
    private static IlgpuOperations<KoalaBearParameters> Ops => IlgpuGpuDevice.Operations!;

    [IlgpuGpuFact]
    public void LdeMatchesCpuAtScale()
    {
        var input = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 18) * 16, 5), 16);
        var shift = KoalaBear.MultiplicativeGenerator;
        var expected = Radix2Dft<KoalaBearParameters>.Instance.CosetLdeBitReversed(input.Clone(), 2, shift);
        Assert.True(expected.Values.AsSpan().SequenceEqual(Ops.CosetLdeBitReversed(input, 2, shift).Values));
    }

    [IlgpuGpuFact]
    public void CommitAndPermutationMatchCpuAtScale()
    {
        var big = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 20) * 8, 6), 8);
        var small = new RowMajorMatrix<KoalaBear>(Random31.Elements<KoalaBearParameters>((1 << 17) * 27, 7), 27);
        Assert.Equal(MerkleTreeMmcs<KoalaBearParameters, Digest<KoalaBearParameters>>.Default.Commit([big, small]).Root, Ops.Commit([big, small]).Root);
        var states = Random31.Elements<KoalaBearParameters>(16 << 16, 8);
        var expected = (KoalaBear[])states.Clone();
        Poseidon2.Width16<KoalaBearParameters>().PermuteManyParallel(expected);
        var words = KoalaBear.AsMontgomery(states.AsSpan()).ToArray();
        Ops.Permute(words);
        Assert.True(KoalaBear.AsMontgomery(expected.AsSpan()).SequenceEqual(words));
    }
}
