using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Prover.Witness.Ssz;

/// <summary>
/// SSZ Merkleization (consensus-specs <c>ssz/simple-serialize.md</c>, "Merkleization") with SHA-256:
/// <c>merkleize</c> with virtual zero padding to <c>next_pow_of_two(limit)</c>, <c>mix_in_length</c>,
/// and <c>merkleize_progressive</c> of EIP-7916 (progressive lists).
/// </summary>
public static class Merkle
{
    public const int ChunkSize = 32;

    /// <summary>zero_hashes[d]: root of a complete tree of 2^d zero chunks.</summary>
    private static readonly byte[][] ZeroHashes = BuildZeroHashes();

    private static byte[][] BuildZeroHashes()
    {
        var z = new byte[65][];
        z[0] = new byte[32];
        for (int d = 1; d < z.Length; d++)
            z[d] = Hash(z[d - 1], z[d - 1]);
        return z;
    }

    public static ReadOnlySpan<byte> ZeroHash(int depth) => ZeroHashes[depth];

    public static byte[] Hash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[32];
        HashPair(left, right, result);
        return result;
    }

    public static void HashPair(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> pair = stackalloc byte[64];
        left.CopyTo(pair);
        right.CopyTo(pair[32..]);
        SHA256.HashData(pair, destination);
    }

    /// <summary>Depth of a tree with <c>next_pow_of_two(limit)</c> leaves (0 maps to 1 leaf).</summary>
    public static int DepthFor(ulong limit) => limit <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount(limit - 1);

    /// <summary>
    /// <c>merkleize(chunks, limit)</c>: chunks (a multiple of 32 bytes) padded virtually with zero
    /// chunks to <c>next_pow_of_two(limit)</c>; <paramref name="limit"/> null means
    /// <c>next_pow_of_two(len(chunks))</c>. Fails if the chunks exceed the limit.
    /// </summary>
    public static byte[] Merkleize(ReadOnlySpan<byte> chunks, ulong? limit = null)
    {
        if (chunks.Length % ChunkSize != 0)
            throw new ArgumentException("chunks must be a multiple of 32 bytes", nameof(chunks));
        int count = chunks.Length / ChunkSize;
        ulong effectiveLimit = limit ?? (ulong)count;
        if ((ulong)count > effectiveLimit)
            throw new ArgumentException($"{count} chunks exceed the limit {effectiveLimit}", nameof(chunks));
        int depth = DepthFor(effectiveLimit);
        if (count == 0)
            return (byte[])ZeroHashes[depth].Clone();
        if (depth == 0)
            return chunks[..ChunkSize].ToArray();

        // Hash layer by layer in place; an odd layer is completed with the zero hash of its depth.
        var layer = new byte[((count + 1) & ~1) * ChunkSize];
        chunks.CopyTo(layer);
        for (int d = 0; d < depth; d++)
        {
            if ((count & 1) == 1)
                ZeroHashes[d].CopyTo(layer.AsSpan(count * ChunkSize));
            int parents = (count + 1) / 2;
            for (int i = 0; i < parents; i++)
                HashPair(layer.AsSpan(2 * i * ChunkSize, ChunkSize), layer.AsSpan((2 * i + 1) * ChunkSize, ChunkSize),
                    layer.AsSpan(i * ChunkSize, ChunkSize));
            count = parents;
        }
        return layer.AsSpan(0, ChunkSize).ToArray();
    }

    /// <summary>
    /// EIP-7916 <c>merkleize_progressive(chunks, num_leaves=1)</c>: empty → zero chunk; otherwise
    /// <c>hash(merkleize_progressive(chunks[n:], 4n), merkleize(chunks[:n], n))</c>, so the subtrees
    /// hold 1, 4, 16, … chunks and the successor sits on the left.
    /// </summary>
    public static byte[] MerkleizeProgressive(ReadOnlySpan<byte> chunks)
    {
        if (chunks.Length % ChunkSize != 0)
            throw new ArgumentException("chunks must be a multiple of 32 bytes", nameof(chunks));
        int count = chunks.Length / ChunkSize;
        // Subtree boundaries: [0,1), [1,5), [5,21), ... The last subtree's successor is the zero chunk.
        var starts = new List<(int Start, long Width)>();
        long width = 1;
        for (long start = 0; start < count; start += width, width *= 4)
            starts.Add(((int)start, width));
        byte[] acc = new byte[32];
        for (int i = starts.Count - 1; i >= 0; i--)
        {
            var (start, w) = starts[i];
            int n = (int)Math.Min(w, count - start);
            byte[] subtree = Merkleize(chunks.Slice(start * ChunkSize, n * ChunkSize), (ulong)w);
            acc = Hash(acc, subtree);
        }
        return acc;
    }

    /// <summary><c>mix_in_length(root, length)</c>: hash(root, uint256 little-endian length).</summary>
    public static byte[] MixInLength(ReadOnlySpan<byte> root, ulong length)
    {
        Span<byte> len = stackalloc byte[32];
        len.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(len, length);
        return Hash(root, len);
    }

    /// <summary>Packs bytes into zero-padded 32-byte chunks.</summary>
    public static byte[] Pack(ReadOnlySpan<byte> bytes)
    {
        var chunks = new byte[(bytes.Length + ChunkSize - 1) / ChunkSize * ChunkSize];
        bytes.CopyTo(chunks);
        return chunks;
    }

    /// <summary>hash_tree_root of <c>Vector[byte, N]</c> (N = bytes.Length).</summary>
    public static byte[] ByteVectorRoot(ReadOnlySpan<byte> bytes) => Merkleize(Pack(bytes));

    /// <summary>hash_tree_root of <c>List[byte, limit]</c>.</summary>
    public static byte[] ByteListRoot(ReadOnlySpan<byte> bytes, ulong limit) =>
        MixInLength(Merkleize(Pack(bytes), (limit + ChunkSize - 1) / ChunkSize), (ulong)bytes.Length);

    /// <summary>hash_tree_root of <c>ProgressiveList[byte]</c>.</summary>
    public static byte[] ProgressiveByteListRoot(ReadOnlySpan<byte> bytes) =>
        MixInLength(MerkleizeProgressive(Pack(bytes)), (ulong)bytes.Length);

    /// <summary>hash_tree_root of a uint64.</summary>
    public static byte[] UInt64Root(ulong value)
    {
        var chunk = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(chunk, value);
        return chunk;
    }

    /// <summary>hash_tree_root of a container or vector of composites from its field roots.</summary>
    public static byte[] ContainerRoot(params ReadOnlySpan<byte[]> fieldRoots) => Merkleize(Concat(fieldRoots));

    /// <summary>hash_tree_root of <c>List[T, limit]</c> of composites from the element roots.</summary>
    public static byte[] CompositeListRoot(IReadOnlyList<byte[]> elementRoots, ulong limit) =>
        MixInLength(Merkleize(Concat(elementRoots), limit), (ulong)elementRoots.Count);

    /// <summary>hash_tree_root of <c>ProgressiveList[T]</c> of composites from the element roots.</summary>
    public static byte[] ProgressiveCompositeListRoot(IReadOnlyList<byte[]> elementRoots) =>
        MixInLength(MerkleizeProgressive(Concat(elementRoots)), (ulong)elementRoots.Count);

    private static byte[] Concat(IReadOnlyList<byte[]> roots)
    {
        var all = new byte[roots.Count * ChunkSize];
        for (int i = 0; i < roots.Count; i++)
            roots[i].AsSpan(0, ChunkSize).CopyTo(all.AsSpan(i * ChunkSize));
        return all;
    }

    private static byte[] Concat(ReadOnlySpan<byte[]> roots)
    {
        var all = new byte[roots.Length * ChunkSize];
        for (int i = 0; i < roots.Length; i++)
            roots[i].AsSpan(0, ChunkSize).CopyTo(all.AsSpan(i * ChunkSize));
        return all;
    }
}
