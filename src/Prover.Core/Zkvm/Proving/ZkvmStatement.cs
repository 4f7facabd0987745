using Prover.Core.Air;
using Prover.Core.Challenger;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Cpu;
using Prover.Core.Zkvm.Memory;

namespace Prover.Core.Zkvm.Proving;

/// <summary>
/// What the global transcript of an execution proof observes about one shard before the shared challenges exist:
/// its chips (<paramref name="Chips"/>: which registry chips have a table, fixing the shard's AIR list), the tables'
/// heights and public values (in the chips' order), and the main commitment. <paramref name="MainCommitment"/> is the main traces' Merkle cap as its digests' elements (each 8 elements, or 12
/// under provable-128: the configuration's digest; <see cref="Cap{TDigest}"/> checks the length), so the record
/// travels between a coordinator and its workers without naming the digest type.
/// </summary>
public readonly record struct ShardCommitment(ChipSet Chips, int[] LogHeights, KoalaBear[][] PublicValues, KoalaBear[][] MainCommitment)
{
    /// <summary>A shard's commitment with the main cap <paramref name="cap"/>.</summary>
    public static ShardCommitment Of<TDigest>(ChipSet chips, int[] logHeights, KoalaBear[][] publicValues, MerkleCap<KoalaBearParameters, TDigest> cap)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(cap);
        return new(chips, logHeights, publicValues, [.. cap.Digests.ToArray().Select(d => d.Elements.ToArray())]);
    }

    /// <summary>The shard's chips and heights.</summary>
    public ShardShape Shape => new(Chips, LogHeights);

    /// <summary>The public values of chip <paramref name="chip"/>'s table (an <see cref="ArgumentException"/> when the shard lacks it).</summary>
    public KoalaBear[] PublicsOf(int chip) => PublicValues[Chips.Position(chip)];

    /// <summary>The main cap as digests of <typeparamref name="TDigest"/>; an <see cref="ArgumentException"/> when its digests have another length.</summary>
    public MerkleCap<KoalaBearParameters, TDigest> Cap<TDigest>() where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        if (MainCommitment is null || MainCommitment.Length == 0)
            throw new ArgumentException("a shard's main commitment is empty");
        var digests = new TDigest[MainCommitment.Length];
        for (int i = 0; i < digests.Length; i++)
        {
            if (MainCommitment[i] is null || MainCommitment[i].Length != TDigest.Length)
                throw new ArgumentException($"a shard's main commitment has digests of {MainCommitment[i]?.Length ?? 0} elements, the configuration's have {TDigest.Length}");
            digests[i] = TDigest.FromElements(MainCommitment[i]);
        }
        return new MerkleCap<KoalaBearParameters, TDigest>(digests);
    }
}

/// <summary>
/// The parts of an execution proof that prover and verifier compute the same way: the global transcript
/// that yields the shared LogUp challenges, and the bus terms of the verifier-known tuples (docs/zkvm.md,
/// "Proving an execution").
/// </summary>
public static class ZkvmStatement
{
    private const ulong Tag = 0x5A4B_564D; // "ZKVM"

