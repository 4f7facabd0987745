using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Rpc;
using Prover.Witness.Ssz;

namespace Prover.Service;

/// <summary>
/// Builds the guest input of a consensus client's <c>NewPayloadRequest</c> from an execution node over JSON-RPC, as
/// zkboost does: <c>eth_getBlockByHash(block_hash, true)</c> for the block and <c>debug_executionWitness(number)</c>
/// for the witness (reth and geth), through Prover.Witness's <see cref="JsonRpcClient"/>, converted with
/// <see cref="InputConverter"/> under the given chain config (mainnet's fork schedule without one). The CL's request
/// replaces the converted one in the input, so the proof is about exactly the payload the CL asked for (its
/// versioned hashes, beacon root and execution requests); the node's block must have the same hash, or the request fails.
/// </summary>
public sealed class RpcWitnessSource : IWitnessSource, IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly JsonElement? _chainConfig;

    /// <param name="endpoint">The execution node's JSON-RPC URL.</param>
    /// <param name="chainConfig">A geth genesis or chain config object; null: mainnet.</param>
    /// <param name="timeout">Per-call timeout.</param>
    public RpcWitnessSource(Uri endpoint, JsonElement? chainConfig = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _rpc = new JsonRpcClient(endpoint, timeout ?? TimeSpan.FromSeconds(30));
        _chainConfig = chainConfig?.Clone();
    }

    public Task<byte[]> GetGuestInputAsync(NewPayloadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The client is synchronous (bounded answers, per-call timeout); the worker waits on the thread pool.
        return Task.Run(() =>
        {
            var payload = request.ExecutionPayload;
            string hash = "0x" + Convert.ToHexStringLower(payload.BlockHash);
            var block = _rpc.Call("eth_getBlockByHash", hash, true);
            cancellationToken.ThrowIfCancellationRequested();
            var witness = _rpc.Call("debug_executionWitness", $"0x{payload.BlockNumber:x}");
            cancellationToken.ThrowIfCancellationRequested();
            var batch = InputConverter.Convert(witness, $"block {payload.BlockNumber}", block, _chainConfig);
            if (batch.Results.Count != 1)
                throw new InvalidOperationException($"the execution node's block {hash} could not be converted: {string.Join("; ", batch.Failures)}");
            var converted = batch.Results[0];
            if (!converted.BlockHash.AsSpan().SequenceEqual(payload.BlockHash))
                throw new InvalidOperationException($"the execution node answered block 0x{Convert.ToHexStringLower(converted.BlockHash)}, not {hash}");
            return (converted.Input with { NewPayloadRequest = request }).Encode();
        }, cancellationToken);
    }

    public void Dispose() => _rpc.Dispose();
}
