using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Machine;
using Prover.Core.Matrix;
using Prover.Core.Tests.Machine;
using Prover.Core.Zkvm;
using Prover.Core.Zkvm.Proving;
using Prover.Core.Zkvm.Sha256;
using Prover.Core.Zkvm.Syscall;
using Prover.Core.Zkvm.Tables;
using Prover.Core.Stark;
using static Prover.Core.Tests.Machine.Asm;
using S = Prover.Core.Zkvm.Sha256.Sha256Cols;

namespace Prover.Core.Tests.Zkvm;

/// <summary>The SHA-256 compression reference, the SHA256_COMPRESS syscall and the sha256 chip (docs/zkvm.md, "SHA-256 chip").</summary>
public sealed class Sha256Tests
{
    private const ulong CodeEnd = 0x1_1000;

    /// <summary>SHA-256 over the reference compression (FIPS 180-4 padding): the test's own hash.</summary>
    internal static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        var padded = new byte[(data.Length + 9 + 63) / 64 * 64];
        data.CopyTo(padded);
        padded[data.Length] = 0x80;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(padded.AsSpan(padded.Length - 8), (ulong)data.Length * 8);
        var h = Sha256Compression.InitialState.ToArray();
        for (int b = 0; b < padded.Length; b += 64)
            Sha256Compression.Compress(h, Words(padded.AsSpan(b, 64)));
        var digest = new byte[32];
        for (int i = 0; i < 8; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), h[i]);
        return digest;
    }

    /// <summary>The 16 big-endian message words of a 64-byte block.</summary>
    internal static uint[] Words(ReadOnlySpan<byte> block)
    {
        var w = new uint[16];
        for (int i = 0; i < 16; i++)
            w[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        return w;
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Reference_compression_gives_the_fips_180_4_vectors(string text, string hex) =>
        Assert.Equal(hex, Convert.ToHexStringLower(Sha256(System.Text.Encoding.ASCII.GetBytes(text))));

    [Fact]
    public void Reference_compression_matches_the_platform_sha256_on_random_messages()
    {
        var rng = new Random(256);
        foreach (int length in new[] { 1, 55, 56, 63, 64, 65, 119, 128, 1000 })
        {
            var data = new byte[length];
            rng.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256(data));
        }
    }

    private static uint[] Li(int rd, int value) => [Lui(rd, (value + 0x800) & unchecked((int)0xFFFFF000)), Addiw(rd, rd, value << 20 >> 20)];

    private static uint[] Compress(ulong state, ulong block) => [.. Li(10, (int)state), .. Li(11, (int)block), .. Li(17, (int)Syscall.Sha256Compress), Ecall];

    private const ulong BlockAt = Emu.Data + 0x100;

    private static byte[] Bytes(uint[] words) => [.. words.SelectMany(BitConverter.GetBytes)];

    [Fact]
    public void Syscall_compresses_the_state_in_place_in_every_engine_and_records_the_event()
    {
        var rng = new Random(15);
        var state = Enumerable.Range(0, 8).Select(_ => (uint)rng.NextInt64()).ToArray();
        var block = Enumerable.Range(0, 16).Select(_ => (uint)rng.NextInt64()).ToArray();
        var once = (uint[])state.Clone();
        Sha256Compression.Compress(once, block);
        var twice = (uint[])once.Clone();
        Sha256Compression.Compress(twice, block);
        // Two compressions, then a load of the state's double word 1 so that a later access chains on the syscall's write.
        var o = Emu.Run([.. Compress(Emu.Data, BlockAt), .. Compress(Emu.Data, BlockAt), Addi(20, 10, 0), .. Li(21, (int)Emu.Data), Ld(22, 21, 8)],
            m =>
            {
                m.WriteMemory(Emu.Data, Bytes(state));
                m.WriteMemory(BlockAt, Bytes(block));
            });
        Assert.Equal(0UL, o[20]);
        Assert.Equal(twice[2] | (ulong)twice[3] << 32, o[22]);
        Assert.Equal(Bytes(twice), o.Data[..32]);
        var events = o.Shards.SelectMany(s => s.Sha256Compresses).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(Emu.Data, events[0].StatePtr);
        Assert.Equal(BlockAt, events[0].BlockPtr);
        Assert.Equal(12, events[1].Accesses.Length);
        Assert.Equal(once[0] | (ulong)once[1] << 32, events[1].Accesses[0].PrevValue);
        Assert.Equal(twice[0] | (ulong)twice[1] << 32, events[1].Accesses[0].Value);
        Assert.All(events[1].Accesses[..4], a => Assert.Equal(events[0].Timestamp, a.PrevTimestamp));
        Assert.All(events[1].Accesses[4..], a => Assert.Equal(a.PrevValue, a.Value));
    }

    [Theory]
    [InlineData(Emu.Data + 4, BlockAt)] // state not 8-aligned
    [InlineData(Emu.Data, BlockAt + 4)] // block not 8-aligned
    [InlineData(0x1_0000, BlockAt)] // state in the code
    [InlineData(MemoryMap.RamEnd - 24, BlockAt)] // state runs past the end of RAM
    [InlineData(Emu.Data, MemoryMap.RamEnd - 56)] // block runs past the end of RAM
    [InlineData(Emu.Data, MemoryMap.InputBase)] // block in the input (not RAM)
    [InlineData(Emu.Data, Emu.Data + 0x18)] // overlap
    [InlineData(Emu.Data + 0x38, Emu.Data)] // overlap
    public void Bad_pointers_fault(ulong state, ulong block)
    {
        var e = Emu.Fault(Compress(state, block));
        Assert.Equal(MachineFault.BadSyscallArgument, e.Fault);
        Assert.Contains("sha256_compress", e.Message, StringComparison.Ordinal);
    }

    internal static List<Sha256CompressEvent> Events(int count, int seed = 1)
    {
        var rng = new Random(seed);
        var list = new List<Sha256CompressEvent>();
        for (int p = 0; p < count; p++)
        {
            var state = Enumerable.Range(0, 8).Select(_ => (uint)rng.NextInt64()).ToArray();
            var block = Enumerable.Range(0, 16).Select(_ => (uint)rng.NextInt64()).ToArray();
            if (p == 1)
                Array.Fill(block, uint.MaxValue); // every carry at its largest
            var output = (uint[])state.Clone();
            Sha256Compression.Compress(output, block);
            long clk = 70_000 + 10 * p;
            ulong statePtr = 0x20_0000 + 0x100 * (ulong)p, blockPtr = 0x30_0000 + 0x100 * (ulong)p;
            var accesses = new MemoryAccessEvent[12];
            for (int j = 0; j < 4; j++)
                accesses[j] = new MemoryAccessEvent(statePtr + 8 * (ulong)j, output[2 * j] | (ulong)output[2 * j + 1] << 32,
                    state[2 * j] | (ulong)state[2 * j + 1] << 32, clk, j % 2 == 0 ? 0 : clk - 1 - j);
            for (int j = 0; j < 8; j++)
            {
                ulong v = block[2 * j] | (ulong)block[2 * j + 1] << 32;
                accesses[4 + j] = new MemoryAccessEvent(blockPtr + 8 * (ulong)j, v, v, clk, clk - 7);
            }
            list.Add(new Sha256CompressEvent(clk, statePtr, blockPtr, accesses));
        }
        return list;
    }

    private static readonly Sha256Air<KoalaBear> Air = new(CodeEnd);

    private static RowMajorMatrix<KoalaBear> Trace(List<Sha256CompressEvent> events) => Sha256Trace.Generate<KoalaBear>(events, CodeEnd, new LookupCounts());

    private static uint WordOf(RowMajorMatrix<KoalaBear> trace, int row, int offset) =>
        trace[row, offset].ToCanonical() | trace[row, offset + 1].ToCanonical() << 16;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Honest_trace_satisfies_the_air_and_its_export_rows_carry_input_and_output(int count)
    {
        var events = Events(count);
        var trace = Trace(events);
        Assert.Equal(Sha256Trace.Height(count), trace.Height);
        Assert.Null(AirChecker.FindViolation(Air, trace, []));
        for (int p = 0; p < count; p++)
        {
            int row = 64 * p + 63;
            Assert.Equal(KoalaBear.One, trace[row, S.Export]);
            for (int i = 0; i < 8; i++)
            {
                ulong dword = events[p].Accesses[i / 2].Value;
                Assert.Equal((uint)(dword >> (32 * (i % 2))), WordOf(trace, row, S.OutLimb(i, 0)));
                Assert.Equal((uint)(events[p].Accesses[i / 2].PrevValue >> (32 * (i % 2))), WordOf(trace, row, S.HInLimb(i, 0)));
            }
        }
        Assert.Equal(count, Enumerable.Range(0, trace.Height).Count(r => trace[r, S.Export] == KoalaBear.One));
    }

    [Fact]
    public void Layout_is_computed_and_named()
    {
        Assert.Equal(S.Width, S.Layout.Width);
        Assert.Equal("Out[3]", S.Layout.NameOf(S.Out + 3));
        Assert.Equal(S.Width, Air.Width);
    }

    [Fact]
    public void Generator_refuses_a_wrong_output_and_bad_pointers()
    {
        var events = Events(1);
        var a = events[0].Accesses;
        a[2] = a[2] with { Value = a[2].Value ^ 1 };
        Assert.Throws<ArgumentException>(() => Trace(events));
        var misaligned = Events(1)[0] with { StatePtr = 0x20_0004 };
        Assert.Throws<ArgumentException>(() => Trace([misaligned]));
        var inCode = Events(1)[0];
        inCode = inCode with
        {
            StatePtr = 0x1_0000,
            Accesses = [.. inCode.Accesses.Select((x, j) => j < 4 ? x with { Address = 0x1_0000 + 8 * (ulong)j } : x)],
        };
        Assert.Throws<ArgumentException>(() => Trace([inCode]));
    }

    public static readonly TheoryData<string> Forgeries = new()
    {
        "output word", "output carry", "new a", "new e", "schedule word", "round constant", "row order", "export on a middle row",
        "input state changed mid-compression", "block changed mid-compression", "step flag moved", "working variable bit", "window shifted wrong",
        "first row not the input state",
    };

    /// <summary>Cheating traces: each must break a constraint of the AIR.</summary>
    [Theory]
    [MemberData(nameof(Forgeries))]
    public void Forged_trace_is_rejected_by_the_air(string forgery)
    {
        var trace = Trace(Events(2));
        int last = 64 + 63;
        switch (forgery)
        {
            case "output word":
                trace[last, S.OutLimb(5, 1)] += KoalaBear.One;
                break;
            case "output carry":
                // Out_lo − 2^16 with the carry set: the limb equation holds, the Range16 check is what rejects it; the AIR
                // sees the next limb's equation break (the carry feeds it).
                trace[last, S.OutCarry + 4] = KoalaBear.One - trace[last, S.OutCarry + 4];
                break;
            case "new a":
                trace[70, S.NewA] += KoalaBear.One;
                break;
            case "new e":
                trace[70, S.NewE + 1] += KoalaBear.One;
                break;
            case "schedule word":
                trace[80, S.NewW] += KoalaBear.One;
                break;
            case "round constant":
                // Round 5's new a with round 6's constant: the limb sums no longer match.
                {
                    uint k5 = Sha256Compression.K[5], k6 = Sha256Compression.K[6];
                    uint na = WordOf(trace, 69, S.NewA) - k5 + k6;
                    trace[69, S.NewA] = KoalaBear.FromUInt64(na & 0xFFFF);
                    trace[69, S.NewA + 1] = KoalaBear.FromUInt64(na >> 16);
                }
                break;
            case "row order":
                {
                    var a = trace.Row(70).ToArray();
                    trace.Row(71).CopyTo(trace.Row(70));
                    a.CopyTo(trace.Row(71));
                }
                break;
            case "export on a middle row":
                trace[70, S.Export] = KoalaBear.One;
                break;
            case "input state changed mid-compression":
                for (int r = 100; r < 128; r++)
                    trace[r, S.HInLimb(4, 1)] += KoalaBear.One;
                break;
            case "block changed mid-compression":
                for (int r = 100; r < 128; r++)
                    trace[r, S.BlockLimb(3, 0)] += KoalaBear.One;
                break;
            case "step flag moved":
                trace[70, S.StepLo + 6] = KoalaBear.Zero;
                trace[70, S.StepLo + 7] = KoalaBear.One;
                break;
            case "working variable bit":
                trace[70, S.E + 9] = KoalaBear.One - trace[70, S.E + 9];
                break;
            case "window shifted wrong":
                trace[70, S.WindowLimb(5, 0)] += KoalaBear.One;
                break;
            case "first row not the input state":
                trace[64, S.H] += KoalaBear.One;
                break;
        }
        Assert.NotNull(AirChecker.FindViolation(Air, trace, []));
    }

    [Theory]
    [InlineData("honest")]
    [InlineData("result")]
    [InlineData("block pointer kept")]
    [InlineData("number")]
    public void Syscall_chip_row_of_sha256_compress(string forgery)
    {
        var e = new SyscallEvent(0x10100, 500, Syscall.Sha256Compress, 0x20_0000, 0x30_0000, 0, 0);
        var trace = SyscallTrace.Generate<KoalaBear>([new SyscallRow(e, new RegisterWitness(0x30_0000, 4 * 400 + 2), default)], 0,
            new LookupCounts(), out var publics);
        Assert.Equal(KoalaBear.One, trace[0, SyscallCols.IsSha256Compress]);
        switch (forgery)
        {
            case "result": trace[0, SyscallCols.Result] = KoalaBear.One; break;
            case "block pointer kept": trace[0, SyscallCols.X11New + 1] += KoalaBear.One; break;
            case "number": trace[0, SyscallCols.A7] += KoalaBear.One; break;
        }
        var violation = AirChecker.FindViolation(new SyscallAir<KoalaBear>(), trace, publics);
        if (forgery == "honest")
            Assert.Null(violation);
        else
            Assert.NotNull(violation);
    }

    [Fact]
    public void Every_interaction_multiplicity_is_bounded_and_the_degree_is_three()
    {
        var compiled = new CompiledAir<KoalaBear>(Air);
        Assert.DoesNotContain(compiled.MultiplicityBounds, b => b is null);
        Assert.Equal(3, compiled.MaxConstraintDegree);
        // 12 memory accesses × (consume, produce, 3 timestamp lookups), 16 output limbs, 2 keys, 4 bounds × 2, the call.
        Assert.Equal(87, compiled.Interactions.Count);
        // The cells docs/benchmarks.md counts per compression: 64 rows × (501 main + 45 LogUp extension columns) before STARK
        // format 7; since then 44 (44 groups, the cyclic running sum in place of the last group's column).
        Assert.Equal(44, compiled.LogUpColumns);
        Assert.Equal(501, S.Width);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(119)]
    [InlineData(300)]
    public void Guest_sha256_through_the_syscall_equals_the_platform_sha256(int length)
    {
        var input = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var m = Prover.Core.Machine.Machine.FromElf(GuestTests.Elf("sha256"), input, new MachineOptions { Engine = engine, JitThreshold = 1 });
            var r = m.Run();
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(Expected(input), r.CommittedOutput);
        }
    }

    /// <summary>The sha256 guest's output: SHA-256(input), SHA-256(digest ‖ digest), compress(H^(0), W_t = t).</summary>
    internal static byte[] Expected(byte[] input)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(input);
        var pair = System.Security.Cryptography.SHA256.HashData([.. digest, .. digest]);
        var h = Sha256Compression.InitialState.ToArray();
        Sha256Compression.Compress(h, [.. Enumerable.Range(0, 16).Select(t => (uint)t)]);
        var raw = new byte[32];
        for (int i = 0; i < 8; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(4 * i), h[i]);
        return [.. digest, .. pair, .. raw];
    }
}

