using System.Numerics;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Trie;

namespace Prover.Witness.Conversion;

/// <summary>
/// A whole world state as witness material: the state root, every trie node (account trie and all
/// storage tries, as <see cref="PatriciaTrie.CollectNodes"/> gives them) and every non-empty code.
/// Built with the <c>Trie</c> namespace's secure tries; this type only walks the accounts.
/// </summary>
public sealed class StateWitness
{
    public required byte[] Root { get; init; }
    public required List<byte[]> Nodes { get; init; }
    public required List<byte[]> Codes { get; init; }

    public static StateWitness FromAccounts(IReadOnlyList<AccountState> accounts)
    {
        var state = new StateTrie();
        var nodes = new List<byte[]>();
        var codes = new List<byte[]>();
        var seenCodes = new HashSet<Hash256>();
        Span<byte> slot = stackalloc byte[32];
        foreach (var a in accounts)
        {
            var storage = new StorageTrie();
            foreach (var (key, value) in a.Storage)
            {
                if (key.Sign < 0 || key.GetByteCount(isUnsigned: true) > 32)
                    throw new FormatException($"account {Hex.ToHex(a.Address)}: storage slot out of range");
                slot.Clear();
                key.TryWriteBytes(slot[(32 - Math.Max(1, key.GetByteCount(isUnsigned: true)))..], out _, isUnsigned: true, isBigEndian: true);
                storage.Set(slot, value);
            }
            storage.Trie.CollectNodes(nodes);
            var codeHash = Keccak256.HashToValue(a.Code);
            if (a.Code.Length > 0 && seenCodes.Add(codeHash))
                codes.Add(a.Code);
            state.SetAccount(a.Address, new Account(a.Nonce, a.Balance, storage.RootHash, codeHash));
        }
        state.Trie.CollectNodes(nodes);
        return new StateWitness { Root = state.RootHash.ToArray(), Nodes = nodes, Codes = codes };
    }

    /// <summary>The root of a state without building its nodes (for the trie checks).</summary>
    public static byte[] RootOf(IReadOnlyList<AccountState> accounts) => FromAccounts(accounts).Root;

    internal static BigInteger Zero => BigInteger.Zero;
}
