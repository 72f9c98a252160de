namespace Skyhook.Core.Telemetry;

/// <summary>An HTTP/1.x request's method, target (at most <see cref="HttpRequestSniffer.MaxPath"/>
/// characters) and Host header (null when the request has none).</summary>
public sealed record HttpRequestHead(string Method, string Path, string? Host);
