namespace Prover.Service.Tests;

/// <summary>The queue's order and bound; the store's LRU, disk persistence, block index and key validation.</summary>
public sealed class ProofQueueAndStoreTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("prover-store-test-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static string Root(int i) => "0x" + i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task HigherPriorityFirstThenArrivalOrder()
    {
        var queue = new ProofQueue(3);
        ProofJob Job(int priority) => new(new byte[32], "t", [], null, null, priority, null, queue.NextSequence());
        var (a, b, c) = (Job(0), Job(5), Job(0));
        Assert.True(queue.TryEnqueue(a));
        Assert.True(queue.TryEnqueue(b));
        Assert.True(queue.TryEnqueue(c));
        Assert.False(queue.TryEnqueue(Job(9)));
        Assert.Same(b, await queue.DequeueAsync(default));
        Assert.Same(a, await queue.DequeueAsync(default));
        Assert.Same(c, await queue.DequeueAsync(default));
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.DequeueAsync(cts.Token));
    }

    [Fact]
    public void KeepsRecentProofsInMemoryAndAllOnDisk()
    {
        var store = new ProofStore(_dataDir, capacity: 2);
        byte[] blockHash = [.. Enumerable.Repeat((byte)0xB1, 32)];
        for (int i = 0; i < 5; i++)
            store.Put(Root(i), "t", [(byte)i], i == 3 ? blockHash : null);
        Assert.Equal(2, store.CachedCount);
        Assert.Equal(new byte[] { 0 }, store.TryGet(Root(0), "t")); // evicted from memory, read back from disk
        Assert.Null(store.TryGet(Root(9), "t"));
        Assert.Null(store.TryGet(Root(0), "other"));
        Assert.Equal(Root(3), store.RootOfBlock(blockHash));

        var reopened = new ProofStore(_dataDir, capacity: 2);
        Assert.Equal(new byte[] { 4 }, reopened.TryGet(Root(4), "t"));
        Assert.Equal(Root(3), reopened.RootOfBlock(blockHash));
        Assert.Empty(Directory.GetFiles(_dataDir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void RejectsKeysThatAreNotRootsOrNames()
    {
        var store = new ProofStore(_dataDir, 2);
        Assert.Throws<ArgumentException>(() => store.TryGet("0x12", "t"));
        Assert.Throws<ArgumentException>(() => store.TryGet(Root(1), "../x"));
        Assert.Throws<ArgumentException>(() => store.Put(Root(1), "A B", []));
        var memoryOnly = new ProofStore(null, 1);
        memoryOnly.Put(Root(1), "t", [1]);
        memoryOnly.Put(Root(2), "t", [2]);
        Assert.Null(memoryOnly.TryGet(Root(1), "t"));
    }
}
