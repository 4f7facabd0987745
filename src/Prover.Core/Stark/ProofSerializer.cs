using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Merkle;

namespace Prover.Core.Stark;

/// <summary>A proof's bytes are malformed (truncated, trailing data, non-canonical element, bad length).</summary>
public sealed class ProofFormatException(string message) : FormatException(message);

/// <summary>Bytes per part of a serialised proof.</summary>
public sealed record ProofSizeBreakdown(int Header, int Commitments, int Openings, int QueryInputs, int QueryFri, int FinalPolynomial)
{
    public int Total => Header + Commitments + Openings + QueryInputs + QueryFri + FinalPolynomial;
}

/// <summary>
/// Binary proof format, version <see cref="StarkProofFormat.Version"/> for 8-element digests and
/// <see cref="StarkProofFormat.WideDigestVersion"/> for 12-element ones (docs/design.md, "Proof format"):
/// little-endian; field elements as canonical u32 (&lt; p, checked on read); extension elements as D
/// elements; digests as L elements (8, or 12 in the wide-digest version); caps as u16 count + digests. Header: "PRVF", u16 version, u32 field prime,
/// u8 extension degree, the configuration (u8 log blowup, u16 queries, u8 PoW bits, u8 log final length, u8 arity,
/// u8 cap height, u8 LogUp quotient raise, u8 name length + UTF-8 name). Then tables, commitments, out-of-domain openings, final polynomial,
/// and the query phase: one multi-opening per input tree (per matrix: u32 count + the rows' elements; u32 count +
/// siblings) and one answer per FRI step (u32 count + leaf values; u32 count + siblings). Reading rejects truncation,
/// trailing bytes, any length larger than the bytes left and any count beyond the reader's
/// <see cref="ProofShapeLimits"/> (checked before the allocation it would cause); the verifier then checks every
/// count against the exact shape its configuration and the drawn query indices imply.
/// </summary>
public static class ProofSerializer
{
    private static ReadOnlySpan<byte> Magic => "PRVF"u8;

    public static byte[] Serialize<TParams, TDef, TDigest>(StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof)
        where TParams : struct, IMontyParameters
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        where TDigest : struct, IDigest<TDigest, TParams> => Serialize(proof, out _);

