using Prover.Core.Field;
using Prover.Core.Stark;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Hash;

namespace Prover.Core.Tests.Zkvm;

/// <summary>
/// End-to-end execution proofs: the test guests run, every chip's trace is built, all shards are proved
/// with shared challenges and the verifier accepts exactly the true claims (program, input, output, exit
/// code, cycles). A small query count keeps these fast: they test the statement, not FRI.
/// </summary>
public sealed class ZkvmProverTests
{
    private static readonly StarkConfig Config = ZkvmProving.Config;

    private static readonly Dictionary<(string, long), (ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Proof)> Cache = [];

    /// <summary>One proof per (guest, shard size), shared by the tests (proving dominates their time).</summary>
    private static (ZkvmProgram Program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> Proof) Proved(string guest, long shardSize = 1L << 22, byte[]? input = null)
    {
        lock (Cache)
        {
            if (input is null && Cache.TryGetValue((guest, shardSize), out var hit))
                return hit;
            var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
            var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = Config, ShardSize = shardSize, CheckConstraints = true })
                .Prove(program, input ?? []);
            if (input is null)
                Cache[(guest, shardSize)] = (program, proof);
            return (program, proof);
        }
    }

    private static ZkvmVerification Verify(ZkvmProgram program, ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> proof) =>
        new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program).Verify(proof.ToBytes());

    private static ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> With(ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>> p, byte[]? output = null, int? exitCode = null, byte[]? input = null,
        long? cycles = null, IReadOnlyList<StarkProof<KoalaBearParameters, ExtensionField<KoalaBear, KoalaBearQuartic>, Digest<KoalaBearParameters>>>? shards = null,
        ulong? inputSize = null, IReadOnlyList<ChipSet>? chips = null) => new()
    {
        ProgramDigest = p.ProgramDigest,
        ExitCode = exitCode ?? p.ExitCode,
        Cycles = cycles ?? p.Cycles,
        InputSize = inputSize ?? (input is null ? p.InputSize : (ulong)input.Length),
        InputCommitment = input is null ? p.InputCommitment : Prover.Core.Zkvm.Input.InputCommitment.Compute(input),
        Output = output ?? p.Output,
        // Each shard keeps its own chip set (a shard from elsewhere takes the first shard's).
        ShardChips = chips ?? (shards is null ? p.ShardChips : [.. shards.Select(x => p.Shards.ToList().IndexOf(x) is var i && i >= 0 ? p.ShardChips[i] : p.ShardChips[0])]),
        Shards = shards ?? p.Shards,
    };

    [Theory]
    [InlineData("hello", 0)]
    [InlineData("misaligned", 0)]
    [InlineData("abort", 134)]
    [InlineData("keccak", 0)]
    [InlineData("sha256", 0)]
    public void Test_guest_proves_and_verifies_with_its_output_and_exit_code(string guest, int exitCode)
    {
        var (program, proof) = Proved(guest);
        using var machine = new Prover.Core.Machine.Machine(program.Program);
        var run = machine.Run();
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(exitCode == 0, result.ProvesSuccess);
        Assert.Equal(run.CommittedOutput, result.Output);
        Assert.Equal(run.Cycles, result.Cycles);
        Assert.Single(proof.Shards);
    }

    [Fact]
    public void Multi_shard_execution_chains_through_shared_challenges()
    {
        var (program, proof) = Proved("misaligned", shardSize: 1 << 9);
        Assert.True(proof.Shards.Count >= 3);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(Proved("misaligned").Proof.Output, result.Output);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    public void Private_input_is_committed_and_bound_into_the_initial_memory(int length)
    {
        // hello echoes its input after its greeting: the output proves what memory held, and the proof
        // carries only the input's size and Poseidon2 commitment.
        var input = Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();
        var (program, proof) = Proved("hello", input: input);
        var result = Verify(program, proof);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal([.. "hello, zkvm\n"u8, .. input], result.Output!);
        Assert.Equal((ulong)length, result.InputSize);
        Assert.Equal(Prover.Core.Zkvm.Input.InputCommitment.Compute(input), result.InputCommitment);
        if (length >= 16) // the proof file carries the output (which echoes the input here), not the input field
            Assert.Equal(1, CountOccurrences(proof.ToBytes(), input));
        // Another input's commitment, or another size, is another statement.
        Assert.False(Verify(program, With(proof, input: [.. input, 1])).IsValid);
        Assert.False(Verify(program, With(proof, input: "other"u8.ToArray())).IsValid);
        Assert.False(Verify(program, With(proof, inputSize: (ulong)length + 8)).IsValid);
    }

    private static int CountOccurrences(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int i = haystack.AsSpan().IndexOf(needle); i >= 0; i = haystack.AsSpan(i + 1).IndexOf(needle) is var j and >= 0 ? i + 1 + j : -1)
            count++;
        return count;
    }

    [Fact]
    public void Input_commitment_separates_lengths_and_contents()
    {
        Func<byte[], KoalaBear[]> c = x => Prover.Core.Zkvm.Input.InputCommitment.Compute(x);
        Assert.NotEqual(c([]), c([0]));
        Assert.NotEqual(c([0]), c([0, 0]));
        Assert.NotEqual(c(new byte[16]), c(new byte[17]));
        Assert.NotEqual(c([1, 2, 3]), c([1, 2, 4]));
        Assert.Equal(c([9, 8, 7]), c([9, 8, 7]));
    }

    [Fact]
    public void False_claims_are_rejected()
    {
        var (program, proof) = Proved("hello");
        var output = proof.Output.ToArray();
        output[0] ^= 1;
        Assert.False(Verify(program, With(proof, output: output)).IsValid);                 // forged output byte
        Assert.False(Verify(program, With(proof, output: proof.Output[..^1])).IsValid);     // truncated output
        Assert.False(Verify(program, With(proof, output: [.. proof.Output, 0])).IsValid);   // extended output
        Assert.False(Verify(program, With(proof, exitCode: 1)).IsValid);                    // failure claimed as ...
        var (abortProgram, abortProof) = Proved("abort");
        Assert.False(Verify(abortProgram, With(abortProof, exitCode: 0)).IsValid);          // ... and success claimed for a failure
        Assert.False(Verify(program, With(proof, cycles: proof.Cycles - 1)).IsValid);
    }

    [Fact]
    public void Proof_of_another_program_is_rejected()
    {
        var (_, proof) = Proved("hello");
        var other = ZkvmProgram.FromElf(GuestTests.Elf("misaligned"));
        Assert.False(Verify(other, proof).IsValid);
        // Even when the digest is made to match, the shard proofs do not verify against the other program.
        var forged = new ZkvmProof<KoalaBearQuartic, Digest<KoalaBearParameters>>
        {
            ProgramDigest = other.Digest, ExitCode = proof.ExitCode, Cycles = proof.Cycles, InputSize = proof.InputSize, InputCommitment = proof.InputCommitment,
            Output = proof.Output, ShardChips = proof.ShardChips, Shards = proof.Shards,
        };
        Assert.False(Verify(other, forged).IsValid);
    }

    [Fact]
    public void Broken_shard_chaining_is_rejected()
    {
        var (program, proof) = Proved("misaligned", shardSize: 1 << 9);
        var shards = proof.Shards;
        // A shard dropped, two swapped, one repeated: the CPU boundaries no longer chain (or the table shapes differ).
        Assert.False(Verify(program, With(proof, shards: [shards[0], .. shards.Skip(2)])).IsValid);
        Assert.False(Verify(program, With(proof, shards: [shards[1], shards[0], .. shards.Skip(2)])).IsValid);
        Assert.False(Verify(program, With(proof, shards: [shards[0], shards[0], .. shards.Skip(2)])).IsValid);
        // The last shard alone: it does not start at the entry point.
        Assert.False(Verify(program, With(proof, shards: [shards[^1]])).IsValid);
    }

    [Fact]
    public void Tampered_proof_bytes_are_rejected_without_exceptions()
    {
        var (program, proof) = Proved("hello");
        var bytes = proof.ToBytes();
        var verifier = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program);
        Assert.True(verifier.Verify(bytes).IsValid);
        var rng = new Random(7);
        for (int i = 0; i < 24; i++)
        {
            var copy = bytes.ToArray();
            int at = i < 8 ? rng.Next(0, 200) : rng.Next(copy.Length);
            copy[at] ^= (byte)(1 << rng.Next(8));
            Assert.False(verifier.Verify(copy).IsValid, $"flip at byte {at}");
        }
        foreach (int cut in new[] { 0, 3, 10, 50, bytes.Length / 2, bytes.Length - 1 })
            Assert.False(verifier.Verify(bytes.AsSpan(0, cut)).IsValid);
        Assert.False(verifier.Verify([.. bytes, 0]).IsValid);
    }

    [Fact]
    public void Proof_file_round_trip_through_the_envelope()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var (file, report) = ZkvmProofs.Prove(program, [], StarkConfig.Development.Name, 1 << 12);
        Assert.True(ZkvmProofs.IsExecutionProof(file));
        Assert.Equal(program.Digest, ZkvmProofs.ProgramDigest(file));
        // A development proof is refused under the default policy (it names its configuration, it does not choose its level).
        var strict = ZkvmProofs.Verify(program, file);
        Assert.False(strict.Result.IsValid);
        Assert.Contains("insecure proof", strict.Result.Error);
        var check = ZkvmProofs.Verify(program, file, policy: VerificationPolicy.Insecure);
        Assert.True(check.Result.ProvesSuccess, check.Result.Error);
        Assert.Equal(report.Cycles, check.Result.Cycles);
        Assert.Equal(file.Length, report.ProofBytes);
        Assert.True(check.AcceptedInsecure);
        Assert.Equal(report.ProvableBits, check.Security!.Provable);
    }
}

