using System.Text;
using Prover.Witness.Crypto;
using Prover.Witness.Trie;
using Xunit.Abstractions;

namespace Prover.Witness.Tests.Trie;

public sealed class PatriciaTrieTests(ITestOutputHelper output)
{
    private static KeyValuePair<byte[], byte[]> Pair(string key, string value) =>
        new(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(value));

    private static KeyValuePair<byte[], byte[]> HexPair(string key, string value) => new(Hex.Decode(key), Hex.Decode(value));

    public static TheoryData<string, KeyValuePair<byte[], byte[]>[]> KnownTries => new()
    {
        // ethereum/tests TrieTests/trieanyorder.json.
        { "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab", [Pair("A", new string('a', 50))] },
        { "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3", [Pair("doe", "reindeer"), Pair("dog", "puppy"), Pair("dogglesworth", "cat")] },
        { "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84", [Pair("do", "verb"), Pair("horse", "stallion"), Pair("doge", "coin"), Pair("dog", "puppy")] },
        { "0x17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3", [Pair("foo", "bar"), Pair("food", "bass")] },
        { "0x3f67c7a47520f79faa29255d2d3c084a7a6df0453116ed7232ff10277a8be68b", [Pair("be", "e"), Pair("dog", "puppy"), Pair("bed", "d")] },
        { "0x8452568af70d8d140f58d941338542f645fcca50094b20f3c3d8c3df49337928", [Pair("test", "test"), Pair("te", "testy")] },
        { "0x285505fcabe84badc8aa310e2aae17eddc7d120aabec8a476902c8184b3a3503", [HexPair("0045", "0123456789"), HexPair("4500", "9876543210")] },
    };

    [Theory]
    [MemberData(nameof(KnownTries))]
    public void KnownRoots_InEveryInsertionOrder(string expectedRoot, KeyValuePair<byte[], byte[]>[] pairs)
    {
        Assert.Equal(expectedRoot, ReferenceTrie.Root(pairs).ToString());
        foreach (var order in Permutations(pairs))
        {
            PatriciaTrie trie = PatriciaTrie.Build(order);
            Assert.Equal(expectedRoot, trie.RootHash.ToString());
            foreach ((byte[] key, byte[] value) in pairs)
                Assert.Equal(value, trie.Get(key));
        }
    }

    [Fact]
    public void Empty_HasTheEmptyRoot_AndNothingIn()
    {
        var trie = new PatriciaTrie();
        Assert.Equal("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", trie.RootHash.ToString());
        Assert.True(trie.IsEmpty);
        Assert.False(trie.TryGet("x"u8, out _));
        Assert.False(trie.Delete("x"u8));
        Assert.Equal(PatriciaTrie.EmptyRoot, TrieRoots.OrderedRoot([]));
    }

    [Fact]
    public void DogsWitness_HasTheKnownNodes()
    {
        PatriciaTrie trie = PatriciaTrie.Build(KnownTries.Select(row => (KeyValuePair<byte[], byte[]>[])row[1]).ElementAt(1));
        var nodes = new List<byte[]>();
        trie.CollectNodes(nodes);
        var hex = nodes.Select(n => Hex.Encode(n)).ToList();
        // Root extension "do" + branch, as published with the vector (nim-eth proof test).
        Assert.Contains("e5831646f6a0db6ae1fda66890f6693f36560d36b4dca68b4d838f17016b151efe1d4c95c453", hex);
        Assert.Contains("f83b8080808080ca20887265696e6465657280a037efd11993cb04a54048c25320e9f29c50a432d28afdf01598b2978ce1ca3068808080808080808080", hex);
    }

    [Fact]
    public void SetOverwrites_AndEmptyValueDeletes()
    {
        var trie = new PatriciaTrie();
        trie.Set("dog"u8, "puppy"u8);
        trie.Set("dog"u8, "hound"u8);
        Assert.Equal("hound"u8.ToArray(), trie.Get("dog"u8));
        trie.Set("dog"u8, []);
        Assert.True(trie.IsEmpty);
        Assert.Equal(PatriciaTrie.EmptyRoot, trie.RootHash);
    }

