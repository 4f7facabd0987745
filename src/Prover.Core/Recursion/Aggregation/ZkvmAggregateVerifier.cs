using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// Verifies an aggregated execution proof (<see cref="ZkvmAggregateProof{TDef, TDigest}"/>) against a program: the statement
/// checks <see cref="ZkvmVerifier{TDef, TDigest}.CheckSummary"/> makes from the claim, the shard count and the allowed
/// shapes (chips, bus budget, cycles) and the shared challenges drawn from the file's tree digest; then the root recursion
/// proof, against the family's node (or one leaf) — or the final proof against the final program over the family —, with
/// the statement it must state (<see cref="ZkvmAggregateStatement.Expected"/>): shards 0..n−1 of n, the derived common seed, γ
/// and β, a bus sum cancelling the verifier's own tuples, the program's key root, the chaining ends (the entry with clk 1,
/// the file's end pc with clk = cycles + 1), the input size and commitment and the tree digest the challenges were drawn
/// from, and the family's allowed-key root. The per-shard checks on public values are the leaves' (<see cref="ZkvmAggregationPrograms{TDef, TDigest}.Leaf"/>).
/// Programs and keys are made once per shape and kept (a warm verifier). Malformed proofs are rejections.
/// </summary>
public sealed class ZkvmAggregateVerifier<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ZkvmAggregationKeys<TDef, TDigest> _keys;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>> _fullKeys = new();

    // The security of each proof shape below the top (a program of the tree or a wrap, a shard shape), computed once.
    private readonly ZkvmChainSecurity<TDef, TDigest> _security;

    // The top programs' compiled AIRs, kept across proofs (a fresh RecursionVerifier per proof would recompile every
    // recursion chip's constraints each time: a quarter of the final STARK's check). A compiled AIR is a function of the
    // AIR object and its LogUp batching only, which is what the cache is keyed by (CompiledAirCache).
    private readonly CompiledAirCache<KoalaBear> _compiledAirs = new();

    public ZkvmAggregateVerifier(StarkConfig shardConfig, StarkConfig recursionConfig, ZkvmProgram program, IReadOnlyList<StarkConfig>? finalConfigs = null)
        : this(new ZkvmAggregationKeys<TDef, TDigest>(shardConfig, recursionConfig, program, finalConfigs))
    {
    }

    public ZkvmAggregateVerifier(ZkvmAggregationKeys<TDef, TDigest> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _security = new ZkvmChainSecurity<TDef, TDigest>(keys.Program);
    }

    internal ZkvmAggregationKeys<TDef, TDigest> Keys => _keys;

    /// <summary>The full preprocessed keys by shard count, kept across proofs (<see cref="ZkvmVerifier{TDef, TDigest}.CheckStatement"/>'s cache).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<int, VerifyingKey<KoalaBearParameters, TDigest>> FullKeys => _fullKeys;

    internal ZkvmChainSecurity<TDef, TDigest> ChainSecurity => _security;

    internal CompiledAirCache<KoalaBear> CompiledAirs => _compiledAirs;

    public ZkvmVerification Verify(ReadOnlySpan<byte> bytes)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        ZkvmAggregateProof<TDef, TDigest> proof;
        try
        {
            proof = ZkvmAggregateProof<TDef, TDigest>.Parse(bytes, _keys.RecursionConfig, _keys.FinalConfig);
        }
        catch (ProofFormatException e)
        {
            return ZkvmVerification.Reject(e.Message);
        }
        double parse = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var result = Verify(proof);
        LastTimings = [("parse", parse), .. LastTimings];
        return result;
    }

    /// <summary>
    /// Wall time of each step of the last verification (<see cref="Verify(ReadOnlySpan{byte})"/> adds the parse first), in
    /// milliseconds, in order; a rejected proof lists the steps it reached. The final STARK's own phases are
    /// <see cref="LastStarkTimings"/>.
    /// </summary>
    public IReadOnlyList<(string Step, double Milliseconds)> LastTimings { get; private set; } = [];

    /// <summary>The phases of the last top STARK verification (<see cref="StarkVerifier{TParams, TDef, TDigest}.LastTimings"/>).</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> LastStarkTimings { get; private set; } = [];

    public ZkvmVerification Verify(ZkvmAggregateProof<TDef, TDigest> proof)
    {
        if (proof is null)
            return ZkvmVerification.Reject("no proof");
        try
        {
            return VerifyCore(proof);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            return ZkvmVerification.Reject("malformed proof: " + e.Message);
        }
    }

    /// <summary>
    /// The verifying key (the top program's fixed columns' root) the last proof read that far was checked against: the
    /// root program's for an aggregated proof, the final program's for a final one. It depends on the guest program, the
    /// configurations and the allowed shard shapes (<see cref="TopProgram"/>).
    /// </summary>
    public TDigest? LastKey { get; private set; }

    /// <summary>
    /// The verifying key a proof of this kind over these shards must be a proof of: the tree's root program (the family's
    /// node, or the leaf of a one-shard execution), or the final program (the key <c>prover verify</c> prints). The final
    /// key depends on the guest program, the configurations and the allowed shard shapes (through the allowed-key root
    /// its first layer holds as a constant), not on the shard count or order.
    /// </summary>
    public ZkvmAggregationChild<TDef, TDigest> TopProgram(ZkvmAggregateKind kind, ZkvmCheckedStatement<TDef, TDigest> statement, IReadOnlyList<ShardShape> shapes, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var family = _keys.Family(statement.Config, shapes, statement.Fractions);
        return kind == ZkvmAggregateKind.Final ? _keys.FinalChain(family)[^1] : family.Top(shardCount);
    }

    private ZkvmVerification VerifyCore(ZkvmAggregateProof<TDef, TDigest> proof)
    {
        var timings = new List<(string, double)>();
        LastTimings = timings;
        LastStarkTimings = [];
        long mark = System.Diagnostics.Stopwatch.GetTimestamp();
        void Step(string name)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            timings.Add((name, System.Diagnostics.Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds));
            mark = now;
        }
        if (!proof.ProgramDigest.AsSpan().SequenceEqual(_keys.Program.Digest))
            return ZkvmVerification.Reject("the proof is for another program");
        var claim = proof.Claim;
        // The allowed shapes: listed in the file, or the guest's catalog for the named k (catalog mode).
        var summary = proof.Summary.Resolve(_keys.Program);
        var (error, statement) = ZkvmVerifier<TDef, TDigest>.CheckSummary(_keys.ShardConfig, _keys.Program, claim, summary.Shapes, summary.ShardCount,
            summary.Digest<TDigest>(), _fullKeys, catalog: summary.CatalogLogShardSize > 0);
        Step("statement checks, challenges, public bus terms");
        if (error is not null)
            return ZkvmVerification.Reject(error);
        // The family of the allowed shapes (a leaf per shape, the node, the allowed-key root R): the root is a proof of the
        // node (of the one leaf for one shard) stating R; a final proof is checked against the final program, which
        // checked the root's key a member of R and its stated R the constant it holds, and restates the root's statement.
        bool final = proof.Kind == ZkvmAggregateKind.Final;
        var family = _keys.Family(statement!.Config, summary.Shapes, statement.Fractions);
        var chain = final ? _keys.FinalChain(family) : [];
        var top = final ? chain[^1] : family.Top(summary.ShardCount);
        var expected = ZkvmAggregateStatement.Expected(_keys.Program, summary, statement, family.AllowedKeys);
        var verifier = new RecursionVerifier<KoalaBearParameters, TDef, TDigest>(final ? _keys.FinalConfig : _keys.RecursionConfig, _compiledAirs);
        LastKey = top.Key.PreprocessedRoot;
        Step("tree and chain lookups, expected statement");
        var result = verifier.Verify(top.Machine, top.Key, expected, proof.Root);
        Step(final ? "final STARK" : "root STARK");
        LastStarkTimings = verifier.LastTimings;
        if (!result.IsValid)
            return ZkvmVerification.Reject((final ? "the final proof: " : "the root proof: ") + result.Error);
        var security = Weakest(verifier.LastSecurity!, family, chain, summary.Shapes, statement);
        Step("security of the chain");
        return new ZkvmVerification(true, null, claim.ExitCode, claim.Output, claim.Cycles, claim.InputSize, claim.InputCommitment)
        {
            Security = security,
        };
    }

    /// <summary>
    /// The execution is as sound as the weakest proof of its chain: the top proof (verified here), every recursion proof
    /// of the tree and of the final layers below the top (verified in-circuit, their shapes fixed by their programs) and
    /// every shard proof (verified by its leaf; bus term over the whole statement, as the native verifier counts it).
    /// </summary>
    private Security.SecurityReport Weakest(Security.SecurityReport top, ZkvmAggregationFamily<TDef, TDigest> family,
        IReadOnlyList<ZkvmAggregationChild<TDef, TDigest>> chain, IReadOnlyList<ShardShape> shards, ZkvmCheckedStatement<TDef, TDigest> statement) =>
        _security.Weakest(top, [.. chain.Take(chain.Count - 1).Select((c, i) => (c, _keys.FinalConfigs[i])), .. family.Members.Select(c => (c, _keys.RecursionConfig))],
            [(shards, statement)]);
}
