using System.Numerics;
using Prover.Witness.Conversion;
using Prover.Witness.Crypto;
using Prover.Witness.Trie;

namespace Prover.Witness.Tests.Conversion;

/// <summary>The converter's replay of eth_getProof differences: complete, incomplete ("witness incomplete"), inconsistent.</summary>
public sealed class ProofPostStateCheckTests
{
    private static readonly Hash256 NoStorage = PatriciaTrie.EmptyRoot;

    private static byte[] Address(byte b) => [.. Enumerable.Repeat(b, 20)];

    private static ProvedAccount Proved(byte[] address, ulong nonce, long balance) =>
        new(address, nonce, balance, NoStorage, Account.EmptyCodeHash, new Dictionary<string, (byte[], BigInteger)>());

    /// <summary>A state of 64 accounts; returns its root and the proof of <paramref name="proved"/>'s account.</summary>
    private static (byte[] Root, List<byte[]> Proof, StateTrie State) State(byte[] proved)
    {
        var state = new StateTrie();
        for (byte i = 1; i <= 64; i++)
            state.SetAccount(Address(i), new Account(1, i, NoStorage, Account.EmptyCodeHash));
        var proof = new List<byte[]>();
        state.Trie.CollectProof(Keccak256.Hash(proved), proof);
        return (state.RootHash.ToArray(), proof, state);
    }

    [Fact]
    public void A_change_covered_by_the_proofs_replays_to_the_new_root()
    {
        var a = Address(7);
        var (root, proof, state) = State(a);
        state.SetAccount(a, new Account(2, 1000, NoStorage, Account.EmptyCodeHash));
        var pre = new Dictionary<string, ProvedAccount> { ["a"] = Proved(a, 1, 7) };
        var post = new Dictionary<string, ProvedAccount> { ["a"] = Proved(a, 2, 1000) };
        Assert.Null(ProofPostStateCheck.Replay(proof, root, state.RootHash.ToArray(), pre, post));
        // a header root the proofs cannot explain is reported, not hidden
        Assert.Contains("do not cover", ProofPostStateCheck.Replay(proof, root, new byte[32], pre, post));
    }

    [Fact]
    public void A_change_outside_the_proofs_is_witness_incomplete()
    {
        var a = Address(7);
        var (root, proof, _) = State(a);
        var b = Address(9); // changed, but only a's path is in the nodes
        var pre = new Dictionary<string, ProvedAccount> { ["a"] = Proved(a, 1, 7) };
        var post = new Dictionary<string, ProvedAccount> { ["a"] = Proved(a, 1, 7), ["b"] = Proved(b, 5, 5) };
        var e = Assert.Throws<WitnessException>(() => ProofPostStateCheck.Replay(proof, root, new byte[32], pre, post));
        Assert.StartsWith("witness incomplete", e.Message);
    }
}
