using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Skyhook.Linux;

/// <summary>
/// Runs host commands (ip, nft, docker, openvpn...) from argument arrays with a timeout, output to
/// the logger and the exit code checked. The one way product code starts a process.
/// </summary>
public sealed partial class ProcessRunner(ILogger<ProcessRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ProcessRunner>.Instance;

    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(new ProcessSpec(fileName, arguments), cancellationToken);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var description = spec.Describe();
        Log.Starting(_logger, description);

        var startInfo = StartInfo(spec);

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProcessFailedException($"cannot start {spec.FileName}: {ex.Message}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            if (spec.StandardInput is not null)
            {
                await process.StandardInput.WriteAsync(spec.StandardInput.AsMemory(), timeout.Token);
            }
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProcessFailedException($"{description} did not finish within {spec.Timeout.TotalSeconds:0} s and was killed");
        }

        var result = new ProcessResult(process.ExitCode, await stdout, await stderr);
        Log.Finished(_logger, description, result.ExitCode, spec.Redact(Tail(result.StandardError)));
        if (spec.CheckExitCode && !result.Succeeded)
        {
            var output = Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput);
            throw new ProcessFailedException(spec.Redact($"{description} exited with {result.ExitCode}: {output}"), result);
        }
        return result;
    }

    /// <summary>
    /// Runs a long-lived command (a supervised child such as <c>conntrack -E</c>) and hands each line
    /// it prints to <paramref name="standardOutput"/> or <paramref name="standardError"/> as it comes,
    /// until it exits (its exit code is returned; <see cref="ProcessSpec.CheckExitCode"/> and
    /// <see cref="ProcessSpec.Timeout"/> do not apply) or <paramref name="cancellationToken"/> is
    /// cancelled (it is killed, then <see cref="OperationCanceledException"/>).
    /// </summary>
    /// <exception cref="ProcessFailedException">The program cannot be started.</exception>
    public async Task<int> StreamAsync(ProcessSpec spec, Action<string> standardOutput, Action<string> standardError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(standardOutput);
        ArgumentNullException.ThrowIfNull(standardError);
        var description = spec.Describe();
        Log.Starting(_logger, description);
        var startInfo = StartInfo(spec);

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                standardOutput(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                standardError(line);
            }
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProcessFailedException($"cannot start {spec.FileName}: {ex.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        Log.Finished(_logger, description, process.ExitCode, "");
        return process.ExitCode;
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec)
    {
        var startInfo = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }
        return startInfo;
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= 2000 ? text : "..." + text[^2000..];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Running {Command}")]
        public static partial void Starting(ILogger logger, string command);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "{Command} exited with {ExitCode} {StandardError}")]
        public static partial void Finished(ILogger logger, string command, int exitCode, string standardError);
    }
}
