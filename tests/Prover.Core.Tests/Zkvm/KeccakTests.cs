using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Keccak;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Stark;
using static Prover.Core.Tests.Machine.Asm;

namespace Prover.Core.Tests.Zkvm;

/// <summary>Keccak-f[1600] reference, the KECCAK_PERMUTE syscall and the keccak chip (docs/zkvm.md, "Keccak chip").</summary>
public sealed class KeccakTests
{
    private const ulong CodeEnd = 0x1_1000;

    /// <summary>Keccak-256 (pad 0x01, rate 136) over the reference permutation: the test's own sponge.</summary>
    internal static byte[] Keccak256(ReadOnlySpan<byte> data)
    {
        var st = new ulong[25];
        var padded = new byte[(data.Length / 136 + 1) * 136];
        data.CopyTo(padded);
        padded[data.Length] ^= 0x01;
        padded[^1] ^= 0x80;
        for (int block = 0; block < padded.Length; block += 136)
        {
            for (int i = 0; i < 17; i++)
                st[i] ^= BitConverter.ToUInt64(padded, block + 8 * i);
            KeccakF1600.Permute(st);
        }
        var hash = new byte[32];
        for (int i = 0; i < 4; i++)
            BitConverter.TryWriteBytes(hash.AsSpan(8 * i), st[i]);
        return hash;
    }

    [Fact]
    public void Reference_permutation_of_the_zero_state_matches_the_known_answer()
    {
        var st = new ulong[25];
        KeccakF1600.Permute(st);
        // Keccak team's KeccakF-1600 intermediate values, zero input: first four lanes of the output.
        Assert.Equal([0xF1258F7940E1DDE7UL, 0x84D5CCF933C0478AUL, 0xD598261EA65AA9EEUL, 0xBD1547306F80494DUL], st[..4]);
    }

    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    public void Reference_sponge_gives_the_keccak256_vectors(string text, string hex) =>
        Assert.Equal(hex, Convert.ToHexStringLower(Keccak256(System.Text.Encoding.ASCII.GetBytes(text))));

    private static uint[] Li(int rd, int value) => [Lui(rd, (value + 0x800) & unchecked((int)0xFFFFF000)), Addiw(rd, rd, value << 20 >> 20)];

    private static uint[] Permute(ulong pointer) => [.. Li(10, (int)pointer), .. Li(17, (int)Syscall.KeccakPermute), Ecall];

    [Fact]
    public void Syscall_permutes_the_state_in_place_in_every_engine_and_records_the_event()
    {
        var rng = new Random(15);
        var pre = Enumerable.Range(0, 25).Select(_ => (ulong)rng.NextInt64()).ToArray();
        var expected = (ulong[])pre.Clone();
        KeccakF1600.Permute(expected);
        KeccakF1600.Permute(expected);
        var bytes = new byte[200];
        for (int i = 0; i < 25; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(8 * i), pre[i]);
        // Two permutations, then a load of lane 1 so that a later access chains on the syscall's write.
        var o = Emu.Run([.. Permute(Emu.Data), .. Permute(Emu.Data), Addi(20, 10, 0), .. Li(21, (int)Emu.Data), Ld(22, 21, 8)],
            m => m.WriteMemory(Emu.Data, bytes));
        Assert.Equal(0UL, o[20]);
        Assert.Equal(expected[1], o[22]);
        Assert.Equal(expected[0], BitConverter.ToUInt64(o.Data, 0));
        var events = o.Shards.SelectMany(s => s.KeccakPermutes).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(pre, events[0].Pre);
        Assert.Equal(events[0].Post, events[1].Pre);
        Assert.Equal(expected, events[1].Post);
        Assert.All(events[0].PrevClk, c => Assert.Equal(0L, c));
        Assert.All(events[1].PrevClk, c => Assert.Equal(events[0].Clk, c));
        var accesses = o.Shards.SelectMany(s => s.MemoryAccesses).Where(a => a.Timestamp == events[1].Clk).ToList();
        Assert.Equal(25, accesses.Count);
        Assert.Equal(expected, accesses.Select(a => a.Value));
    }

    [Theory]
    [InlineData(Emu.Data + 4)] // not 8-aligned
    [InlineData(0x1_0000)] // in the code
    [InlineData(MemoryMap.RamEnd - 192)] // runs past the end of RAM
    [InlineData(MemoryMap.InputBase)] // the read-only input
    public void Bad_state_pointer_faults(ulong pointer)
    {
        var e = Emu.Fault(Permute(pointer));
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
        Assert.Contains("keccak_permute", e.Message, StringComparison.Ordinal);
    }

