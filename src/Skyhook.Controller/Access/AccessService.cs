using System.Net;
using Microsoft.EntityFrameworkCore;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Storage;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Access;

/// <summary>
/// "May this user reach this destination?" answered by Core's <see cref="PolicyEvaluator"/>, the
/// same judgement the compiled data path makes, with the deciding rule and why; for the API and the
/// console's access checker alike.
/// </summary>
public sealed class AccessService(ControllerDbContext db, DiscoveredContainers discovered)
{
    /// <summary>The verdict and deciding rule, or an invalid-fields failure naming the field at fault (an unknown user is one).</summary>
    public async Task<Outcome<AccessCheckResponse>> CheckAsync(AccessCheckRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("user", request.User);
        // An address, or the name of a container (else of a service) that a gateway has discovered.
        IReadOnlyList<(IPAddress Address, EndpointFacts? Facts)> destinations = [];
        if (errors.Require("destination", request.Destination))
        {
            if (IPAddress.TryParse(request.Destination, out var address))
            {
                destinations = [(address, discovered.At(address))];
            }
            else if (discovered.Named(request.Destination!) is { Count: > 0 } named)
            {
                destinations = named.Select(n => (n.Address, (EndpointFacts?)n.Facts)).ToList();
            }
            else
            {
                errors.Add("destination", $"The destination must be an IP address, or the name of a container or service; no gateway has discovered one named '{(request.Destination!.Length > 64 ? request.Destination[..64] + "..." : request.Destination)}'.");
            }
        }

        var protocol = Protocol.Tcp;
        if (errors.Require("protocol", request.Protocol))
        {
            if (!PolicyText.TryParseProtocol(request.Protocol, out protocol, out var protocolError))
            {
                errors.Add("protocol", protocolError);
            }
            else if (protocol == Protocol.All)
            {
                errors.Add("protocol", "A packet is tcp, udp or icmp; 'all' appears only in rules.");
            }
            else if (protocol == Protocol.Icmp && request.Port is not null)
            {
                errors.Add("port", "An icmp packet has no port; leave the port out.");
            }
            else if (protocol != Protocol.Icmp && request.Port is not (>= PortRange.MinPort and <= PortRange.MaxPort))
            {
                errors.Add("port", $"A {protocol.ToText()} check needs a port from {PortRange.MinPort} to {PortRange.MaxPort}.");
            }
        }

        var facts = ReadFacts(errors, request.Container);
        if (errors.Any)
        {
            return Failure.Invalid(errors);
        }

        var normalized = request.User!.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().Include(u => u.Profile).ThenInclude(p => p!.Rules)
            .FirstOrDefaultAsync(u => u.NormalizedName == normalized, cancellationToken);
        if (user is null)
        {
            return Failure.Invalid("user", "No user has this name.");
        }

        if (user.Profile is null)
        {
            return Failure.Invalid("user", "This user has no access profile, so nothing is reachable.");
        }

        var profile = ProfileModel.ToAccessProfile(user.Profile);
        // Facts typed in the request win over what discovery says.
        var verdicts = destinations.Select(d => Judge(user.Name, profile, new Destination(d.Address, protocol, request.Port, facts ?? d.Facts))).ToList();
        return Outcome.Ok(verdicts.Count == 1 ? verdicts[0] : verdicts[0] with { Others = verdicts[1..] });
    }

    private static AccessCheckResponse Judge(string user, AccessProfile profile, Destination destination)
    {
        var decision = PolicyEvaluator.Evaluate(profile, destination);
        return new AccessCheckResponse(
            user,
            profile.Name,
            decision.Allowed ? "allow" : "deny",
            decision.Allowed,
            decision.RuleIndex + 1,
            decision.RuleIndex is { } index ? profile.Rules[index].ToString() : null,
            decision.Explanation,
            destination.Address.ToString(),
            destination.Endpoint?.Container);
    }

    private static EndpointFacts? ReadFacts(FieldErrors errors, ContainerFactsRequest? container)
    {
        if (container is null)
        {
            return null;
        }

        if ((container.Labels?.Count ?? 0) > 1000 || (container.Networks?.Count ?? 0) > 1000)
        {
            errors.Add("container", "At most 1000 labels and 1000 networks.");
            return null;
        }

        return new EndpointFacts(
            container.Name,
            container.Service,
            container.Labels ?? new Dictionary<string, string>(),
            container.Networks ?? []);
    }
}
