using ScottPlot;

namespace Prover.Benchmarking;

/// <summary>
/// PNG plots of a run (ScottPlot 5, rendered off-screen by SkiaSharp): cycles per gas per block, the
/// cycle split by region, and, for proved blocks, proving time and proof size against gas and the
/// proving phases. Returns the files written.
/// </summary>
public static class BenchmarkPlots
{
    public const int Width = 1200;
    public const int Height = 700;

    public static List<string> Write(string folder, IReadOnlyList<BlockReport> reports, HardwareInfo hardware)
    {
        var written = new List<string>();
        var executed = reports.Where(r => r.ExecutionError is null && r.Cycles > 0).ToList();
        if (executed.Count == 0)
            return written;
        string caption = hardware.Describe();
        string[] labels = [.. executed.Select((r, i) => Label(r.Name, i))];

        // cycles per gas
        {
            var plot = NewPlot("Cycles per gas per block", "cycles / gas", caption);
            var values = executed.Select(r => r.CyclesPerGas ?? 0).ToArray();
            var bars = plot.Add.Bars(values);
            bars.Color = Colors.SteelBlue;
            Ticks(plot, labels);
            written.Add(Save(plot, folder, "cycles_per_gas.png"));
        }

        // cycle split by region (stacked)
        {
            var plot = NewPlot("Cycle split by region", "million cycles", caption);
            var regions = executed.SelectMany(r => r.RegionCycles.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            var palette = new ScottPlot.Palettes.Category10();
            var series = regions.Select(name => (name, values: executed.Select(r => r.RegionCycles.GetValueOrDefault(name) / 1e6).ToArray())).ToList();
            series.Add(("other (unattributed)", executed.Select(r => r.UnattributedCycles / 1e6).ToArray()));
            var bars = new List<Bar>();
            var bases = new double[executed.Count];
            for (int s = 0; s < series.Count; s++)
            {
                var color = s == series.Count - 1 ? Colors.LightGray : palette.GetColor(s);
                for (int i = 0; i < executed.Count; i++)
                {
                    bars.Add(new Bar { Position = i, ValueBase = bases[i], Value = bases[i] + series[s].values[i], FillColor = color });
                    bases[i] += series[s].values[i];
                }
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].name, FillColor = color });
            }
            plot.Add.Bars(bars);
            plot.ShowLegend(Alignment.UpperRight);
            Ticks(plot, labels);
            written.Add(Save(plot, folder, "cycle_split_by_region.png"));
        }

        var proved = executed.Where(r => r.Proving is not null).ToList();
        if (proved.Count == 0)
            return written;

        {
            var plot = NewPlot("Proving time against gas", "proving time (s)", caption);
            var scatter = plot.Add.ScatterPoints(proved.Select(r => r.GasUsed / 1e6).ToArray(), proved.Select(r => r.Proving!.ProvingMs / 1e3).ToArray());
            scatter.MarkerSize = 10;
            plot.XLabel("gas used (millions)");
            written.Add(Save(plot, folder, "proving_time_vs_gas.png"));
        }
        {
            var plot = NewPlot("Proof size against gas", "proof size (KiB)", caption);
            var scatter = plot.Add.ScatterPoints(proved.Select(r => r.GasUsed / 1e6).ToArray(), proved.Select(r => r.Proving!.ProofSize / 1024.0).ToArray());
            scatter.MarkerSize = 10;
            scatter.Color = Colors.DarkOrange;
            plot.XLabel("gas used (millions)");
            written.Add(Save(plot, folder, "proof_size_vs_gas.png"));
        }
        {
            var plot = NewPlot("Proving phases", "seconds", caption);
            var phases = proved.SelectMany(r => r.Proving!.Phases.Select(p => p.Phase.Trim())).Distinct().ToList();
            var palette = new ScottPlot.Palettes.Category20();
            var bars = new List<Bar>();
            var bases = new double[proved.Count];
            for (int s = 0; s < phases.Count; s++)
            {
                var color = palette.GetColor(s);
                for (int i = 0; i < proved.Count; i++)
                {
                    double seconds = proved[i].Proving!.Phases.Where(p => p.Phase.Trim() == phases[s]).Sum(p => p.Milliseconds) / 1e3;
                    bars.Add(new Bar { Position = i, ValueBase = bases[i], Value = bases[i] + seconds, FillColor = color });
                    bases[i] += seconds;
                }
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = phases[s], FillColor = color });
            }
            plot.Add.Bars(bars);
            plot.ShowLegend(Alignment.UpperRight);
            Ticks(plot, [.. proved.Select((r, i) => Label(r.Name, i))]);
            written.Add(Save(plot, folder, "proving_phases.png"));
        }
        return written;
    }

    private static Plot NewPlot(string title, string yLabel, string caption)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.XLabel(caption);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static void Ticks(Plot plot, string[] labels)
    {
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, labels.Length).Select(i => (double)i)], labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 160;
    }

    /// <summary>A short tick label: the block's name without its common prefixes, at most 28 characters.</summary>
    internal static string Label(string name, int index)
    {
        string s = name;
        foreach (var prefix in new[] { "test_worst_", "test_" })
            if (s.StartsWith(prefix, StringComparison.Ordinal))
                s = s[prefix.Length..];
        return s.Length <= 28 ? s : $"{index}: {s[..24]}…";
    }

    private static string Save(Plot plot, string folder, string file)
    {
        string path = Path.Combine(folder, file);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
