using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>Supplies the values a <see cref="ConstraintProgram{F}"/> reads at one point.</summary>
public interface IConstraintInputs<F, T>
    where F : struct, IField<F>
    where T : struct, IField<T>
{
    T Load(Variable variable);

    T IsFirstRow { get; }

    T IsLastRow { get; }

    T IsTransition { get; }

    /// <summary>Embeds a constant of the AIR's field into the evaluation domain.</summary>
    T Lift(F constant);
}

/// <summary>Supplies one vector of points' values at once to <see cref="ConstraintProgram{F}.EvaluatePacked"/> (Montgomery words, one point per lane).</summary>
internal interface IPackedConstraintInputs<TV> where TV : unmanaged
{
    TV Load(Variable variable);

    TV IsFirstRow { get; }

    TV IsLastRow { get; }

    TV IsTransition { get; }
}

/// <summary>
/// A set of symbolic constraints compiled into a straight-line program: common subexpressions
/// (shared nodes, equal constants, the same variable) are computed once, and the same program is run
/// by the prover over the LDE (values in the base field) and by the verifier at the out-of-domain
/// point (values in the extension field). The instruction list is also the natural thing to upload
/// to a GPU.
/// </summary>
public sealed class ConstraintProgram<F> where F : struct, IField<F>
{
    private enum Op : byte { Const, Load, First, Last, Transition, Add, Sub, Mul, Neg }

    private readonly record struct Instruction(Op Op, int A, int B);

    private readonly Instruction[] _code;
    private readonly F[] _constants;
    private readonly Variable[] _variables;
    private readonly int[] _outputs;

    public ConstraintProgram(IReadOnlyList<SymbolicExpression<F>> constraints)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        var code = new List<Instruction>();
        var constants = new List<F>();
        var variables = new List<Variable>();
        var byNode = new Dictionary<SymbolicExpression<F>, int>(ReferenceEqualityComparer.Instance);
        var byConstant = new Dictionary<F, int>();
        var byVariable = new Dictionary<Variable, int>();
        var selectors = new int[3] { -1, -1, -1 };

        int Emit(Instruction ins)
        {
            code.Add(ins);
            return code.Count - 1;
        }

        // Iterative post-order walk: AIRs for wide chips produce deep expression chains.
        int Compile(SymbolicExpression<F> root)
        {
            var stack = new Stack<(SymbolicExpression<F> Node, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (node, expanded) = stack.Pop();
                if (byNode.ContainsKey(node))
                    continue;
                if (!expanded && node.Left is not null)
                {
                    stack.Push((node, true));
                    stack.Push((node.Left, false));
                    if (node.Right is not null)
                        stack.Push((node.Right, false));
                    continue;
                }
                int index;
                switch (node.Kind)
                {
                    case ExpressionKind.Constant:
                        if (!byConstant.TryGetValue(node.Constant, out index))
                        {
                            constants.Add(node.Constant);
                            index = Emit(new Instruction(Op.Const, constants.Count - 1, 0));
                            byConstant[node.Constant] = index;
                        }
                        break;
                    case ExpressionKind.Variable:
                        if (!byVariable.TryGetValue(node.Variable, out index))
                        {
                            variables.Add(node.Variable);
                            index = Emit(new Instruction(Op.Load, variables.Count - 1, 0));
                            byVariable[node.Variable] = index;
                        }
                        break;
                    case ExpressionKind.IsFirstRow:
                    case ExpressionKind.IsLastRow:
                    case ExpressionKind.IsTransition:
                        int s = node.Kind - ExpressionKind.IsFirstRow;
                        if (selectors[s] < 0)
                            selectors[s] = Emit(new Instruction((Op)((int)Op.First + s), 0, 0));
                        index = selectors[s];
                        break;
                    case ExpressionKind.Neg:
                        index = Emit(new Instruction(Op.Neg, byNode[node.Left!], 0));
                        break;
                    default:
                        var op = node.Kind switch
                        {
                            ExpressionKind.Add => Op.Add,
                            ExpressionKind.Sub => Op.Sub,
                            _ => Op.Mul,
                        };
                        index = Emit(new Instruction(op, byNode[node.Left!], byNode[node.Right!]));
                        break;
                }
                byNode[node] = index;
            }
            return byNode[root];
        }

