using Prover.Witness.Crypto;
using Prover.Witness.Rlp;

namespace Prover.Witness.Tests.Trie;

/// <summary>
/// An independent, deliberately naive root computation for tests: the trie is built in one go,
/// recursively, from the sorted full key set (Yellow Paper appendix D's c(J, i) function), with
/// no incremental updates, node objects or caching.
/// </summary>
internal static class ReferenceTrie
{
    public static Hash256 Root(IEnumerable<KeyValuePair<byte[], byte[]>> pairs)
    {
        var items = pairs
            .Select(p => (Path: ToNibbles(p.Key), p.Value))
            .OrderBy(p => p.Path, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ToList();
        if (items.Count == 0)
            return Keccak256.HashToValue([0x80]);
        return Keccak256.HashToValue(Node(items, 0));
    }

    private static byte[] ToNibbles(byte[] key) => key.SelectMany(b => new[] { (byte)(b >> 4), (byte)(b & 15) }).ToArray();

    /// <summary>The encoding of the node holding <paramref name="items"/>, all sharing their first <paramref name="depth"/> nibbles.</summary>
    private static byte[] Node(List<(byte[] Path, byte[] Value)> items, int depth)
    {
        if (items.Count == 1)
            return List(Bytes(HexPrefix(items[0].Path[depth..], leaf: true)), Bytes(items[0].Value));

        // Longest prefix shared by all keys beyond depth (at most the shortest key's rest).
        int shared = 0;
        while (items.All(i => i.Path.Length > depth + shared) && items.All(i => i.Path[depth + shared] == items[0].Path[depth + shared]))
            shared++;
        if (shared > 0)
            return List(Bytes(HexPrefix(items[0].Path[depth..(depth + shared)], leaf: false)), Reference(Node(items, depth + shared)));

        var slots = new List<byte[]>();
        for (int nibble = 0; nibble < 16; nibble++)
        {
            var group = items.Where(i => i.Path.Length > depth && i.Path[depth] == nibble).ToList();
            slots.Add(group.Count == 0 ? Bytes([]) : Reference(Node(group, depth + 1)));
        }

        var ending = items.Where(i => i.Path.Length == depth).ToList();
        slots.Add(Bytes(ending.Count == 0 ? [] : ending[0].Value));
        return List([.. slots]);
    }

    private static byte[] Reference(byte[] node) => node.Length < 32 ? node : Bytes(Keccak256.Hash(node));

    private static byte[] Bytes(byte[] value) => Prover.Witness.Rlp.Rlp.EncodeBytes(value);

    private static byte[] List(params byte[][] items) => Prover.Witness.Rlp.Rlp.EncodeList(items);

    private static byte[] HexPrefix(byte[] path, bool leaf)
    {
        int flag = (leaf ? 2 : 0) + (path.Length % 2);
        var nibbles = new List<byte> { (byte)flag };
        if (path.Length % 2 == 0)
            nibbles.Add(0);
        nibbles.AddRange(path);
        var result = new byte[nibbles.Count / 2];
        for (int i = 0; i < result.Length; i++)
            result[i] = (byte)((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        return result;
    }
}
