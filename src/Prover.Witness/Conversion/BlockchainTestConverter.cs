using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Model;

namespace Prover.Witness.Conversion;

/// <summary>A block that could not be converted, and why.</summary>
public sealed record BlockConversionFailure(string Name, int BlockIndex, bool ExpectedValid, string Reason);

/// <summary>Either a converted block or the reason it could not be.</summary>
public sealed record BlockOutcome(ConversionResult? Result, BlockConversionFailure? Failure);

/// <summary>
/// BlockchainTests (ethereum/tests) and EEST blockchain-test fixtures → one canonical input per
/// block. There is no witness in these files: it is built from the full <c>pre</c> state for blocks
/// on top of genesis, and from the full <c>postState</c> for blocks whose parent state is the final
/// one (e.g. an invalid block after the last valid one). Other intermediate states would need the
/// earlier blocks executed, which this library does not do; such blocks are reported, not guessed.
/// A block with <c>expectException</c> is converted with <c>expected_valid = false</c>.
/// </summary>
public static class BlockchainTestConverter
{
    public static bool Matches(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return false;
        using var props = root.EnumerateObject();
        return props.MoveNext() && props.Current.Value.ValueKind == JsonValueKind.Object
            && props.Current.Value.Find("blocks") is not null && props.Current.Value.Find("genesisRLP", "genesisBlockHeader") is not null;
    }

    /// <summary>Converts every block of every test in the file, in file order.</summary>
    public static List<BlockOutcome> Convert(JsonElement root)
    {
        var outcomes = new List<BlockOutcome>();
        foreach (var test in root.EnumerateObject())
            outcomes.AddRange(ConvertTest(test.Name, test.Value));
        return outcomes;
    }

    /// <summary>The genesis and final state tries of a test (for the trie checks).</summary>
    public static (StateWitness Pre, StateWitness? Post, BlockHeader Genesis) States(JsonElement test, string name)
    {
        var genesis = GenesisHeader(test, name);
        var pre = StateWitness.FromAccounts(WorldStateJson.Parse(test.Require(name, "pre"), $"{name}.pre"));
        StateWitness? post = test.Find("postState") is { } ps ? StateWitness.FromAccounts(WorldStateJson.Parse(ps, $"{name}.postState")) : null;
        return (pre, post, genesis);
    }

    private static BlockHeader GenesisHeader(JsonElement test, string name)
    {
        if (test.Find("genesisRLP") is { } g)
            return Block.Decode(g.Data($"{name}.genesisRLP")).Header;
        return BlockHeader.FromJson(test.Require(name, "genesisBlockHeader"), $"{name}.genesisBlockHeader");
    }

    private static List<BlockOutcome> ConvertTest(string name, JsonElement test)
    {
        var outcomes = new List<BlockOutcome>();
        var blocks = test.Require(name, "blocks").EnumerateArray().ToArray();
        BlockOutcome Fail(int i, bool valid, string reason) => new(null, new BlockConversionFailure(name, i, valid, reason));
        static bool Valid(JsonElement b) => b.Find("expectException") is null;

        string network = test.Require(name, "network").Text($"{name}.network");
        ulong chainId = test.Find("config") is { } cfg && cfg.Find("chainid", "chainId") is { } cid ? cid.UInt64($"{name}.config.chainid") : 1;
        ForkSchedule schedule;
        try
        {
            schedule = ForkSchedule.FromNetwork(network, chainId);
        }
        catch (NotSupportedException ex)
        {
            for (int i = 0; i < blocks.Length; i++)
                outcomes.Add(Fail(i, Valid(blocks[i]), ex.Message));
            return outcomes;
        }

        var genesis = GenesisHeader(test, name);
        var genesisRlp = genesis.Encode();
        var (pre, post, _) = States(test, name);
        if (!pre.Root.AsSpan().SequenceEqual(genesis.StateRoot))
            throw new FormatException($"{name}: the pre state's root {Hex.ToHex(pre.Root)} differs from the genesis state root {Hex.ToHex(genesis.StateRoot)}");
        var byRoot = new Dictionary<Hash256, StateWitness> { [new Hash256(pre.Root)] = pre };
        if (post is not null)
            byRoot.TryAdd(new Hash256(post.Root), post);

        // Known headers by hash: genesis, then every valid block as it is met.
        var headers = new Dictionary<Hash256, (BlockHeader Header, byte[] Rlp)> { [new Hash256(genesis.Hash())] = (genesis, genesisRlp) };
        for (int i = 0; i < blocks.Length; i++)
        {
            var b = blocks[i];
            bool valid = Valid(b);
            string? exception = valid ? null : b.Get("expectException", name).Text($"{name}.blocks[{i}].expectException");
            Block block;
            try
            {
                block = Block.Decode(b.Require($"{name}.blocks[{i}]", "rlp").Data($"{name}.blocks[{i}].rlp"));
            }
            catch (FormatException ex)
            {
                outcomes.Add(Fail(i, valid, $"block RLP does not decode ({ex.Message}); no payload exists for it"));
                continue;
            }
            if (valid)
                headers.TryAdd(new Hash256(block.Header.Hash()), (block.Header, block.Header.Encode()));

            if (!headers.TryGetValue(new Hash256(block.Header.ParentHash), out var parent))
            {
                outcomes.Add(Fail(i, valid, $"parent {Hex.ToHex(block.Header.ParentHash)} is not genesis or an earlier valid block of the test"));
                continue;
            }
            if (!byRoot.TryGetValue(new Hash256(parent.Header.StateRoot), out var state))
            {
                outcomes.Add(Fail(i, valid, $"the parent's state (root {Hex.ToHex(parent.Header.StateRoot)}) is neither the pre-state nor the post-state; building it needs the earlier blocks executed"));
                continue;
            }

            // Ancestors, oldest first, up to 256 (what BLOCKHASH can reach).
            var ancestors = new List<byte[]>();
            var cursor = parent;
            while (true)
            {
                ancestors.Add(cursor.Rlp);
                if (ancestors.Count == 256 || !headers.TryGetValue(new Hash256(cursor.Header.ParentHash), out cursor))
                    break;
            }
            ancestors.Reverse();

            var witness = new ExecutionWitnessData { State = state.Nodes, Codes = state.Codes, Keys = [], Headers = ancestors };
            var senders = SendersOf(b, $"{name}.blocks[{i}]");
            try
            {
                outcomes.Add(new(StatelessInputBuilder.Build(name, block, witness, schedule, valid, exception, senders), null));
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException)
            {
                outcomes.Add(Fail(i, valid, ex.Message));
            }
        }
        return outcomes;
    }

    private static List<byte[]?>? SendersOf(JsonElement b, string path)
    {
        var body = b.Find("transactions") is not null ? b : b.Find("rlp_decoded");
        if (body is not { } bj || bj.Find("transactions") is not { } txs)
            return null;
        var list = new List<byte[]?>();
        int i = 0;
        foreach (var tx in txs.Array($"{path}.transactions"))
        {
            list.Add(tx.Find("sender") is { } s ? s.Fixed(20, $"{path}.transactions[{i}].sender") : null);
            i++;
        }
        return list;
    }
}
