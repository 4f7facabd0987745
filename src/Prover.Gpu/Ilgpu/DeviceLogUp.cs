using System.Runtime.InteropServices;
using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// A table's LogUp groups and challenges as <see cref="LogUpShape"/> describes them for the device kernels (D words per extension value): the groups' member lists, β^1 … β^maxValues, γ − bus per interaction and, for the quotient, α^(K+l) and
/// T/N (the claimed cumulative sum over the table's height).
/// </summary>
public sealed record DeviceLogUp(int[] Layout, uint[] Challenges, LogUpShape Shape)
{
    /// <summary>
    /// Packs <paramref name="air"/>'s LogUp data; <paramref name="outputShift"/> is subtracted from each interaction's output
    /// index (the interaction program's outputs start at the AIR's <c>ConstraintCount</c>; the full program's at 0).
    /// <paramref name="logUpAlphas"/> (α^(K+l), one per group) and <paramref name="sumPerRow"/> (T/N, <c>LogUp.SumPerRow</c>) are the quotient's.
    /// </summary>
    public static DeviceLogUp From<TParams, TDef>(CompiledAir<MontyField31<TParams>> air, int outputShift,
        ExtensionField<MontyField31<TParams>, TDef> gamma, ExtensionField<MontyField31<TParams>, TDef> beta,
        ReadOnlySpan<ExtensionField<MontyField31<TParams>, TDef>> logUpAlphas, ExtensionField<MontyField31<TParams>, TDef> sumPerRow)
        where TParams : struct, IMontyParameters
        where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
    {
        ArgumentNullException.ThrowIfNull(air);
        if (TDef.Degree is not (ExtensionShape.Degree or 8) || !TDef.IsBinomial)
            throw new NotSupportedException($"the device LogUp kernels implement the binomial quartic and octic extensions, not {TDef.Name}");
        int d = TDef.Degree;
        var groups = air.LogUpGroups;
        int k = air.Interactions.Count;
        int members = groups.Sum(g => g.Count);
        var layout = new int[groups.Count + 1 + 4 * members];
        int membersAt = groups.Count + 1, m = 0;
        for (int j = 0; j < groups.Count; j++)
        {
            layout[j] = m;
            foreach (int i in groups[j])
            {
                var interaction = air.Interactions[i];
                int at = membersAt + 4 * m++;
                layout[at] = air.InteractionOutput(i) - outputShift;
                layout[at + 1] = interaction.Values.Count;
                layout[at + 2] = interaction.Kind == InteractionKind.Send ? 1 : 0;
                layout[at + 3] = i;
            }
        }
        layout[groups.Count] = m;
        int maxValues = k == 0 ? 0 : air.Interactions.Max(i => i.Values.Count);
        var betaPowers = beta.Powers(maxValues + 1);
        var words = new List<ExtensionField<MontyField31<TParams>, TDef>>(betaPowers.AsSpan(1).ToArray());
        int gammaBusAt = d * words.Count;
        foreach (var interaction in air.Interactions)
            words.Add(gamma - ExtensionField<MontyField31<TParams>, TDef>.FromBase(MontyField31<TParams>.FromUInt64((ulong)interaction.Bus)));
        int alphaAt = d * words.Count;
        words.AddRange(logUpAlphas.ToArray());
        int sumAt = d * words.Count;
        words.Add(sumPerRow);
        var challenges = MemoryMarshal.Cast<ExtensionField<MontyField31<TParams>, TDef>, uint>(CollectionsMarshal.AsSpan(words)).ToArray();
        return new DeviceLogUp(layout, challenges, new LogUpShape(groups.Count, membersAt, gammaBusAt, alphaAt, sumAt, MontyField31<TParams>.One.Montgomery));
    }
}
