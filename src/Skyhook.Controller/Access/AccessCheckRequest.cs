namespace Skyhook.Controller.Access;

/// <param name="Destination">An IPv4 or IPv6 address.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
/// <param name="Port">Required for tcp and udp, absent for icmp.</param>
/// <param name="Container">Optional facts about the container at the address.</param>
public sealed record AccessCheckRequest(string? User, string? Destination, string? Protocol, int? Port, ContainerFactsRequest? Container);
