using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Recursion.Chips;
using Prover.Core.Stark;

namespace Prover.Core.Recursion;

/// <summary>A recursion program's chips and verifying key (its fixed columns committed): what a verifier of many proofs of one program makes once.</summary>
public sealed record RecursionVerifyingKey<TParams, TDef, TDigest>(RecursionMachine<TParams, TDef> Machine, VerifyingKey<TParams, TDigest> Key)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    where TDigest : struct, IDigest<TDigest, TParams>;
