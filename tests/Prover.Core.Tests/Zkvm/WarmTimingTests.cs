using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The verification time a proof file's check reports from repeated runs (<see cref="ZkvmProofFile.WarmMilliseconds"/>):
/// one run as is, two runs the second (the earlier "second of two"), more runs the median of the last half of the warm
/// runs, so that the cold run and the runs still under tiered compilation are left out.
/// </summary>
public sealed class WarmTimingTests
{
    [Fact]
    public void OneRunIsReportedAsIs() => Assert.Equal(7.0, ZkvmProofFile.WarmMilliseconds([7.0]));

    [Fact]
    public void TwoRunsReportTheSecond() => Assert.Equal(3.0, ZkvmProofFile.WarmMilliseconds([900.0, 3.0]));

    [Fact]
    public void ManyRunsReportTheMedianOfTheLastHalfOfTheWarmOnes()
    {
        // Cold 1000, then 60 warm runs: 20 slow ones (tier-0 code) and 40 settled ones of 5 or 6 ms, 9 at the very end.
        double[] times = [1000, .. Enumerable.Repeat(40.0, 20), .. Enumerable.Range(0, 39).Select(i => i % 2 == 0 ? 5.0 : 6.0), 9.0];
        Assert.Equal(61, times.Length);
        Assert.Equal(30, ZkvmProofFile.WarmCount(61));
        // The last 30: 15 fives, 14 sixes and the nine; an even count: the mean of the middle two (5 and 6).
        Assert.Equal(5.5, ZkvmProofFile.WarmMilliseconds(times));
        // 5 runs: the last 2.
        Assert.Equal(2, ZkvmProofFile.WarmCount(5));
        Assert.Equal(4.5, ZkvmProofFile.WarmMilliseconds([100, 50, 50, 4, 5]));
    }

    [Fact]
    public void NoRunsIsAnError() => Assert.Throws<ArgumentException>(() => ZkvmProofFile.WarmMilliseconds([]));
}
