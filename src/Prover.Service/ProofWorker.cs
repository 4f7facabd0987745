using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prover.Core.Machine;
using Prover.Node;

namespace Prover.Service;

/// <summary>
/// Takes jobs from the queue one at a time and proves them: a job already past its deadline is reported late
/// (<c>proving_timeout</c>) without proving; a running proof is cancelled at its deadline (the prover checks
/// between shard steps) and reported the same way; the finished EIP-8025 proof goes to the store, then the
/// <c>proof_complete</c> event out.
/// </summary>
internal sealed class ProofWorker(ProofQueue queue, NodeProver prover, ProofStore store, ProofEventHub events, ProofServiceMetrics metrics,
    ILogger<ProofWorker> logger, IWitnessSource? witnessSource = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ProofJob job;
            try
            {
                job = await queue.DequeueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunAsync(job, stoppingToken).ConfigureAwait(false);
        }
    }

    internal async Task RunAsync(ProofJob job, CancellationToken stoppingToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (job.Deadline is { } deadline && deadline <= now)
        {
            Fail(job, FailureReasons.ProvingTimeout, $"the deadline passed {(now - deadline).TotalMilliseconds:F0} ms before proving could start");
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (job.Deadline is { } d)
            cts.CancelAfter(d - now);
        byte[]? input = job.Input;
        if (input is null)
        {
            if (witnessSource is null || job.Payload is null)
            {
                Fail(job, FailureReasons.WitnessTimeout, "no execution-node witness source is configured: post the canonical StatelessInput with Content-Type "
                    + ProofApi.GuestInputContentType);
                return;
            }
            try
            {
                input = await witnessSource.GetGuestInputAsync(job.Payload, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                Fail(job, FailureReasons.WitnessTimeout, "the deadline or the call timeout passed while fetching the witness");
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException) // the node's answer; the worker keeps serving
            {
                Fail(job, FailureReasons.InternalError, "witness: " + e.Message);
                return;
            }
        }
        var sw = Stopwatch.StartNew();
        try
        {
            var outcome = await prover.ProveAsync(new BlockInput(job.RootHex, input), null, cts.Token).ConfigureAwait(false);
            if (outcome.Validation is not { } v || !v.NewPayloadRequestRoot.AsSpan().SequenceEqual(job.Root))
            {
                Fail(job, FailureReasons.ProvingError, "the proven output is not a validation result of the requested payload");
                return;
            }
            if (!v.SuccessfulValidation)
            {
                Fail(job, FailureReasons.ProvingError, "the guest found the payload invalid: no execution proof is made of an invalid payload");
                return;
            }
            var executionProof = prover.ToExecutionProof(outcome);
            store.Put(job.RootHex, job.ProofType, executionProof.Encode(prover.Options.ProofType.MaxProofSize), job.BlockHash);
            metrics.Completed.Add(1);
            metrics.ProvingSeconds.Record(sw.Elapsed.TotalSeconds);
            logger.LogInformation("proof {Root} {Type} done in {Seconds:F1} s ({Bytes} bytes)", job.RootHex, job.ProofType, sw.Elapsed.TotalSeconds,
                outcome.Proof.Length);
            events.Publish(new ProofEvent(job.RootHex, job.ProofType, null, null));
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            Fail(job, FailureReasons.ProvingTimeout, $"the deadline passed after {sw.Elapsed.TotalSeconds:F1} s of proving; the proof was abandoned");
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("proof {Root} {Type} abandoned: the service is stopping", job.RootHex, job.ProofType);
        }
        catch (MachineException e)
        {
            Fail(job, FailureReasons.ProvingError, "guest fault: " + e.Message);
        }
        catch (Exception e) // any other failure is reported on the job; the worker keeps serving the queue
        {
            logger.LogError(e, "proof {Root} {Type} failed", job.RootHex, job.ProofType);
            Fail(job, FailureReasons.InternalError, e.Message);
        }
    }

    private void Fail(ProofJob job, string reason, string error)
    {
        logger.LogWarning("proof {Root} {Type} failed ({Reason}): {Error}", job.RootHex, job.ProofType, reason, error);
        metrics.Failed.Add(1, new KeyValuePair<string, object?>("reason", reason));
        events.Publish(new ProofEvent(job.RootHex, job.ProofType, reason, error));
    }
}
