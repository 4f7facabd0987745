using System.Text;
using Prover.Core.Field;
using Prover.Gpu.Cuda;

namespace Prover.Gpu.Tests;

/// <summary>A fact that runs only where NVRTC can be loaded (CI installs Debian's libnvrtc11.2).</summary>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public NvrtcTheoryAttribute()
    {
        if (!Nvrtc.IsAvailable(out var reason))
            Skip = reason;
    }
}

/// <summary>
/// Every kernel file, with every parameter set the backends use, compiles as CUDA with NVRTC (no GPU
/// or driver needed): CUDA syntax of the single-source kernels is checked on every commit.
/// </summary>
public class NvrtcCompileTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in new[] { "compute_80", "compute_90" })
        {
            data.Add("ntt.cl/KoalaBear", arch);
            data.Add("ntt.cl/BabyBear", arch);
            data.Add("poseidon2.cl/KoalaBear", arch);
            data.Add("poseidon2.cl/BabyBear", arch);
            data.Add("fri.cl/KoalaBear^4", arch);
            data.Add("fri.cl/KoalaBear^8", arch);
            data.Add("combine.cl/KoalaBear^4", arch);
            data.Add("combine.cl/KoalaBear^8", arch);
        }
        return data;
    }

    [NvrtcTheory]
    [MemberData(nameof(Cases))]
    public void KernelCompilesToPtx(string variant, string architecture)
    {
        var source = GpuKernelSources.Variants().Single(v => v.Name == variant).Source;
        byte[] ptx = Nvrtc.CompileToPtx(source, architecture);
        string text = Encoding.ASCII.GetString(ptx);
        // The PTX targets the requested architecture and exports every kernel of the file by its C name.
        Assert.Contains(".target sm_" + architecture["compute_".Length..], text, StringComparison.Ordinal);
        foreach (var kernel in GpuKernelSources.KernelNames(source.File))
            Assert.Contains(".entry " + kernel + "(", text, StringComparison.Ordinal);
    }

    [NvrtcTheory]
    [InlineData("compute_80")]
    public void BrokenSourceReportsTheLog(string architecture)
    {
        var source = KernelSource.Create("ntt.cl", [new("FIELD_P", "this is not a number")]);
        var e = Assert.Throws<GpuException>(() => Nvrtc.CompileToPtx(source, architecture));
        Assert.Contains("ntt.cl", e.Message, StringComparison.Ordinal);
        Assert.Contains("error", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void EveryKernelFileHasVariants()
    {
        foreach (var file in KernelSource.Files)
            Assert.Contains(GpuKernelSources.Variants(), v => v.Source.File == file);
    }
}

/// <summary>The on-disk PTX cache: written on first use, read back (not recompiled) afterwards, keyed by source hash and architecture.</summary>
public class NvrtcCacheTests
{
    [NvrtcTheory]
    [InlineData("compute_80")]
    public void PtxIsCachedByHashAndArchitecture(string architecture)
    {
        string dir = Path.Combine(Path.GetTempPath(), "prover-ptx-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var source = KernelSource.Create("ntt.cl", KernelSource.FieldDefines<KoalaBearParameters>());
            var first = Nvrtc.CompileToPtxCached(source, architecture, dir);
            var file = Assert.Single(Directory.GetFiles(dir));
            Assert.StartsWith(source.Hash + "-" + architecture, Path.GetFileName(file), StringComparison.Ordinal);
            Assert.Equal(first, File.ReadAllBytes(file));
            // A marker in the cached file comes back: the second call read the cache instead of compiling.
            var marked = first.Concat("// cached\n"u8.ToArray()).ToArray();
            File.WriteAllBytes(file, marked);
            Assert.Equal(marked, Nvrtc.CompileToPtxCached(source, architecture, dir));
            // Another architecture is another entry.
            Nvrtc.CompileToPtxCached(source, "compute_90", dir);
            Assert.Equal(2, Directory.GetFiles(dir).Length);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
