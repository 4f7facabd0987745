using System.Numerics;
using Prover.Core.Machine;
using Prover.Core.Tests.Machine;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// The EVM guest's 256-bit arithmetic in its zkVM build (native/guest/tests/u256ops.c compiles native/guest/evm/u256.c:
/// MOD, ADDMOD and MULMOD through the MODMUL256 syscall, u256_from_be word by word) against BigInteger, on both
/// engines: the differential test of the rv64 code path, which the host build (the C tests' reference) does not run.
/// </summary>
public sealed class U256GuestTests
{
    private static readonly BigInteger Max = BigInteger.One << 256;

    private enum Op : byte { Mod = 0, AddMod = 1, MulMod = 2, Mul = 3, Exp = 4, Div = 5, FromBe = 6 }

    private static BigInteger Random(Random rng, int bits)
    {
        var bytes = new byte[(bits + 7) / 8 + 1];
        rng.NextBytes(bytes);
        bytes[^1] = 0;
        return new BigInteger(bytes, isUnsigned: true) % (BigInteger.One << bits);
    }

    private static byte[] Be32(BigInteger v)
    {
        var b = new byte[32];
        v.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: false);
        Array.Reverse(b);
        return b;
    }

    /// <summary>EVM semantics (division by zero gives zero), from BigInteger alone.</summary>
    private static BigInteger Expected(Op op, BigInteger a, BigInteger b, BigInteger n, byte[] record) => op switch
    {
        Op.Mod => b.IsZero ? 0 : a % b,
        Op.AddMod => n.IsZero ? 0 : (a + b) % n,
        Op.MulMod => n.IsZero ? 0 : a * b % n,
        Op.Mul => a * b % Max,
        Op.Exp => BigInteger.ModPow(a, b, Max),
        Op.Div => b.IsZero ? 0 : a / b,
        Op.FromBe => FromBe(record),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Op 6: (n mod 33) big-endian bytes of the record's b‖n from byte (a mod 8) on (the record's bytes 32..95).</summary>
    private static BigInteger FromBe(byte[] record)
    {
        int offset = 32 + record[31] % 8, len = record[95] % 33;
        var v = BigInteger.Zero;
        for (int i = 0; i < len; i++)
            v = (v << 8) | record[offset + i];
        return v;
    }

    private static List<(Op Op, BigInteger A, BigInteger B, BigInteger N)> Cases()
    {
        var rng = new Random(256);
        var list = new List<(Op, BigInteger, BigInteger, BigInteger)>();
        var edges = new[] { BigInteger.Zero, BigInteger.One, new BigInteger(2), new BigInteger(3), Max - 1, Max - 2, Max >> 1, (Max >> 1) - 1, BigInteger.One << 64, (BigInteger.One << 128) - 1 };
        foreach (var op in new[] { Op.Mod, Op.AddMod, Op.MulMod, Op.Mul, Op.Div })
            foreach (var a in edges)
                foreach (var b in edges)
                    foreach (var n in op is Op.AddMod or Op.MulMod ? edges : [BigInteger.Zero])
                        list.Add((op, a, b, n));
        for (int i = 0; i < 400; i++)
        {
            var op = (Op)(i % 7);
            var a = Random(rng, rng.Next(1, 257));
            var b = Random(rng, op == Op.Exp ? rng.Next(0, 40) : rng.Next(1, 257));
            var n = Random(rng, rng.Next(1, 257));
            if (i % 11 == 0)
                n = Max - 1 - Random(rng, 8); // moduli next to 2^256
            list.Add((op, a, b, n));
        }
        for (int len = 0; len <= 32; len++) // every length of u256_from_be, at every offset mod 8
            list.Add((Op.FromBe, (Random(rng, 256) >> 8 << 8) + len % 8, Random(rng, 256), (Random(rng, 256) >> 8 << 8) + len));
        foreach (var e in new[] { 0, 1, 2, 255, 256 })
            list.Add((Op.Exp, new BigInteger(3), e, 0));
        list.Add((Op.Exp, Max - 1, Max - 1, 0));
        return list;
    }

    [Fact]
    public void Guest_arithmetic_equals_BigInteger_on_both_engines()
    {
        var cases = Cases();
        var input = new List<byte>();
        var expected = new List<byte>();
        foreach (var (op, a, b, n) in cases)
        {
            byte[] record = [.. Be32(a), .. Be32(b), .. Be32(n)];
            input.Add((byte)op);
            input.AddRange(record);
            expected.AddRange(Be32(Expected(op, a, b, n, record)));
        }
        var program = GuestProgram.FromElf(GuestTests.Elf("u256ops"));
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var machine = new Prover.Core.Machine.Machine(program, [.. input], new MachineOptions { Engine = engine, JitThreshold = 1 });
            var result = machine.Run();
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(expected.Count, result.CommittedOutput.Length);
            for (int i = 0; i < cases.Count; i++)
                Assert.True(expected.Skip(32 * i).Take(32).SequenceEqual(result.CommittedOutput.Skip(32 * i).Take(32)),
                    $"case {i}: {cases[i].Op}({cases[i].A:x}, {cases[i].B:x}, {cases[i].N:x})");
        }
    }
}
