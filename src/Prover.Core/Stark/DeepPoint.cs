using Prover.Core.Field;

namespace Prover.Core.Stark;

/// <summary>
/// One opening point of DEEP batching at one LDE height: the point <see cref="Z"/>, the weight of each of the
/// height's matrices at it (<see cref="Scales"/>[m] = λ^start of the matrix's columns at this point, zero when the
/// matrix is not opened here) and the claimed side <see cref="Y"/> = Σ over those openings of Σ_c λ^(start+c)·y_c.
/// The point adds (Σ_m Scales[m]·S_m(x) − Y)/(x − Z) to the height's codeword, S_m(x) = Σ_c λ^c·M_m[x, c].
/// </summary>
public sealed record DeepPoint<TParams, TDef>(ExtensionField<MontyField31<TParams>, TDef> Z, ExtensionField<MontyField31<TParams>, TDef>[] Scales,
    ExtensionField<MontyField31<TParams>, TDef> Y)
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>;