/// <summary>
/// A cheating prover: the real statement of a test guest with one trace cell (or row, or public value)
/// changed after generation, proved without the prover's own checks. Every such proof must be rejected.
/// </summary>
public sealed class ZkvmCheatingProverTests
{
    private static readonly StarkConfig Config = ZkvmProving.Config;

    private static ZkvmVerification ProveTampered(string guest, long shardSize, Action<int, Prover.Core.Matrix.RowMajorMatrix<KoalaBear>?[], KoalaBear[][]> tamper,
        byte[]? input = null)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf(guest));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = Config, ShardSize = shardSize, Tamper = tamper }).Prove(program, input ?? []);
        return new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(Config, program).Verify(proof.ToBytes());
    }

    private static void AssertRejected(Action<int, Prover.Core.Matrix.RowMajorMatrix<KoalaBear>?[], KoalaBear[][]> tamper, string guest = "hello", long shardSize = 1L << 22,
        byte[]? input = null)
    {
        var result = ProveTampered(guest, shardSize, tamper, input);
        Assert.False(result.IsValid, "a tampered statement verified");
    }

    private static int FirstRow(Prover.Core.Matrix.RowMajorMatrix<KoalaBear> m, Func<int, bool> pick)
    {
        for (int r = 0; r < m.Height; r++)
            if (pick(r))
                return r;
        throw new InvalidOperationException("no such row");
    }

    [Fact]
    public void Untampered_hook_still_verifies()
    {
        Assert.True(ProveTampered("hello", 1L << 22, (_, _, _) => { }).IsValid);
    }

    [Fact]
    public void Wrong_alu_result_is_rejected() =>
        AssertRejected((_, t, _) => t[ZkvmTable.AddSub]![0, Prover.Core.Zkvm.AddSub.AddSubCols.A] += KoalaBear.One);

    [Fact]
    public void Wrong_alu_result_consistently_in_cpu_and_chip_is_rejected() =>
        // The CPU writes the forged value to rd and the AddSub chip claims it: the chip's own constraints fail.
        AssertRejected((_, t, _) =>
        {
            var cpu = t[ZkvmTable.Cpu]!;
            var add = t[ZkvmTable.AddSub]!;
            int row = FirstRow(cpu, r => cpu[r, Prover.Core.Zkvm.Cpu.CpuCols.FlagColumn(Prover.Core.Zkvm.Program.InstructionFlags.Alu)] == KoalaBear.One
                && cpu[r, Prover.Core.Zkvm.Cpu.CpuCols.Opcode] == KoalaBear.FromUInt64((ulong)Prover.Core.Machine.Opcode.Addi));
            var a = cpu[row, Prover.Core.Zkvm.Cpu.CpuCols.AluA];
            int chipRow = FirstRow(add, r => add[r, Prover.Core.Zkvm.AddSub.AddSubCols.A] == a);
            cpu[row, Prover.Core.Zkvm.Cpu.CpuCols.AluA] += KoalaBear.One;
            cpu[row, Prover.Core.Zkvm.Cpu.CpuCols.RdVal] += KoalaBear.One;
            add[chipRow, Prover.Core.Zkvm.AddSub.AddSubCols.A] += KoalaBear.One;
        });

    [Fact]
    public void Wrong_loaded_value_is_rejected() =>
        AssertRejected((_, t, _) => t[ZkvmTable.LoadStore]![0, Prover.Core.Zkvm.LoadStore.LoadStoreCols.Value] += KoalaBear.One);

    [Fact]
    public void Wrong_memory_value_in_the_chain_is_rejected() =>
        // The old value of the first access (what memory held) changed: it no longer matches the previous produce.
        AssertRejected((_, t, _) => t[ZkvmTable.LoadStore]![0, Prover.Core.Zkvm.LoadStore.LoadStoreCols.Old] += KoalaBear.One);

    [Fact]
    public void Skipped_instruction_is_rejected() =>
        AssertRejected((_, t, _) =>
        {
            var cpu = t[ZkvmTable.Cpu]!;
            for (int r = 5; r < cpu.Height - 1; r++)
                cpu.Row(r + 1).CopyTo(cpu.Row(r));
            cpu.Row(cpu.Height - 1).Clear();
        });

    [Fact]
    public void Forged_committed_byte_is_rejected() =>
        // The commit row's x11 value (the byte) changed: memory and the claimed output no longer match it.
        AssertRejected((_, t, _) =>
        {
            var sys = t[ZkvmTable.Syscall]!;
            int row = FirstRow(sys, r => sys[r, Prover.Core.Zkvm.Syscall.SyscallCols.IsCommit] == KoalaBear.One);
            sys[row, Prover.Core.Zkvm.Syscall.SyscallCols.X11Prev] += KoalaBear.One;
            sys[row, Prover.Core.Zkvm.Syscall.SyscallCols.X11New] += KoalaBear.One;
        });

    [Fact]
    public void Initial_memory_not_matching_the_image_is_rejected() =>
        AssertRejected((_, t, _) =>
        {
            if (t[ZkvmTable.MemoryInit] is null)
                return;
            var init = t[ZkvmTable.MemoryInit]!;
            int row = FirstRow(init, r => init[r, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Bound] == KoalaBear.One);
            init[row, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Value] += KoalaBear.One;
        });

    [Fact]
    public void Unbinding_an_image_word_is_rejected() =>
        // Claim an image word is "not known" (so it would start at 0): its value must then be 0, and the verifier's send goes unmatched.
        AssertRejected((_, t, _) =>
        {
            if (t[ZkvmTable.MemoryInit] is null)
                return;
            var init = t[ZkvmTable.MemoryInit]!;
            int row = FirstRow(init, r => init[r, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Bound] == KoalaBear.One);
            init[row, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Bound] = KoalaBear.Zero;
            for (int k = 0; k < 4; k++)
                init[row, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Value + k] = KoalaBear.Zero;
        });

    [Fact]
    public void Broken_shard_boundary_is_rejected() =>
        // Shard 1 claims to start one instruction later than shard 0 ended.
        AssertRejected((s, t, p) =>
        {
            if (s != 1)
                return;
            var cpu = t[ZkvmTable.Cpu]!;
            cpu[0, Prover.Core.Zkvm.Cpu.CpuCols.PcLo] += KoalaBear.FromUInt64(4);
            p[ZkvmTable.Cpu][0] += KoalaBear.FromUInt64(4);
        }, "misaligned", 1 << 9);

    [Fact]
    public void Input_word_changed_in_memory_but_not_in_the_hash_is_rejected() =>
        // The guest would read another input than the committed one.
        AssertRejected((_, t, _) =>
        {
            if (t[ZkvmTable.MemoryInit] is null)
                return;
            var init = t[ZkvmTable.MemoryInit]!;
            int row = FirstRow(init, r => init[r, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.FromInput] == KoalaBear.One);
            init[row, Prover.Core.Zkvm.Memory.MemoryBoundaryCols.Value] += KoalaBear.One;
        }, input: [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    [Fact]
    public void Input_word_changed_in_the_hash_is_rejected() =>
        // The chip absorbs another word than it claims to commit: the permutation no longer matches its output.
        AssertRejected((_, t, _) =>
        {
            if (t[ZkvmTable.InputCommit] is null)
                return;
            t[ZkvmTable.InputCommit]![0, Prover.Core.Zkvm.Input.InputCommitCols.Permutation] += KoalaBear.One;
        }, input: [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    [Theory]
    [InlineData(Prover.Core.Zkvm.Tables.ByteTable<KoalaBear>.Range16Multiplicity, true)]
    [InlineData(Prover.Core.Zkvm.Tables.ByteTable<KoalaBear>.Range16Multiplicity, false)]
    [InlineData(Prover.Core.Zkvm.Tables.ByteTable<KoalaBear>.AndMultiplicity, true)]
    [InlineData(Prover.Core.Zkvm.Tables.ByteTable<KoalaBear>.AndMultiplicity, false)]
    public void Byte_table_multiplicity_tampered_is_rejected(int column, bool usedRow)
    {
        // One more receive of a true tuple (on a row the shard looks up, or on one it does not): nothing sends it, so the
        // buses cannot balance. In the middle shard of a multi-shard execution, whose table is proved like any other.
        int shards = 0;
        var result = ProveTampered("misaligned", 1 << 9, (s, t, _) =>
        {
            shards++;
            if (s != 1)
                return;
            var bytes = t[ZkvmTable.Bytes]!;
            int row = FirstRow(bytes, r => bytes[r, column].IsZero != usedRow);
            bytes[row, column] += KoalaBear.One;
        });
        Assert.True(shards >= 3);
        Assert.False(result.IsValid, "a tampered multiplicity verified");
        Assert.Contains("do not balance", result.Error);
    }

    [Fact]
    public void Byte_table_count_moved_to_another_row_is_rejected()
    {
        // The prover keeps every total and moves one Range16 receive from a looked-up value to its neighbour: the looked-up
        // value is then sent once more than received.
        var result = ProveTampered("hello", 1L << 22, (_, t, _) =>
        {
            var bytes = t[ZkvmTable.Bytes]!;
            const int R = Prover.Core.Zkvm.Tables.ByteTable<KoalaBear>.Range16Multiplicity;
            int row = FirstRow(bytes, r => !bytes[r, R].IsZero);
            bytes[row, R] -= KoalaBear.One;
            bytes[(row + 1) % bytes.Height, R] += KoalaBear.One;
        });
        Assert.False(result.IsValid, "a moved multiplicity verified");
        Assert.Contains("do not balance", result.Error);
    }

    [Fact]
    public void Load_store_input_size_other_than_the_input_is_rejected()
    {
        // The load/store chip bounds input loads by its public input size: a larger claim would let loads read past the
        // input's end (zeros the machine never had). The verifier pins the pieces to the proof's input length.
        var result = ProveTampered("hello", 1L << 22, (_, _, p) => p[ZkvmTable.LoadStore][Prover.Core.Zkvm.LoadStore.LoadStoreCols.PublicInputSizeLo] += KoalaBear.FromUInt64(16));
        Assert.False(result.IsValid, "a tampered load/store input size verified");
        Assert.Contains("load/store chip's input size", result.Error);
    }
}
