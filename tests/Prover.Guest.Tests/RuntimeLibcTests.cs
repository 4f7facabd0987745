using System.Diagnostics;

namespace Prover.Guest.Tests;

/// <summary>
/// The guest runtime's memcpy, memmove, memset and memcmp (native/guest/runtime/libc.c: word-wise, shift-merged
/// for misaligned sources) against byte-at-a-time references, built for the host with AddressSanitizer so that a
/// word read past a range's end fails (<c>make -C native/guest libc-test</c>, runtime/tests/test_libc.c).
/// </summary>
public sealed class RuntimeLibcTests
{
    [NativeToolchainFact]
    public void Word_wise_memory_functions_match_byte_references()
    {
        string dir = Path.Combine(SharedData.RepositoryRoot, "native", "guest");
        string build = Path.Combine(Path.GetTempPath(), "prover-libc-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var psi = new ProcessStartInfo("make", $"-s -C \"{dir}\" BUILD=\"{build}\" libc-test")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start make");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"make libc-test failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
            Assert.Matches(@"libc: [1-9][0-9]* checks passed", stdout);
        }
        finally
        {
            if (Directory.Exists(build))
                Directory.Delete(build, recursive: true);
        }
    }
}

/// <summary>A fact that needs gcc and make on PATH; skipped with a reason otherwise.</summary>
public sealed class NativeToolchainFactAttribute : FactAttribute
{
    public NativeToolchainFactAttribute()
    {
        string? missing = NativeToolchainTheoryAttribute.MissingTool();
        if (missing is not null)
            Skip = $"'{missing}' not found on PATH: the guest runtime's native test needs gcc and make";
    }
}
