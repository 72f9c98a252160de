namespace Skyhook.Controller.Gateways;

/// <param name="Name">Unique across groups; letters, digits, '.', '-', '_' (it becomes the certificate's common name).</param>
/// <param name="PublicEndpoint">The host name or IP address VPN clients connect to (the group's port applies).</param>
public sealed record AddGatewayRequest(string? Name, string? PublicEndpoint);
