namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// Runs a proof's shard proofs (phase 2: independent once the shared challenges are fixed) on several slots at once, one slot per
/// backend (device): never more shards in flight than slots, each slot taking the lowest-numbered waiting shard that fits its
/// memory. The shard proofs do not depend on the slot that made them (every backend returns the CPU's words), so the proof is the
/// same bytes with one slot or many. One slot runs on the calling thread, shard after shard, in order.
/// </summary>
internal static class ShardProofSlots
{
    /// <summary>
    /// Calls <paramref name="prove"/>(slot, shard) once for every shard in [0, <paramref name="count"/>), each slot on a thread of its
    /// own and one shard at a time. <paramref name="fits"/> says whether a shard fits a slot's memory; a shard that fits no slot
    /// fails before any proof starts. The first failure cancels the shards not yet started and is rethrown.
    /// </summary>
    public static void Run<TSlot>(IReadOnlyList<TSlot> slots, int count, Func<TSlot, int, bool> fits, Action<TSlot, int> prove, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(fits);
        ArgumentNullException.ThrowIfNull(prove);
        if (slots.Count == 0)
            throw new ArgumentException("no slot to prove on", nameof(slots));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (int s = 0; s < count; s++)
            if (!slots.Any(slot => fits(slot, s)))
                throw new InsufficientMemoryException($"shard {s} fits no device's memory (its modelled peak exceeds every device's); use a smaller shard size");
        if (slots.Count == 1)
        {
            for (int s = 0; s < count; s++)
            {
                cancel.ThrowIfCancellationRequested();
                prove(slots[0], s);
            }
            return;
        }
        var waiting = new SortedSet<int>(Enumerable.Range(0, count));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var failures = new List<Exception>();
        void Work(TSlot slot)
        {
            while (true)
            {
                int shard = -1;
                lock (waiting)
                {
                    if (stop.IsCancellationRequested)
                        return;
                    foreach (int s in waiting)
                    {
                        if (fits(slot, s))
                        {
                            shard = s;
                            break;
                        }
                    }
                    if (shard < 0)
                        return; // nothing left this slot can hold (another slot takes the rest)
                    waiting.Remove(shard);
                }
                try
                {
                    prove(slot, shard);
                }
                catch (Exception e)
                {
                    lock (failures)
                        failures.Add(e);
                    stop.Cancel();
                    return;
                }
            }
        }
        var threads = slots.Select((slot, i) => new Thread(() => Work(slot)) { Name = $"shard proof slot {i}", IsBackground = true }).ToArray();
        foreach (var t in threads)
            t.Start();
        foreach (var t in threads)
            t.Join();
        if (failures.Count > 0)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0]).Throw();
        cancel.ThrowIfCancellationRequested();
        if (waiting.Count > 0)
            throw new InvalidOperationException($"internal: {waiting.Count} shards were left unproved");
    }
}
