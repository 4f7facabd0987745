using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The bytes of a <see cref="ZkvmExecutionSummary"/> — the claim (exit code, cycles, input size and commitment, output),
/// the shard count and the allowed shapes (chip set, heights; strictly increasing — or, in catalog mode, a zero count and k), the tree digest of the shards' commitments and the last pc — shared by the
/// aggregated and final files (<see cref="ZkvmAggregateProof{TDef, TDigest}"/>) and the epoch files
/// (<see cref="ZkvmEpochProof{TDef, TDigest}"/>, once per block). Reading is bounded: an adversary controls the bytes.
/// </summary>
internal static class ZkvmExecutionSummaryCodec
{
    public static void Write(Stream ms, ZkvmExecutionSummary summary)
    {
        var b8 = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); ms.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); ms.Write(b8); }
        void Felts(IReadOnlyList<KoalaBear> v) { U32((uint)v.Count); foreach (var e in v) U32(e.ToCanonical()); }
        var claim = summary.Claim;
        U32(unchecked((uint)claim.ExitCode));
        U64((ulong)claim.Cycles);
        U64(claim.InputSize);
        Felts(claim.InputCommitment);
        U32((uint)claim.Output.Length);
        ms.Write(claim.Output);
        U32((uint)summary.ShardCount);
        // Catalog mode: a zero shape count (never an explicit list's), then k.
        if (summary.CatalogLogShardSize > 0)
        {
            U32(0);
            U32((uint)summary.CatalogLogShardSize);
        }
        else
        {
            U32((uint)summary.Shapes.Count);
            foreach (var s in summary.Shapes)
            {
                U64(s.Chips.Bits);
                U32((uint)s.LogHeights.Length);
                foreach (int h in s.LogHeights)
                    U32((uint)h);
            }
        }
        Felts(summary.CommitmentDigest);
        Felts(summary.EndPc);
    }

    /// <summary>Reads what <see cref="Write"/> wrote at <paramref name="reader"/>'s position (a <see cref="ProofFormatException"/> on anything malformed).</summary>
    public static ZkvmExecutionSummary Read<TDef, TDigest>(ref BoundedReader reader)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        int exit = unchecked((int)reader.U32("exit code"));
        ulong cycles = reader.U64("cycle count");
        if (cycles == 0 || cycles > 1UL << 40)
            throw new ProofFormatException($"cycle count {cycles} out of range");
        ulong inputSize = reader.U64("input size");
        if (inputSize > (ulong)ZkvmProof<TDef, TDigest>.MaxInputBytes)
            throw new ProofFormatException($"input size {inputSize} out of range");
        var commitment = reader.Felts(ZkvmProof<TDef, TDigest>.CommitmentElements, "input commitment");
        if (commitment.Length != ZkvmProof<TDef, TDigest>.CommitmentElements)
            throw new ProofFormatException($"the input commitment has {ZkvmProof<TDef, TDigest>.CommitmentElements} elements");
        uint outputLength = reader.U32("output length");
        if (outputLength > ZkvmProof<TDef, TDigest>.MaxOutputBytes)
            throw new ProofFormatException($"output of {outputLength} bytes out of range");
        var output = reader.Take((int)outputLength, "output").ToArray();
        uint count = reader.U32("shard count");
        if (count == 0 || count > ZkvmAggregateProof<TDef, TDigest>.MaxShards || count > cycles)
            throw new ProofFormatException($"{count} shards out of range");
        // A shape takes at least 16 bytes (chip set, table count, one height): the number is bounded by the bytes left, and
        // there are no more distinct shapes than shards.
        uint distinct = reader.U32("shape count");
        int catalog = 0;
        if (distinct == 0)
        {
            // Catalog mode: the allowed shapes are the catalog's for shards of 2^k cycles (resolved with the program).
            uint k = reader.U32("catalog log shard size");
            if (k is < 1 or > 30)
                throw new ProofFormatException($"catalog for shards of 2^{k} cycles out of range");
            catalog = (int)k;
        }
        else if (distinct > count || distinct > (uint)reader.Remaining / 16)
            throw new ProofFormatException($"{distinct} shard shapes out of range");
        var shapes = new ShardShape[distinct];
        for (int s = 0; s < shapes.Length; s++)
        {
            var chips = new ChipSet(reader.U64("chip set"));
            uint tables = reader.U32("table count");
            if (tables == 0 || tables > ChipSet.Capacity)
                throw new ProofFormatException($"shape {s}: {tables} tables out of range");
            var heights = new int[tables];
            for (int t = 0; t < heights.Length; t++)
            {
                uint h = reader.U32("height");
                if (h is < 1 or > 30)
                    throw new ProofFormatException($"shape {s}: height 2^{h} out of range");
                heights[t] = (int)h;
            }
            shapes[s] = new ShardShape(chips, heights);
            // One encoding per set: strictly increasing (no repeated shape, no other order).
            if (s > 0 && ZkvmExecutionSummary.Compare(shapes[s - 1], shapes[s]) >= 0)
                throw new ProofFormatException($"shape {s} does not follow shape {s - 1} in order");
        }
        var digest = reader.Felts(TDigest.Length, "commitment digest");
        if (digest.Length != TDigest.Length)
            throw new ProofFormatException($"a commitment digest of {digest.Length} elements, the configuration's have {TDigest.Length}");
        var endPc = reader.Felts(2, "end pc");
        if (endPc.Length != 2)
            throw new ProofFormatException("the end pc is two elements (lo, hi)");
        return new ZkvmExecutionSummary(new ZkvmClaim(inputSize, commitment, output, exit, (long)cycles), (int)count, shapes, digest, endPc)
        {
            CatalogLogShardSize = catalog,
        };
    }
}
