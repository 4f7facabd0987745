namespace Prover.Core.Security;

/// <summary>
/// How FRI folds: the log2 arity of each step. A step folds as many levels as the configured arity allows, but never
/// past a height at which a smaller table's codeword is rolled in, nor past the final codeword: the verifier can add
/// a rolled-in value only at a position it has a value for, which is the end of a step. The prover
/// (<c>StarkLayout</c>) and the security calculator build the same schedule from this one function.
/// </summary>
public static class FoldingSchedule
{
    /// <summary>
    /// The log arities of the steps from a codeword of 2^<paramref name="logStart"/> down to 2^<paramref name="logEnd"/>,
    /// each at most <paramref name="maxLogArity"/>, each ending at every height of <paramref name="stops"/> strictly
    /// between the two (heights outside are ignored). The steps add up to <paramref name="logStart"/> − <paramref name="logEnd"/>.
    /// </summary>
    public static int[] LogArities(int logStart, int logEnd, int maxLogArity, IEnumerable<int>? stops = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLogArity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logEnd, logStart);
        var cuts = (stops ?? []).Where(h => h > logEnd && h < logStart).ToHashSet();
        var steps = new List<int>();
        int log = logStart;
        while (log > logEnd)
        {
            int target = Math.Max(log - maxLogArity, logEnd);
            for (int h = log - 1; h > target; h--)
                if (cuts.Contains(h))
                {
                    target = h;
                    break;
                }
            steps.Add(log - target);
            log = target;
        }
        return [.. steps];
    }
}
