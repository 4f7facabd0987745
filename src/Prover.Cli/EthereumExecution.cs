using System.Text.Json;
using Prover.Core.Machine;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Guest;
using Prover.Witness.Ssz;

namespace Prover.Cli;

/// <summary>
/// <c>prover execute [input]</c> without <c>--elf</c>: runs the embedded Ethereum guest on a canonical
/// input, on every block of a fixture or witness JSON (converted first), or on the embedded example,
/// and reports the decoded result with the zkevm-benchmark-workload fields.
/// </summary>
internal static class EthereumExecution
{
    private sealed record Job(string Name, byte[] Input, bool? ExpectedValid);

    public static int Run(FileInfo? file, bool json, MachineOptions options, int profileTop = 0)
    {
        List<Job> jobs;
        try
        {
            jobs = file is null ? [new Job(EthereumGuest.DefaultInputName, EthereumGuest.DefaultInput(), true)] : Load(file, options.MaxInputBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {file?.FullName}: {e.Message}");
            return 2;
        }
        if (jobs.Count == 0)
        {
            Console.Error.WriteLine($"error: {file?.FullName}: no block could be converted");
            return 2;
        }
        bool allAsExpected = true;
        var reports = new List<Dictionary<string, object?>>();
        foreach (var job in jobs)
        {
            var report = Execute(job, options, profileTop, out bool asExpected);
            allAsExpected &= asExpected;
            reports.Add(report);
            if (!json)
                Print(report);
        }
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(reports.Count == 1 ? reports[0] : (object)reports));
        return allAsExpected ? 0 : 1;
    }

    private static List<Job> Load(FileInfo file, long maxBytes)
    {
        var bytes = InputFiles.Decompress(FileLimits.Read(file, maxBytes, "--max-input-bytes"), file.Name);
        if (!InputFiles.IsJsonObject(bytes))
            return [new Job(file.Name, bytes, null)];
        using var doc = JsonInput.Parse(bytes, file.Name);
        var batch = InputConverter.Convert(doc.RootElement, Path.GetFileNameWithoutExtension(file.Name.EndsWith(".gz", StringComparison.Ordinal) ? file.Name[..^3] : file.Name));
        foreach (var failure in batch.Failures)
            Console.Error.WriteLine($"skipped: {failure}");
        return [.. batch.Results.Select(r => new Job($"{r.Name} (block {r.BlockNumber})", r.Bytes, r.ExpectedValid))];
    }

    private static Dictionary<string, object?> Execute(Job job, MachineOptions options, int profileTop, out bool asExpected)
    {
        var report = new Dictionary<string, object?> { ["name"] = job.Name };
        try
        {
            var input = StatelessInput.Decode(job.Input);
            report["block_number"] = input.NewPayloadRequest.ExecutionPayload.BlockNumber;
            report["gas_used"] = input.NewPayloadRequest.ExecutionPayload.GasUsed;
        }
        catch (FormatException e)
        {
            report["input_error"] = e.Message; // the guest must reject it too: it runs anyway
        }
        BlockExecution run;
        try
        {
            run = EthereumGuest.Execute(job.Input, options);
        }
        catch (MachineException e)
        {
            report["status"] = "fault";
            report["error"] = e.Message;
            asExpected = false;
            return report;
        }
        var r = run.Result;
        report["status"] = r.Success ? "success" : "failure";
        report["exit_code"] = r.ExitCode;
        if (run.Validation is { } v)
        {
            report["successful_validation"] = v.SuccessfulValidation;
            report["chain_id"] = v.ChainId;
            report["schema_id"] = $"0x{v.SchemaId:x4}";
            report["new_payload_request_root"] = "0x" + Convert.ToHexStringLower(v.NewPayloadRequestRoot);
        }
        else if (r.ExitCode == 5)
            report["error"] = "witness incomplete: the guest needed a trie node or code the witness lacks (GUEST_EXIT_MISSING_NODE); no verdict";
        else if (run.OutputError is not null)
            report["error"] = run.OutputError;
        bool valid = run.BlockValid;
        asExpected = job.ExpectedValid is null ? r.Success && run.Validation is not null : valid == job.ExpectedValid;
        if (job.ExpectedValid is not null)
        {
            report["expected_valid"] = job.ExpectedValid;
            report["output_matched"] = asExpected;
        }
        report["total_num_cycles"] = r.Cycles;
        report["region_cycles"] = r.RegionCycles;
        report["unaligned_accesses"] = r.UnalignedAccesses;
        report["execution_duration_ms"] = Math.Round(run.Milliseconds, 3);
        report["mhz"] = Math.Round(r.Cycles / Math.Max(run.Milliseconds, 1e-6) / 1e3, 1);
        if (profileTop > 0)
        {
            try
            {
                report["function_profile"] = ProfileReport.Entries(
                    FunctionProfiler.Run(EthereumGuest.Program, ElfSymbols.Functions(EthereumGuest.Elf), job.Input, options), profileTop);
            }
            catch (MachineException e)
            {
                report["function_profile_error"] = e.Message;
            }
        }
        return report;
    }

    private static void Print(Dictionary<string, object?> report)
    {
        Console.WriteLine(report["name"]);
        foreach (var (key, value) in report)
        {
            if (key == "name") continue;
            if (value is List<Dictionary<string, object?>> profile)
            {
                Console.WriteLine($"  {key} (traced run):");
                ProfileReport.PrintEntries(profile, "    ");
                continue;
            }
            string text = value switch
            {
                IReadOnlyDictionary<string, long> regions => string.Join(", ", regions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}")),
                bool b => b ? "true" : "false",
                long or ulong or int => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N0}", value),
                _ => value?.ToString() ?? "",
            };
            Console.WriteLine($"  {key,-26} {text}");
        }
    }
}