    private static List<KeccakPermuteEvent> Events(int count, int seed = 1)
    {
        var rng = new Random(seed);
        var list = new List<KeccakPermuteEvent>();
        for (int p = 0; p < count; p++)
        {
            var pre = Enumerable.Range(0, 25).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63)).ToArray();
            var post = (ulong[])pre.Clone();
            KeccakF1600.Permute(post);
            long clk = 70_000 + 10 * p;
            list.Add(new KeccakPermuteEvent(clk, 0x20_0000 + 0x100 * (ulong)p, pre, post, [.. Enumerable.Range(0, 25).Select(i => i % 3 == 0 ? 0L : clk - 1 - i)]));
        }
        return list;
    }

    private static readonly KeccakAir<KoalaBear> Air = new(CodeEnd);

    private static RowMajorMatrix<KoalaBear> Trace(List<KeccakPermuteEvent> events) => KeccakTrace.Generate<KoalaBear>(events, CodeEnd, new LookupCounts());

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Honest_trace_satisfies_the_air_and_its_export_rows_carry_input_and_output(int count)
    {
        var events = Events(count);
        var trace = Trace(events);
        Assert.Equal(KeccakTrace.Height(count), trace.Height);
        Assert.Null(AirChecker.FindViolation(Air, trace, []));
        for (int p = 0; p < count; p++)
        {
            int row = 24 * p + 23;
            Assert.Equal(KoalaBear.One, trace[row, KeccakCols.Export]);
            for (int lane = 0; lane < 25; lane++)
            {
                Assert.Equal(events[p].Pre[lane], LaneOf(trace, row, KeccakCols.PreimageLimb(lane, 0)));
                int output = lane == 0 ? KeccakCols.APrimePrimePrime00 : KeccakCols.APrimePrimeLimb(lane, 0);
                Assert.Equal(events[p].Post[lane], LaneOf(trace, row, output));
            }
        }
        Assert.Equal(count, Enumerable.Range(0, trace.Height).Count(r => trace[r, KeccakCols.Export] == KoalaBear.One));
    }

    private static ulong LaneOf(RowMajorMatrix<KoalaBear> trace, int row, int offset)
    {
        ulong v = 0;
        for (int k = 0; k < 4; k++)
            v |= (ulong)trace[row, offset + k].ToCanonical() << (16 * k);
        return v;
    }

    [Fact]
    public void Generator_refuses_a_wrong_post_state_and_a_bad_pointer()
    {
        var events = Events(1);
        events[0].Post[3] ^= 1;
        Assert.Throws<ArgumentException>(() => Trace(events));
        var misaligned = Events(1)[0] with { Pointer = 0x20_0004 };
        Assert.Throws<ArgumentException>(() => Trace([misaligned]));
        var inCode = Events(1)[0] with { Pointer = 0x1_0000 };
        Assert.Throws<ArgumentException>(() => Trace([inCode]));
    }

    public static readonly TheoryData<string> Forgeries = new()
    {
        "output lane", "output lane 0 (iota)", "theta parity", "round constant", "row order", "export on a middle row", "preimage changed mid-permutation",
        "step flag moved",
    };

    /// <summary>Cheating traces: each must break a constraint of the AIR.</summary>
    [Theory]
    [MemberData(nameof(Forgeries))]
    public void Forged_trace_is_rejected_by_the_air(string forgery)
    {
        var trace = Trace(Events(2));
        int last = 24 + 23;
        switch (forgery)
        {
            case "output lane":
                trace[last, KeccakCols.APrimePrimeLimb(7, 2)] += KoalaBear.One;
                break;
            case "output lane 0 (iota)":
                trace[last, KeccakCols.APrimePrimePrime00] += KoalaBear.One;
                break;
            case "theta parity":
                // Flip C[2] bit 5 and every dependent C' bit consistently would still break the parity check; flipping
                // C alone breaks C' at once.
                trace[30, KeccakCols.CBit(2, 5)] = KoalaBear.One - trace[30, KeccakCols.CBit(2, 5)];
                break;
            case "round constant":
                // Round 3's constant applied on round 4's row: the ι output changes by RC[3] ⊕ RC[4].
                {
                    ulong v = LaneOf(trace, 28, KeccakCols.APrimePrimePrime00) ^ KeccakF1600.RoundConstants[4] ^ KeccakF1600.RoundConstants[3];
                    for (int k = 0; k < 4; k++)
                        trace[28, KeccakCols.APrimePrimePrime00 + k] = KoalaBear.FromUInt64(Word.Limb(v, k));
                }
                break;
            case "row order":
                {
                    var a = trace.Row(30).ToArray();
                    trace.Row(31).CopyTo(trace.Row(30));
                    a.CopyTo(trace.Row(31));
                }
                break;
            case "export on a middle row":
                trace[30, KeccakCols.Export] = KoalaBear.One;
                break;
            case "preimage changed mid-permutation":
                for (int r = 36; r < 48; r++)
                    trace[r, KeccakCols.PreimageLimb(4, 1)] += KoalaBear.One;
                break;
            case "step flag moved":
                trace[30, KeccakCols.StepFlags + 6] = KoalaBear.Zero;
                trace[30, KeccakCols.StepFlags + 7] = KoalaBear.One;
                break;
        }
        Assert.NotNull(AirChecker.FindViolation(Air, trace, []));
    }

    [Theory]
    [InlineData("honest")]
    [InlineData("result")]
    [InlineData("pointer high limb")]
    [InlineData("number")]
    public void Syscall_chip_row_of_keccak_permute(string forgery)
    {
        var e = new SyscallEvent(0x10100, 500, Syscall.KeccakPermute, 0x20_0000, 0, 0, 0);
        var trace = SyscallTrace.Generate<KoalaBear>([new SyscallRow(e, default, default)], 0, new LookupCounts(), out var publics);
        Assert.Equal(KoalaBear.One, trace[0, SyscallCols.IsKeccak]);
        switch (forgery)
        {
            case "result": trace[0, SyscallCols.Result] = KoalaBear.One; break;
            case "pointer high limb": trace[0, SyscallCols.A0 + 2] = KoalaBear.One; break;
            case "number": trace[0, SyscallCols.A7] += KoalaBear.One; break;
        }
        var violation = AirChecker.FindViolation(new SyscallAir<KoalaBear>(), trace, publics);
        if (forgery == "honest")
            Assert.Null(violation);
        else
            Assert.NotNull(violation);
    }

    [Fact]
    public void Every_interaction_multiplicity_is_bounded()
    {
        var compiled = new CompiledAir<KoalaBear>(Air);
        Assert.DoesNotContain(compiled.MultiplicityBounds, b => b is null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(300)]
    public void Guest_sponge_through_the_syscall_equals_the_reference(int length)
    {
        var input = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
        using var m = Prover.Core.Machine.Machine.FromElf(GuestTests.Elf("keccak"), input);
        var r = m.Run();
        Assert.Equal(0, r.ExitCode);
        var zero = new ulong[25];
        KeccakF1600.Permute(zero);
        var expected = Keccak256(input).Concat(zero.SelectMany(BitConverter.GetBytes)).ToArray();
        Assert.Equal(expected, r.CommittedOutput);
    }
}

