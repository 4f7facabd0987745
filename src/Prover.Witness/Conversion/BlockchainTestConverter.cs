using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Model;

namespace Prover.Witness.Conversion;

/// <summary>A block that could not be converted, and why.</summary>
public sealed record BlockConversionFailure(string Name, int BlockIndex, bool ExpectedValid, string Reason);

/// <summary>Either a converted block or the reason it could not be.</summary>
public sealed record BlockOutcome(ConversionResult? Result, BlockConversionFailure? Failure);

/// <summary>Runs a block's canonical input and returns the verdict with the post-state of a valid block.</summary>
public delegate PostStateRun PostStateExecutor(byte[] statelessInput);

/// <summary>
/// BlockchainTests (ethereum/tests) and EEST blockchain-test fixtures → one canonical input per
/// block. There is no witness in these files: it is built from the full <c>pre</c> state for blocks
/// on top of genesis, from the full <c>postState</c> for blocks whose parent state is the final one
/// (e.g. an invalid block after the last valid one), and otherwise from the parent block executed:
/// the parent's own input (whose witness is a whole state, so the post-state is whole too) runs on the
/// state-dump guest (<see cref="StateDumpGuest"/>), whose dump of every post-state node and code is
/// the next block's witness. Blocks the fixture expects to be invalid never extend the chain: a later
/// block names its parent by hash, and only valid blocks are parents. A parent the guest cannot run
/// (its fork is not supported, or its verdict differs from the fixture's) leaves its children
/// reported with the reason, not guessed. A block with <c>expectException</c> is converted with
/// <c>expected_valid = false</c>.
/// </summary>
public static class BlockchainTestConverter
{
    /// <summary>
    /// Most parent blocks executed per test. Each executed block keeps its whole post-state in memory
    /// for the blocks after it; BlockchainTests chains are a handful of blocks long (9 at most here).
    /// </summary>
    public const int MaxExecutedBlocksPerTest = 1024;

    /// <summary>The default executor: the embedded state-dump guest on the emulator with its default limits.</summary>
    public static PostStateRun ExecuteOnEmulator(byte[] statelessInput) => StateDumpGuest.Execute(statelessInput);

    public static bool Matches(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return false;
        using var props = root.EnumerateObject();
        return props.MoveNext() && props.Current.Value.ValueKind == JsonValueKind.Object
            && props.Current.Value.Find("blocks") is not null && props.Current.Value.Find("genesisRLP", "genesisBlockHeader") is not null;
    }

    /// <summary>Converts every block of every test in the file, in file order.</summary>
    /// <param name="root">the parsed fixture file</param>
    /// <param name="executor">runs parent blocks whose post-state is needed; <see cref="ExecuteOnEmulator"/> when null</param>
    public static List<BlockOutcome> Convert(JsonElement root, PostStateExecutor? executor = null)
    {
        var outcomes = new List<BlockOutcome>();
        foreach (var test in root.EnumerateObject())
            outcomes.AddRange(ConvertTest(test.Name, test.Value, executor ?? ExecuteOnEmulator));
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

    private static List<BlockOutcome> ConvertTest(string name, JsonElement test, PostStateExecutor executor)
    {
        var outcomes = new List<BlockOutcome>();
        var blocks = test.Require(name, "blocks").Array($"{name}.blocks").ToArray();
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
        // Converted blocks the fixture expects to be valid (possible parents), and why a parent's
        // post-state could not be built (so that it is tried once).
        var convertedValid = new Dictionary<Hash256, ConversionResult>();
        var unbuildable = new Dictionary<Hash256, string>();
        int executed = 0;
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
                var parentHash = new Hash256(block.Header.ParentHash);
                if (!unbuildable.TryGetValue(parentHash, out string? why))
                {
                    if (!convertedValid.TryGetValue(parentHash, out var parentInput))
                        why = "the parent block was not converted, so it cannot be executed";
                    else if (executed++ == MaxExecutedBlocksPerTest)
                        why = $"more than {MaxExecutedBlocksPerTest} blocks of this test would have to be executed";
                    else
                        why = TryBuildPostState(parentInput, executor, byRoot);
                    if (why is not null)
                        unbuildable[parentHash] = why;
                }
                if (why is not null || !byRoot.TryGetValue(new Hash256(parent.Header.StateRoot), out state))
                {
                    outcomes.Add(Fail(i, valid, $"the parent's state (root {Hex.ToHex(parent.Header.StateRoot)}) cannot be built: {why}"));
                    continue;
                }
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
                var result = StatelessInputBuilder.Build(name, block, witness, schedule, valid, exception, senders);
                outcomes.Add(new(result, null));
                if (valid)
                    convertedValid.TryAdd(new Hash256(result.BlockHash), result);
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException)
            {
                outcomes.Add(Fail(i, valid, ex.Message));
            }
        }
        return outcomes;
    }

    /// <summary>
    /// Executes a converted valid block and, when the guest agrees that it is valid and its dump is the
    /// header's post-state, records that state under its root. Returns why not, or null on success.
    /// </summary>
    private static string? TryBuildPostState(ConversionResult parent, PostStateExecutor executor, Dictionary<Hash256, StateWitness> byRoot)
    {
        string what = $"executing the parent block {parent.BlockNumber} ({parent.Fork})";
        PostStateRun run;
        try
        {
            run = executor(parent.Bytes);
        }
        catch (Exception ex) when (ex is FormatException or Prover.Core.Machine.MachineException)
        {
            return $"{what} failed: {ex.Message}";
        }
        var result = run.Execution.Result;
        if (!result.Success)
        {
            string detail = result.ExitCode == 3 ? " (the guest does not validate this fork)" : result.ExitCode == 5 ? " (its witness lacks a node or code)" : "";
            return $"{what} ended with exit code {result.ExitCode}{detail}";
        }
        if (run.Execution.Validation is not { SuccessfulValidation: true })
            return $"{what}: the guest judges it invalid although the fixture expects it valid";
        var dump = run.PostState ?? throw new InvalidOperationException("the executor reported a valid block without its post-state");
        var stateRoot = parent.Input.NewPayloadRequest.ExecutionPayload.StateRoot;
        if (!dump.Root.AsSpan().SequenceEqual(stateRoot))
            return $"{what}: the dumped post-state root {Hex.ToHex(dump.Root)} differs from the block's state root {Hex.ToHex(stateRoot)}";
        byRoot.TryAdd(new Hash256(dump.Root), new StateWitness { Root = dump.Root, Nodes = dump.Nodes, Codes = dump.Codes });
        return null;
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
