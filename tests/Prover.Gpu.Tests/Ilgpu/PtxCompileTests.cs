using ILGPU.Runtime.Cuda;
using Prover.Gpu.Ilgpu;

namespace Prover.Gpu.Tests.Ilgpu;

/// <summary>
/// Every ILGPU kernel compiles to PTX for sm_80 (A100) and sm_90 (H100/H200) through ILGPU's PTX backend,
/// which needs neither a GPU nor a CUDA toolkit: a compile error in device code fails here, on any machine.
/// </summary>
public class PtxCompileTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in new[] { "SM_80", "SM_90" })
            foreach (var m in IlgpuKernels.All.Concat(IlgpuKernels.Grouped))
                data.Add(arch, m.DeclaringType!.Name + "." + m.Name);
        return data;
    }

    [Fact]
    public void EveryKernelIsListed()
    {
        // The list the PTX test walks is the reflection over the kernel classes: a kernel added there is covered.
        var names = IlgpuKernels.All.Select(m => m.Name).ToHashSet();
        foreach (var expected in new[] { "BitReverseRows", "ScaleRows", "DitLevel", "DifLevel", "Permute", "Absorb", "Finish", "CompressLayer", "CompressInject", "FriFold", "CombineColumns", "DeepAccumulate", "GatherRows" })
            Assert.Contains(expected, names);
        Assert.Equal(["DifChunk", "DitChunk"], IlgpuKernels.Grouped.Select(m => m.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void KernelCompilesToPtx(string architecture, string kernel)
    {
        var arch = architecture switch
        {
            "SM_80" => CudaArchitecture.SM_80,
            "SM_90" => CudaArchitecture.SM_90,
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
        };
        var method = IlgpuKernels.All.Concat(IlgpuKernels.Grouped).Single(m => m.DeclaringType!.Name + "." + m.Name == kernel);
        var ptx = PtxCompiler.Compile(method, arch);
        Assert.Contains(".entry", ptx, StringComparison.Ordinal);
        // ILGPU 1.5.3 writes the lowest target that has the features its code uses (sm_80 today), capped
        // at the requested architecture; the driver JIT-compiles that PTX for any newer GPU (sm_90 included).
        var target = System.Text.RegularExpressions.Regex.Match(ptx, @"^\.target sm_(\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(target.Success, "no .target line");
        int sm = int.Parse(target.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sm, 50, arch.Major * 10 + arch.Minor);
        // The chunk kernels keep their chunk in shared memory and meet at barriers.
        if (kernel.StartsWith("NttBlockKernels.", StringComparison.Ordinal))
        {
            Assert.Contains(".shared", ptx, StringComparison.Ordinal);
            Assert.Contains("bar.sync", ptx, StringComparison.Ordinal);
        }
        // The Poseidon2 state stays in registers: ILGPU keeps 16 scalar fields out of local memory.
        if (kernel.StartsWith("Poseidon2Kernels.", StringComparison.Ordinal))
            Assert.DoesNotContain(".local", ptx, StringComparison.Ordinal);
    }
}