    public static byte[] Serialize<TParams, TDef, TDigest>(StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> proof, out ProofSizeBreakdown sizes)
        where TParams : struct, IMontyParameters
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(proof);
        var w = new Writer<TParams, TDigest>();
        w.Bytes(Magic);
        w.U16(StarkProofFormat.VersionFor(TDigest.Length));
        w.U32(TParams.P);
        w.U8(TDef.Degree);
        var c = proof.Config;
        w.U8(c.LogBlowup);
        w.U16(c.NumQueries);
        w.U8(c.QueryPowBits);
        w.U8(c.LogFinalPolyLength);
        w.U8(c.FoldingArity);
        w.U8(c.MerkleCapHeight);
        w.U8(c.LogUpMaxLogQuotientChunks);
        var name = Encoding.UTF8.GetBytes(c.Name);
        w.U8(Math.Min(name.Length, 255));
        w.Bytes(name.AsSpan(0, Math.Min(name.Length, 255)));
        w.U16(proof.LogHeights.Length);
        for (int t = 0; t < proof.LogHeights.Length; t++)
        {
            w.U8(proof.LogHeights[t]);
            w.Elements(proof.PublicValues[t]);
        }
        int header = w.Length;
        w.Cap(proof.MainCommitment);
        w.Cap(proof.LogUpCommitment);
        w.Cap(proof.QuotientCommitment);
        foreach (var s in proof.CumulativeSums)
            w.Ext(s);
        w.U16(proof.FriCommitments.Length);
        foreach (var r in proof.FriCommitments)
            w.Cap(r);
        w.Element(proof.PowWitness);
        int commitments = w.Length - header;
        foreach (var o in proof.Openings)
            foreach (var list in o.Lists())
                w.Exts(list);
        int openings = w.Length - header - commitments;
        w.Exts(proof.FinalPolynomial);
        int final = w.Length - header - commitments - openings;
        int before = w.Length;
        w.U8(proof.InputOpenings.Length);
        foreach (var opening in proof.InputOpenings)
        {
            w.U8(opening.Rows.Count);
            foreach (var rows in opening.Rows)
                w.Elements(rows);
            w.Digests(opening.Siblings);
        }
        int inputs = w.Length - before;
        w.U8(proof.FriOpenings.Length);
        foreach (var step in proof.FriOpenings)
        {
            w.Exts(step.Values);
            w.Digests(step.Siblings);
        }
        int fri = w.Length - before - inputs;
        sizes = new ProofSizeBreakdown(header, commitments, openings, inputs, fri, final);
        return w.ToArray();
    }

    /// <summary>Parses a proof; throws <see cref="ProofFormatException"/> with the offset on malformed bytes.</summary>
    public static StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> Deserialize<TParams, TDef, TDigest>(ReadOnlySpan<byte> bytes)
        where TParams : struct, IMontyParameters
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        where TDigest : struct, IDigest<TDigest, TParams> => Deserialize<TParams, TDef, TDigest>(bytes, ProofShapeLimits.Default);

    /// <summary>
    /// Parses a proof whose counts stay within <paramref name="limits"/>; throws <see cref="ProofFormatException"/>
    /// with the offset on malformed bytes. Every count is checked against the limits and against the bytes left
    /// before anything is allocated for it, so a proof claiming huge heights, tables, rounds, queries, paths or
    /// value lists is rejected after reading a few bytes.
    /// </summary>
    public static StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest> Deserialize<TParams, TDef, TDigest>(ReadOnlySpan<byte> bytes, ProofShapeLimits limits)
        where TParams : struct, IMontyParameters
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        ArgumentNullException.ThrowIfNull(limits);
        var r = new Reader<TParams, TDigest>(bytes);
        if (!r.Bytes(4).SequenceEqual(Magic))
            Reader<TParams, TDigest>.Fail(0, "not a proof (bad magic)");
        int version = r.U16();
        int expectedVersion = StarkProofFormat.VersionFor(TDigest.Length);
        if (version != expectedVersion)
            r.Fail(version is StarkProofFormat.Version or StarkProofFormat.WideDigestVersion
                ? $"proof format version {version} has {(version == StarkProofFormat.Version ? 8 : 12)}-element digests; this reader expects version {expectedVersion} ({TDigest.Length}-element digests)"
                : StarkProofFormat.IsRetired(version)
                    ? $"proof format version {version} is retired ({(version >= 7 ? "a quotient per table" : "its LogUp layout has a column per group plus the running sum")}); this reader expects version {expectedVersion}: prove again"
                    : $"unsupported proof format version {version}");
        if (r.U32() != TParams.P)
            r.Fail($"proof is over another field (expected p = {TParams.P})");
        if (r.U8() != TDef.Degree)
            r.Fail($"proof uses another extension degree (expected {TDef.Degree})");
        var config = new StarkConfig
        {
            LogBlowup = r.U8(),
            NumQueries = r.U16(),
            QueryPowBits = r.U8(),
            LogFinalPolyLength = r.U8(),
            FoldingArity = r.U8(),
            MerkleCapHeight = r.U8(),
            LogUpMaxLogQuotientChunks = r.U8(),
            ExtensionDegree = TDef.Degree,
        };
        string? name = StrictUtf8.TryDecode(r.Bytes(r.U8()));
        if (name is null)
            r.Fail("the configuration name is not valid UTF-8");
        config = config with { Name = name };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            r.Fail($"unusable configuration: {e.Message}");
        }
        // The query count bounds every list of the query phase: no more than the reader expects.
        if (config.NumQueries > limits.MaxQueries)
            r.Fail($"{config.NumQueries} queries, at most {limits.MaxQueries} expected");
        // No table, round, path or query list can be longer than the field's two-adic domains allow.
        int maxLogLde = TParams.TwoAdicity;
        int tables = r.U16();
        if (tables < 1 || tables > limits.MaxTables)
            r.Fail($"{tables} tables, at most {limits.MaxTables} expected");
        r.EnsureAvailable(tables, 1);
        var logHeights = new int[tables];
        var publics = new MontyField31<TParams>[tables][];
        for (int t = 0; t < tables; t++)
        {
            logHeights[t] = r.U8();
            if (logHeights[t] + config.LogBlowup > maxLogLde)
                r.Fail($"table {t}: trace height 2^{logHeights[t]} with blowup 2^{config.LogBlowup} exceeds the field's 2^{maxLogLde} domain");
            publics[t] = r.Elements(limits.MaxPublicValues);
        }
        // A cap has at most 2^(cap height) digests; only the LogUp cap may be absent (no bus).
        int maxCap = 1 << config.MerkleCapHeight;
        var mainCap = r.Cap(maxCap) ?? r.Fail<MerkleCap<TParams, TDigest>>("the main commitment is empty");
        var logUpCap = r.Cap(maxCap);
        var quotientCap = r.Cap(maxCap) ?? r.Fail<MerkleCap<TParams, TDigest>>("the quotient commitment is empty");
        var sums = new ExtensionField<MontyField31<TParams>, TDef>[tables];
        for (int t = 0; t < tables; t++)
            sums[t] = r.Ext<TDef>();
        int rounds = r.U16();
        if (rounds > maxLogLde)
            r.Fail($"{rounds} FRI rounds, a 2^{maxLogLde} domain allows at most {maxLogLde}");
        r.EnsureAvailable(rounds, 2 + 4 * TDigest.Length);
        var friCaps = new MerkleCap<TParams, TDigest>[rounds];
        for (int i = 0; i < rounds; i++)
            friCaps[i] = r.Cap(maxCap) ?? r.Fail<MerkleCap<TParams, TDigest>>($"FRI round {i}: the commitment is empty");
        var witness = r.Element();
        var openings = new TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>[tables];
        for (int t = 0; t < tables; t++)
            openings[t] = new TableOpenings<ExtensionField<MontyField31<TParams>, TDef>>
            {
                PreprocessedLocal = r.Exts<TDef>(limits.MaxOpenedValues),
                PreprocessedNext = r.Exts<TDef>(limits.MaxOpenedValues),
                MainLocal = r.Exts<TDef>(limits.MaxOpenedValues),
                MainNext = r.Exts<TDef>(limits.MaxOpenedValues),
                LogUpLocal = r.Exts<TDef>(limits.MaxOpenedValues),
                LogUpNext = r.Exts<TDef>(limits.MaxOpenedValues),
                Quotient = r.Exts<TDef>(limits.MaxOpenedValues),
            };
        var final = r.Exts<TDef>(1 << config.LogFinalPolyLength);
        // The query phase: at most MaxQueries distinct indices, so at most that many rows per matrix and leaves per FRI step,
        // and at most MaxQueries siblings per tree level.
        int queries = config.NumQueries;
        int trees = r.U8();
        if (trees > ProofShapeLimits.MaxTrees)
            r.Fail($"openings of {trees} commitments, a STARK has at most {ProofShapeLimits.MaxTrees}");
        r.EnsureAvailable(trees, 5);
        var inputs = new MultiOpening<TParams, TDigest>[trees];
        for (int i = 0; i < trees; i++)
        {
            int matrices = r.U8();
            if (matrices > tables)
                r.Fail($"{matrices} opened matrices in commitment {i}, the proof has {tables} tables");
            r.EnsureAvailable(matrices, 4);
            var rows = new MontyField31<TParams>[matrices][];
            for (int m = 0; m < matrices; m++)
                rows[m] = r.Elements((int)Math.Min(int.MaxValue, (long)queries * limits.MaxOpenedValues));
            inputs[i] = new MultiOpening<TParams, TDigest>(rows, r.Digests(queries * maxLogLde));
        }
        int steps = r.U8();
        if (steps != rounds)
            r.Fail($"answers for {steps} FRI steps, the proof has {rounds} rounds");
        r.EnsureAvailable(steps, 8);
        var fri = new FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>[steps];
        for (int st = 0; st < steps; st++)
            fri[st] = new FriRoundOpening<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>
            {
                Values = r.Exts<TDef>(queries * (config.FoldingArity - 1)),
                Siblings = r.Digests(queries * maxLogLde),
            };
        r.CheckEnd();
        return new StarkProof<TParams, ExtensionField<MontyField31<TParams>, TDef>, TDigest>
        {
            Config = config,
            LogHeights = logHeights,
            PublicValues = publics,
            MainCommitment = mainCap,
            LogUpCommitment = logUpCap,
            CumulativeSums = sums,
            QuotientCommitment = quotientCap,
            Openings = openings,
            FriCommitments = friCaps,
            FinalPolynomial = final,
            PowWitness = witness,
            InputOpenings = inputs,
            FriOpenings = fri,
        };
    }

    private sealed class Writer<TParams, TDigest>
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        private readonly MemoryStream _stream = new();

        public int Length => (int)_stream.Length;

        public byte[] ToArray() => _stream.ToArray();

        public void Bytes(ReadOnlySpan<byte> b) => _stream.Write(b);

        public void U8(int v) => _stream.WriteByte(checked((byte)v));

        public void U16(int v)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, checked((ushort)v));
            _stream.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _stream.Write(b);
        }

        public void Element(MontyField31<TParams> e) => U32(e.ToCanonical());

        public void Elements(ReadOnlySpan<MontyField31<TParams>> values)
        {
            U32((uint)values.Length);
            foreach (var v in values)
                Element(v);
        }

        public void Ext<TDef>(ExtensionField<MontyField31<TParams>, TDef> e) where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        {
            foreach (var c in e.Coefficients)
                Element(c);
        }

        public void Exts<TDef>(ExtensionField<MontyField31<TParams>, TDef>[] values) where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        {
            U32((uint)values.Length);
            foreach (var v in values)
                Ext(v);
        }

        public void Digest(TDigest d)
        {
            foreach (var e in d.Elements)
                Element(e);
        }

        public void Digests(IReadOnlyList<TDigest> digests)
        {
            U32((uint)digests.Count);
            foreach (var d in digests)
                Digest(d);
        }

        /// <summary>u16 count + digests; an absent cap is the count 0.</summary>
        public void Cap(MerkleCap<TParams, TDigest>? cap)
        {
            U16(cap?.Count ?? 0);
            if (cap is not null)
                foreach (var d in cap.Digests)
                    Digest(d);
        }
    }

    private ref struct Reader<TParams, TDigest>
        where TParams : struct, IMontyParameters
        where TDigest : struct, IDigest<TDigest, TParams>
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _pos;

        public Reader(ReadOnlySpan<byte> data) => _data = data;

        [DoesNotReturn]
        public static void Fail(int offset, string message) => throw new ProofFormatException($"malformed proof at byte {offset}: {message}");

        [DoesNotReturn]
        public readonly void Fail(string message) => Fail(_pos, message);

        [DoesNotReturn]
        public readonly T Fail<T>(string message) => throw new ProofFormatException($"malformed proof at byte {_pos}: {message}");

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || n > _data.Length - _pos)
                Fail("truncated");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        /// <summary>Rejects a claimed count whose minimal encoding is longer than what is left (no allocation on lies).</summary>
        public readonly void EnsureAvailable(long count, int minBytesEach)
        {
            if (count < 0 || count * minBytesEach > _data.Length - _pos)
                Fail($"length {count} exceeds the remaining {_data.Length - _pos} bytes");
        }

        public int U8() => Bytes(1)[0];

        public int U16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public MontyField31<TParams> Element()
        {
            uint v = U32();
            if (v >= TParams.P)
                Fail(_pos - 4, $"field element {v} is not canonical");
            return MontyField31<TParams>.FromCanonical(v);
        }

        public MontyField31<TParams>[] Elements(int max)
        {
            uint n = U32();
            if (n > (uint)max)
                Fail(_pos - 4, $"{n} field elements, at most {max} expected");
            EnsureAvailable(n, 4);
            var result = new MontyField31<TParams>[n];
            for (int i = 0; i < result.Length; i++)
                result[i] = Element();
            return result;
        }

        public ExtensionField<MontyField31<TParams>, TDef> Ext<TDef>() where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        {
            Span<MontyField31<TParams>> c = stackalloc MontyField31<TParams>[TDef.Degree];
            for (int i = 0; i < c.Length; i++)
                c[i] = Element();
            return ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(c);
        }

        public ExtensionField<MontyField31<TParams>, TDef>[] Exts<TDef>(int max) where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
        {
            uint n = U32();
            if (n > (uint)max)
                Fail(_pos - 4, $"{n} extension elements, at most {max} expected");
            EnsureAvailable(n, 4 * TDef.Degree);
            var result = new ExtensionField<MontyField31<TParams>, TDef>[n];
            for (int i = 0; i < result.Length; i++)
                result[i] = Ext<TDef>();
            return result;
        }

        public TDigest Digest()
        {
            Span<MontyField31<TParams>> e = stackalloc MontyField31<TParams>[Hash.Digests.MaxLength];
            e = e[..TDigest.Length];
            for (int i = 0; i < e.Length; i++)
                e[i] = Element();
            return TDigest.FromElements(e);
        }

        public TDigest[] Digests(int max)
        {
            uint n = U32();
            if (n > (uint)max)
                Fail(_pos - 4, $"{n} Merkle siblings, at most {max} expected");
            EnsureAvailable(n, 4 * TDigest.Length);
            var result = new TDigest[n];
            for (int i = 0; i < result.Length; i++)
                result[i] = Digest();
            return result;
        }

        /// <summary>A cap of 1 to <paramref name="max"/> digests (a power of two), or null for the count 0.</summary>
        public MerkleCap<TParams, TDigest>? Cap(int max)
        {
            int n = U16();
            if (n == 0)
                return null;
            if (n > max || !System.Numerics.BitOperations.IsPow2(n))
                Fail(_pos - 2, $"a cap of {n} digests, at most {max} (a power of two) expected");
            EnsureAvailable(n, 4 * TDigest.Length);
            var digests = new TDigest[n];
            for (int i = 0; i < n; i++)
                digests[i] = Digest();
            return new MerkleCap<TParams, TDigest>(digests);
        }

        public readonly void CheckEnd()
        {
            if (_pos != _data.Length)
                Fail($"{_data.Length - _pos} trailing bytes");
        }
    }
}