    /// <summary>
    /// Random key sets (fixed 32-byte keys, and short keys that are often prefixes of each other so
    /// branch values occur): the root is independent of insertion order and equals the reference;
    /// deletions in random order track the reference and end at the empty root.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RandomKeySets_MatchTheReference(bool fixedLength)
    {
        var random = TestRandom.Create(output, fixedLength ? 42 : 43);
        for (int trial = 0; trial < 60; trial++)
        {
            var map = new Dictionary<string, KeyValuePair<byte[], byte[]>>();
            int count = random.Next(0, 80);
            for (int i = 0; i < count; i++)
            {
                byte[] key = fixedLength ? random.Bytes(32) : RandomShortKey(random);
                if (fixedLength && map.Count > 0 && random.Next(4) == 0)
                {
                    // Share a long prefix with an existing key to grow extensions.
                    key = (byte[])map.Values.ElementAt(random.Next(map.Count)).Key.Clone();
                    key[random.Next(20, 32)] ^= (byte)(1 + random.Next(255));
                }

                byte[] value = random.Bytes(random.Next(4) == 0 ? random.Next(33, 100) : random.Next(1, 6));
                map[Hex.Encode(key)] = new(key, value);
            }

            var pairs = map.Values.ToList();
            Hash256 expected = ReferenceTrie.Root(pairs);
            PatriciaTrie trie = PatriciaTrie.Build(pairs.OrderBy(_ => random.Next()));
            Assert.Equal(expected, trie.RootHash);
            Assert.Equal(expected, PatriciaTrie.Build(pairs.OrderBy(_ => random.Next())).RootHash);

            // Reads: present keys give their value, near misses are absent.
            foreach ((byte[] key, byte[] value) in pairs)
            {
                Assert.True(trie.TryGet(key, out byte[] got));
                Assert.Equal(value, got);
                byte[] miss = [.. key, 0x00];
                Assert.Equal(map.ContainsKey(Hex.Encode(miss)), trie.TryGet(miss, out _));
            }

            Assert.Equal(pairs.Count, trie.Enumerate().Count());

            // Delete in random order, checking against the reference now and then.
            var remaining = new List<KeyValuePair<byte[], byte[]>>(pairs);
            foreach (var victim in pairs.OrderBy(_ => random.Next()))
            {
                Assert.True(trie.Delete(victim.Key));
                Assert.False(trie.Delete(victim.Key));
                remaining.Remove(victim);
                if (random.Next(5) == 0)
                    Assert.Equal(ReferenceTrie.Root(remaining), trie.RootHash);
            }

            Assert.Equal(PatriciaTrie.EmptyRoot, trie.RootHash);
            Assert.True(trie.IsEmpty);
        }
    }

    /// <summary>A trie rebuilt from its own witness reads and updates exactly like the full one.</summary>
    [Fact]
    public void WitnessBackedTrie_BehavesLikeTheFullTrie()
    {
        var random = TestRandom.Create(output, 77);
        for (int trial = 0; trial < 20; trial++)
        {
            var pairs = Enumerable.Range(0, random.Next(2, 200))
                .Select(_ => new KeyValuePair<byte[], byte[]>(random.Bytes(32), random.Bytes(random.Next(1, 70))))
                .ToList();
            PatriciaTrie full = PatriciaTrie.Build(pairs);
            var nodes = new List<byte[]>();
            full.CollectNodes(nodes);
            PatriciaTrie partial = PatriciaTrie.FromWitness(nodes, full.RootHash);
            Assert.Empty(partial.Store.FindUnreachable([full.RootHash], followStorageRoots: false));

            foreach ((byte[] key, byte[] value) in pairs)
                Assert.Equal(value, partial.Get(key));
            Assert.Null(partial.Get(random.Bytes(32)));

            // The same random updates on both give the same roots.
            for (int step = 0; step < 30; step++)
            {
                byte[] key = random.Next(2) == 0 ? pairs[random.Next(pairs.Count)].Key : random.Bytes(32);
                if (random.Next(3) == 0)
                {
                    Assert.Equal(full.Delete(key), partial.Delete(key));
                }
                else
                {
                    byte[] value = random.Bytes(random.Next(1, 70));
                    full.Set(key, value);
                    partial.Set(key, value);
                }

                Assert.Equal(full.RootHash, partial.RootHash);
            }
        }
    }

    /// <summary>A proof (the nodes on one key's path) alone answers reads of that key, present or absent.</summary>
    [Fact]
    public void Proofs_AnswerReadsOfTheirKey()
    {
        var random = TestRandom.Create(output, 99);
        var pairs = Enumerable.Range(0, 500)
            .Select(_ => new KeyValuePair<byte[], byte[]>(random.Bytes(32), random.Bytes(random.Next(1, 80))))
            .ToList();
        PatriciaTrie full = PatriciaTrie.Build(pairs);
        int incomplete = 0;
        for (int i = 0; i < 100; i++)
        {
            bool present = i % 2 == 0;
            byte[] key = present ? pairs[random.Next(pairs.Count)].Key : random.Bytes(32);
            var proof = new List<byte[]>();
            full.CollectProof(key, proof);
            Assert.Equal(full.RootHash, Keccak256.HashToValue(proof[0]));
            PatriciaTrie partial = PatriciaTrie.FromWitness(proof, full.RootHash);
            Assert.Equal(full.Get(key), partial.Get(key));
            Assert.Equal(present, partial.Get(key) is not null);

            // Another key generally needs nodes the proof does not have.
            try
            {
                _ = partial.Get(pairs[random.Next(pairs.Count)].Key);
            }
            catch (WitnessIncompleteException)
            {
                incomplete++;
            }
        }

        Assert.True(incomplete > 50);
    }

