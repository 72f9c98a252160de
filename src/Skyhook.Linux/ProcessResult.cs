namespace Skyhook.Linux;

/// <summary>What a finished command printed and how it exited.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
