using Prover.Benchmarking;

namespace Prover.Cli.Tests.Benchmarking;

/// <summary>NVML and RAPL: absent sources are reported with a reason; RAPL's counters are read and unwrapped.</summary>
public sealed class EnergySourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prover-rapl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Nvml_without_its_library_is_reported_absent()
    {
        var nvml = Nvml.TryOpen(["libnvidia-ml-does-not-exist.so.1"], out var reason);
        Assert.Null(nvml);
        Assert.Contains("NVML absent", reason);
    }

    [Fact]
    public void Nvml_on_this_machine_is_either_usable_or_absent_with_a_reason()
    {
        // No assumption about the machine: with a GPU the counter must read, without one a reason is given.
        using var nvml = Nvml.TryOpen(out var reason);
        if (nvml is null)
        {
            Assert.False(string.IsNullOrWhiteSpace(reason));
            return;
        }
        Assert.NotEmpty(nvml.Gpus);
        Assert.All(nvml.Gpus, g => Assert.False(string.IsNullOrWhiteSpace(g.Model)));
        Assert.NotNull(nvml.TotalEnergyJoules());
    }

    [Fact]
    public void Rapl_without_powercap_is_reported_absent()
    {
        Assert.Null(Rapl.TryOpen(out var reason, Path.Combine(_dir, "missing")));
        Assert.Contains("RAPL absent", reason);
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));
        Assert.Null(Rapl.TryOpen(out reason, Path.Combine(_dir, "empty")));
        Assert.Contains("no package domain", reason);
    }

    [Fact]
    public void Rapl_sums_packages_skips_subdomains_and_undoes_a_wrap()
    {
        string root = Path.Combine(_dir, "powercap");
        Write(root, "intel-rapl:0", energy: 1_000_000, range: 10_000_000);
        Write(root, "intel-rapl:1", energy: 9_500_000, range: 10_000_000);
        Write(root, "intel-rapl:0:0", energy: 123, range: 10_000_000); // a core sub-domain: part of package 0
        var rapl = Rapl.TryOpen(out var reason, root);
        Assert.NotNull(rapl);
        Assert.Null(reason);
        Assert.Equal(2, rapl.Domains);
        var start = rapl.Sample();
        Write(root, "intel-rapl:0", energy: 3_000_000, range: 10_000_000);  // +2 J
        Write(root, "intel-rapl:1", energy: 500_000, range: 10_000_000);    // wrapped: +1 J
        Assert.Equal(3.0, rapl.JoulesBetween(start, rapl.Sample()), 9);
    }

    [Fact]
    public void Energy_meter_without_sources_measures_time_and_no_joules()
    {
        using var meter = new EnergyMeter(null, "RAPL absent: test", null, "NVML absent: test");
        var (value, energy) = meter.Measure(() => 42);
        Assert.Equal(42, value);
        Assert.Null(energy.CpuJoules);
        Assert.Null(energy.GpuJoules);
        Assert.Null(energy.TotalJoules);
        Assert.True(energy.Seconds >= 0);
    }

    private static void Write(string root, string domain, ulong energy, ulong range)
    {
        string dir = Path.Combine(root, domain);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "energy_uj"), energy + "\n");
        File.WriteAllText(Path.Combine(dir, "max_energy_range_uj"), range + "\n");
    }
}