    /// <summary>
    /// γ, β and each shard's seed. The transcript observes the configuration, the program (image digest
    /// and preprocessed commitment), the input's size and commitment, the claimed output and exit code, the cycle count, the
    /// shard count and the tree digest of every shard's chip set, heights, public values and main commitment
    /// (<see cref="ShardCommitmentTree.TreeDigest{TDigest}"/>), so no trace (and no claim) can depend on the challenges.
    /// Each shard's own transcript then observes its seed: (shard index, shard count, eight elements drawn after γ and β).
    /// </summary>
    public static (SharedBusChallenges<ExtensionField<KoalaBear, TDef>>[] Seeds, ExtensionField<KoalaBear, TDef> Gamma, ExtensionField<KoalaBear, TDef> Beta)
        Challenges<TDef, TDigest>(StarkConfig config, ZkvmProgram program, TDigest preprocessedRoot, ulong inputSize,
            ReadOnlySpan<KoalaBear> inputCommitment, ReadOnlySpan<byte> output, int exitCode, long cycles, IReadOnlyList<ShardCommitment> shards)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(shards);
        return Challenges<TDef, TDigest>(config, program, preprocessedRoot, inputSize, inputCommitment, output, exitCode, cycles, shards.Count,
            ShardCommitmentTree.TreeDigest<TDigest>(shards));
    }

    /// <summary>
    /// The same challenges from the shard count and the tree digest of the shards' commitments (<paramref name="treeDigest"/>)
    /// instead of the commitments themselves: what the verifier of an aggregated or final proof computes, whose root states
    /// the digest its leaves and nodes computed from the commitments the shard proofs' transcripts observed.
    /// </summary>
    /// <remarks>
    /// Why one digest is enough (Fiat–Shamir): the digest is a collision-resistant hash of every shard's chip set, heights,
    /// public values and main cap in order (the leaves' padding-free sponges, compressed up the tree of
    /// <see cref="ShardCommitmentTree.TreeShape"/>), with the shards' own hash; a prover who could change a commitment
    /// after seeing γ, β would have to find another commitment list with the same digest. Before this the transcript
    /// observed every commitment in the clear; the digest is what an aggregation tree can compute in-circuit, so the
    /// final proof's verifier needs no per-shard data to derive the challenges (docs/design.md, "Recursion").
    /// </remarks>
    public static (SharedBusChallenges<ExtensionField<KoalaBear, TDef>>[] Seeds, ExtensionField<KoalaBear, TDef> Gamma, ExtensionField<KoalaBear, TDef> Beta)
        Challenges<TDef, TDigest>(StarkConfig config, ZkvmProgram program, TDigest preprocessedRoot, ulong inputSize,
            ReadOnlySpan<KoalaBear> inputCommitment, ReadOnlySpan<byte> output, int exitCode, long cycles, int shardCount, TDigest treeDigest)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        // The statement's transcript runs on the configuration's digest and permutation, like each shard's.
        StarkConfig.CheckDigest<KoalaBearParameters, TDigest>(config);
        var ch = DuplexChallenger<KoalaBearParameters, TDigest>.Create();
        void O(ulong v) => ch.Observe(KoalaBear.FromUInt64(v));
        void Bytes(ReadOnlySpan<byte> b)
        {
            O((ulong)b.Length);
            for (int i = 0; i < b.Length; i += 2)
                O(b[i] | (i + 1 < b.Length ? (ulong)b[i + 1] << 8 : 0));
        }
        O(Tag);
        O(ZkvmProof<TDef, TDigest>.Version);
        O((ulong)TDef.Degree);
        Bytes(System.Text.Encoding.UTF8.GetBytes(config.Name));
        O((ulong)config.LogBlowup);
        O((ulong)config.NumQueries);
        O((ulong)config.QueryPowBits);
        Bytes(program.Digest);
        ch.Observe(preprocessedRoot);
        O(inputSize & 0xFFFF_FFFF);
        O(inputSize >> 32);
        ch.Observe(inputCommitment);
        Bytes(output);
        O(unchecked((uint)exitCode));
        O((ulong)cycles & 0xFFFF_FFFF);
        O((ulong)cycles >> 32);
        O((ulong)shardCount);
        ch.Observe(treeDigest);
        var gamma = ch.SampleExtension<ExtensionField<KoalaBear, TDef>>();
        var beta = ch.SampleExtension<ExtensionField<KoalaBear, TDef>>();
        var common = new ulong[8];
        for (int i = 0; i < common.Length; i++)
            common[i] = ch.Sample().ToCanonical();
        var seeds = new SharedBusChallenges<ExtensionField<KoalaBear, TDef>>[shardCount];
        for (int s = 0; s < seeds.Length; s++)
            seeds[s] = new SharedBusChallenges<ExtensionField<KoalaBear, TDef>>(gamma, beta, [(ulong)s, (ulong)shardCount, .. common]);
        return (seeds, gamma, beta);
    }

    /// <summary>
    /// The bus terms of the tuples the verifier contributes itself: it receives (index, byte) on <see cref="ZkvmBus.Output"/>
    /// for every output byte and one (ts, exit code) on <see cref="ZkvmBus.Halt"/> at the ts of the last instruction. With
    /// the shards' sums these must add to zero. The program's initial memory (image double words and initial registers on
    /// <see cref="ZkvmBus.InitialValue"/>) is not among them: the last shard's preprocessed image table sends it
    /// (<see cref="Memory.ImageTable{F}"/>; <see cref="ImageBusSumReference{TDef}"/> is what the verifier added for it before).
    /// </summary>
    /// <remarks>
    /// The same field element as <see cref="PublicBusSumReference{TDef}"/>: the sum of the n fractions ±1/fp_i kept as one
    /// fraction num/den (num·fp ± den over den·fp: two extension products per tuple) with a single inversion at the end,
    /// where the reference inverts every fingerprint. Exact field arithmetic, so the order and grouping do not change the
    /// result; every fingerprint is still checked non-zero on its own.
    /// </remarks>
    public static ExtensionField<KoalaBear, TDef> PublicBusSum<TDef>(ReadOnlySpan<byte> output,
        int exitCode, ulong haltTimestamp, ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta, ZkvmChainEnds? chains = null)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var betaPowers = beta.Powers(7);
        var num = ExtensionField<KoalaBear, TDef>.Zero;
        var den = ExtensionField<KoalaBear, TDef>.One;
        Span<KoalaBear> values = stackalloc KoalaBear[6];
        for (int i = 0; i < output.Length; i++)
        {
            values[0] = KoalaBear.FromUInt64((ulong)i & 0xFFFF);
            values[1] = KoalaBear.FromUInt64((ulong)i >> 16);
            values[2] = KoalaBear.FromUInt64(output[i]);
            Accumulate(ref num, ref den, LogUp.Fingerprint<KoalaBear, ExtensionField<KoalaBear, TDef>>(ZkvmBus.Output, values[..3], gamma, betaPowers), send: false);
        }
        ulong code = unchecked((ulong)(long)exitCode);
        values[0] = KoalaBear.FromUInt64(MemoryArgument.Lo(haltTimestamp));
        values[1] = KoalaBear.FromUInt64(MemoryArgument.Hi(haltTimestamp));
        for (int l = 0; l < 4; l++)
            values[2 + l] = KoalaBear.FromUInt64(Word.Limb(code, l));
        Accumulate(ref num, ref den, LogUp.Fingerprint<KoalaBear, ExtensionField<KoalaBear, TDef>>(ZkvmBus.Halt, values, gamma, betaPowers), send: false);
        if (chains is { } c)
        {
            var chainPowers = beta.Powers(c.InputTupleWidth + 1);
            foreach (var (bus, tuple, send) in c.Tuples())
                Accumulate(ref num, ref den, LogUp.Fingerprint<KoalaBear, ExtensionField<KoalaBear, TDef>>(bus, tuple, gamma, chainPowers), send);
        }
        // den is the product of non-zero fingerprints, so it is non-zero.
        return num * den.Inverse();
    }

    /// <summary>num/den ± 1/fp as one fraction: (num·fp ± den) / (den·fp).</summary>
    private static void Accumulate<TDef>(ref ExtensionField<KoalaBear, TDef> num, ref ExtensionField<KoalaBear, TDef> den, ExtensionField<KoalaBear, TDef> fp, bool send)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        if (fp.IsZero)
            throw new InvalidOperationException("a public tuple's fingerprint vanished (probability ~2^-100)");
        num = send ? num * fp + den : num * fp - den;
        den *= fp;
    }

    /// <summary>
    /// The reference of <see cref="PublicBusSum{TDef}"/>: one tuple list (output bytes received on <see cref="ZkvmBus.Output"/>,
    /// the halt on <see cref="ZkvmBus.Halt"/>), one fingerprint and one inversion per tuple (checked against the fast sum in
    /// ZkvmStatementTests).
    /// </summary>
    public static ExtensionField<KoalaBear, TDef> PublicBusSumReference<TDef>(ReadOnlySpan<byte> output,
        int exitCode, ulong haltTimestamp, ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta, ZkvmChainEnds? chains = null)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        var tuples = new List<(int Bus, ulong[] Values, bool Send)>();
        for (int i = 0; i < output.Length; i++)
            tuples.Add((ZkvmBus.Output, [(ulong)i & 0xFFFF, (ulong)i >> 16, output[i]], false));
        ulong code = unchecked((ulong)(long)exitCode);
        tuples.Add((ZkvmBus.Halt, [MemoryArgument.Lo(haltTimestamp), MemoryArgument.Hi(haltTimestamp),
            Word.Limb(code, 0), Word.Limb(code, 1), Word.Limb(code, 2), Word.Limb(code, 3)], false));
        if (chains is { } c)
            foreach (var (bus, tuple, send) in c.Tuples())
                tuples.Add((bus, [.. tuple.Select(v => (ulong)v.ToCanonical())], send));
        return SumOfFractions(tuples, gamma, beta);
    }

    /// <summary>
    /// The slow reference of the program's initial memory on the bus: +1/fp of (key, v0..v3) on <see cref="ZkvmBus.InitialValue"/>
    /// for every non-zero double word of the image (<see cref="ZkvmProgram.Image"/>) and every non-zero initial register,
    /// built from the program alone, one inversion per tuple. This is what the verifier added to the buses itself before the
    /// image became a preprocessed table; the last shard's image table must contribute exactly this (ImageTableTests compare
    /// it with a proof's table sum at the proof's γ, β).
    /// </summary>
    public static ExtensionField<KoalaBear, TDef> ImageBusSumReference<TDef>(ZkvmProgram program, ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        ArgumentNullException.ThrowIfNull(program);
        var tuples = new List<(int Bus, ulong[] Values, bool Send)>();
        void InitialValue(ulong key, ulong value) =>
            tuples.Add((ZkvmBus.InitialValue, [key, Word.Limb(value, 0), Word.Limb(value, 1), Word.Limb(value, 2), Word.Limb(value, 3)], true));
        foreach (var (key, value) in program.Image)
            InitialValue(key, value);
        var regs = ZkvmProgram.InitialRegisters();
        for (int r = 1; r < 32; r++)
            if (regs[r] != 0)
                InitialValue(MemoryArgument.RegisterKeyBase + (ulong)r, regs[r]);
        return SumOfFractions(tuples, gamma, beta);
    }

    private static ExtensionField<KoalaBear, TDef> SumOfFractions<TDef>(List<(int Bus, ulong[] Values, bool Send)> tuples,
        ExtensionField<KoalaBear, TDef> gamma, ExtensionField<KoalaBear, TDef> beta)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
    {
        int longest = tuples.Count == 0 ? 0 : tuples.Max(t => t.Values.Length);
        var betaPowers = beta.Powers(Math.Max(7, longest + 1));
        var sum = default(ExtensionField<KoalaBear, TDef>);
        Span<KoalaBear> values = stackalloc KoalaBear[Math.Max(6, longest)];
        foreach (var t in tuples)
        {
            for (int j = 0; j < t.Values.Length; j++)
                values[j] = KoalaBear.FromUInt64(t.Values[j]);
            var fp = LogUp.Fingerprint<KoalaBear, ExtensionField<KoalaBear, TDef>>(t.Bus, values[..t.Values.Length], gamma, betaPowers);
            if (fp.IsZero)
                throw new InvalidOperationException("a public tuple's fingerprint vanished (probability ~2^-100)");
            var term = fp.Inverse();
            sum = t.Send ? sum + term : sum - term;
        }
        return sum;
    }

    /// <summary>ts (4·clk + 2) of the halting ECALL from the last shard's CPU end clk (q, hi) public values.</summary>
    public static ulong HaltTimestamp(KoalaBear endClkQ, KoalaBear endClkHi)
    {
        ulong end = endClkQ.ToCanonical() + ((ulong)endClkHi.ToCanonical() << 14);
        return end == 0 ? 0 : 4 * (end - 1) + MemoryArgument.LoadStoreSlot;
    }
}

