using System.Numerics;
using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Model;
using Prover.Witness.Ssz;
using Prover.Witness.Trie;

namespace Prover.Witness.Tests.Conversion;

/// <summary>
/// Blocks whose only contact with an account is a zero-value payment: a transaction that pays the fee
/// recipient no priority fee, and a withdrawal of 0 gwei (EIP-4895). After the merge no empty account
/// exists (EIP-7523), so such a touch changes nothing and the guest reads nothing (native/guest/evm/
/// execute.c): a witness without that account's leaf gets the same verdict. The control cases pay one
/// wei / one gwei, and there the missing leaf must end the run with "missing node", never a verdict.
/// </summary>
public sealed class ZeroValueTouchTests
{
    private const int MissingNode = 5; // GUEST_EXIT_MISSING_NODE, native/guest/evm/common.h
    private const string Add11 = "fixtures/ethereum/blockchain_tests/GeneralStateTests/stExample/add11.json";
    private const string Withdrawals = "fixtures/ethereum/blockchain_tests/GeneralStateTests/Pyspecs/shanghai/eip4895_withdrawals/large_amount.json";

    /// <summary>The leaf of <paramref name="address"/> in the state trie the nodes form under <paramref name="root"/>.</summary>
    private static byte[] AccountLeaf(IEnumerable<byte[]> nodes, byte[] root, byte[] address)
    {
        var trie = PatriciaTrie.FromWitness(nodes, new Hash256(root));
        var path = new List<byte[]>();
        trie.CollectProof(Prover.Witness.Crypto.Keccak256.Hash(address), path);
        var leaf = path[^1];
        // A leaf is a two-item list whose value decodes as an account (not a branch or an extension).
        var items = TrieRoots.ListItemsForTrie(leaf);
        Assert.Equal(2, items.Count);
        Account.Decode(items[1]);
        return leaf;
    }

    private static StatelessInput Without(StatelessInput input, byte[] node)
    {
        var state = input.Witness.State.ToList();
        Assert.Equal(1, state.RemoveAll(n => n.AsSpan().SequenceEqual(node)));
        return input with { Witness = input.Witness with { State = [.. state] } };
    }

    private static void AssertValid(byte[] input, string what)
    {
        var run = EthereumGuest.Execute(input);
        Assert.True(run.Result.Success, $"{what}: exit code {run.Result.ExitCode}");
        Assert.True(run.Validation!.SuccessfulValidation, $"{what}: the guest found the block invalid");
    }

    [SharedFact(Add11)]
    public void Transaction_paying_no_priority_fee_needs_no_fee_recipient_account()
    {
        using var doc = JsonDocument.Parse(InputFiles.ReadAllBytes(SharedData.PathOf(Add11)));
        var r = BlockchainTestConverter.Convert(doc.RootElement).Select(o => o.Result)
            .First(c => c is not null && c.Fork == Fork.Cancun && c.ExpectedValid)!;
        var payload = r.Input.NewPayloadRequest.ExecutionPayload;
        // The premise: every transaction's priority fee is zero, so the recipient is paid nothing.
        var test = doc.RootElement.EnumerateObject().First(t => t.Name == r.Name).Value;
        var block = Block.Decode(Convert.FromHexString(test.GetProperty("blocks")[0].GetProperty("rlp").GetString()![2..]));
        BigInteger baseFee = block.Header.BaseFeePerGas!.Value;
        Assert.NotEmpty(block.Transactions);
        foreach (var raw in block.Transactions)
        {
            var tx = Transaction.Decode(raw);
            BigInteger tip = tx.Type >= 2 ? BigInteger.Min(tx.MaxPriorityFeePerGas, tx.MaxFeePerGas - baseFee) : tx.GasPrice - baseFee;
            Assert.True(tip.IsZero, "the fixture's transaction pays a priority fee: this test checks nothing");
        }

        AssertValid(r.Bytes, "full witness");
        var parentRoot = BlockHeader.Decode(r.Input.Witness.Headers[^1]).StateRoot;
        var leaf = AccountLeaf(r.Input.Witness.State, parentRoot, payload.FeeRecipient);
        AssertValid(Without(r.Input, leaf).Encode(), "witness without the fee recipient's leaf");
    }

