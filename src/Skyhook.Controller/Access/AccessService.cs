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
public sealed class AccessService(ControllerDbContext db)
{
    /// <summary>The verdict and deciding rule, or an invalid-fields failure naming the field at fault (an unknown user is one).</summary>
    public async Task<Outcome<AccessCheckResponse>> CheckAsync(AccessCheckRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("user", request.User);
        IPAddress? address = null;
        if (errors.Require("destination", request.Destination) && !IPAddress.TryParse(request.Destination, out address))
        {
            errors.Add("destination", "The destination must be an IPv4 or IPv6 address.");
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
        var decision = PolicyEvaluator.Evaluate(profile, new Destination(address!, protocol, request.Port, facts));
        return Outcome.Ok(new AccessCheckResponse(
            user.Name,
            profile.Name,
            decision.Allowed ? "allow" : "deny",
            decision.Allowed,
            decision.RuleIndex + 1,
            decision.RuleIndex is { } index ? profile.Rules[index].ToString() : null,
            decision.Explanation));
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