/// <summary>
/// The chunked mode's public chain tuples (the budget policy; docs/design.md, "Boundary chunks"), from the claim: the verifier
/// sends (0) and receives (K_END) on <see cref="ZkvmBus.KeyChain"/>, sends (0, size_lo, size_hi, 0, …) and receives
/// (K_END, commitment, 0, …) on <see cref="ZkvmBus.InputChain"/> (tuples of 1 + W − 8 elements, W = 16 for an 8-element
/// commitment, 24 for a 12-element one). So the input's size and commitment are bound by the bus balance, not by a table's
/// public values.
/// </summary>
public sealed record ZkvmChainEnds(ulong InputSize, KoalaBear[] Commitment)
{
    /// <summary>Elements of an <see cref="ZkvmBus.InputChain"/> tuple: the pair index and the sponge's capacity.</summary>
    public int InputTupleWidth => Commitment.Length switch
    {
        8 => 1 + 8,
        12 => 1 + 16,
        _ => throw new ArgumentException($"an input commitment has 8 or 12 elements, not {Commitment.Length}"),
    };

    /// <summary>The four tuples (bus, values, send: true for the verifier's sends).</summary>
    public IEnumerable<(int Bus, KoalaBear[] Values, bool Send)> Tuples()
    {
        var end = KoalaBear.FromUInt64(ZkvmBus.ChainEnd);
        yield return (ZkvmBus.KeyChain, [KoalaBear.Zero], true);
        yield return (ZkvmBus.KeyChain, [end], false);
        var start = new KoalaBear[InputTupleWidth];
        start[1] = KoalaBear.FromUInt64(InputSize & 0xFFFF);
        start[2] = KoalaBear.FromUInt64(InputSize >> 16);
        yield return (ZkvmBus.InputChain, start, true);
        var final = new KoalaBear[InputTupleWidth];
        final[0] = end;
        Commitment.CopyTo(final, 1);
        yield return (ZkvmBus.InputChain, final, false);
    }
}
