using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Rlp;

namespace Prover.Witness.Conversion;

/// <summary>What <see cref="WitnessChecks.Check"/> found about a witness.</summary>
public sealed record WitnessReport(byte[] PreStateRoot, int Nodes, int EmptyNodesDropped, int DuplicatesDropped, int UnreferencedNodes);

/// <summary>A witness that cannot serve the block it claims to witness.</summary>
public sealed class WitnessException : FormatException
{
    public WitnessException() { }
    public WitnessException(string message) : base(message) { }
    public WitnessException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Consistency checks of a witness against its block, before conversion: the ancestor headers form a
/// chain ending in the block's parent, the parent's state root is one of the nodes (or the empty
/// root), and every node is referenced from another node or is the root.
/// </summary>
public static class WitnessChecks
{
    /// <summary>
    /// Checks <paramref name="witness"/> for a block whose parent hash is <paramref name="parentHash"/>
    /// and returns the nodes to keep (empty node 0x80 and exact duplicates dropped, order kept).
    /// Throws <see cref="WitnessException"/> on any inconsistency.
    /// </summary>
    public static (List<byte[]> State, WitnessReport Report) Check(ExecutionWitnessData witness, ReadOnlySpan<byte> parentHash, bool requireAllReferenced = true)
    {
        if (witness.Headers.Count == 0)
            throw new WitnessException("witness has no headers: the parent header (with the pre-state root) is required");
        byte[]? previousHash = null;
        BlockHeader? parent = null;
        for (int i = 0; i < witness.Headers.Count; i++)
        {
            var header = BlockHeader.Decode(witness.Headers[i]);
            if (previousHash is not null && !header.ParentHash.AsSpan().SequenceEqual(previousHash))
                throw new WitnessException($"witness header {i} (block {header.Number}) does not follow header {i - 1}");
            previousHash = Keccak256.Hash(witness.Headers[i]);
            parent = header;
        }
        if (!previousHash.AsSpan().SequenceEqual(parentHash))
            throw new WitnessException($"the last witness header hashes to {Hex.ToHex(previousHash)}, but the block's parent is {Hex.ToHex(parentHash)}");
        byte[] root = parent!.StateRoot;

        var kept = new List<byte[]>(witness.State.Count);
        var byHash = new Dictionary<Hash256, byte[]>();
        int empty = 0, duplicates = 0;
        foreach (var node in witness.State)
        {
            if (node is [0x80])
            {
                empty++;
                continue;
            }
            if (!byHash.TryAdd(Keccak256.HashToValue(node), node))
            {
                duplicates++;
                continue;
            }
            kept.Add(node);
        }
        var rootHash = new Hash256(root);
        if (!rootHash.Equals(new Hash256(BlockHeader.EmptyTrieRoot)) && !byHash.ContainsKey(rootHash))
            throw new WitnessException($"the parent's state root {Hex.ToHex(root)} is not among the {kept.Count} witness nodes");

        var referenced = new HashSet<Hash256> { rootHash };
        foreach (var node in kept)
        {
            try
            {
                var reader = new RlpReader(node);
                CollectReferences(ref reader, referenced);
            }
            catch (RlpException ex)
            {
                throw new WitnessException($"witness node {Hex.ToHex(Keccak256.Hash(node))} is not valid RLP: {ex.Message}", ex);
            }
        }
        int unreferenced = byHash.Keys.Count(h => !referenced.Contains(h));
        if (requireAllReferenced && unreferenced > 0)
            throw new WitnessException($"{unreferenced} witness nodes are referenced by no other node and are not the state root");
        return (kept, new WitnessReport(root, kept.Count, empty, duplicates, unreferenced));
    }

    /// <summary>
    /// Collects every 32-byte string of a node (child references, storage roots and code hashes
    /// inside account leaves); leaf values that are themselves RLP lists (accounts) are searched too.
    /// </summary>
    internal static void CollectReferences(ref RlpReader reader, HashSet<Hash256> into)
    {
        while (reader.HasMore)
        {
            if (reader.IsList)
            {
                var list = reader.ReadList();
                CollectReferences(ref list, into);
                continue;
            }
            var bytes = reader.ReadBytes();
            if (bytes.Length == 32)
                into.Add(new Hash256(bytes));
            else if (bytes.Length > 32 && bytes[0] >= 0xc0)
            {
                try
                {
                    var inner = new RlpReader(bytes);
                    CollectReferences(ref inner, into);
                }
                catch (RlpException)
                {
                    // a leaf value that merely starts like a list: not an account, nothing to collect
                }
            }
        }
    }
}
