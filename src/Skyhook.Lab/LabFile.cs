using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Skyhook.Lab.Topology;

namespace Skyhook.Lab;

/// <summary>
/// Written first by `up`: it marks the prefix as a lab's (so `down` only removes what a lab made)
/// and keeps the two choices that cannot be derived from the prefix.
/// </summary>
internal sealed record LabFile(string Prefix, int Nodes, string HostAddress, string LabAddress)
{
    [JsonIgnore]
    public HostLink HostLink => new(IPAddress.Parse(HostAddress), IPAddress.Parse(LabAddress));

    public static LabFile? Read(LabLayout layout) =>
        File.Exists(layout.LabFile) ? JsonSerializer.Deserialize<LabFile>(File.ReadAllText(layout.LabFile)) : null;

    public void Write(LabLayout layout)
    {
        Directory.CreateDirectory(layout.StateDirectory);
        File.WriteAllText(layout.LabFile, JsonSerializer.Serialize(this));
    }
}