    /// <summary>
    /// Deleting one of two keys collapses the root branch into the survivor, so the survivor's node
    /// must be in the witness: with only the deleted key's proof the deletion reports the missing
    /// sibling; with the sibling added it gives the full trie's root.
    /// </summary>
    [Fact]
    public void Deletion_NeedsTheSiblingItCollapsesInto()
    {
        byte[] a = [0x01, .. new byte[31]];
        byte[] b = [0x12, .. new byte[31]];
        PatriciaTrie full = PatriciaTrie.Build([new(a, new byte[40]), new(b, Enumerable.Repeat((byte)7, 40).ToArray())]);
        var proofOfA = new List<byte[]>();
        full.CollectProof(a, proofOfA);
        var proofOfB = new List<byte[]>();
        full.CollectProof(b, proofOfB);
        Hash256 siblingHash = Keccak256.HashToValue(proofOfB[^1]);

        PatriciaTrie partial = PatriciaTrie.FromWitness(proofOfA, full.RootHash);
        var e = Assert.Throws<WitnessIncompleteException>(() => partial.Delete(a));
        Assert.Equal(siblingHash, e.MissingNode);

        partial = PatriciaTrie.FromWitness([.. proofOfA, proofOfB[^1]], full.RootHash);
        Assert.True(partial.Delete(a));
        full.Delete(a);
        Assert.Equal(full.RootHash, partial.RootHash);
        Assert.Equal(ReferenceTrie.Root([new(b, Enumerable.Repeat((byte)7, 40).ToArray())]), partial.RootHash);
    }

    /// <summary>A node missing from the witness is reported, never mistaken for an empty subtrie.</summary>
    [Fact]
    public void MissingNode_IsWitnessIncomplete_NotAbsent()
    {
        var random = TestRandom.Create(output, 88);
        var pairs = Enumerable.Range(0, 300)
            .Select(_ => new KeyValuePair<byte[], byte[]>(random.Bytes(32), random.Bytes(40)))
            .ToList();
        PatriciaTrie full = PatriciaTrie.Build(pairs);
        var nodes = new List<byte[]>();
        full.CollectNodes(nodes);

        // Drop one non-root node: the keys below it become unknowable, the others still read.
        byte[] dropped = nodes.First(n => Keccak256.HashToValue(n) != full.RootHash && n[0] >= 0xf8 && n.Length > 100);
        Hash256 droppedHash = Keccak256.HashToValue(dropped);
        PatriciaTrie partial = PatriciaTrie.FromWitness(nodes.Where(n => n != dropped), full.RootHash);
        int unknown = 0;
        foreach ((byte[] key, byte[] value) in pairs)
        {
            try
            {
                Assert.Equal(value, partial.Get(key));
            }
            catch (WitnessIncompleteException e)
            {
                Assert.Equal(droppedHash, e.MissingNode);
                unknown++;
            }
        }

        Assert.InRange(unknown, 1, pairs.Count - 1);
        Assert.Throws<WitnessIncompleteException>(() => PatriciaTrie.FromWitness(nodes.Where(n => Keccak256.HashToValue(n) != full.RootHash), full.RootHash));
    }

    [Fact]
    public void FindUnreachable_ReportsExtraNodes()
    {
        PatriciaTrie a = PatriciaTrie.Build([Pair("doe", "reindeer"), Pair("dog", "puppy"), Pair("dogglesworth", "cat")]);
        PatriciaTrie b = PatriciaTrie.Build([Pair("horse", new string('s', 40))]);
        var nodes = new List<byte[]>();
        a.CollectNodes(nodes);
        b.CollectNodes(nodes);
        nodes.Add([0x80]); // the empty trie, as some clients send it: never reported
        var store = new TrieNodeStore(nodes);
        Assert.Equal([b.RootHash], store.FindUnreachable([a.RootHash], followStorageRoots: false));
        Assert.Empty(store.FindUnreachable([a.RootHash, b.RootHash], followStorageRoots: false));
    }

