using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace Prover.Witness.Crypto;

/// <summary>Many independent messages at once (trie nodes of a witness, keys): eight per AVX-512 pass.</summary>
public sealed partial class Keccak256
{
    /// <summary>
    /// Hashes each of <paramref name="messages"/> into the same index of <paramref name="hashes"/>.
    /// With AVX-512, messages needing the same number of blocks are hashed eight at a time
    /// (<see cref="KeccakF1600x8"/>); otherwise, and for leftovers, one at a time.
    /// </summary>
    /// <exception cref="ArgumentException">hashes is shorter than messages.</exception>
    public static void HashMany(IReadOnlyList<byte[]> messages, Span<Hash256> hashes)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (hashes.Length < messages.Count)
            throw new ArgumentException("One hash per message is needed.", nameof(hashes));
        HashMany(messages, hashes, KeccakF1600x8.IsSupported);
    }

    /// <summary>As <see cref="HashMany(IReadOnlyList{byte[]}, Span{Hash256})"/>, with the vector path chosen (tests compare both).</summary>
    internal static void HashMany(IReadOnlyList<byte[]> messages, Span<Hash256> hashes, bool vectorised)
    {
        int count = messages.Count;
        if (!vectorised || count < MinBatch)
        {
            for (int i = 0; i < count; i++)
                hashes[i] = HashToValue(messages[i]);
            return;
        }

        // Order by block count so that batches share one; a stable order keeps runs deterministic.
        var order = new int[count];
        var blockCounts = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
            blockCounts[i] = messages[i].Length / RateBytes + 1;
        }

        Array.Sort((int[])blockCounts.Clone(), order);
        Span<int> batch = stackalloc int[KeccakF1600x8.Width];
        int start = 0;
        while (start < count)
        {
            int blocks = blockCounts[order[start]];
            int end = start;
            while (end < count && end - start < KeccakF1600x8.Width && blockCounts[order[end]] == blocks)
                end++;
            int size = end - start;
            if (size < MinBatch)
            {
                for (int k = start; k < end; k++)
                    hashes[order[k]] = HashToValue(messages[order[k]]);
            }
            else
            {
                // Unused lanes repeat the first message; their results are dropped.
                for (int k = 0; k < KeccakF1600x8.Width; k++)
                    batch[k] = order[start + Math.Min(k, size - 1)];
                HashBatch(messages, batch, size, blocks, hashes);
            }

            start = end;
        }
    }

    /// <summary>Below this many messages of one block count, eight-lane hashing does not pay.</summary>
    private const int MinBatch = 3;

    private static void HashBatch(IReadOnlyList<byte[]> messages, ReadOnlySpan<int> batch, int size, int blocks, Span<Hash256> hashes)
    {
        const int Width = KeccakF1600x8.Width;
        KeccakStatex8 state = default;

        // Final blocks (tail, domain byte, zeros, closing bit) of the eight messages, contiguous.
        Span<byte> finals = stackalloc byte[Width * RateBytes];
        finals.Clear();
        for (int m = 0; m < Width; m++)
        {
            byte[] message = messages[batch[m]];
            ReadOnlySpan<byte> tail = message.AsSpan((blocks - 1) * RateBytes);
            Span<byte> final = finals.Slice(m * RateBytes, RateBytes);
            tail.CopyTo(final);
            final[tail.Length] ^= KeccakDomain;
            final[RateBytes - 1] ^= 0x80;
        }

        Span<byte> current = stackalloc byte[Width * RateBytes];
        for (int block = 0; block < blocks; block++)
        {
            scoped ReadOnlySpan<byte> source;
            if (block == blocks - 1)
            {
                source = finals;
            }
            else
            {
                for (int m = 0; m < Width; m++)
                    messages[batch[m]].AsSpan(block * RateBytes, RateBytes).CopyTo(current.Slice(m * RateBytes));
                source = current;
            }

            for (int i = 0; i < RateBytes / 8; i++)
            {
                state[i] ^= Vector512.Create(
                    Lane(source, 0, i), Lane(source, 1, i), Lane(source, 2, i), Lane(source, 3, i),
                    Lane(source, 4, i), Lane(source, 5, i), Lane(source, 6, i), Lane(source, 7, i));
            }

            KeccakF1600x8.Permute(ref state);
        }

        Span<byte> digest = stackalloc byte[HashSizeInBytes];
        for (int m = 0; m < size; m++)
        {
            for (int i = 0; i < HashSizeInBytes / 8; i++)
                BinaryPrimitives.WriteUInt64LittleEndian(digest[(8 * i)..], state[i].GetElement(m));
            hashes[batch[m]] = new Hash256(digest);
        }

        static ulong Lane(ReadOnlySpan<byte> blocks, int message, int lane) =>
            BinaryPrimitives.ReadUInt64LittleEndian(blocks.Slice(message * RateBytes + 8 * lane, 8));
    }
}
