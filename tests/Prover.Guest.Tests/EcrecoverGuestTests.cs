using System.Globalization;
using Prover.Core.Machine;
using Prover.Witness.Conversion;
using BigInt = System.Numerics.BigInteger;

namespace Prover.Guest.Tests;

/// <summary>
/// The zkVM build's secp256k1 recovery (native/guest/accel/ecdsa.c over the MODMUL256 and SECP256K1_ADD/DOUBLE
/// syscalls) as the committed probe guest <c>native/guest/tests/elf/ecrecover.elf</c> runs it on the emulator, against
/// an independent implementation: the converter's <see cref="SenderRecovery"/> (BouncyCastle). The C differential
/// tests (<c>make host-test-modmul</c>) emulate the syscalls in C; this runs the real ELF with the machine's syscalls,
/// on random signatures and the edge cases (r, s out of range, recovery ids above 1, r not an x coordinate, high s,
/// and R = ±G with u1, u2 chosen so that the double-and-add meets P = Q, P = −Q and the point at infinity).
/// </summary>
public sealed class EcrecoverGuestTests
{
    private static readonly BigInt N = BigInt.Parse("0fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", NumberStyles.HexNumber);
    private static readonly BigInt P = BigInt.Parse("0fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", NumberStyles.HexNumber);
    private static readonly BigInt Gx = BigInt.Parse("079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", NumberStyles.HexNumber);

    private static byte[] Be32(BigInt v)
    {
        byte[] b = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.True(b.Length <= 32);
        var r = new byte[32];
        b.CopyTo(r, 32 - b.Length);
        return r;
    }

    private static BigInt Mod(BigInt a, BigInt m) => ((a % m) + m) % m;

    /// <summary>(hash, r, s, recovery id) records: random ones, edge values, and the R = ±G constructions.</summary>
    private static List<(byte[] Hash, byte[] R, byte[] S, byte RecId)> Cases()
    {
        var rng = new Random(1507);
        byte[] Rand() { var b = new byte[32]; rng.NextBytes(b); return b; }
        var cases = new List<(byte[], byte[], byte[], byte)>();
        for (int i = 0; i < 40; i++)
            cases.Add((Rand(), Rand(), Rand(), (byte)(i % 2)));
        BigInt[] edges = [0, 1, N - 1, N, N + 1, P - 1, (N - 1) / 2, (N + 1) / 2, Gx];
        foreach (var e in edges)
        {
            cases.Add((Rand(), Be32(e), Rand(), 0));
            cases.Add((Rand(), Rand(), Be32(e), 1));
        }
        cases.Add((Rand(), Rand(), Rand(), 2));
        cases.Add((Rand(), Rand(), Rand(), 27));
        cases.Add((new byte[32], Rand(), Rand(), 0));
        // R = G (recid 0, Gy even) or −G (recid 1), e = −a·r, s = b·r: Q = a·G + b·R.
        (long A, long B, byte RecId)[] ab = [(1, 1, 0), (1, -1, 0), (2, 1, 0), (-3, 1, 0), (1, 1, 1), (7, -7, 0), (64, 63, 1), (0, 1, 0), (15, 15, 0)];
        foreach (var (a, b, recid) in ab)
        {
            BigInt e = Mod(-a * Gx, N), s = Mod(b * Gx, N);
            cases.Add((Be32(e), Be32(Gx), Be32(s), recid));
        }
        return cases;
    }

    [Fact]
    public void Probe_guest_recovers_the_keys_BouncyCastle_recovers()
    {
        var cases = Cases();
        byte[] input = cases.SelectMany(c => c.Hash.Concat(c.R).Concat(c.S).Append(c.RecId)).ToArray();
        var program = GuestProgram.FromElf(File.ReadAllBytes(Path.Combine(SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "ecrecover.elf")));
        int recovered = 0;
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var machine = new Machine(program, input, new MachineOptions { Engine = engine, JitThreshold = 1 });
            ExecutionResult result = machine.Run();
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(65 * cases.Count, result.Output.Length);
            recovered = 0;
            for (int i = 0; i < cases.Count; i++)
            {
                var (h, r, s, recid) = cases[i];
                bool ok = SenderRecovery.TryRecover(h, r, s, recid, out byte[] key);
                ReadOnlySpan<byte> got = result.Output.AsSpan(65 * i, 65);
                Assert.True(ok == (got[0] == 0), $"case {i}: guest status {got[0]}, reference {(ok ? "recovered" : "rejected")}");
                if (ok)
                {
                    Assert.Equal(Convert.ToHexStringLower(key.AsSpan(1)), Convert.ToHexStringLower(got[1..]));
                    recovered++;
                }
            }
        }
        Assert.InRange(recovered, 20, cases.Count - 10); // both outcomes are exercised
    }
}
