using System.Buffers.Binary;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// The bytes of what a verifier of an aggregated execution needs natively — the claim (exit code, cycles, input size and
/// commitment, output) and every shard's commitment (chip set, heights, public values, main cap) — shared by the
/// aggregated and final files (<see cref="ZkvmAggregateProof{TDef, TDigest}"/>) and the epoch files
/// (<see cref="ZkvmEpochProof{TDef, TDigest}"/>, once per block). Reading is bounded: an adversary controls the bytes.
/// </summary>
internal static class ZkvmExecutionCommitmentCodec
{
    public static void Write(Stream ms, ZkvmClaim claim, IReadOnlyList<ShardCommitment> shards)
    {
        var b8 = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); ms.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); ms.Write(b8); }
        void Felts(IReadOnlyList<KoalaBear> v) { U32((uint)v.Count); foreach (var e in v) U32(e.ToCanonical()); }
        U32(unchecked((uint)claim.ExitCode));
        U64((ulong)claim.Cycles);
        U64(claim.InputSize);
        Felts(claim.InputCommitment);
        U32((uint)claim.Output.Length);
        ms.Write(claim.Output);
        U32((uint)shards.Count);
        foreach (var s in shards)
        {
            U64(s.Chips.Bits);
            U32((uint)s.LogHeights.Length);
            foreach (int h in s.LogHeights)
                U32((uint)h);
            foreach (var p in s.PublicValues)
                Felts(p);
            U32((uint)s.MainCommitment.Length);
            foreach (var d in s.MainCommitment)
                Felts(d);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote at <paramref name="reader"/>'s position (a <see cref="ProofFormatException"/> on anything malformed).</summary>
    public static (ZkvmClaim Claim, ShardCommitment[] Shards) Read<TDef, TDigest>(ref BoundedReader reader)
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
        if (count == 0 || count > ZkvmAggregateProof<TDef, TDigest>.MaxShards || count > cycles || count > (uint)reader.Remaining / 16)
            throw new ProofFormatException($"{count} shards out of range");
        var shards = new ShardCommitment[count];
        for (int s = 0; s < shards.Length; s++)
        {
            var chips = new ChipSet(reader.U64("chip set"));
            uint tables = reader.U32("table count");
            if (tables == 0 || tables > ChipSet.Capacity)
                throw new ProofFormatException($"shard {s}: {tables} tables out of range");
            var heights = new int[tables];
            for (int t = 0; t < heights.Length; t++)
            {
                uint h = reader.U32("height");
                if (h is < 1 or > 30)
                    throw new ProofFormatException($"shard {s}: height 2^{h} out of range");
                heights[t] = (int)h;
            }
            var publics = new KoalaBear[tables][];
            for (int t = 0; t < publics.Length; t++)
                publics[t] = reader.Felts(ZkvmAggregateProof<TDef, TDigest>.MaxPublicValues, "public values");
            uint digests = reader.U32("cap size");
            if (digests == 0 || digests > ZkvmAggregateProof<TDef, TDigest>.MaxCapDigests || digests > (uint)reader.Remaining / 4)
                throw new ProofFormatException($"shard {s}: cap of {digests} digests out of range");
            var cap = new KoalaBear[digests][];
            for (int i = 0; i < cap.Length; i++)
            {
                cap[i] = reader.Felts(TDigest.Length, "cap digest");
                if (cap[i].Length != TDigest.Length)
                    throw new ProofFormatException($"shard {s}: a cap digest of {cap[i].Length} elements, the configuration's have {TDigest.Length}");
            }
            shards[s] = new ShardCommitment(chips, heights, publics, cap);
        }
        return (new ZkvmClaim(inputSize, commitment, output, exit, (long)cycles), shards);
    }
}