    /// <summary>A copy of <paramref name="h"/> with another parent hash, state root and withdrawals root.</summary>
    private static BlockHeader WithRoots(BlockHeader h, byte[] parentHash, byte[] stateRoot, byte[]? withdrawalsRoot) => new()
    {
        ParentHash = parentHash, OmmersHash = h.OmmersHash, Beneficiary = h.Beneficiary, StateRoot = stateRoot,
        TransactionsRoot = h.TransactionsRoot, ReceiptsRoot = h.ReceiptsRoot, LogsBloom = h.LogsBloom, Difficulty = h.Difficulty,
        Number = h.Number, GasLimit = h.GasLimit, GasUsed = h.GasUsed, Timestamp = h.Timestamp, ExtraData = h.ExtraData,
        MixHash = h.MixHash, Nonce = h.Nonce, BaseFeePerGas = h.BaseFeePerGas, WithdrawalsRoot = withdrawalsRoot,
        BlobGasUsed = h.BlobGasUsed, ExcessBlobGas = h.ExcessBlobGas, ParentBeaconBlockRoot = h.ParentBeaconBlockRoot,
        RequestsHash = h.RequestsHash,
    };

    [SharedFact(Withdrawals)]
    public void Withdrawal_of_zero_gwei_reads_no_account_and_one_gwei_does()
    {
        using var doc = JsonDocument.Parse(InputFiles.ReadAllBytes(SharedData.PathOf(Withdrawals)));
        var test = doc.RootElement.EnumerateObject().First(t => t.Name.Contains("fork_Shanghai", StringComparison.Ordinal));
        // The fixture's pre-state (one account) plus a second account, so that the recipient's leaf is not
        // the trie's root (the post-state root needs the root node whatever changes); genesis follows it.
        var accounts = WorldStateJson.Parse(test.Value.GetProperty("pre"), "pre");
        accounts.Add(new AccountState(Convert.FromHexString("00000000000000000000000000000000000000aa"), 1, 7, [],
            new Dictionary<BigInteger, BigInteger>()));
        var pre = StateWitness.FromAccounts(accounts);
        var (_, _, fixtureGenesis) = BlockchainTestConverter.States(test.Value, test.Name);
        var genesis = WithRoots(fixtureGenesis, fixtureGenesis.ParentHash, pre.Root, fixtureGenesis.WithdrawalsRoot);
        var original = Block.Decode(Convert.FromHexString(test.Value.GetProperty("blocks")[0].GetProperty("rlp").GetString()![2..]));
        Assert.Empty(original.Transactions);

        byte[] absent = Convert.FromHexString("0000000000000000000000000000000000000100");
        byte[] present = Convert.FromHexString("a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
        var state = StateTrie.FromWitness(pre.Nodes, new Hash256(pre.Root));
        Assert.Null(state.GetAccount(absent));
        var account = state.GetAccount(present)!;
        Assert.False(account.IsEmpty);

        // One block paying the present account `gwei` and the absent one nothing; its post-state root
        // is computed here (no transactions, no system calls in Shanghai).
        ConversionResult Build(ulong gwei)
        {
            Withdrawal[] withdrawals = [new(0, 0, absent, 0), new(1, 1, present, gwei)];
            var post = StateTrie.FromWitness(pre.Nodes, new Hash256(pre.Root));
            if (gwei > 0)
                post.SetAccount(present, account with { Balance = account.Balance + new BigInteger(gwei) * 1_000_000_000 });
            var header = WithRoots(original.Header, genesis.Hash(), post.RootHash.ToArray(),
                TrieRoots.OrderedRoot([.. withdrawals.Select(Block.EncodeWithdrawal)]).ToArray());
            var block = new Block { Header = header, Transactions = [], Withdrawals = withdrawals };
            var witness = new ExecutionWitnessData { State = pre.Nodes, Codes = pre.Codes, Keys = [], Headers = [genesis.Encode()] };
            var r = StatelessInputBuilder.Build("zero-gwei withdrawal", block, witness, ForkSchedule.FromNetwork("Shanghai", 1));
            Assert.True(r.HeaderHashMatches);
            return r;
        }

        var leaf = AccountLeaf(pre.Nodes, pre.Root, present);
        var zero = Build(0);
        Assert.Equal(pre.Root, zero.Input.NewPayloadRequest.ExecutionPayload.StateRoot);
        AssertValid(zero.Bytes, "0 gwei, full witness");
        AssertValid(Without(zero.Input, leaf).Encode(), "0 gwei, witness without the recipient's leaf");

        var one = Build(1);
        AssertValid(one.Bytes, "1 gwei, full witness");
        var run = EthereumGuest.Execute(Without(one.Input, leaf).Encode());
        Assert.Equal(MissingNode, run.Result.ExitCode);
        Assert.Null(run.Validation);
    }
}
