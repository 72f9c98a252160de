using System.Globalization;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Events.Export;

/// <summary>
/// The short human line (MSG) of a syslog message, such as <c>alice tcp 10.0.0.12:80 web1 allowed</c>:
/// what someone reading the receiver's log sees first. The structured data carries every field; this
/// only names the essentials, and leaves out what the event does not have.
/// </summary>
internal static class SyslogMessages
{
    public static string Describe(TelemetryEvent e) => e.Kind switch
    {
        EventKinds.Session => e.Action == SessionActions.Refused
            ? Join(e.User, "refused", From(e.PublicAddress)) + (e.Reason is null ? "" : ": " + e.Reason)
            : Join(e.User, e.Action, e.VpnAddress, From(e.PublicAddress), e.Reason),
        EventKinds.Flow => Join(e.User, e.Protocol, Endpoint(e.Destination, e.Port), e.Container, e.Verdict),
        EventKinds.Dns => Join(e.User, e.QueryType, e.Name, e.ResultCode, e.Verdict),
        EventKinds.Web => e.Method is null
            ? Join(e.User, "tls", Endpoint(e.Name ?? e.Destination, e.Port), e.Container, e.Verdict)
            : Join(e.User, e.Method, $"{e.Scheme ?? "http"}://{e.Name ?? Endpoint(e.Destination, e.Port)}{e.Path}", e.Container, e.Verdict),
        EventKinds.Audit => Join(e.User, e.Action, e.Name, e.Reason),
        _ => Join(e.User, e.Kind, e.Action, e.Verdict),
    };

    private static string? From(string? address) => address is null ? null : "from " + address;

    private static string? Endpoint(string? address, int? port) =>
        address is null ? null
        : port is null ? address
        : address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port.Value.ToString(CultureInfo.InvariantCulture)}"
        : $"{address}:{port.Value.ToString(CultureInfo.InvariantCulture)}";

    private static string Join(params string?[] parts) =>
        string.Join(' ', parts.Where(part => !string.IsNullOrEmpty(part)));
}
