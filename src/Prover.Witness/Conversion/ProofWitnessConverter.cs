using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Rlp;
using Prover.Witness.Trie;

namespace Prover.Witness.Conversion;

/// <summary>
/// Converts a block witnessed by <c>eth_getProof</c> answers (the RPC-cache shape of
/// shared/fixtures/ethereum/mainnet: <c>full_blocks</c>, <c>proofs</c>, <c>code</c> as lists of
/// <c>[request, response]</c> pairs) into the canonical input: the pre-state trie nodes are assembled
/// from the account and storage proofs at the parent block, plus those nodes of the proofs at the
/// block itself that the pre-state references (unchanged subtrees a deletion needs as siblings).
/// </summary>
/// <remarks>
/// Soundness: nothing here is trusted by the guest. Every node is addressed by its keccak hash from
/// the parent's state root, so an extra node changes nothing and a missing one ends the guest with
/// GUEST_EXIT_MISSING_NODE ("witness incomplete"), never with a verdict. A post-state node is kept only
/// when a pre-state node references its hash: by the hash binding it then is a pre-state node.
/// </remarks>
public static class ProofWitnessConverter
{
    public static bool Matches(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.Find("full_blocks") is not null && root.Find("proofs") is not null;

    /// <param name="root">the parsed RPC cache</param>
    /// <param name="name">name of the converted block</param>
    /// <param name="schedule">fork schedule; mainnet when null</param>
    public static ConversionResult Convert(JsonElement root, string name, ForkSchedule? schedule = null)
    {
        var blocks = new Dictionary<ulong, JsonElement>();
        foreach (var (request, response, path) in Pairs(root, "full_blocks"))
            blocks[request.Require(path, "block_no").UInt64($"{path}.block_no")] = response;
        // The witnessed block is the newest one whose parent is also present (its header is the witness's).
        ulong number = blocks.Keys.Where(n => n > 0 && blocks.ContainsKey(n - 1)).DefaultIfEmpty(ulong.MaxValue).Max();
        if (number == ulong.MaxValue)
            throw new WitnessException("full_blocks holds no block together with its parent: the parent header (with the pre-state root) is required");
        var block = BlockJson.Parse(blocks[number], $"full_blocks[{number}]");
        var parent = BlockJson.Parse(blocks[number - 1], $"full_blocks[{number - 1}]").Header;
        var parentRlp = parent.Encode();
        if (!Keccak256.Hash(parentRlp).AsSpan().SequenceEqual(block.Header.ParentHash))
            throw new WitnessException($"block {number - 1} in full_blocks is not the parent of block {number}");

        var pre = new List<byte[]>();
        var post = new List<byte[]>();
        var codeHashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var preAccounts = new Dictionary<string, ProvedAccount>(StringComparer.Ordinal);
        var postAccounts = new Dictionary<string, ProvedAccount>(StringComparer.Ordinal);
        int preProofs = 0;
        foreach (var (request, response, path) in Pairs(root, "proofs"))
        {
            ulong at = request.Require(path, "block_no").UInt64($"{path}.block_no");
            if (at != number - 1 && at != number)
                continue;
            var address = response.Require(path, "address").Fixed(20, $"{path}.address");
            var accountProof = response.Require(path, "accountProof").DataList($"{path}.accountProof");
            var into = at == number - 1 ? pre : post;
            if (at == number - 1)
            {
                preProofs++;
                // The proof must start at the pre-state root, else it belongs to another state.
                if (accountProof.Count == 0 || !Keccak256.Hash(accountProof[0]).AsSpan().SequenceEqual(parent.StateRoot))
                    throw new WitnessException($"{path}: the account proof of {Hex.ToHex(address)} does not start at the parent's state root");
                codeHashes[Hex.ToHex(address)] = response.Require(path, "codeHash").Fixed(32, $"{path}.codeHash");
            }
            into.AddRange(accountProof);
            var slots = new Dictionary<string, (byte[], System.Numerics.BigInteger)>(StringComparer.Ordinal);
            if (response.Find("storageProof") is { } storage)
            {
                int i = 0;
                foreach (var slot in storage.Array($"{path}.storageProof"))
                {
                    string sp = $"{path}.storageProof[{i++}]";
                    into.AddRange(slot.Require(sp, "proof").DataList($"{sp}.proof"));
                    var key = Slot32(slot.Require(sp, "key").Quantity($"{sp}.key"));
                    slots[Hex.ToHex(key)] = (key, slot.Require(sp, "value").Quantity($"{sp}.value"));
                }
            }
            var account = new ProvedAccount(address, response.Require(path, "nonce").UInt64($"{path}.nonce"),
                response.Require(path, "balance").Quantity($"{path}.balance"),
                new Hash256(response.Require(path, "storageHash").Fixed(32, $"{path}.storageHash")),
                new Hash256(response.Require(path, "codeHash").Fixed(32, $"{path}.codeHash")), slots);
            var accounts = at == number - 1 ? preAccounts : postAccounts;
            if (accounts.TryGetValue(Hex.ToHex(address), out var earlier))
            {
                // the same account asked for twice (other slots): merge the slots
                var merged = new Dictionary<string, (byte[], System.Numerics.BigInteger)>(earlier.Slots.ToDictionary(), StringComparer.Ordinal);
                foreach (var (k, v) in slots)
                    merged[k] = v;
                account = account with { Slots = merged };
            }
            accounts[Hex.ToHex(address)] = account;
        }
        if (preProofs == 0)
            throw new WitnessException($"witness incomplete: no eth_getProof answer at the parent block {number - 1}");

        var codes = new List<byte[]>();
        if (root.Find("code") is not null)
        {
            foreach (var (request, response, path) in Pairs(root, "code"))
            {
                if (request.Require(path, "block_no").UInt64($"{path}.block_no") != number - 1)
                    continue;
                var code = response.Data(path);
                string address = Hex.ToHex(request.Require(path, "address").Fixed(20, $"{path}.address"));
                if (codeHashes.TryGetValue(address, out var expected) && !Keccak256.Hash(code).AsSpan().SequenceEqual(expected))
                    throw new WitnessException($"{path}: the code of {address} does not hash to the codeHash of its proof");
                if (code.Length > 0)
                    codes.Add(code);
            }
        }

        var nodes = AssemblePreState(parent.StateRoot, pre, post, out int fromPost);
        string? replay = ProofPostStateCheck.Replay(nodes, parent.StateRoot, block.Header.StateRoot, preAccounts, postAccounts);
        var witness = new ExecutionWitnessData { State = nodes, Codes = codes, Keys = [], Headers = [parentRlp] };
        var result = StatelessInputBuilder.Build(name, block, witness, schedule ?? ForkSchedule.Mainnet);
        var notes = new List<string>(result.Notes)
        {
            $"assembled from {preProofs} eth_getProof answers at block {number - 1}: {nodes.Count} pre-state nodes ({fromPost} supplied by the proofs at block {number}), {codes.Count} codes, the parent header only",
        };
        if (replay is not null)
            notes.Add(replay);
        return result with { Notes = notes };
    }

    private static byte[] Slot32(System.Numerics.BigInteger key)
    {
        var slot = new byte[32];
        key.TryWriteBytes(slot.AsSpan(32 - Math.Max(1, key.GetByteCount(isUnsigned: true))), out _, isUnsigned: true, isBigEndian: true);
        return slot;
    }

    /// <summary>
    /// The pre-state nodes: all of <paramref name="pre"/>, then, to a fixpoint, every node of
    /// <paramref name="post"/> whose hash a kept node references (it is then part of the pre-state).
    /// </summary>
    public static List<byte[]> AssemblePreState(ReadOnlySpan<byte> stateRoot, List<byte[]> pre, List<byte[]> post, out int fromPost)
    {
        var kept = new List<byte[]>();
        var seen = new HashSet<Hash256>();
        var referenced = new HashSet<Hash256> { new(stateRoot) };
        void Keep(byte[] node)
        {
            if (node is [0x80] || !seen.Add(Keccak256.HashToValue(node)))
                return;
            kept.Add(node);
            try
            {
                var reader = new RlpReader(node);
                WitnessChecks.CollectReferences(ref reader, referenced);
            }
            catch (RlpException e)
            {
                throw new WitnessException($"proof node {Hex.ToHex(Keccak256.Hash(node))} is not valid RLP: {e.Message}", e);
            }
        }
        foreach (var node in pre)
            Keep(node);
        int before = kept.Count;
        var candidates = new Dictionary<Hash256, byte[]>();
        foreach (var node in post)
        {
            candidates.TryAdd(Keccak256.HashToValue(node), node);
            if (Uncollapsed(node) is { } sibling)
                candidates.TryAdd(Keccak256.HashToValue(sibling), sibling);
        }
        bool added = true;
        while (added)
        {
            added = false;
            foreach (var (hash, node) in candidates)
            {
                if (seen.Contains(hash) || !referenced.Contains(hash))
                    continue;
                Keep(node);
                added = true;
            }
        }
        fromPost = kept.Count - before;
        return kept;
    }

    /// <summary>
    /// When a deletion leaves a branch with one child, the branch collapses into that child with the
    /// child's nibble prepended: a post-state leaf or extension with path <c>[i, rest…]</c> was, before
    /// the block, the sibling node with path <c>rest</c> (same value or child). That node is rebuilt here;
    /// it is kept only if a pre-state node references its hash, so a wrong guess is never used.
    /// </summary>
    internal static byte[]? Uncollapsed(byte[] node)
    {
        try
        {
            var outer = new RlpReader(node);
            var list = outer.ReadList();
            var encodedPath = list.ReadBytes();
            if (!list.HasMore)
                return null;
            var second = list.ReadRaw();
            if (list.HasMore || encodedPath.Length == 0)
                return null; // a branch node (17 items) or malformed
            var path = Nibbles.HexPrefixDecode(encodedPath, out bool isLeaf);
            if (path.Length < (isLeaf ? 1 : 2))
                return null; // an extension needs a path after the nibble is dropped
            return new RlpWriter(node.Length).StartList()
                .WriteBytes(Nibbles.HexPrefixEncode(path.AsSpan(1), isLeaf))
                .WriteRaw(second)
                .EndList().ToArray();
        }
        catch (Exception e) when (e is RlpException or InvalidTrieNodeException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static IEnumerable<(JsonElement Request, JsonElement Response, string Path)> Pairs(JsonElement root, string key)
    {
        int i = 0;
        foreach (var pair in root.Require("rpc cache", key).Array(key))
        {
            string path = $"{key}[{i++}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                throw new FormatException($"{path}: expected a [request, response] pair");
            var request = pair[0];
            if (request.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{path}: the request must be an object");
            yield return (request, pair[1], path);
        }
    }
}
