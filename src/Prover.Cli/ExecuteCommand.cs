using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Prover.Core.Machine;

namespace Prover.Cli;

/// <summary>
/// <c>prover execute</c>: runs a guest ELF on the RV64IM machine and reports exit status, public
/// output (lowercase hex), cycles, unaligned accesses, per-region cycles, wall time and MHz.
/// </summary>
internal static class ExecuteCommand
{
    public static Command Create()
    {
        var source = new Argument<FileInfo?>("input")
        {
            Description = "Ethereum block input: a canonical StatelessInput (.ssz) or a fixture/witness JSON; default: the embedded example block",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var elf = new Option<FileInfo?>("--elf") { Description = "guest ELF (static RV64IM executable); without it the embedded Ethereum guest runs" };
        var input = new Option<FileInfo?>("--input") { Description = "file preloaded as the guest's input" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of text" };
        var maxCycles = new Option<long>("--max-cycles") { Description = "stop with an error after this many cycles", DefaultValueFactory = _ => 1L << 36 };
        var trace = new Option<bool>("--trace") { Description = "tracing execution: build the execution record (events per chip, shards)" };
        var maxInput = FileLimits.MaxInputOption();
        var engine = new Option<ExecutionEngine>("--engine") { Description = "fast-mode engine: Jit (default) or Interpreter", DefaultValueFactory = _ => ExecutionEngine.Jit };
        var profile = new Option<int>("--profile") { Description = "also run traced and print the N functions (ELF symbols) that took the most cycles" };
        var command = new Command("execute", "run a guest on the RV64IM emulator: the embedded Ethereum block validator on a block input, or any ELF")
        {
            source, elf, input, json, maxCycles, trace, engine, maxInput, profile,
        };
        command.SetAction(parse =>
        {
            var elfFile = parse.GetValue(elf);
            var inputFile = parse.GetValue(input) ?? parse.GetValue(source);
            var options = new MachineOptions { MaxCycles = parse.GetValue(maxCycles), Engine = parse.GetValue(engine), MaxInputBytes = parse.GetValue(maxInput) };
            int top = parse.GetValue(profile);
            if (top < 0)
            {
                Console.Error.WriteLine("error: --profile takes a positive number of functions");
                return 2;
            }
            return elfFile is not null
                ? Run(elfFile, inputFile, parse.GetValue(json), options, parse.GetValue(trace), top)
                : EthereumExecution.Run(inputFile, parse.GetValue(json), options, top);
        });
        return command;
    }

    private static int Run(FileInfo elfFile, FileInfo? inputFile, bool json, MachineOptions limits, bool trace, int profileTop)
    {
        GuestProgram program;
        byte[] input;
        IReadOnlyList<ElfSymbol> symbols = [];
        try
        {
            byte[] elfBytes = File.ReadAllBytes(elfFile.FullName);
            program = GuestProgram.FromElf(elfBytes);
            if (profileTop > 0)
                symbols = ElfSymbols.Functions(elfBytes);
            input = inputFile is null ? [] : FileLimits.Read(inputFile, limits.MaxInputBytes, "--max-input-bytes");
        }
        catch (Exception e) when (e is ElfLoadException or IOException or UnauthorizedAccessException)
        {
            return Fail(json, e.Message);
        }

        using var stderr = Console.OpenStandardError();
        var options = limits with { DebugOutput = json ? null : stderr };
        using var machine = new Machine(program, input, options);
        long events = 0, modmuls = 0, pointOps = 0;
        var sw = Stopwatch.StartNew();
        ExecutionResult result;
        try
        {
            result = trace
                ? machine.RunTraced(r =>
                {
                    events += r.InstructionEventCount + r.MemoryAccesses.Count;
                    modmuls += r.ModMuls.Count;
                    pointOps += r.WeierstrassOps.Count;
                    machine.Recycle(r);
                })
                : machine.Run();
        }
        catch (MachineException e)
        {
            sw.Stop();
            return Fail(json, "guest fault: " + e.Message, machine.Cycles, sw.Elapsed.TotalSeconds);
        }
        sw.Stop();
        FunctionProfile? profile = null;
        if (profileTop > 0)
        {
            try
            {
                profile = FunctionProfiler.Run(program, symbols, input, limits with { DebugOutput = null });
            }
            catch (MachineException e)
            {
                return Fail(json, "guest fault while profiling: " + e.Message, machine.Cycles, sw.Elapsed.TotalSeconds);
            }
        }
        double seconds = sw.Elapsed.TotalSeconds;
        double mhz = result.Cycles / Math.Max(seconds, 1e-9) / 1e6;
        string outputHex = Convert.ToHexStringLower(result.Output);
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var w = new Utf8JsonWriter(stdout);
            w.WriteStartObject();
            w.WriteString("status", result.Success ? "success" : "failure");
            w.WriteNumber("exit_code", result.ExitCode);
            w.WriteString("output", outputHex);
            w.WriteNumber("total_num_cycles", result.Cycles);
            w.WriteNumber("unaligned_accesses", result.UnalignedAccesses);
            w.WriteStartObject("region_cycles");
            foreach (var (name, cycles) in result.RegionCycles.OrderBy(p => p.Key, StringComparer.Ordinal))
                w.WriteNumber(name, cycles);
            w.WriteEndObject();
            w.WriteNumber("execution_duration_ms", seconds * 1e3);
            w.WriteNumber("mhz", Math.Round(mhz, 3));
            w.WriteString("mode", trace ? "trace" : "fast");
            w.WriteString("engine", trace ? "interpreter" : limits.Engine.ToString().ToLowerInvariant());
            if (!trace && limits.Engine == ExecutionEngine.Jit)
            {
                w.WriteNumber("jit_regions", machine.CompiledBlocks);
                w.WriteNumber("jit_compile_ms", machine.JitTime.TotalMilliseconds);
            }
            if (trace)
            {
                w.WriteNumber("shards", result.Shards);
                w.WriteNumber("events", events);
                w.WriteNumber("modmul_calls", modmuls);
                w.WriteNumber("point_calls", pointOps);
            }
            if (profile is not null)
                ProfileReport.Write(w, profile, profileTop);
            w.WriteEndObject();
            w.Flush();
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine($"exit status   {(result.Success ? "success" : "failure")} (exit code {result.ExitCode})");
            Console.WriteLine($"output        {(outputHex.Length == 0 ? "(none)" : outputHex)}");
            Console.WriteLine($"cycles        {result.Cycles:N0}");
            Console.WriteLine($"unaligned     {result.UnalignedAccesses:N0}");
            foreach (var (name, cycles) in result.RegionCycles.OrderBy(p => p.Key, StringComparer.Ordinal))
                Console.WriteLine($"region        {name}: {cycles:N0} cycles");
            if (trace)
                Console.WriteLine($"trace         {result.Shards} shard(s), {events:N0} events, {modmuls:N0} modmul calls, {pointOps:N0} point calls");
            else if (limits.Engine == ExecutionEngine.Jit)
                Console.WriteLine($"jit           {machine.CompiledBlocks} region(s) compiled in {machine.JitTime.TotalMilliseconds:F1} ms");
            Console.WriteLine($"wall time     {seconds * 1e3:F1} ms ({(trace ? "tracing mode" : $"fast mode, {limits.Engine.ToString().ToLowerInvariant()}")})");
            Console.WriteLine($"speed         {mhz:F1} MHz");
            if (profile is not null)
                ProfileReport.Print(profile, profileTop, "");
        }
        return result.Success ? 0 : 1;
    }

    private static int Fail(bool json, string message, long cycles = 0, double seconds = 0)
    {
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var w = new Utf8JsonWriter(stdout);
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("error", message);
            w.WriteNumber("total_num_cycles", cycles);
            w.WriteNumber("execution_duration_ms", seconds * 1e3);
            w.WriteEndObject();
            w.Flush();
            Console.WriteLine();
        }
        else
        {
            Console.Error.WriteLine("error: " + message);
        }
        return 2;
    }
}
