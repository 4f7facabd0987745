using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;
using Prover.Witness.Trie;

namespace Prover.Witness.Tests.Conversion;

/// <summary>
/// Mainnet block 21,230,867 from the eth_getProof RPC cache in ../shared (skipped with a reason when absent):
/// the pre-state is assembled from the proofs, and the guest runs it on the emulator.
/// </summary>
public sealed class MainnetProofWitnessTests
{
    private const int MissingNode = 5; // GUEST_EXIT_MISSING_NODE, native/guest/evm/common.h
    private const string Cache = "fixtures/ethereum/mainnet/zeth-rpc-cache-1-21230867.json.gz";

    private static readonly Lazy<byte[]> CacheBytes = new(() => InputFiles.ReadAllBytes(SharedData.PathOf(Cache)));

    private static ConversionResult Convert()
    {
        using var doc = JsonDocument.Parse(CacheBytes.Value);
        Assert.True(ProofWitnessConverter.Matches(doc.RootElement));
        return Assert.Single(InputConverter.Convert(doc.RootElement, "mainnet").Results);
    }

    /// <summary>The account's leaf node in the pre-state: the last node of its eth_getProof answer at the parent.</summary>
    private static byte[] ParentAccountLeaf(string address)
    {
        using var doc = JsonDocument.Parse(CacheBytes.Value);
        foreach (var pair in doc.RootElement.GetProperty("proofs").EnumerateArray())
        {
            var request = pair[0];
            if (request.GetProperty("block_no").GetUInt64() == 21_230_866 &&
                string.Equals(request.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase))
            {
                var proof = pair[1].GetProperty("accountProof");
                return System.Convert.FromHexString(proof[proof.GetArrayLength() - 1].GetString()![2..]);
            }
        }
        throw new InvalidOperationException($"the cache has no proof of {address} at the parent");
    }

    /// <summary>The input with the given nodes taken out of its witness (each must be there).</summary>
    private static byte[] Without(StatelessInput input, params byte[][] nodes)
    {
        var state = input.Witness.State.ToList();
        foreach (var node in nodes)
            Assert.Equal(1, state.RemoveAll(n => n.AsSpan().SequenceEqual(node)));
        return (input with { Witness = input.Witness with { State = [.. state] } }).Encode();
    }

    [SharedFact(Cache)]
    public void Mainnet_block_converts_with_a_complete_post_state_replay()
    {
        var r = Convert();
        Assert.Equal(21_230_867UL, r.BlockNumber);
        Assert.Equal(Fork.Cancun, r.Fork);
        Assert.True(r.HeaderHashMatches);
        Assert.Equal(67, r.Input.NewPayloadRequest.ExecutionPayload.Transactions.Length);
        Assert.Single(r.Input.Witness.Headers);
        // Replaying the proofs' differences on the assembled nodes reached the header's state root
        // (otherwise the converter adds a note saying what differed).
        Assert.DoesNotContain(r.Notes, n => n.Contains("replaying", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.Contains("pre-state nodes", StringComparison.Ordinal));
    }

    [SharedFact(Cache)]
    public void Mainnet_block_validates_on_the_guest()
    {
        // A canonical mainnet block: valid. The cache holds the accounts its recording host read (not
        // precompile 0x02, for instance, which no transaction calls); the guest reads an account only
        // when it needs a field of it (native/guest/evm/state.c), so these proofs suffice.
        var r = Convert();
        var run = EthereumGuest.Execute(r.Bytes);
        Assert.True(run.Result.Success, $"exit code {run.Result.ExitCode}");
        Assert.NotNull(run.Validation);
        Assert.True(run.Validation.SuccessfulValidation);
        Assert.Equal(1UL, run.Validation.ChainId);
        Assert.Equal(r.Input.NewPayloadRequest.HashTreeRoot(), run.Validation.NewPayloadRequestRoot);
        // The 67 senders were recovered and the post-state root computed (regions the guest marks).
        // One recovery is ≈ 18–21 k cycles through the point and modmul syscalls (docs/benchmarks.md, "ecrecover below SP1"):
        // 67 of them cannot take less than 67 × 10 k.
        Assert.True(run.Result.RegionCycles.GetValueOrDefault("signatures") > 67 * 10_000, "signatures region too small");
        Assert.True(run.Result.RegionCycles.GetValueOrDefault("post_state_root") > 1_000_000, "post-state root region too small");
    }

    [SharedFact(Cache)]
    public void Mainnet_block_without_a_leaf_it_reads_ends_with_witness_incomplete()
    {
        // The fee recipient is paid priority fees, so its account must be read: without its leaf the
        // guest stops with "missing node", never with a verdict.
        var r = Convert();
        string coinbase = "0x" + System.Convert.ToHexStringLower(r.Input.NewPayloadRequest.ExecutionPayload.FeeRecipient);
        var run = EthereumGuest.Execute(Without(r.Input, ParentAccountLeaf(coinbase)));
        Assert.Equal(MissingNode, run.Result.ExitCode);
        Assert.Null(run.Validation);
    }

    [SharedFact(Cache)]
    public void Mainnet_block_validates_without_the_accounts_of_the_precompiles_it_calls()
    {
        // The block calls ecrecover (0x01) and identity (0x04) with no value; its recording host read
        // their accounts, but in Cancun such a call depends on no field of the callee's account (no code
        // runs, no balance moves, and a touch deletes nothing after the merge, EIP-7523): without their
        // leaves the verdict is the same.
        var r = Convert();
        var run = EthereumGuest.Execute(Without(r.Input, ParentAccountLeaf("0x0000000000000000000000000000000000000001"),
            ParentAccountLeaf("0x0000000000000000000000000000000000000004")));
        Assert.True(run.Result.Success, $"exit code {run.Result.ExitCode}");
        Assert.True(run.Validation!.SuccessfulValidation);
        Assert.True(run.Result.RegionCycles.ContainsKey("pc_ecrecover") && run.Result.RegionCycles.ContainsKey("pc_identity"),
            "the block no longer calls both precompiles: this test checks nothing");
    }

    [Fact]
    public void Collapsed_sibling_is_rebuilt_from_the_post_state_node()
    {
        // Two leaves under one branch; deleting one collapses the branch into the other with its nibble
        // prepended. The rebuilt pre-state sibling must hash to the branch's reference.
        var trie = new PatriciaTrie();
        byte[] a = [0x10, 0x00], b = [0x20, 0x00], value = new byte[40];
        value.AsSpan().Fill(7); // long enough for the leaves to be referenced by hash
        trie.Set(a, value);
        trie.Set(b, value);
        var before = new List<byte[]>();
        trie.CollectNodes(before);
        trie.Delete(a);
        var after = new List<byte[]>();
        trie.CollectNodes(after);
        var collapsed = Assert.Single(after);
        var rebuilt = ProofWitnessConverter.Uncollapsed(collapsed);
        Assert.NotNull(rebuilt);
        Assert.Contains(before, n => n.AsSpan().SequenceEqual(rebuilt));
        // and the assembler keeps it because the pre-state branch references it
        var root = Prover.Witness.Crypto.Keccak256.Hash(before.Single(n => n.Length > 60));
        var branchOnly = before.Where(n => n.Length > 60).ToList();
        var nodes = ProofWitnessConverter.AssemblePreState(root, branchOnly, after, out int fromPost);
        Assert.Equal(1, fromPost);
        Assert.Equal(2, nodes.Count);
    }
}
