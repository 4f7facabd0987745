namespace Prover.Service;

/// <summary>
/// Waiting proof requests, highest priority first, then first come first served. Bounded: a full queue refuses.
/// A job whose deadline passes while it waits is handed out anyway, and the worker reports it late without
/// proving it, so late jobs never hold the queue up.
/// </summary>
internal sealed class ProofQueue
{
    private readonly PriorityQueue<ProofJob, (int, long)> _jobs = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly int _capacity;
    private long _sequence;

    public ProofQueue(int capacity) => _capacity = capacity;

    public int Count
    {
        get
        {
            lock (_jobs)
                return _jobs.Count;
        }
    }

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Adds a job; false when the queue is full.</summary>
    public bool TryEnqueue(ProofJob job)
    {
        lock (_jobs)
        {
            if (_jobs.Count >= _capacity)
                return false;
            _jobs.Enqueue(job, (-job.Priority, job.Sequence));
        }
        _available.Release();
        return true;
    }

    public async Task<ProofJob> DequeueAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_jobs)
            return _jobs.Dequeue();
    }
}
