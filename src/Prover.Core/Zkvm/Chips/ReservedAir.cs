using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Core.Zkvm.Chips;

/// <summary>
/// A registry index held for a chip of another branch that has not landed here yet (the registry's indices are
/// positions, so a later chip needs every earlier index filled): one column that must be zero, no bus interactions, and
/// no trace ever generated (<see cref="ChipPresence.WhenUsed"/>, absent from every honest proof). A proof that includes
/// it proves nothing more (no constraint but zero, no interaction with any other table). Replaced by the real chip at
/// the merge.
/// </summary>
public sealed class ReservedAir<F>(string name) : IAir<F> where F : struct, IField<F>
{
    public string Name => name;

    public int Width => 1;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AssertZero(builder.Local[0]);
    }
}