/// <summary>Whole zkVM proofs of the sha256 guest with the sha256 table (or its syscall row) tampered: all rejected.</summary>
public sealed class Sha256CheatingProverTests
{
    private static readonly byte[] Input = [.. Enumerable.Range(0, 100).Select(i => (byte)i)];

    private static ZkvmVerification ProveTampered(Action<RowMajorMatrix<KoalaBear>?[]> tamper)
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("sha256"));
        var options = new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 22, Tamper = (_, t, _) => tamper(t) };
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(options).Prove(program, Input);
        return new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes());
    }

    private static int ExportRow(RowMajorMatrix<KoalaBear> sha, int which = 0)
    {
        for (int r = 0; r < sha.Height; r++)
            if (sha[r, S.Export] == KoalaBear.One && which-- == 0)
                return r;
        throw new InvalidOperationException("no export row");
    }

    [Fact]
    public void Untampered_sha256_statement_verifies_with_the_platform_digest()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("sha256"));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 22 })
            .Prove(program, Input);
        Assert.True(proof.ShardChips[0].Contains(ZkvmTable.Sha256));
        Assert.True(new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes()).IsValid);
        Assert.Equal(Sha256Tests.Expected(Input), proof.Output);
    }

    [Fact]
    public void Sha256_calls_spread_over_shards_prove_and_verify()
    {
        // 2^10-cycle shards: the compressions fall into different shards and the state chains through the memory argument
        // across shards.
        var program = ZkvmProgram.FromElf(GuestTests.Elf("sha256"));
        byte[] input = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 13))];
        var prover = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 10 });
        var proof = prover.Prove(program, input);
        Assert.True(proof.Shards.Count > 3);
        var result = new ZkvmVerifier<KoalaBearQuartic, Digest<KoalaBearParameters>>(ZkvmProving.Config, program).Verify(proof.ToBytes());
        Assert.True(result.IsValid);
        Assert.Equal(Sha256Tests.Expected(input), proof.Output);
    }

    [Fact]
    public void Sha256_table_left_out_of_a_shard_with_calls_is_rejected() =>
        Assert.False(ProveTampered(t => t[ZkvmTable.Sha256] = null).IsValid);

    [Fact]
    public void Hello_has_no_sha256_table()
    {
        var program = ZkvmProgram.FromElf(GuestTests.Elf("hello"));
        var proof = new ZkvmProver<KoalaBearQuartic, Digest<KoalaBearParameters>>(new ZkvmProverOptions { Config = ZkvmProving.Config, ShardSize = 1L << 22 })
            .Prove(program, []);
        Assert.True(ZkvmTable.Sha256 < Prover.Core.Zkvm.Chips.ZkvmChips.Count);
        Assert.False(proof.ShardChips[0].Contains(ZkvmTable.Sha256));
    }

    [Fact]
    public void Forged_output_word_is_rejected() =>
        // The written output limb changed: the limb equation of the final addition breaks (and the guest's later reads of the
        // state would consume the produced value).
        Assert.False(ProveTampered(t => t[ZkvmTable.Sha256]![ExportRow(t[ZkvmTable.Sha256]!), S.OutLimb(2, 0)] += KoalaBear.One).IsValid);

    [Fact]
    public void Forged_previous_timestamp_is_rejected() =>
        Assert.False(ProveTampered(t => t[ZkvmTable.Sha256]![ExportRow(t[ZkvmTable.Sha256]!), S.Access(5)] += KoalaBear.One).IsValid);

    [Fact]
    public void Skipped_compression_is_rejected() =>
        // The export flag cleared: the table's constraints still hold, but the syscall row's request and the 12 accesses go unmatched.
        Assert.False(ProveTampered(t => t[ZkvmTable.Sha256]![ExportRow(t[ZkvmTable.Sha256]!, 1), S.Export] = KoalaBear.Zero).IsValid);

    [Fact]
    public void Syscall_row_without_a_sha256_selector_is_rejected() =>
        Assert.False(ProveTampered(t =>
        {
            var sys = t[ZkvmTable.Syscall]!;
            for (int r = 0; r < sys.Height; r++)
                if (sys[r, SyscallCols.IsSha256Compress] == KoalaBear.One)
                {
                    sys[r, SyscallCols.IsSha256Compress] = KoalaBear.Zero;
                    return;
                }
        }).IsValid);

    [Fact]
    public void Block_read_from_another_address_is_rejected() =>
        // Block key and pointer moved together by one double word (all in-chip constraints hold): the request no longer matches the syscall's a1.
        Assert.False(ProveTampered(t =>
        {
            var s = t[ZkvmTable.Sha256]!;
            int row = ExportRow(s);
            s[row, S.BlockKeyLo] += KoalaBear.One;
            s[row, S.BlockPtrLo] += KoalaBear.FromUInt64(8);
            s[row, S.Bounds + 4] += KoalaBear.One;
            s[row, S.Bounds + 6] -= KoalaBear.One;
        }).IsValid);

    [Fact]
    public void Wrong_round_order_is_rejected() =>
        Assert.False(ProveTampered(t =>
        {
            var s = t[ZkvmTable.Sha256]!;
            var a = s.Row(5).ToArray();
            s.Row(6).CopyTo(s.Row(5));
            a.CopyTo(s.Row(6));
        }).IsValid);

    [Fact]
    public void Wrong_round_constant_is_rejected() =>
        // Row 10 (round 10) computed with K_11: the step flags say round 10, so the round's sum breaks.
        Assert.False(ProveTampered(t =>
        {
            var s = t[ZkvmTable.Sha256]!;
            uint na = (s[10, S.NewA].ToCanonical() | s[10, S.NewA + 1].ToCanonical() << 16) - Sha256Compression.K[10] + Sha256Compression.K[11];
            s[10, S.NewA] = KoalaBear.FromUInt64(na & 0xFFFF);
            s[10, S.NewA + 1] = KoalaBear.FromUInt64(na >> 16);
        }).IsValid);
}