        var outputs = new int[constraints.Count];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = Compile(constraints[i]);
        _code = [.. code];
        _constants = [.. constants];
        _variables = [.. variables];
        _outputs = outputs;
        MaxDegree = constraints.Count == 0 ? 0 : constraints.Max(c => c.Degree);
    }

    /// <summary>Number of constraints (outputs).</summary>
    public int ConstraintCount => _outputs.Length;

    /// <summary>Number of instructions (registers needed for one evaluation).</summary>
    public int InstructionCount => _code.Length;

    /// <summary>Largest degree among the constraints (selectors count as degree 1).</summary>
    public int MaxDegree { get; }

    /// <summary>The distinct trace cells the constraints read.</summary>
    public IReadOnlyList<Variable> Variables => _variables;

    /// <summary>
    /// The program as plain arrays, for a device interpreter: <c>Code</c> holds 3 ints per instruction (operation,
    /// A, B), the operation numbered 0 Const (register = Constants[A]), 1 Load (Variables[A]), 2 IsFirstRow,
    /// 3 IsLastRow, 4 IsTransition, 5 Add, 6 Sub, 7 Mul (registers A and B), 8 Neg (register A); instruction i
    /// writes register i; <c>Outputs</c>[k] is the register of constraint k.
    /// </summary>
    public (int[] Code, F[] Constants, Variable[] Variables, int[] Outputs) Export()
    {
        var code = new int[3 * _code.Length];
        for (int i = 0; i < _code.Length; i++)
        {
            code[3 * i] = (int)_code[i].Op;
            code[3 * i + 1] = _code[i].A;
            code[3 * i + 2] = _code[i].B;
        }
        return (code, [.. _constants], [.. _variables], [.. _outputs]);
    }

    /// <summary>Evaluates every constraint at one point; <paramref name="registers"/> needs <see cref="InstructionCount"/> slots.</summary>
    [SkipLocalsInit]
    public void Evaluate<T, TInputs>(ref TInputs inputs, Span<T> registers, Span<T> outputs)
        where T : struct, IField<T>
        where TInputs : struct, IConstraintInputs<F, T>
    {
        if (registers.Length < _code.Length)
            throw new ArgumentException($"need {_code.Length} registers", nameof(registers));
        if (outputs.Length < _outputs.Length)
            throw new ArgumentException($"need {_outputs.Length} outputs", nameof(outputs));
        var code = _code;
        for (int i = 0; i < code.Length; i++)
        {
            var ins = code[i];
            registers[i] = ins.Op switch
            {
                Op.Const => inputs.Lift(_constants[ins.A]),
                Op.Load => inputs.Load(_variables[ins.A]),
                Op.First => inputs.IsFirstRow,
                Op.Last => inputs.IsLastRow,
                Op.Transition => inputs.IsTransition,
                Op.Add => registers[ins.A] + registers[ins.B],
                Op.Sub => registers[ins.A] - registers[ins.B],
                Op.Mul => registers[ins.A] * registers[ins.B],
                _ => -registers[ins.A],
            };
        }
        for (int k = 0; k < _outputs.Length; k++)
            outputs[k] = registers[_outputs[k]];
    }

    /// <summary>
    /// The same program over one vector of points at once (16 with AVX-512, 8 with AVX2: one lane per
    /// point, <typeparamref name="TL"/> the width), for the 31-bit Montgomery field the program is over:
    /// the instruction dispatch is paid once per vector. Results equal <see cref="Evaluate"/> lane by
    /// lane (the tests compare them).
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void EvaluatePacked<TParams, TL, TV, TInputs>(ref TInputs inputs, Span<TV> registers, Span<TV> outputs)
        where TParams : struct, IMontyParameters
        where TL : struct, IPackedLanes<TV>
        where TV : unmanaged
        where TInputs : struct, IPackedConstraintInputs<TV>
    {
        if (typeof(F) != typeof(MontyField31<TParams>))
            throw new InvalidOperationException("packed evaluation needs the program's own Montgomery field");
        var code = _code;
        for (int i = 0; i < code.Length; i++)
        {
            var ins = code[i];
            registers[i] = ins.Op switch
            {
                Op.Const => TL.Broadcast(Unsafe.As<F, MontyField31<TParams>>(ref _constants[ins.A]).Montgomery),
                Op.Load => inputs.Load(_variables[ins.A]),
                Op.First => inputs.IsFirstRow,
                Op.Last => inputs.IsLastRow,
                Op.Transition => inputs.IsTransition,
                Op.Add => TL.Add(registers[ins.A], registers[ins.B]),
                Op.Sub => TL.Sub(registers[ins.A], registers[ins.B]),
                Op.Mul => TL.Mul(registers[ins.A], registers[ins.B]),
                _ => TL.Neg(registers[ins.A]),
            };
        }
        for (int k = 0; k < _outputs.Length; k++)
            outputs[k] = registers[_outputs[k]];
    }
}
