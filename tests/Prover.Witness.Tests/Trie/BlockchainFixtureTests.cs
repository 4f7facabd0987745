using System.Text.Json;
using Prover.Witness.Crypto;
using Prover.Witness.Rlp;
using Prover.Witness.Tests.Rlp;
using Prover.Witness.Trie;
using Xunit.Abstractions;

namespace Prover.Witness.Tests.Trie;

/// <summary>
/// Every BlockchainTests fixture (ethereum/tests, Cancun) and the two EEST Prague ones: state roots
/// from <c>pre</c> and <c>postState</c>, and per block the header hash, transactions, withdrawals
/// and ommers roots recomputed from the block RLP.
/// </summary>
public sealed class BlockchainFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files => Fixtures.Files(Fixtures.BlockchainTests, Fixtures.EestPrague);

    [SharedFact]
    public void All57BlockchainTestFiles_ArePresent() =>
        Assert.Equal(57, Directory.EnumerateFiles(SharedData.PathOf(Fixtures.BlockchainTests), "*.json", SearchOption.AllDirectories).Count());

    [SharedTheory]
    [MemberData(nameof(Files))]
    public void StateRoots_FromPreAndPostState(string file)
    {
        using JsonDocument doc = Fixtures.Load(file);
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            JsonElement t = test.Value;
            JsonElement genesis = t.GetProperty("genesisBlockHeader");
            Assert.Equal(genesis.GetProperty("stateRoot").Hash(), Fixtures.BuildState(t.GetProperty("pre")).RootHash);

            // The post state belongs to the last valid block (lastblockhash), possibly genesis.
            Hash256 last = t.GetProperty("lastblockhash").Hash();
            JsonElement lastHeader = genesis;
            foreach (JsonElement block in t.GetProperty("blocks").EnumerateArray())
            {
                if (block.TryGetProperty("blockHeader", out JsonElement header) && header.GetProperty("hash").Hash() == last)
                    lastHeader = header;
            }

            Assert.Equal(last, lastHeader.GetProperty("hash").Hash());
            Assert.Equal(lastHeader.GetProperty("stateRoot").Hash(), Fixtures.BuildState(t.GetProperty("postState")).RootHash);
            output.WriteLine($"{test.Name}: pre and post state roots match");
        }
    }

    [SharedTheory]
    [MemberData(nameof(Files))]
    public void BlockRlp_HashesAndRoots(string file)
    {
        using JsonDocument doc = Fixtures.Load(file);
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            JsonElement t = test.Value;
            CheckBlock(t.GetProperty("genesisRLP").Bytes(), t.GetProperty("genesisBlockHeader"), expectRootsToMatch: true);
            foreach (JsonElement block in t.GetProperty("blocks").EnumerateArray())
            {
                byte[] rlp = block.GetProperty("rlp").Bytes();
                if (block.TryGetProperty("blockHeader", out JsonElement header))
                {
                    CheckBlock(rlp, header, expectRootsToMatch: true);
                }
                else if (block.GetProperty("rlp_decoded").TryGetProperty("blockHeader", out JsonElement decoded))
                {
                    // Invalid blocks: the header still hashes right; roots may be wrong on purpose.
                    CheckBlock(rlp, decoded, expectRootsToMatch: null);
                }
            }
        }
    }

    /// <summary>
    /// Stateless update on real data: the witness of <c>pre</c> (every node of the account trie and
    /// the storage tries), updated with the difference between <c>pre</c> and <c>postState</c>
    /// (accounts created, changed and deleted, slots written and cleared), gives the post-state root.
    /// </summary>
    [SharedTheory]
    [MemberData(nameof(Files))]
    public void WitnessOfPre_UpdatedToPostState_GivesThePostRoot(string file)
    {
        using JsonDocument doc = Fixtures.Load(file);
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            JsonElement pre = test.Value.GetProperty("pre");
            JsonElement post = test.Value.GetProperty("postState");
            StateTrie full = Fixtures.BuildState(pre, out List<StorageTrie> storages);
            var nodes = new List<byte[]>();
            full.Trie.CollectNodes(nodes);
            foreach (StorageTrie storage in storages)
                storage.Trie.CollectNodes(nodes);

            StateTrie state = StateTrie.FromWitness(nodes, full.RootHash);
            Assert.Empty(state.Trie.Store.FindUnreachable([full.RootHash], followStorageRoots: true));
            var addresses = pre.EnumerateObject().Select(p => p.Name).Union(post.EnumerateObject().Select(p => p.Name)).ToList();
            int changed = 0;
            foreach (string name in addresses)
            {
                byte[] address = Hex.Decode(name);
                Account? before = state.GetAccount(address);
                if (!post.TryGetProperty(name, out JsonElement after))
                {
                    state.SetAccount(address, null);
                    changed++;
                    continue;
                }

                StorageTrie storage = state.OpenStorage(before?.StorageRoot ?? PatriciaTrie.EmptyRoot);
                JsonElement postStorage = after.GetProperty("storage");
                var slots = postStorage.EnumerateObject().Select(p => p.Name).ToList();
                if (pre.TryGetProperty(name, out JsonElement preAccount))
                    slots = slots.Union(preAccount.GetProperty("storage").EnumerateObject().Select(p => p.Name)).ToList();
                foreach (string slot in slots)
                {
                    byte[] key = Fixtures.Word(JsonDocument.Parse($"\"{slot}\"").RootElement);
                    storage.Set(key, postStorage.TryGetProperty(slot, out JsonElement value) ? value.Quantity() : 0);
                }

                var account = new Account(
                    (ulong)after.GetProperty("nonce").Quantity(),
                    after.GetProperty("balance").Quantity(),
                    storage.RootHash,
                    Keccak256.HashToValue(after.GetProperty("code").Bytes()));
                if (account != before)
                {
                    state.SetAccount(address, account);
                    changed++;
                }
            }

            Assert.Equal(Fixtures.BuildState(post).RootHash, state.RootHash);
            output.WriteLine($"{test.Name}: {nodes.Count} witness nodes, {changed} accounts changed, post root matches");
        }
    }

    /// <summary>The fixtures named for a wrong root must have one, as computed here (a negative check of the root code).</summary>
    [SharedTheory]
    [InlineData("wrongTransactionsTrie.json", "transactionsTrie")]
    [InlineData("incorrectWithdrawalsRoot.json", "withdrawalsRoot")]
    public void WrongRootFixtures_AreDetected(string fileName, string field)
    {
        string file = Directory.EnumerateFiles(SharedData.PathOf(Fixtures.BlockchainTests), fileName, SearchOption.AllDirectories).Single();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
        int mismatches = 0;
        foreach (JsonProperty test in doc.RootElement.EnumerateObject())
        {
            foreach (JsonElement block in test.Value.GetProperty("blocks").EnumerateArray())
            {
                if (!block.TryGetProperty("expectException", out _))
                    continue;
                JsonElement header = block.GetProperty("rlp_decoded").GetProperty("blockHeader");
                (Hash256 transactions, Hash256? withdrawals) = ComputeRoots(block.GetProperty("rlp").Bytes(), out _);
                Hash256 computed = field == "transactionsTrie" ? transactions : withdrawals!.Value;
                if (computed != header.GetProperty(field).Hash())
                    mismatches++;
            }
        }

        Assert.True(mismatches > 0, $"no block of {fileName} has a wrong {field}");
    }

    private void CheckBlock(byte[] blockRlp, JsonElement header, bool? expectRootsToMatch)
    {
        // Canonical RLP: decoding and re-encoding gives the same bytes.
        Assert.Equal(blockRlp, RlpTree.DecodeOne(blockRlp).Encode());

        var outer = new RlpReader(blockRlp);
        RlpReader body = outer.ReadList();
        outer.CheckEnd();
        ReadOnlySpan<byte> headerRlp = body.ReadRaw();
        Assert.Equal(header.GetProperty("hash").Hash(), Keccak256.HashToValue(headerRlp));

        // Field 3 of the header is the state root, field 4 the transactions root.
        var fields = new RlpReader(headerRlp).ReadList();
        fields.SkipItem();
        fields.SkipItem();
        fields.SkipItem();
        Assert.Equal(header.GetProperty("stateRoot").Hash(), new Hash256(fields.ReadFixedBytes(32)));

        (Hash256 transactions, Hash256? withdrawals) = ComputeRoots(blockRlp, out Hash256 ommers);
        Assert.Equal(header.GetProperty("uncleHash").Hash(), ommers);
        if (expectRootsToMatch == true)
        {
            Assert.Equal(header.GetProperty("transactionsTrie").Hash(), transactions);
            if (header.TryGetProperty("withdrawalsRoot", out JsonElement withdrawalsRoot))
                Assert.Equal(withdrawalsRoot.Hash(), withdrawals);
        }
    }

    /// <summary>Block RLP = [header, transactions, ommers, withdrawals?]: the roots of its lists.</summary>
    private static (Hash256 Transactions, Hash256? Withdrawals) ComputeRoots(byte[] blockRlp, out Hash256 ommersHash)
    {
        var outer = new RlpReader(blockRlp);
        RlpReader body = outer.ReadList();
        body.SkipItem();
        Hash256 transactions = TrieRoots.OrderedRoot(TrieRoots.ListItemsForTrie(body.ReadRaw()));
        ommersHash = Keccak256.HashToValue(body.ReadRaw());
        Hash256? withdrawals = body.HasMore ? TrieRoots.OrderedRoot(TrieRoots.ListItemsForTrie(body.ReadRaw())) : null;
        return (transactions, withdrawals);
    }
}