    [Theory]
    [InlineData("83616263", "RLP list")]                       // a string, not a list
    [InlineData("c3808080", "2 or 17")]                        // 3 items
    [InlineData("d2808080808080808080808080808080808080", "more than 17")]
    [InlineData("c20080", "empty path")]                       // extension with no path
    [InlineData("c3208105", "single byte")]                    // non-canonical RLP inside a leaf
    [InlineData("c41182aaaa", "32-byte hash")]                 // extension child neither hash nor inline node
    [InlineData("c22080", "empty value")]                      // leaf with empty value
    [InlineData("c24080", "flag")]                             // hex-prefix flag 4
    [InlineData("c582210081ff", "padding")]                    // even path with non-zero padding nibble
    [InlineData("c411c22001", "lead to a branch")]             // extension to an inline leaf
    [InlineData("e111df209daaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "shorter than 32")]    // 32-byte node inlined
    public void MalformedNodes_AreRejected(string hex, string fragment)
    {
        var store = new TrieNodeStore();
        byte[] node = Hex.Decode(hex);
        Hash256 hash = store.Add(node);
        var trie = new PatriciaTrie(hash, store);
        var e = Assert.ThrowsAny<FormatException>(() => trie.Get([0x12, 0x34]));
        output.WriteLine($"{hex}: {e.Message}");
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BranchWithOneEntry_IsRejected()
    {
        var items = Enumerable.Repeat(new byte[] { 0x80 }, 17).ToArray();
        items[3] = Prover.Witness.Rlp.Rlp.EncodeBytes(new byte[32]);
        byte[] node = Prover.Witness.Rlp.Rlp.EncodeList(items);
        var store = new TrieNodeStore();
        var trie = new PatriciaTrie(store.Add(node), store);
        var e = Assert.Throws<InvalidTrieNodeException>(() => trie.Get([0x30]));
        Assert.Contains("at least two", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Witness nodes are adversarial: random bytes and single-byte corruptions of real nodes either
    /// decode or throw <see cref="InvalidTrieNodeException"/>, nothing else; what decodes
    /// re-encodes to the same bytes (the node decoder accepts only canonical nodes).
    /// </summary>
    [Fact]
    public void NodeDecoder_Fuzz()
    {
        var random = TestRandom.Create(output, 4242);
        var pairs = Enumerable.Range(0, 200)
            .Select(i => new KeyValuePair<byte[], byte[]>(i % 3 == 0 ? random.Bytes(random.Next(1, 4)) : random.Bytes(32), random.Bytes(random.Next(1, 50))))
            .ToList();
        var nodes = new List<byte[]>();
        PatriciaTrie.Build(pairs).CollectNodes(nodes);
        int accepted = 0, rejected = 0;

        void Check(byte[] candidate)
        {
            TrieNode node;
            try
            {
                node = TrieNode.Decode(candidate, null);
            }
            catch (InvalidTrieNodeException)
            {
                rejected++;
                return;
            }

            accepted++;
            Assert.Equal(candidate, ReEncode(node));
        }

        foreach (byte[] node in nodes)
        {
            Check(node);
            for (int k = 0; k < 30; k++)
            {
                byte[] corrupt = (byte[])node.Clone();
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
                Check(corrupt);
                Check(node[..random.Next(node.Length)]);
            }
        }

        for (int i = 0; i < 2000; i++)
            Check(random.Bytes(random.Next(0, 80)));
        output.WriteLine($"accepted {accepted}, rejected {rejected}");
        Assert.True(accepted >= nodes.Count && rejected > 0);

        // A decoded node caches the bytes it came from: rebuild the encoding from its parts instead.
        static byte[] ReEncode(TrieNode node) => node switch
        {
            LeafNode leaf => new LeafNode(leaf.Path, leaf.Value).Encoded,
            ExtensionNode extension => new ExtensionNode(extension.Path, extension.Child).Encoded,
            BranchNode branch => new BranchNode([.. Enumerable.Range(0, 16).Select(i => branch[i])], branch.Value).Encoded,
            _ => throw new InvalidOperationException(),
        };
    }

    private static byte[] RandomShortKey(Random random)
    {
        // Few distinct bytes and lengths 0-4: many keys are prefixes of others.
        var key = new byte[random.Next(0, 5)];
        for (int i = 0; i < key.Length; i++)
            key[i] = (byte)(random.Next(3) * 0x11);
        return key;
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (int i = 0; i < items.Length; i++)
        {
            T[] rest = [.. items[..i], .. items[(i + 1)..]];
            foreach (T[] tail in Permutations(rest))
                yield return [items[i], .. tail];
        }
    }
}
