using System.Buffers.Binary;
using System.Text.Json;
using Prover.Core.Machine;
using Prover.Witness.Conversion;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using Xunit.Abstractions;
using HexUtil = Prover.Witness.Formats.Hex;

namespace Prover.Witness.Tests.Conversion;

/// <summary>
/// Blocks after the first of a multi-block fixture: their witness is the post-state of the parent,
/// dumped by the state-dump guest after executing the parent's own input (<see cref="StateDumpGuest"/>).
/// </summary>
public class ChainedBlocksTests(ITestOutputHelper output)
{
    private sealed record Outcome(string File, string Test, string Network, int Blocks, BlockOutcome Result);

    /// <summary>Every block of every BlockchainTests/EEST fixture, converted with the default (emulator) executor, once.</summary>
    private static readonly Lazy<List<Outcome>> All = new(() =>
    {
        var all = new List<Outcome>();
        var files = new[] { "blockchain_tests", "eest_prague" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(EthFixtures.Root, dir), "*.json", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(EthFixtures.Root, f)).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var doc = EthFixtures.Load(file);
            foreach (var test in doc.RootElement.EnumerateObject())
            {
                using var single = JsonDocument.Parse($"{{{JsonSerializer.Serialize(test.Name)}: {test.Value.GetRawText()}}}");
                int blocks = test.Value.GetProperty("blocks").GetArrayLength();
                string network = test.Value.GetProperty("network").GetString()!;
                foreach (var o in BlockchainTestConverter.Convert(single.RootElement))
                    all.Add(new Outcome(file, test.Name, network, blocks, o));
            }
        }
        return all;
    });

    [SharedFact]
    public void Every_block_converts_except_pre_merge_blocks()
    {
        var all = All.Value;
        Assert.Equal(168, all.Count);
        var failures = all.Where(o => o.Result.Failure is not null).ToList();
        // Before chaining, 11 later blocks were skipped ("neither the pre-state nor the post-state"); until
        // the guest validated Shanghai, the child of a Shanghai block was skipped too (its parent ended with exit 3).
        Assert.Equal(2, failures.Count(o => o.Result.Failure!.Reason.Contains("pre-merge block: no engine-API payload exists", StringComparison.Ordinal)));
        Assert.Equal(2, failures.Count);
        Assert.Equal(166, all.Count(o => o.Result.Result is not null));

        // Later blocks of multi-block tests (one of them Shanghai): all convert, and every header rebuilds.
        var later = all.GroupBy(o => (o.File, o.Test)).SelectMany(g => g.Skip(1)).ToList();
        Assert.Equal(15, later.Count);
        Assert.Equal(15, later.Count(o => o.Result.Result is not null));
        Assert.Single(later, o => o.Network == "Shanghai");
        foreach (var o in all.Where(o => o.Result.Result is { ExpectedValid: true }))
            Assert.True(o.Result.Result!.HeaderHashMatches, $"{o.Test} block {o.Result.Result.BlockNumber}: the rebuilt header does not hash to the block hash");
    }

    /// <summary>Every block of a multi-block test (Cancun, and the Shanghai withdrawals test) on the embedded validator (emulator): the fixture's verdict and the request root.</summary>
    [SharedFact]
    public void Blocks_of_multi_block_tests_get_the_fixtures_verdict_on_the_emulator()
    {
        int run = 0;
        foreach (var o in All.Value.Where(o => o.Blocks > 1 && o.Result.Result is not null))
        {
            var r = o.Result.Result!;
            var exec = EthereumGuest.Execute(r.Bytes);
            Assert.True(exec.Result.Success, $"{o.Test} block {r.BlockNumber}: exit code {exec.Result.ExitCode}");
            Assert.NotNull(exec.Validation);
            Assert.True(r.ExpectedValid == exec.Validation.SuccessfulValidation, $"{o.Test} block {r.BlockNumber}: the guest says {exec.Validation.SuccessfulValidation}, the fixture {r.ExpectedValid}");
            Assert.Equal(StatelessValidationResult.For(r.Input, r.ExpectedValid).Encode(), exec.Result.Output);
            run++;
        }
        Assert.Equal(22, run); // 20 Cancun blocks and the two of the Shanghai withdrawals test
    }

    /// <summary>
    /// The dump after the last block of a test is the fixture's own <c>postState</c>, node for node and
    /// code for code (built independently by the C# trie from the JSON accounts). Multi-block tests by
    /// default; every valid last block of every fixture with <c>EVM_ALL_FIXTURES=1</c>.
    /// </summary>
    [SharedFact]
    public void The_dumped_post_state_of_a_tests_last_block_is_its_postState()
    {
        bool everything = Environment.GetEnvironmentVariable("EVM_ALL_FIXTURES") == "1";
        int compared = 0;
        foreach (var group in All.Value.GroupBy(o => (o.File, o.Test)))
        {
            var first = group.First();
            if (first.Network is not ("Paris" or "Shanghai" or "Cancun" or "Prague") || (!everything && first.Blocks == 1) || first.Test.Contains("MaxRounds", StringComparison.Ordinal))
                continue;
            using var doc = EthFixtures.Load(first.File);
            var test = doc.RootElement.GetProperty(first.Test);
            if (test.TryGetProperty("postState", out var postJson) is false)
                continue;
            var last = test.GetProperty("lastblockhash").Fixed(32, "lastblockhash");
            var lastBlock = group.Select(o => o.Result.Result).SingleOrDefault(r => r is not null && r.BlockHash.AsSpan().SequenceEqual(last));
            if (lastBlock is null)
                continue; // the genesis is the last block (every block invalid)
            var post = StateWitness.FromAccounts(WorldStateJson.Parse(postJson, "postState"));
            var run = StateDumpGuest.Execute(lastBlock.Bytes);
            Assert.True(run.Execution.BlockValid, $"{first.Test}: the dump guest does not find the last block valid (exit {run.Execution.Result.ExitCode})");
            var dump = run.PostState!;
            Assert.Equal(HexUtil.ToHex(post.Root), HexUtil.ToHex(dump.Root));
            Assert.Equal(Sorted(post.Nodes), Sorted(dump.Nodes));
            Assert.Equal(Sorted(post.Codes), Sorted(dump.Codes));
            Assert.Equal(dump.Nodes.Count, dump.Nodes.Select(n => Keccak256.HashToValue(n)).Distinct().Count());
            // The validator's 43 bytes come first, unchanged.
            Assert.Equal(EthereumGuest.Execute(lastBlock.Bytes).Result.Output, run.Execution.Result.Output);
            compared++;
        }
        output.WriteLine($"{compared} dumped post-states equal the fixtures' postState{(everything ? "" : " (multi-block tests; EVM_ALL_FIXTURES=1 for all)")}");
        Assert.True(compared >= (everything ? 130 : 5), $"only {compared} post-states compared");
    }

    private static List<string> Sorted(IEnumerable<byte[]> items) => items.Select(x => HexUtil.ToHex(x)).Distinct().Order(StringComparer.Ordinal).ToList();

    private static JsonDocument LoadTest(string file, string suffix, out string testName)
    {
        using var doc = EthFixtures.Load(file);
        var test = doc.RootElement.EnumerateObject().First(t => t.Name.EndsWith(suffix, StringComparison.Ordinal));
        testName = test.Name;
        return JsonDocument.Parse($"{{{JsonSerializer.Serialize(test.Name)}: {test.Value.GetRawText()}}}");
    }

    /// <summary>A parent the executor cannot confirm leaves its children unconverted, each with the reason, and is executed once.</summary>
    [SharedFact]
    public void Children_of_a_parent_that_cannot_be_executed_are_reported_with_the_reason()
    {
        using var doc = LoadTest("blockchain_tests/ValidBlocks/bcEIP1559/transType.json", "_Cancun", out _);
        int calls = 0;
        PostStateRun Rejecting(byte[] input)
        {
            calls++;
            var real = StateDumpGuest.Execute(input);
            var flipped = real.Execution.Validation! with { SuccessfulValidation = false };
            return new PostStateRun(real.Execution with { Validation = flipped }, null);
        }
        var outcomes = BlockchainTestConverter.Convert(doc.RootElement, Rejecting);
        Assert.Equal(3, outcomes.Count);
        Assert.NotNull(outcomes[0].Result);
        Assert.Contains("the guest judges it invalid although the fixture expects it valid", outcomes[1].Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains("the parent block was not converted", outcomes[2].Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(1, calls);

        PostStateRun Faulting(byte[] input) => throw new FormatException("post-state dump, byte 0: broken on purpose");
        outcomes = BlockchainTestConverter.Convert(doc.RootElement, Faulting);
        Assert.Contains("failed: post-state dump, byte 0: broken on purpose", outcomes[1].Failure!.Reason, StringComparison.Ordinal);

        PostStateRun WrongRoot(byte[] input)
        {
            var real = StateDumpGuest.Execute(input);
            return real with { PostState = real.PostState! with { Root = new byte[32] } };
        }
        outcomes = BlockchainTestConverter.Convert(doc.RootElement, WrongRoot);
        Assert.Contains("differs from the block's state root", outcomes[1].Failure!.Reason, StringComparison.Ordinal);

        PostStateRun Crashing(byte[] input)
        {
            var real = StateDumpGuest.Execute(input);
            return new PostStateRun(real.Execution with { Result = real.Execution.Result with { ExitCode = 5 }, Validation = null }, null);
        }
        outcomes = BlockchainTestConverter.Convert(doc.RootElement, Crashing);
        Assert.Contains("ended with exit code 5 (its witness lacks a node or code)", outcomes[1].Failure!.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// badBlocks: six invalid blocks between valid ones. Each block's witness is the state of its
    /// parent, the last block the fixture expects to be valid; invalid blocks change nothing.
    /// </summary>
    [SharedFact]
    public void Invalid_blocks_do_not_change_the_state_the_next_block_builds_on()
    {
        using var doc = LoadTest("blockchain_tests/InvalidBlocks/bcEIP1559/badBlocks.json", "_Cancun", out string name);
        var blocks = doc.RootElement.GetProperty(name).GetProperty("blocks").EnumerateArray().ToArray();
        var outcomes = BlockchainTestConverter.Convert(doc.RootElement);
        Assert.Equal(blocks.Length, outcomes.Count);
        byte[]? lastValidStateRoot = doc.RootElement.GetProperty(name).GetProperty("genesisBlockHeader").GetProperty("stateRoot").Data("stateRoot");
        for (int i = 0; i < outcomes.Count; i++)
        {
            var r = outcomes[i].Result ?? throw new Xunit.Sdk.XunitException($"block {i}: {outcomes[i].Failure!.Reason}");
            var parentHeader = BlockHeader.Decode(r.Input.Witness.Headers[^1]);
            Assert.Equal(HexUtil.ToHex(lastValidStateRoot), HexUtil.ToHex(parentHeader.StateRoot));
            Assert.Equal(HexUtil.ToHex(r.Input.NewPayloadRequest.ExecutionPayload.ParentHash), HexUtil.ToHex(parentHeader.Hash()));
            if (r.ExpectedValid)
                lastValidStateRoot = r.Input.NewPayloadRequest.ExecutionPayload.StateRoot;
        }
        Assert.Equal(6, outcomes.Count(o => !o.Result!.ExpectedValid));
    }

    // ---- the dump format ----------------------------------------------------------------------

    private static byte[] Dump(byte[] root, IEnumerable<byte[]> nodes, IEnumerable<byte[]> codes, uint? nodeCount = null)
    {
        var w = new List<byte>();
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); w.AddRange(b); }
        w.AddRange("PSD1"u8.ToArray());
        w.AddRange(root);
        var n = nodes.ToList();
        U32(nodeCount ?? (uint)n.Count);
        foreach (var x in n) { U32((uint)x.Length); w.AddRange(x); }
        var c = codes.ToList();
        U32((uint)c.Count);
        foreach (var x in c) { U32((uint)x.Length); w.AddRange(x); }
        return [.. w];
    }

    [Fact]
    public void Dump_parser_accepts_a_well_formed_dump_and_rejects_every_malformation()
    {
        byte[] node = [0xe3, 0xa1, 0x20, .. Enumerable.Repeat((byte)7, 32), 0x01];
        Assert.Equal(36, node.Length);
        byte[] root = Keccak256.Hash(node);
        byte[] code = [0x60, 0x00, 0x56];
        var good = Dump(root, [node], [code]);
        var parsed = PostStateDump.Parse(good);
        Assert.Equal(root, parsed.Root);
        Assert.Equal(node, Assert.Single(parsed.Nodes));
        Assert.Equal(code, Assert.Single(parsed.Codes));
        Assert.Empty(PostStateDump.Parse(Dump(Keccak256.Hash([0x80]), [], [])).Nodes); // the empty state

        Assert.Throws<FormatException>(() => PostStateDump.Parse([.. good, 0]));                         // trailing byte
        for (int len = 0; len < good.Length; len++)
            Assert.Throws<FormatException>(() => PostStateDump.Parse(good.AsSpan(0, len)));            // every truncation
        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'X';
        Assert.Throws<FormatException>(() => PostStateDump.Parse(badMagic));
        Assert.Throws<FormatException>(() => PostStateDump.Parse(Dump(new byte[32], [node], [code])));  // root not among the nodes
        Assert.Throws<FormatException>(() => PostStateDump.Parse(Dump(root, [node], [code], uint.MaxValue))); // count beyond the bytes
        Assert.Throws<FormatException>(() => PostStateDump.Parse(Dump(root, [node, new byte[1025]], [code]))); // node over 1024 bytes
        Assert.Throws<FormatException>(() => PostStateDump.Parse(Dump(root, [node, []], [code])));      // empty node
        Assert.Throws<FormatException>(() => PostStateDump.Parse(Dump(root, [node], [new byte[65537]]))); // code over 65536 bytes
        var ex = Assert.Throws<FormatException>(() => PostStateDump.Parse(good.AsSpan(0, 50)));
        Assert.Contains("byte", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The dump guest's 43 leading bytes are the validator's; an invalid block has no dump.</summary>
    [SharedFact]
    public void The_dump_guest_writes_nothing_after_the_result_of_an_invalid_block()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedData.PathOf("fixtures/ethereum/eest_prague/invalid_negative_excess_blob_gas.json")));
        var input = Assert.Single(InputConverter.Convert(doc.RootElement, "invalid").Results).Bytes;
        var run = StateDumpGuest.Execute(input);
        Assert.True(run.Execution.Result.Success);
        Assert.False(run.Execution.Validation!.SuccessfulValidation);
        Assert.Null(run.PostState);
        Assert.Equal(EthereumGuest.Execute(input).Result.Output, run.Execution.Result.Output);
        // Truncated input: a failed execution, no verdict, no dump.
        var failed = StateDumpGuest.Execute(input.AsSpan(0, 100), new MachineOptions { MaxCycles = 1L << 30 });
        Assert.False(failed.Execution.Result.Success);
        Assert.Null(failed.PostState);
    }
}
