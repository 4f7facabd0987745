using System.Diagnostics.Metrics;

namespace Prover.Service;

/// <summary>The service's OpenTelemetry instruments (meter <see cref="MeterName"/>; scraped at /metrics in Prometheus format).</summary>
internal sealed class ProofServiceMetrics : IDisposable
{
    public const string MeterName = "Prover.Service";

    private readonly Meter _meter;

    public ProofServiceMetrics(ProofQueue queue)
    {
        _meter = new Meter(MeterName);
        Requests = _meter.CreateCounter<long>("prover_proof_requests", description: "proof requests accepted (one per proof type)");
        Completed = _meter.CreateCounter<long>("prover_proofs_completed", description: "proofs finished and stored");
        Failed = _meter.CreateCounter<long>("prover_proofs_failed", description: "proof requests that failed, by reason");
        ProvingSeconds = _meter.CreateHistogram<double>("prover_proving_seconds", unit: "s", description: "time to prove one request");
        Verifications = _meter.CreateCounter<long>("prover_verifications", description: "verification requests, by status");
        _meter.CreateObservableGauge("prover_queue_depth", () => queue.Count, description: "requests waiting");
    }

    public Counter<long> Requests { get; }
    public Counter<long> Completed { get; }
    public Counter<long> Failed { get; }
    public Histogram<double> ProvingSeconds { get; }
    public Counter<long> Verifications { get; }

    public void Dispose() => _meter.Dispose();
}
