using Skyhook.Linux;

namespace Skyhook.Lab;

/// <summary>Looks host programs up on PATH and keeps one note per missing one, naming the Debian package that has it.</summary>
internal sealed class ToolSearch(string? path = null)
{
    private readonly List<string> _missing = [];

    /// <summary>"name (apt-get install package)" for every program not found so far.</summary>
    public IReadOnlyList<string> Missing => _missing;

    /// <summary>The full path of <paramref name="name"/>, or the bare name (noted as missing) when it is not on PATH.</summary>
    public string Need(string name, string package)
    {
        var found = ExecutableSearch.Find(name, path);
        if (found is null)
        {
            _missing.Add($"{name} (apt-get install {package})");
        }
        return found ?? name;
    }
}
