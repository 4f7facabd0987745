using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The fixed-size statement every proof of a zkVM aggregation tree states (a leaf: one shard; a node: a run of
/// consecutive shards), as a fixed list of field elements (not hashed: a flat list lets a node compare the fields it
/// chains). Its length depends on the extension degree d and the digest length w (8, or 12 under provable-128's
/// 12-element digests): 65 elements for (4, 8), 77 for (8, 8), 93 for (8, 12). In order:
/// <list type="bullet">
/// <item>first shard index, last shard index, shard count (from the shards' seeds);</item>
/// <item>the eight common seed elements the global transcript drew after γ and β (every shard's seed shares them);</item>
/// <item>γ, β (d coefficients each) and the bus sum of the covered shards (d);</item>
/// <item>the preprocessed key's root (w: the program's Program and byte tables);</item>
/// <item>the CPU's start (pc lo, pc hi, clk q, clk hi) of the first shard and end of the last (4 + 4);</item>
/// <item>the input size (lo 16 bits, the rest) as the syscall chip states it;</item>
/// <item>the input commitment (w) the last shard's input-commitment chip states (zero where the covered shards do not
/// include the last one);</item>
/// <item>the commitment digest (w): a leaf's is the Poseidon2 sponge of its shard's commitment
/// (<see cref="ShardCommitmentTree.ShardDigest{TDigest}"/>), a node's the compression of its children's, so the root's is
/// <see cref="ShardCommitmentTree.TreeDigest{TDigest}"/> of every shard's chips, heights, public values and main cap in
/// order: the value the global transcript drew γ, β and the common seed from;</item>
/// <item>the allowed-key root R (w): the root of the Merkle tree of the verifying keys the tree's programs may have (every
/// leaf program of the execution's shard shapes, and the node program: <see cref="ZkvmAggregationFamily{TDef, TDigest}"/>).
/// A leaf states a hinted R; a node asserts its children's equal its own and their keys members of it
/// (<see cref="KeyedRecursion{TParams, TDef, TDigest}"/>'s argument); the final program asserts it equals the constant it
/// was built with, and a root's verifier compares it with the R it derives.</item>
/// </list>
/// </summary>
public static class ZkvmAggregateStatement
{
    public const int SeedLength = 10;

    public const int FirstShard = 0, LastShard = 1, ShardCount = 2, Common = 3;

    public static int Gamma => Common + 8;

    public static int Beta(int d) => Gamma + d;

    public static int BusSum(int d) => Gamma + 2 * d;

    public static int KeyRoot(int d) => Gamma + 3 * d;

    /// <summary>Where the CPU's start is, for extension degree <paramref name="d"/> and <paramref name="w"/>-element digests.</summary>
    public static int Start(int d, int w) => KeyRoot(d) + w;

    public static int End(int d, int w) => Start(d, w) + 4;

    public static int InputSize(int d, int w) => End(d, w) + 4;

    public static int InputCommitment(int d, int w) => InputSize(d, w) + 2;

    public static int Digest(int d, int w) => InputCommitment(d, w) + w;

    public static int AllowedKeys(int d, int w) => Digest(d, w) + w;

    public static int Length(int d, int w) => AllowedKeys(d, w) + w;

    /// <summary>
    /// The statement a valid root over the whole execution states, from what the verifier derives natively
    /// (<paramref name="statement"/>: <see cref="ZkvmVerifier{TDef, TDigest}.CheckSummary"/> of <paramref name="summary"/>):
    /// shards 0 to n − 1 of n, the common seed, γ and β, the bus sum that cancels the verifier's own tuples
    /// (−<see cref="ZkvmCheckedStatement{TDef, TDigest}.PublicBusSum"/>: the shards' sums plus the public terms must be
    /// zero), the program's key root, the start at the program's entry with clk 1, the end at the summary's pc with
    /// clk = cycles + 1, the claimed input size and commitment, the summary's tree digest and the allowed-key root
    /// <paramref name="allowedKeys"/> of the family the verifier derived from the summary's shapes.
    /// </summary>
    public static uint[] Expected<TDef, TDigest>(ZkvmProgram program, ZkvmExecutionSummary summary, ZkvmCheckedStatement<TDef, TDigest> statement, TDigest allowedKeys)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(statement);
        int d = TDef.Degree, w = TDigest.Length, n = summary.ShardCount;
        if (summary.EndPc?.Length != 2 || summary.Claim.InputCommitment.Length != w)
            throw new ArgumentException("the summary's end pc is two elements and its input commitment the digest's length");
        var s = new uint[Length(d, w)];
        bool chunked = ZkvmVerifier<TDef, TDigest>.IsChunked(summary.Shapes);
        s[FirstShard] = 0;
        s[LastShard] = (uint)(n - 1);
        s[ShardCount] = (uint)n;
        var seed = statement.Seeds[0].Seed;
        for (int i = 0; i < 8; i++)
            s[Common + i] = (uint)(seed[2 + i] % KoalaBearParameters.P);
        void Ext(int at, ExtensionField<KoalaBear, TDef> e)
        {
            for (int i = 0; i < d; i++)
                s[at + i] = e.Coefficients[i].ToCanonical();
        }
        Ext(Gamma, statement.Gamma);
        Ext(Beta(d), statement.Beta);
        Ext(BusSum(d), -statement.PublicBusSum);
        var root = statement.FullKey.PreprocessedRoot.Elements;
        for (int i = 0; i < w; i++)
            s[KeyRoot(d) + i] = root[i].ToCanonical();
        // Shard 0 starts at the entry point with clk 1 (q = 1, hi = 0); the last shard ends at clk = cycles + 1. The leaves
        // check every shard's clock pieces canonical (q < 2^14, hi < 2^24), so equal pieces are equal clocks.
        ulong entry = program.Program.Entry;
        s[Start(d, w)] = (uint)(entry & 0xFFFF);
        s[Start(d, w) + 1] = (uint)(entry >> 16);
        s[Start(d, w) + 2] = 1;
        s[Start(d, w) + 3] = 0;
        var (q, hi) = ZkvmVerifier<TDef, TDigest>.EndClock(summary.Claim.Cycles);
        s[End(d, w)] = summary.EndPc[0].ToCanonical();
        s[End(d, w) + 1] = summary.EndPc[1].ToCanonical();
        s[End(d, w) + 2] = q.ToCanonical();
        s[End(d, w) + 3] = hi.ToCanonical();
        ulong inputSize = summary.Claim.InputSize;
        s[InputSize(d, w)] = (uint)(inputSize & 0xFFFF);
        s[InputSize(d, w) + 1] = (uint)(inputSize >> 16);
        for (int i = 0; i < w; i++)
        {
            // In chunked mode no leaf states a commitment (zero up the tree): the claim's commitment and size are bound by the
            // verifier's chain tuples in the bus sum above (ZkvmChainEnds, PublicBusSum), not by this field.
            s[InputCommitment(d, w) + i] = chunked ? 0 : summary.Claim.InputCommitment[i].ToCanonical();
            s[Digest(d, w) + i] = summary.CommitmentDigest[i].ToCanonical();
            s[AllowedKeys(d, w) + i] = allowedKeys.Elements[i].ToCanonical();
        }
        return s;
    }
}
