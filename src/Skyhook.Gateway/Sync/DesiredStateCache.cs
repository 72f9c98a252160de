using System.Text.Json;
using Skyhook.Core.Contracts;
using Skyhook.Gateway.Host;

namespace Skyhook.Gateway.Sync;

/// <summary>
/// The last desired state that validated and applied, on disk (0600: overlay join tokens are
/// secrets), so that a gateway restarted while the controller is away serves what it served before.
/// Written atomically (temporary file + rename): a crash leaves the old copy or the new one.
/// </summary>
public sealed class DesiredStateCache(string path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Path { get; } = path;

    public void Save(DesiredState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        GatewayFiles.WriteAtomically(Path, JsonSerializer.Serialize(state, Json), GatewayFiles.Secret);
    }

    /// <summary>The cached state, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a desired state.</exception>
    public DesiredState? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<DesiredState>(File.ReadAllText(Path), Json)
                ?? throw new InvalidDataException($"{Path} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path} is not a desired state: {ex.Message}", ex);
        }
    }
}
