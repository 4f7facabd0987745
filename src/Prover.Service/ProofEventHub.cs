using System.Threading.Channels;

namespace Prover.Service;

/// <summary>Fans proof events out to the SSE subscribers (each with a bounded buffer; a slow subscriber loses its oldest events, never blocks the prover).</summary>
internal sealed class ProofEventHub
{
    private readonly Lock _lock = new();
    private readonly List<Channel<ProofEvent>> _subscribers = [];

    public Channel<ProofEvent> Subscribe()
    {
        var channel = Channel.CreateBounded<ProofEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
            _subscribers.Add(channel);
        return channel;
    }

    public void Unsubscribe(Channel<ProofEvent> channel)
    {
        lock (_lock)
            _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    public void Publish(ProofEvent e)
    {
        lock (_lock)
            foreach (var s in _subscribers)
                s.Writer.TryWrite(e);
    }
}