/// <summary>Whole zkVM proofs of the keccak guest with the keccak table (or its syscall row) tampered: all rejected.</summary>
public sealed class KeccakCheatingProverTests
{
    private static readonly byte[] Input = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];

    private static ZkvmVerification ProveTampered(Action<RowMajorMatrix<KoalaBear>?[]> tamper)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        var options = new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 22, Tamper = (_, t, _) => tamper(t) };
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(options).Prove(program, Input);
        return new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes());
    }

    private static int ExportRow(RowMajorMatrix<KoalaBear> keccak, int which = 0)
    {
        for (int r = 0; r < keccak.Height; r++)
            if (keccak[r, KeccakCols.Export] == KoalaBear.One && which-- == 0)
                return r;
        throw new InvalidOperationException("no export row");
    }

    [Fact]
    public void Untampered_keccak_statement_verifies() => Assert.True(ProveTampered(_ => { }).IsValid);

    [Fact]
    public void Keccak_calls_spread_over_shards_prove_and_verify()
    {
        // 2^10-cycle shards: the sponge's permutations fall into different shards and their lanes chain through the memory
        // argument across shards (the state on the stack was written in one shard and permuted in another).
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        byte[] input = [.. Enumerable.Range(0, 700).Select(i => (byte)(i * 13))];
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 10 });
        var proof = prover.Prove(program, input);
        Assert.True(proof.Shards.Count > 3);
        var result = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes());
        Assert.True(result.IsValid);
        Assert.Equal(KeccakTests.Keccak256(input), proof.Output[..32]);
    }

    [Fact]
    public void Keccak_table_left_out_of_a_shard_with_calls_is_rejected() =>
        // The registry lets a shard omit the keccak table (WhenUsed); with KECCAK_PERMUTE rows in the syscall table their
        // requests and the lanes' memory accesses have no counterpart.
        Assert.False(ProveTampered(t => t[ZkvmTable.Keccak] = null).IsValid);

    [Fact]
    public void Hello_has_no_keccak_table()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 22 })
            .Prove(program, []);
        Assert.True(ZkvmTable.Keccak < Prover.Core.Zkvm.Chips.ZkvmChips.Count);
        Assert.False(proof.ShardChips[0].Contains(ZkvmTable.Keccak));
    }

    [Fact]
    public void Shard_jobs_give_the_single_process_proof_bytes()
    {
        // The distributed path (planner, worker re-execution, assembly) with keccak calls in several shards: workers
        // re-execute their shard from its resume state, so the events' previous timestamps and the lanes' boundary values
        // must come out as in one process.
        var program = ZkvmProgram.FromElf(GuestTests.Elf("keccak"));
        byte[] input = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 5))];
        // 2^10-cycle shards: the lane-wise sponge (guest) absorbs 300 bytes in few enough cycles that 2^11 gave two shards.
        var options = new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 10 };
        var (reference, report) = ZkvmProofs.Prove(program, input, options);
        Assert.True(report.Shards > 2, $"{report.Shards} shards");
        var plan = ZkvmShardPlanner.Plan(program, input, 1L << 10);
        var jobs = plan.Jobs.Select(j => ZkvmShardJob.Parse(j.ToBytes())).ToArray();
        var worker = new ZkvmShardWorker();
        var commitments = jobs.Select(j => worker.Commit(program, input, j, options.Config)).ToArray();
        var assembly = new ZkvmShardAssembly(program, options.Config, plan, input);
        var challenges = assembly.Challenges(commitments);
        var proofs = jobs.Select(j => worker.Prove(program, input, j, options.Config, challenges[j.Index])).ToArray();
        var (file, _) = assembly.Assemble(proofs, challenges, []);
        Assert.Equal(reference, file);
    }

    [Fact]
    public void Forged_previous_timestamp_is_rejected() =>
        Assert.False(ProveTampered(t => t[ZkvmTable.Keccak]![ExportRow(t[ZkvmTable.Keccak]!), KeccakCols.PrevTsLo(4)] += KoalaBear.One).IsValid);

    [Fact]
    public void Forged_output_lane_is_rejected() =>
        Assert.False(ProveTampered(t => t[ZkvmTable.Keccak]![ExportRow(t[ZkvmTable.Keccak]!), KeccakCols.APrimePrimeLimb(3, 0)] += KoalaBear.One).IsValid);

    [Fact]
    public void Skipped_permutation_is_rejected() =>
        // The export flag cleared: the table's constraints still hold, but the syscall row's request and the 25 accesses go unmatched.
        Assert.False(ProveTampered(t => t[ZkvmTable.Keccak]![ExportRow(t[ZkvmTable.Keccak]!, 1), KeccakCols.Export] = KoalaBear.Zero).IsValid);

    [Fact]
    public void Syscall_row_without_a_keccak_selector_is_rejected() =>
        Assert.False(ProveTampered(t =>
        {
            var sys = t[ZkvmTable.Syscall]!;
            for (int r = 0; r < sys.Height; r++)
                if (sys[r, SyscallCols.IsKeccak] == KoalaBear.One)
                {
                    sys[r, SyscallCols.IsKeccak] = KoalaBear.Zero;
                    return;
                }
        }).IsValid);

    [Fact]
    public void State_read_from_another_address_is_rejected() =>
        // Key and pointer moved together by one double word (all in-chip constraints hold): the request no longer matches the syscall's a0.
        Assert.False(ProveTampered(t =>
        {
            var k = t[ZkvmTable.Keccak]!;
            int row = ExportRow(k);
            k[row, KeccakCols.KeyBase] += KoalaBear.One;
            k[row, KeccakCols.PtrLo] += KoalaBear.FromUInt64(8);
            k[row, KeccakCols.Low0] += KoalaBear.One;
            k[row, KeccakCols.High0] -= KoalaBear.One;
        }).IsValid);

    [Fact]
    public void Wrong_round_order_is_rejected() =>
        Assert.False(ProveTampered(t =>
        {
            var k = t[ZkvmTable.Keccak]!;
            var a = k.Row(5).ToArray();
            k.Row(6).CopyTo(k.Row(5));
            a.CopyTo(k.Row(6));
        }).IsValid);
}
