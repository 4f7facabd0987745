using System.Diagnostics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The verdict on an epoch proof: valid or the reason, and when valid each block's public values in order (exit code,
/// output, cycles, input size and commitment, as <see cref="ZkvmVerification"/>s) and the security of the whole chain.
/// </summary>
public sealed record ZkvmEpochVerification(bool IsValid, string? Error, IReadOnlyList<ZkvmVerification> Blocks)
{
    /// <summary>The weakest proof of the chain: every block's shards and tree, the epoch tree, the final layers, the top proof.</summary>
    public Security.SecurityReport? Security { get; init; }

    /// <summary>Valid, and every block's guest exited with 0.</summary>
    public bool ProvesSuccess => IsValid && Blocks.All(b => b.ExitCode == 0);

    internal static ZkvmEpochVerification Reject(string error) => new(false, error, []);
}

/// <summary>
/// Verifies an epoch proof (<see cref="ZkvmEpochProof{TDef, TDigest}"/>) against a program: for each block in order, the
/// native statement checks of <see cref="ZkvmVerifier{TDef, TDigest}.CheckStatement"/> on its claim and shard commitments
/// (chips, bus budget, CPU chaining, input, cycles, the shared challenges) and the statement its execution root must
/// state (<see cref="ZkvmAggregateStatement.Expected"/>); then the top proof against the program the epoch must be a
/// proof of — the epoch tree over the blocks' execution roots (each its family's node or leaf, from its allowed shapes, as
/// <see cref="ZkvmAggregateVerifier{TDef, TDigest}"/> does), and for a final proof the final chain over it — with the
/// statement <see cref="ZkvmEpochStatement.Expected"/> of those block statements: the block count and their digest in
/// order. Programs, keys and compiled AIRs are kept across proofs (a warm verifier). Malformed proofs are rejections.
/// </summary>
public sealed class ZkvmEpochVerifier<TDef, TDigest>
    where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
{
    private readonly ZkvmAggregateVerifier<TDef, TDigest> _executions;
    private readonly ZkvmAggregationKeys<TDef, TDigest> _keys;

    public ZkvmEpochVerifier(ZkvmAggregationKeys<TDef, TDigest> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _executions = new ZkvmAggregateVerifier<TDef, TDigest>(keys);
    }

    /// <summary>The verifying key (the top program's fixed columns' root) the last proof read that far was checked against.</summary>
    public TDigest? LastKey { get; private set; }

    /// <summary>Wall time of each step of the last verification, in milliseconds, in order (<see cref="Verify(ReadOnlySpan{byte})"/> adds the parse first).</summary>
    public IReadOnlyList<(string Step, double Milliseconds)> LastTimings { get; private set; } = [];

    public ZkvmEpochVerification Verify(ReadOnlySpan<byte> bytes)
    {
        long start = Stopwatch.GetTimestamp();
        ZkvmEpochProof<TDef, TDigest> proof;
        try
        {
            proof = ZkvmEpochProof<TDef, TDigest>.Parse(bytes, _keys.RecursionConfig, _keys.FinalConfig);
        }
        catch (ProofFormatException e)
        {
            LastTimings = [];
            return ZkvmEpochVerification.Reject(e.Message);
        }
        double parse = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var result = Verify(proof);
        LastTimings = [("parse", parse), .. LastTimings];
        return result;
    }

    public ZkvmEpochVerification Verify(ZkvmEpochProof<TDef, TDigest> proof)
    {
        if (proof is null)
            return ZkvmEpochVerification.Reject("no proof");
        try
        {
            return VerifyCore(proof);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            return ZkvmEpochVerification.Reject("malformed proof: " + e.Message);
        }
    }

    private ZkvmEpochVerification VerifyCore(ZkvmEpochProof<TDef, TDigest> proof)
    {
        var timings = new List<(string, double)>();
        LastTimings = timings;
        long mark = Stopwatch.GetTimestamp();
        void Step(string name)
        {
            long now = Stopwatch.GetTimestamp();
            timings.Add((name, Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds));
            mark = now;
        }
        if (!proof.ProgramDigest.AsSpan().SequenceEqual(_keys.Program.Digest))
            return ZkvmEpochVerification.Reject("the proof is for another program");
        if (proof.Blocks.Count < 2)
            return ZkvmEpochVerification.Reject($"an epoch of {proof.Blocks.Count} blocks");
        var statements = new ZkvmCheckedStatement<TDef, TDigest>[proof.Blocks.Count];
        var expected = new uint[proof.Blocks.Count][];
        var families = new ZkvmAggregationFamily<TDef, TDigest>[proof.Blocks.Count];
        // Each block's allowed shapes: listed, or its catalog's (catalog mode).
        var blocks = proof.Blocks.Select(b => b.Resolve(_keys.Program)).ToArray();
        for (int i = 0; i < statements.Length; i++)
        {
            var block = blocks[i];
            var (error, statement) = ZkvmVerifier<TDef, TDigest>.CheckSummary(_keys.ShardConfig, _keys.Program, block.Claim, block.Shapes, block.ShardCount,
                block.Digest<TDigest>(), _executions.FullKeys, catalog: block.CatalogLogShardSize > 0);
            if (error is not null)
                return ZkvmEpochVerification.Reject($"block {i}: {error}");
            statements[i] = statement!;
            families[i] = _keys.Family(statement!.Config, block.Shapes, statement.Fractions);
            expected[i] = ZkvmAggregateStatement.Expected(_keys.Program, block, statement!, families[i].AllowedKeys);
        }
        Step("statement checks, challenges, public bus terms");
        // Each block's family (its allowed shapes, as for an aggregated proof: the block root's program is its node, or one
        // leaf, and its statement ends with the family's allowed-key root, which the block's digest binds), the epoch tree
        // over their roots, and for a final proof the final chain over the epoch root: the top program pins the epoch tree
        // and the blocks' root programs.
        var epoch = _keys.EpochTree([.. families.Select((f, i) => f.Top(proof.Blocks[i].ShardCount))]);
        bool final = proof.Kind == ZkvmAggregateKind.Final;
        var chain = final ? _keys.FinalChain(epoch[^1][0].Child, ZkvmEpochStatement.Length(TDigest.Length)) : [];
        var top = final ? chain[^1] : epoch[^1][0].Child;
        var statementOfEpoch = ZkvmEpochStatement.Expected<TDigest>(expected);
        var verifier = new RecursionVerifier<KoalaBearParameters, TDef, TDigest>(final ? _keys.FinalConfig : _keys.RecursionConfig, _executions.CompiledAirs);
        LastKey = top.Key.PreprocessedRoot;
        Step("trees and chain lookups, expected statement");
        var result = verifier.Verify(top.Machine, top.Key, statementOfEpoch, proof.Top);
        Step(final ? "final STARK" : "epoch root STARK");
        if (!result.IsValid)
            return ZkvmEpochVerification.Reject((final ? "the epoch's final proof: " : "the epoch root proof: ") + result.Error);
        // As sound as the weakest proof of the chain: the top (verified here), the final layers below it, the epoch nodes,
        // every block's tree and every block's shard shapes.
        var programs = chain.Take(Math.Max(0, chain.Count - 1)).Select((c, i) => (c, _keys.FinalConfigs[i]))
            .Concat(epoch.Skip(1).SelectMany(level => level).Where(e => !e.IsBlock).Select(e => (e.Child, _keys.RecursionConfig)))
            .Concat(families.SelectMany(f => f.Members).Select(c => (c, _keys.RecursionConfig)));
        var security = _executions.ChainSecurity.Weakest(verifier.LastSecurity!, programs,
            blocks.Select((b, i) => (b.Shapes, statements[i])));
        Step("security of the chain");
        return new ZkvmEpochVerification(true, null, [.. proof.Blocks.Select(b =>
            new ZkvmVerification(true, null, b.Claim.ExitCode, b.Claim.Output, b.Claim.Cycles, b.Claim.InputSize, b.Claim.InputCommitment))])
        {
            Security = security,
        };
    }
}
