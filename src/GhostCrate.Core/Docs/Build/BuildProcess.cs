using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>What became of one step of a build.</summary>
public enum BuildStepOutcome
{
    Succeeded,
    Failed,
    TimedOut,
}

/// <summary>
/// Runs one step of a build (`cargo fetch`, `cargo doc`) as a child process:
/// `setsid prlimit --cpu=N:N+1 --as=BYTES --core=0 -- [unshare --net --pid --fork --kill-child --mount -- SANDBOX-SCRIPT --] PROGRAM ARGS`.
/// setsid makes the child a process-group leader (it is not one when started, so setsid execs without forking), so
/// a timeout can kill the whole group, build scripts and rustc included; prlimit caps CPU time and address space of
/// every process (limits are inherited); unshare gives the step a network namespace with only a down loopback and
/// a PID namespace whose processes all die with it, and a mount namespace in which <see cref="FileSystemSandbox"/>
/// leaves the build only its scratch directory, the toolchain and the system read-only. The environment is exactly the given one (nothing of the server's
/// own, such as its database settings, leaks into build scripts). Output lines go to the capped log.
/// </summary>
public static class BuildProcess
{
    private const int SigKill = 9;

    public static async Task<BuildStepOutcome> RunAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        FileSystemSandbox? sandbox, DocsBuildOptions options, TimeSpan timeLeft, CappedLog log, TimeProvider time, CancellationToken cancellationToken,
        Action<string>? standardOutput = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("prlimit");
        // Soft limit N, hard N+1: at N the kernel sends SIGXCPU, which names the cause in cargo's report of the process
        // ("signal: 24, SIGXCPU: CPU time limit exceeded"); with soft = hard it would send SIGKILL at once, which says
        // nothing. A process that ignores SIGXCPU still gets SIGKILL a second later (setrlimit(2), RLIMIT_CPU).
        start.ArgumentList.Add($"--cpu={options.CpuSeconds.ToString(CultureInfo.InvariantCulture)}:{(options.CpuSeconds + 1L).ToString(CultureInfo.InvariantCulture)}");
        start.ArgumentList.Add($"--as={options.MemoryBytes.ToString(CultureInfo.InvariantCulture)}");
        // SIGXCPU's default action dumps core: no core files of rustc (gigabytes) in the scratch directory.
        start.ArgumentList.Add("--core=0");
        start.ArgumentList.Add("--");
        if (sandbox is not null)
        {
            foreach (var arg in new[] { "unshare", "--net", "--pid", "--fork", "--kill-child", "--mount", "--" }) start.ArgumentList.Add(arg);
            foreach (var arg in sandbox.Arguments()) start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add(program);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (key, value) in environment) start.Environment[key] = value;

        log.Line($"$ {program} {string.Join(' ', arguments)}{(sandbox is not null ? "   (sandbox: no network, only its own directory writable)" : "")}");
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) (standardOutput ?? log.Line)(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Line(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeLeft, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            KillGroup(process);
            // The group is gone once its leader has exited and its output pipes are closed; a process that left the
            // group (Sandbox=none only: in the PID namespace everything dies with it) may hold a pipe, so wait boundedly.
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
            try { await process.WaitForExitAsync(drain.Token); }
            catch (OperationCanceledException) { log.Line("(some output may be missing: a process of the build kept its output open)"); }
            cancellationToken.ThrowIfCancellationRequested();
            return BuildStepOutcome.TimedOut;
        }
        // Wait for the last lines of output (WaitForExitAsync returns after the streams reach end of file).
        process.WaitForExit();
        if (process.ExitCode != 0) log.Line($"(exit code {process.ExitCode}{Signal(process.ExitCode)})");
        return process.ExitCode == 0 ? BuildStepOutcome.Succeeded : BuildStepOutcome.Failed;
    }

    /// <summary>SIGKILL to the process group: build scripts, rustc and cargo, not only the leader.</summary>
    private static void KillGroup(Process process)
    {
        try
        {
            if (kill(-process.Id, SigKill) != 0) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the timeout and the kill.
        }
    }

    private static string Signal(int exitCode) => exitCode switch
    {
        137 => ": SIGKILL",
        SigXcpuExitCode => ": SIGXCPU, CPU time limit (Docs:Build:CpuSeconds)",
        _ => "",
    };

    /// <summary>How .NET reports a child that SIGXCPU (24) ended: 128 + the signal.</summary>
    public const int SigXcpuExitCode = 128 + 24;

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled; two ints need no marshalling.
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
