namespace Prover.Core.Recursion.Chips;

/// <summary>
/// The buses of the recursion machine (a proof of its own: these ids mean nothing outside it). Memory is two buses, one
/// per memory of the IR: a felt access is the tuple (address, value), an ext access (address, c_0 … c_(D−1)).
/// <para>
/// Memory with multiplicities: the IR writes every variable once, at an address the program fixes. The instruction that
/// writes a variable sends (address, value) with multiplicity = the number of reads of that address in the whole program
/// (a preprocessed column: the count is a property of the program, not of the run); every read receives (address, value)
/// with multiplicity 1 (also preprocessed). The bus balances only if every received tuple was sent: a read sees exactly
/// the value its address was written with. Why this cannot be cheated:
/// <list type="bullet">
/// <item>a read of an address that is never written, or of another value than the one written, receives a tuple that
/// nobody sends, so the sums over all tables cannot cancel (the verifier checks they add to zero);</item>
/// <item>a value written twice (two different values at one address) is impossible: which rows write which address,
/// and how often each is read, are fixed columns of the verifying key, and the key is built from a program in which
/// every address has exactly one writer (<see cref="RecursionMachine{TParams, TDef}"/> refuses any other program);</item>
/// <item>all multiplicities are preprocessed, so their integer sum on a bus is known to the verifier and checked to be
/// below p at setup: a tuple cannot cancel by being counted p times.</item>
/// </list>
/// </para>
/// </summary>
public static class RecursionBus
{
    /// <summary>The felt memory: (address, value).</summary>
    public const int FeltMemory = 1;

    /// <summary>The ext memory: (address, D coefficients).</summary>
    public const int ExtMemory = 2;
}
