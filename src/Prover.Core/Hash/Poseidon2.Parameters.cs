using Prover.Core.Field;

namespace Prover.Core.Hash;

/// <summary>Read access to the round constants, for arithmetisations of the permutation (the Poseidon2 AIR).</summary>
public sealed partial class Poseidon2<TParams>
{
    /// <summary>Constant added to element <paramref name="i"/> in initial full round <paramref name="round"/> (0..3).</summary>
    public MontyField31<TParams> InitialRoundConstant(int round, int i) => MontyField31<TParams>.FromMontgomery(_initial[round * Width + i]);

    /// <summary>Constant added to element <paramref name="i"/> in final full round <paramref name="round"/> (0..3).</summary>
    public MontyField31<TParams> FinalRoundConstant(int round, int i) => MontyField31<TParams>.FromMontgomery(_final[round * Width + i]);

    /// <summary>Constant added to element 0 in partial round <paramref name="round"/>.</summary>
    public MontyField31<TParams> PartialRoundConstant(int round) => MontyField31<TParams>.FromMontgomery(_internal[round]);

    /// <summary>Diagonal entry i of the internal linear layer (s_i ← Σ s + diag_i·s_i).</summary>
    public MontyField31<TParams> InternalDiagonal(int i) => MontyField31<TParams>.FromMontgomery(_diagonal[i]);
}
