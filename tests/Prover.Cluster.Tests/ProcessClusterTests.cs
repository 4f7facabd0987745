using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Prover.Core.Zkvm.Proving;

namespace Prover.Cluster.Tests;

/// <summary>
/// The rig with real processes: redis-server on 127.0.0.1, two <c>prover worker --cluster</c> processes and
/// <c>prover prove --cluster</c>, against the single-process <c>prover prove</c>; one worker is killed with SIGKILL
/// while it proves a shard, or stopped with SIGSTOP and continued with SIGCONT once its lease is lost.
/// </summary>
public sealed class ProcessClusterTests
{
    private static string ProverDll => Path.Combine(AppContext.BaseDirectory, "prover.dll");

    [RedisFact]
    public Task TwoWorkerProcessesGiveTheSingleProcessProofEvenWhenOneIsKilled() => RigAsync(async (workers, prove) =>
    {
        // SIGKILL the first worker that starts proving a shard (phase 2): its job must be dispatched again.
        var victim = await FirstToProveAsync(workers);
        victim.Process.Kill();
    }, (_, output) =>
    {
        Assert.Contains("re-dispatch", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 re-dispatch(es)", output, StringComparison.Ordinal);
    });

    [RedisFact]
    public Task AStoppedWorkerProcessLosesItsLeaseAndItsLateResultIsIgnoredWhenItContinues() => RigAsync(async (workers, prove) =>
    {
        // SIGSTOP the first worker that starts proving a shard: it answers nothing, its lease runs out (or, when it stops
        // before its answer to the start went out, the start times out) and its job goes to the other worker; once the
        // coordinator says so, SIGCONT: the stopped worker's late result must change nothing.
        var victim = await FirstToProveAsync(workers);
        Signal("STOP", victim.Process.Id);
        try
        {
            await prove.WaitForAsync("dispatching again", TimeSpan.FromMinutes(2));
        }
        finally
        {
            Signal("CONT", victim.Process.Id);
        }
    }, (workers, output) =>
    {
        Assert.Contains("dispatching again", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 re-dispatch(es)", output, StringComparison.Ordinal);
        // Both workers are still running: stopping and continuing a worker does not kill it.
        Assert.All(workers, w => Assert.False(w.Process.HasExited, "a worker exited:\n" + w.Output()));
    });

    /// <summary>
    /// redis-server, two workers and <c>prover prove --cluster</c> against the single-process <c>prover prove</c> of the same
    /// input: <paramref name="disturb"/> acts on the workers while the coordinator runs, <paramref name="check"/> reads the
    /// coordinator's output; the proof must complete, equal the single-process file and verify.
    /// </summary>
    private static async Task RigAsync(Func<Running[], Running, Task> disturb, Action<Running[], string> check)
    {
        string redisServer = RedisFactAttribute.Path!;
        var dir = Directory.CreateTempSubdirectory("prover-cluster-").FullName;
        var processes = new List<Process>();
        try
        {
            string elf = ClusterTestGuests.ElfPath("hello");
            string input = Path.Combine(dir, "input.bin");
            // 3 shards of 2^12 cycles: a shard's phase-2 proof must outlast the time the test takes to see "phase 2 started"
            // and stop the worker (at 2^10 a shard proved in ~0.2 s and could finish before the signal landed).
            await File.WriteAllBytesAsync(input, [.. Enumerable.Range(0, 1200).Select(i => (byte)(i * 7))]);
            string[] proveArgs = ["prove", "--elf", elf, "--input", input, "--config", "development", "--log-shard-size", "12"];

            var single = Start([.. proveArgs, "--out", Path.Combine(dir, "single.bin")], dir);
            processes.Add(single.Process);
            Assert.True(await single.ExitAsync(TimeSpan.FromMinutes(3)) == 0, single.Output());

            int port = FreePort();
            var redis = Start(redisServer, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], dir);
            processes.Add(redis.Process);
            await redis.WaitForAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
            string endpoint = $"127.0.0.1:{port}";
            var workers = new[] { Start(["worker", "--cluster", endpoint], dir), Start(["worker", "--cluster", endpoint], dir) };
            processes.AddRange(workers.Select(w => w.Process));
            foreach (var w in workers)
                await w.WaitForAsync("worker ready", TimeSpan.FromSeconds(60));

            // The coordinator's lease comes from the environment (configuration binding), short so the test is quick.
            var prove = Start([.. proveArgs, "--out", Path.Combine(dir, "cluster.bin"), "--cluster", endpoint], dir,
                ("Prover__Cluster__LeaseTimeout", "00:00:04"));
            processes.Add(prove.Process);
            await disturb(workers, prove);
            Assert.True(await prove.ExitAsync(TimeSpan.FromMinutes(3)) == 0, prove.Output());
            check(workers, prove.Output());

            var expected = await File.ReadAllBytesAsync(Path.Combine(dir, "single.bin"));
            var actual = await File.ReadAllBytesAsync(Path.Combine(dir, "cluster.bin"));
            Assert.Equal(expected, actual);
            var check2 = ZkvmProofs.Verify(Prover.Core.Zkvm.Proving.ZkvmProgram.FromElf(File.ReadAllBytes(elf)), actual, File.ReadAllBytes(input),
                ClusterTestGuests.Insecure);
            Assert.True(check2.Result.IsValid, check2.Result.Error);
        }
        finally
        {
            foreach (var p in processes)
            {
                try
                {
                    if (!p.HasExited)
                    {
                        Signal("CONT", p.Id); // a stopped process cannot be reaped
                        p.Kill(entireProcessTree: true);
                    }
                    await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
                p.Dispose();
            }
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The first worker whose log says it started proving a shard (phase 2).</summary>
    private static async Task<Running> FirstToProveAsync(Running[] workers) =>
        await await Task.WhenAny(workers.Select(async w =>
        {
            await w.WaitForAsync("phase 2 started", TimeSpan.FromMinutes(3));
            return w;
        }));

    /// <summary>Sends SIGSTOP or SIGCONT (kill(1); the tests run on Linux, where the rig runs).</summary>
    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        kill.WaitForExit();
    }

    private static Running Start(string[] args, string dir, params (string Name, string Value)[] env) => Start("dotnet", [ProverDll, .. args], dir, env);

    private static Running Start(string file, string[] args, string dir, params (string Name, string Value)[] env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (name, value) in env)
            info.Environment[name] = value;
        var running = new Running(Process.Start(info)!);
        return running;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A child process whose stdout and stderr lines are collected as they come.</summary>
    private sealed class Running
    {
        private readonly System.Text.StringBuilder _output = new();
        private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

        public Running(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Line(e.Data);
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output()
        {
            lock (_output)
                return _output.ToString();
        }

        private void Line(string? line)
        {
            if (line is null)
                return;
            lock (_output)
            {
                _output.AppendLine(line);
                foreach (var (text, seen) in _waits)
                    if (line.Contains(text, StringComparison.Ordinal))
                        seen.TrySetResult();
            }
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_output)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                    return;
                _waits.Add((text, seen));
            }
            var exited = Process.WaitForExitAsync();
            var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
            if (first != seen.Task)
                throw new TimeoutException($"'{text}' did not appear ({(first == exited ? "the process exited" : "timeout")}):\n{Output()}");
        }

        public async Task<int> ExitAsync(TimeSpan timeout)
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
            Process.WaitForExit(); // drains the output
            return Process.ExitCode;
        }
    }
}
