using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Tables;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// Single-cell perturbations of an honest chip trace, judged against the strongest cheater: one who
/// also controls the requester (it sends whatever the chip receives) and the table multiplicities
/// (every true lookup is matched). Such a cheater is stopped only by a constraint violation or a
/// lookup that is not a table row; otherwise every tuple the row receives must be a true RISC-V
/// statement with canonical result limbs. Tuples whose b or c limbs are not canonical are outside
/// the bus contract (the CPU never sends them) and are counted apart.
/// </summary>
internal static class SoundnessFuzz
{
    private readonly struct RowInputs(RowMajorMatrix<KoalaBear> main, int row) : IConstraintInputs<KoalaBear, KoalaBear>
    {
        public KoalaBear Load(Variable v) => v.Source == VariableSource.Main
            ? main[(row + v.Offset) % main.Height, v.Index]
            : throw new InvalidOperationException("chips have no preprocessed columns or public values");

        public KoalaBear IsFirstRow => row == 0 ? KoalaBear.One : KoalaBear.Zero;

        public KoalaBear IsLastRow => row == main.Height - 1 ? KoalaBear.One : KoalaBear.Zero;

        public KoalaBear IsTransition => row == main.Height - 1 ? KoalaBear.Zero : KoalaBear.One;

        public KoalaBear Lift(KoalaBear constant) => constant;
    }

    public sealed record Tally(int Violations, int FalseLookups, int Benign, int OutsideContract);

    private static bool IsTableRow(int bus, ReadOnlySpan<KoalaBear> values)
    {
        if (bus == ZkvmBus.Range16)
            return values[0].ToCanonical() < 1 << 16;
        // ByteAnd: (a, b, a AND b) with a, b bytes (RANGE8 of x is (x, 0, 0)).
        uint a = values[0].ToCanonical(), b = values[1].ToCanonical(), c = values[2].ToCanonical();
        return a < 256 && b < 256 && c == (a & b);
    }

    public static Tally Run(IAir<KoalaBear> air, RowMajorMatrix<KoalaBear> trace, int rows, int seed)
    {
        var compiled = new CompiledAir<KoalaBear>(air);
        var program = compiled.Program;
        var registers = new KoalaBear[program.InstructionCount];
        var outputs = new KoalaBear[program.ConstraintCount];
        var rng = new Random(seed);
        int violations = 0, falseLookups = 0, benign = 0, outside = 0;
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < trace.Width; col++)
            {
                KoalaBear[] deltas = [KoalaBear.One, -KoalaBear.One, KoalaBear.FromUInt64(256), KoalaBear.FromUInt64(1 << 16), -KoalaBear.FromUInt64(1 << 16),
                    KoalaBear.FromUInt64((ulong)rng.Next(1, int.MaxValue))];
                var original = trace[row, col];
                foreach (var delta in deltas)
                {
                    trace[row, col] = original + delta;
                    var inputs = new RowInputs(trace, row);
                    program.Evaluate<KoalaBear, RowInputs>(ref inputs, registers, outputs);
                    trace[row, col] = original;
                    if (outputs.AsSpan(0, compiled.ConstraintCount).ContainsAnyExcept(KoalaBear.Zero))
                    {
                        violations++;
                        continue;
                    }
                    bool falseLookup = false;
                    ulong[]? received = null;
                    for (int i = 0; i < compiled.Interactions.Count; i++)
                    {
                        var interaction = compiled.Interactions[i];
                        int n = interaction.Values.Count;
                        var values = outputs.AsSpan(compiled.InteractionOutput(i), n);
                        var multiplicity = outputs[compiled.InteractionOutput(i) + n];
                        if (multiplicity.IsZero)
                            continue;
                        if (interaction.Kind == InteractionKind.Send)
                            falseLookup |= !IsTableRow(interaction.Bus, values);
                        else
                        {
                            Assert.Equal(ZkvmBus.Alu, interaction.Bus);
                            Assert.Equal(KoalaBear.One, multiplicity);
                            received = [.. values.ToArray().Select(v => (ulong)v.ToCanonical())];
                        }
                    }
                    if (falseLookup)
                    {
                        falseLookups++;
                        continue;
                    }
                    if (received is null)
                    {
                        benign++; // receives nothing: proves nothing
                        continue;
                    }
                    if (received.Skip(5).Any(limb => limb >= 1 << 16))
                    {
                        outside++;
                        continue;
                    }
                    Assert.True(received.Skip(1).Take(4).All(limb => limb < 1 << 16), $"row {row} col {col}: non-canonical result accepted: {string.Join(",", received)}");
                    ulong a = 0, b = 0, c = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        a |= received[1 + k] << (16 * k);
                        b |= received[5 + k] << (16 * k);
                        c |= received[9 + k] << (16 * k);
                    }
                    Assert.True(received[0] <= (ulong)Opcode.Illegal, $"row {row} col {col}: opcode {received[0]}");
                    var op = (Opcode)received[0];
                    Assert.True(a == RiscV.Eval(op, b, c), $"row {row} col {col}: accepted false statement {op}({b:x}, {c:x}) = {a:x}");
                    benign++;
                }
            }
        return new Tally(violations, falseLookups, benign, outside);
    }
}
