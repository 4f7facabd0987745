using System.Text.Json;

namespace Prover.Benchmarking;

/// <summary>
/// One block's report as JSON in the field names of eth-act/zkevm-benchmark-workload (<c>name</c>,
/// <c>timestamp_completed</c>, <c>metadata.block_used_gas</c>, <c>execution.success</c> with
/// <c>total_num_cycles</c>, <c>region_cycles</c>, <c>execution_duration</c> {secs, nanos}, or
/// <c>execution.crashed.reason</c>; <c>proving.success</c> with <c>proof_size</c>, <c>proving_time_ms</c>,
/// <c>verification_time_ms</c> and the <c>*_memory_usage_bytes</c>), plus <c>hardware</c>, <c>energy</c> and
/// our own additions under their own names.
/// </summary>
public static class BlockReportJson
{
    public static string Write(BlockReport r, HardwareInfo hardware, EnergyMeter? meter)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("timestamp_completed", r.Completed.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartObject("metadata");
            w.WriteNumber("block_used_gas", r.GasUsed);
            if (r.BlockNumber is { } n) w.WriteNumber("block_number", n);
            w.WriteString("source", r.Source);
            if (r.ExpectedValid is { } e) w.WriteBoolean("expected_valid", e);
            w.WriteEndObject();

            w.WriteStartObject("execution");
            if (r.ExecutionError is { } error)
            {
                w.WriteStartObject("crashed");
                w.WriteString("reason", error);
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("success");
                w.WriteNumber("total_num_cycles", r.Cycles);
                w.WriteStartObject("region_cycles");
                foreach (var (region, cycles) in r.RegionCycles.OrderBy(p => p.Key, StringComparer.Ordinal))
                    w.WriteNumber(region, cycles);
                w.WriteEndObject();
                var duration = TimeSpan.FromMilliseconds(r.ExecutionMs);
                w.WriteStartObject("execution_duration");
                w.WriteNumber("secs", (long)duration.TotalSeconds);
                w.WriteNumber("nanos", (long)Math.Round((r.ExecutionMs % 1000.0) * 1e6));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();

            if (r.Proving is { } p)
            {
                w.WriteStartObject("proving");
                w.WriteStartObject(r.ProvingError is null ? "success" : "crashed");
                if (r.ProvingError is { } pe) w.WriteString("reason", pe);
                w.WriteNumber("proof_size", p.ProofSize);
                w.WriteNumber("proving_time_ms", (long)Math.Round(p.ProvingMs));
                w.WriteNumber("verification_time_ms", Math.Round(p.VerificationMs, 2));
                w.WriteNumber("peak_memory_usage_bytes", p.PeakMemoryBytes);
                w.WriteNumber("initial_memory_usage_bytes", p.InitialMemoryBytes);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else if (r.ProvingError is { } pe)
            {
                w.WriteStartObject("proving");
                w.WriteStartObject("crashed");
                w.WriteString("reason", pe);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            WriteHardware(w, hardware);

            w.WriteStartObject("energy");
            WriteEnergy(w, "execution", r.ExecutionEnergy);
            WriteEnergy(w, "proving", r.Proving?.Energy);
            if (meter?.CpuAbsentReason is { } ca) w.WriteString("cpu_absent", ca);
            if (meter?.GpuAbsentReason is { } ga) w.WriteString("gpu_absent", ga);
            w.WriteEndObject();

            // Our additions (not in the EF's schema).
            w.WriteStartObject("prover");
            if (r.ExitCode is { } code) w.WriteNumber("exit_code", code);
            if (r.SuccessfulValidation is { } sv) w.WriteBoolean("successful_validation", sv);
            if (r.OutputMatched is { } om) w.WriteBoolean("output_matched", om);
            if (r.CyclesPerGas is { } cpg) w.WriteNumber("cycles_per_gas", Math.Round(cpg, 2));
            w.WriteNumber("unattributed_cycles", r.UnattributedCycles);
            if (r.Proving is { } q)
            {
                w.WriteString("config", q.Config);
                w.WriteNumber("shards", q.Shards);
                w.WriteBoolean("verified", q.Verified);
                if (q.ProvedValidation is { } pv) w.WriteBoolean("proved_successful_validation", pv);
                w.WriteNumber("provable_bits", Math.Round(q.ProvableBits, 1));
                w.WriteNumber("conjectured_bits", Math.Round(q.ConjecturedBits, 1));
                w.WriteNumber("cycles_per_second", Math.Round(r.Cycles / Math.Max(q.ProvingMs / 1e3, 1e-9)));
                w.WriteStartObject("phases_ms");
                foreach (var (phase, ms) in q.Phases)
                    w.WriteNumber(phase.Trim(), Math.Round(ms, 1));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    internal static void WriteHardware(Utf8JsonWriter w, HardwareInfo hardware)
    {
        w.WriteStartObject("hardware");
        w.WriteString("cpu_model", hardware.CpuModel);
        w.WriteNumber("total_ram_gib", hardware.TotalRamGib);
        w.WriteStartArray("gpus");
        foreach (var g in hardware.Gpus)
        {
            w.WriteStartObject();
            w.WriteString("model", g.Model);
            w.WriteNumber("memory_bytes", g.MemoryBytes);
            w.WriteString("driver", g.Driver);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("cores", hardware.Cores);
        w.WriteNumber("simd_width_bits", hardware.SimdWidthBits);
        w.WriteString("os", hardware.Os);
        w.WriteEndObject();
    }

    private static void WriteEnergy(Utf8JsonWriter w, string name, EnergyReading? e)
    {
        w.WriteStartObject(name);
        if (e is null)
        {
            w.WriteEndObject();
            return;
        }
        w.WriteNumber("seconds", Math.Round(e.Seconds, 3));
        if (e.CpuJoules is { } c) w.WriteNumber("cpu_joules", Math.Round(c, 3)); else w.WriteNull("cpu_joules");
        if (e.GpuJoules is { } g) w.WriteNumber("gpu_joules", Math.Round(g, 3)); else w.WriteNull("gpu_joules");
        if (e.TotalJoules is { } t) w.WriteNumber("joules", Math.Round(t, 3)); else w.WriteNull("joules");
        w.WriteEndObject();
    }
}
