using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Tests.Stark;

/// <summary>The one kernel switch: scoped, nested, restored on dispose, and private to each execution context.</summary>
public sealed class KernelSelectionTests
{
    private static SimdPath Best => PackedMontyField31<KoalaBearParameters>.BestPath;

    [Fact]
    public void Scopes_nest_and_restore_the_previous_choice()
    {
        Assert.False(KernelSelection.IsReference(ReferenceFamily.LogUp));
        Assert.Equal(Best, KernelSelection.Simd<KoalaBearParameters>());
        using (KernelSelection.UseReference(ReferenceFamily.Openings))
        {
            Assert.True(KernelSelection.IsReference(ReferenceFamily.Openings));
            Assert.False(KernelSelection.IsReference(ReferenceFamily.LogUp));
            using (KernelSelection.LimitSimd(SimdPath.Scalar))
            {
                Assert.Equal(SimdPath.Scalar, KernelSelection.Simd<KoalaBearParameters>());
                Assert.True(KernelSelection.IsReference(ReferenceFamily.Openings)); // the inner scope keeps the outer reference choice
                using (KernelSelection.UseReference(false))
                    Assert.False(KernelSelection.IsReference(ReferenceFamily.All));
                Assert.True(KernelSelection.IsReference(ReferenceFamily.Openings));
            }
            Assert.Equal(Best, KernelSelection.Simd<KoalaBearParameters>());
        }
        Assert.False(KernelSelection.IsReference(ReferenceFamily.All));
        // A cap wider than the machine changes nothing.
        using (KernelSelection.LimitSimd(SimdPath.Vector512))
            Assert.Equal(Best, KernelSelection.Simd<KoalaBearParameters>());
    }

    [Fact]
    public async Task Parallel_contexts_do_not_see_each_other()
    {
        // Two tasks hold opposite choices at the same time (a barrier makes them overlap); each sees only
        // its own, and so do the Parallel.For workers it starts.
        using var barrier = new Barrier(2);
        bool Run(bool reference)
        {
            using (KernelSelection.UseReference(reference))
            {
                barrier.SignalAndWait();
                bool mine = KernelSelection.IsReference(ReferenceFamily.All) == reference;
                Parallel.For(0, 64, _ => mine &= KernelSelection.IsReference(ReferenceFamily.All) == reference);
                barrier.SignalAndWait();
                return mine && KernelSelection.IsReference(ReferenceFamily.All) == reference;
            }
        }
        var results = await Task.WhenAll(
            Task.Factory.StartNew(() => Run(true), TaskCreationOptions.LongRunning),
            Task.Factory.StartNew(() => Run(false), TaskCreationOptions.LongRunning));
        Assert.Equal([true, true], results);
        Assert.False(KernelSelection.IsReference(ReferenceFamily.All));
    }
}
