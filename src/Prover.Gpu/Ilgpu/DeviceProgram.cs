using Prover.Core.Air;
using Prover.Core.Field;

namespace Prover.Gpu.Ilgpu;

/// <summary>
/// A constraint program as the device kernels read it (<see cref="QuotientKernels"/>, <see cref="LogUpKernels"/>): one int array
/// with the code (3 ints per instruction: <c>ConstraintProgram.Export</c>'s ops), the variables from <see cref="VariablesAt"/>
/// (3 ints each: source 0 main / 1 preprocessed / 2 public, column, row offset) and every output's register from
/// <see cref="OutputsAt"/>; and one word array with the constants then, from <see cref="PublicsAt"/>, the public values
/// (Montgomery form).
/// </summary>
public sealed record DeviceProgram(int[] Packed, int Instructions, int VariablesAt, int OutputsAt, int Outputs, uint[] Values, int PublicsAt)
{
    /// <summary>Packs <paramref name="program"/>; a variable naming a public value out of range or a preprocessed column without one is an error.</summary>
    public static DeviceProgram From<TParams>(string name, ConstraintProgram<MontyField31<TParams>> program, IReadOnlyList<MontyField31<TParams>> publics,
        bool hasPreprocessed)
        where TParams : struct, IMontyParameters
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(publics);
        var (code, constants, variables, outputs) = program.Export();
        var packed = new int[code.Length + 3 * variables.Length + outputs.Length];
        code.CopyTo(packed, 0);
        int variablesAt = code.Length, outputsAt = variablesAt + 3 * variables.Length;
        for (int v = 0; v < variables.Length; v++)
        {
            var variable = variables[v];
            if (variable.Source == VariableSource.Public && (uint)variable.Index >= (uint)publics.Count)
                throw new ArgumentException($"{name}: public value {variable.Index} of {publics.Count}", nameof(publics));
            packed[variablesAt + 3 * v] = variable.Source switch
            {
                VariableSource.Main => 0,
                VariableSource.Preprocessed => hasPreprocessed
                    ? 1
                    : throw new ArgumentException($"{name} reads preprocessed columns but no preprocessed trace was given"),
                _ => 2,
            };
            packed[variablesAt + 3 * v + 1] = variable.Index;
            packed[variablesAt + 3 * v + 2] = variable.Offset;
        }
        outputs.CopyTo(packed, outputsAt);
        var values = new uint[constants.Length + publics.Count];
        MontyField31<TParams>.AsMontgomery(constants).CopyTo(values);
        for (int i = 0; i < publics.Count; i++)
            values[constants.Length + i] = publics[i].Montgomery;
        return new DeviceProgram(packed, code.Length / 3, variablesAt, outputsAt, outputs.Length, values, constants.Length);
    }
}
