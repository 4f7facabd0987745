using System.Numerics;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Trie;

namespace Prover.Witness.Conversion;

/// <summary>An account as <c>eth_getProof</c> reports it at one block, with the storage slots asked for.</summary>
public sealed record ProvedAccount(byte[] Address, ulong Nonce, BigInteger Balance, Hash256 StorageHash, Hash256 CodeHash,
    IReadOnlyDictionary<string, (byte[] Slot, BigInteger Value)> Slots)
{
    /// <summary>Empty per EIP-161 (absent accounts are reported with zeros).</summary>
    public bool IsEmpty => Nonce == 0 && Balance.IsZero && (CodeHash == Account.EmptyCodeHash || CodeHash == default);
}

/// <summary>
/// A conversion-time check that the assembled pre-state nodes support the block's state changes: the
/// differences between the proofs at the parent and at the block are applied to the pre-state tries
/// (updates before deletions, as geth orders them) and the root compared with the block's. It is a
/// diagnostic for the converter, not a validity check: the guest decides validity on its own.
/// </summary>
public static class ProofPostStateCheck
{
    /// <returns>null when the replayed root equals <paramref name="expectedRoot"/>, else what differed</returns>
    /// <exception cref="WitnessException">a node the changes need is missing ("witness incomplete")</exception>
    public static string? Replay(List<byte[]> nodes, byte[] preRoot, byte[] expectedRoot,
        IReadOnlyDictionary<string, ProvedAccount> pre, IReadOnlyDictionary<string, ProvedAccount> post)
    {
        var state = StateTrie.FromWitness(nodes, new Hash256(preRoot));
        var deletions = new List<byte[]>();
        try
        {
            foreach (var (key, after) in post.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                pre.TryGetValue(key, out var before);
                bool slotsChanged = after.Slots.Any(s => before is null || !before.Slots.TryGetValue(s.Key, out var b) || b.Value != s.Value.Value);
                bool fieldsChanged = before is null || before.Nonce != after.Nonce || before.Balance != after.Balance
                    || before.CodeHash != after.CodeHash || before.StorageHash != after.StorageHash;
                if (!slotsChanged && !fieldsChanged)
                    continue;
                if (after.IsEmpty)
                {
                    deletions.Add(after.Address);
                    continue;
                }
                var current = state.GetAccount(after.Address);
                var storage = state.OpenStorage(current?.StorageRoot ?? PatriciaTrie.EmptyRoot);
                var changed = after.Slots.Values.Where(s => before is null || !before.Slots.TryGetValue(Hex.ToHex(s.Slot), out var b) || b.Value != s.Value).ToList();
                foreach (var (slot, value) in changed.Where(s => !s.Value.IsZero))
                    storage.Set(slot, value);
                foreach (var (slot, _) in changed.Where(s => s.Value.IsZero))
                    storage.Set(slot, BigInteger.Zero);
                var codeHash = after.CodeHash == default ? Account.EmptyCodeHash : after.CodeHash;
                state.SetAccount(after.Address, new Account(after.Nonce, after.Balance, storage.RootHash, codeHash));
            }
            foreach (var address in deletions)
                state.SetAccount(address, null);
        }
        catch (WitnessIncompleteException e)
        {
            throw new WitnessException($"witness incomplete: {e.Message}", e);
        }
        var root = state.RootHash.ToArray();
        return root.AsSpan().SequenceEqual(expectedRoot) ? null
            : $"replaying the proofs' differences gives state root {Hex.ToHex(root)}, the block says {Hex.ToHex(expectedRoot)} (the proofs do not cover every change)";
    }
}
