using Skyhook.Core.Contracts;

namespace Skyhook.Core.Formatting;

/// <summary>One column of an event listing: its heading and the text it shows for an event (null: nothing to show).</summary>
public sealed record EventColumn(string Header, Func<TelemetryEvent, string?> Value);
