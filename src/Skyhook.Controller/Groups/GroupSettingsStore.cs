using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Skyhook.Controller.Problems;
using Skyhook.Controller.Storage;
using Skyhook.Core.Addressing;
using Skyhook.Core.Groups;
using Skyhook.Core.Vpn;

namespace Skyhook.Controller.Groups;

/// <summary>
/// Between the API's group fields, Core's <see cref="GatewayGroupSettings"/> and the stored JSON.
/// Swarm join tokens are encrypted with Data Protection on the way in and only decrypted for the
/// desired state sent to gateways.
/// </summary>
public sealed class GroupSettingsStore(IDataProtectionProvider dataProtection)
{
    public const string Masked = "***";

    public const int MaxListLength = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Skyhook.Controller.SwarmJoinToken.v1");

    public GatewayGroupSettings Load(GatewayGroupEntity entity)
    {
        var stored = JsonSerializer.Deserialize<StoredGroupSettings>(entity.Settings, Json)
            ?? throw new InvalidOperationException($"The settings of group {entity.Name} are empty.");
        return new GatewayGroupSettings
        {
            Name = entity.Name,
            Transport = GroupText.TryParseTransport(stored.Transport, out var transport) ? transport : throw Corrupt(entity, "transport"),
            Port = stored.Port,
            TunnelMode = GroupText.TryParseTunnelMode(stored.TunnelMode, out var tunnel) ? tunnel : throw Corrupt(entity, "tunnelMode"),
            AdditionalCidrs = stored.AdditionalCidrs.Select(Cidr.Parse).ToList(),
            Nameservers = stored.Nameservers.Select(IPAddress.Parse).ToList(),
            SearchDomains = stored.SearchDomains,
            ClientPool = Cidr.Parse(stored.ClientPool),
            ClientBlockPrefixLength = stored.ClientBlockPrefixLength,
            SessionLifetime = TimeSpan.FromSeconds(stored.SessionLifetimeSeconds),
            Overlays = stored.Overlays.Select(o => new OverlayNetwork(
                o.Name,
                Cidr.Parse(o.Subnet),
                o.Enabled,
                o.ManagerAddress is null || o.ProtectedJoinToken is null
                    ? null
                    : new SwarmJoin(o.ManagerAddress, _protector.Unprotect(o.ProtectedJoinToken)))).ToList(),
            HideUnreachableNames = stored.HideUnreachableNames ?? GatewayGroupSettings.DefaultHideUnreachableNames,
            LoadBalancer = stored.LoadBalancer is null ? null
                : VpnEndpoint.TryParse(stored.LoadBalancer, stored.Port, out var balancer, out _) ? balancer : throw Corrupt(entity, "loadBalancer"),
        };
    }

    public string Save(GatewayGroupSettings settings) => JsonSerializer.Serialize(
        new StoredGroupSettings(
            settings.Transport.ToText(),
            settings.Port,
            settings.TunnelMode.ToText(),
            settings.AdditionalCidrs.Select(c => c.ToString()).ToList(),
            settings.Nameservers.Select(n => n.ToString()).ToList(),
            settings.SearchDomains,
            settings.ClientPool.ToString(),
            settings.ClientBlockPrefixLength,
            (int)settings.SessionLifetime.TotalSeconds,
            settings.Overlays.Select(o => new StoredOverlay(
                o.Name,
                o.Subnet.ToString(),
                o.Enabled,
                o.Join?.ManagerAddress,
                o.Join is null ? null : _protector.Protect(o.Join.JoinToken))).ToList(),
            settings.HideUnreachableNames,
            settings.LoadBalancer?.ToString()),
        Json);

    public static GroupView View(GatewayGroupEntity entity, GatewayGroupSettings settings) => new(
        entity.Name,
        settings.Transport.ToText(),
        settings.Port,
        settings.TunnelMode.ToText(),
        settings.AdditionalCidrs.Select(c => c.ToString()).ToList(),
        settings.Nameservers.Select(n => n.ToString()).ToList(),
        settings.SearchDomains,
        settings.ClientPool.ToString(),
        settings.ClientBlockPrefixLength,
        (int)settings.SessionLifetime.TotalSeconds,
        settings.Overlays.Select(o => new OverlayView(
            o.Name, o.Subnet.ToString(), o.Enabled, o.Join is null ? null : new SwarmJoinView(o.Join.ManagerAddress, Masked))).ToList(),
        settings.HideUnreachableNames,
        settings.LoadBalancer?.ToString(),
        entity.CreatedAt,
        entity.UpdatedAt);

    /// <summary>
    /// Reads every field (naming each one at fault), then validates the settings as a whole with
    /// Core's <see cref="GatewayGroupValidator"/>: ranges against each other, each conflict naming both.
    /// </summary>
    /// <param name="existing">On replace, the stored settings: a join token given as <c>***</c> or left out keeps the stored one.</param>
    public static GatewayGroupSettings? Read(FieldErrors errors, string name, GroupRequest request, GatewayGroupSettings? existing)
    {
        var transport = VpnTransport.Udp;
        if (request.Transport is not null && !GroupText.TryParseTransport(request.Transport, out transport))
        {
            errors.Add("transport", "The transport must be 'udp' or 'tcp'.");
        }

        var tunnel = TunnelMode.Split;
        if (request.TunnelMode is not null && !GroupText.TryParseTunnelMode(request.TunnelMode, out tunnel))
        {
            errors.Add("tunnelMode", "The tunnel mode must be 'split' or 'full'.");
        }

        var additional = ReadList(errors, "additionalCidrs", request.AdditionalCidrs, (string text, out Cidr value, out string? error) => Cidr.TryParse(text, out value, out error));
        var nameservers = ReadList(errors, "nameservers", request.Nameservers, (string text, out IPAddress value, out string? error) =>
        {
            var ok = IPAddress.TryParse(text, out var parsed) && !text.Contains('%', StringComparison.Ordinal);
            value = parsed ?? IPAddress.None;
            error = ok ? null : "This is not an IP address.";
            return ok;
        });
        var domains = ReadList(errors, "searchDomains", request.SearchDomains, (string text, out string value, out string? error) =>
        {
            value = text;
            error = null;
            return true;
        });

        var pool = GatewayGroupSettings.DefaultClientPool;
        if (request.ClientPool is not null && !Cidr.TryParse(request.ClientPool, out pool, out var poolError))
        {
            errors.Add("clientPool", poolError);
        }

        var overlays = new List<OverlayNetwork>();
        var overlayRequests = request.Overlays ?? [];
        if (overlayRequests.Count > MaxListLength)
        {
            errors.Add("overlays", Invariant($"A group has at most {MaxListLength} overlay networks."));
            overlayRequests = [];
        }

        for (var i = 0; i < overlayRequests.Count; i++)
        {
            var field = Invariant($"overlays[{i}]");
            if (overlayRequests[i] is not { } overlay)
            {
                errors.Add(field, "An overlay network cannot be null.");
                continue;
            }

            var ok = errors.Require(field + ".name", overlay.Name);
            var subnet = default(Cidr);
            if (errors.Require(field + ".subnet", overlay.Subnet) && !Cidr.TryParse(overlay.Subnet, out subnet, out var subnetError))
            {
                errors.Add(field + ".subnet", subnetError);
                ok = false;
            }

            SwarmJoin? join = null;
            if (overlay.Join is { } joinRequest)
            {
                ok &= errors.Require(field + ".join.managerAddress", joinRequest.ManagerAddress);
                var token = joinRequest.JoinToken;
                if (token is null or Masked)
                {
                    token = existing?.Overlays.FirstOrDefault(o => o.Name == overlay.Name)?.Join?.JoinToken;
                    if (token is null)
                    {
                        errors.Add(field + ".join.joinToken", "This field is required: no join token is stored for this overlay yet.");
                        ok = false;
                    }
                }

                if (ok)
                {
                    join = new SwarmJoin(joinRequest.ManagerAddress!, token!);
                }
            }

            if (ok)
            {
                overlays.Add(new OverlayNetwork(overlay.Name!, subnet, overlay.Enabled ?? true, join));
            }
        }

        var port = request.Port ?? GatewayGroupSettings.DefaultPort;
        VpnEndpoint? balancer = null;
        if (!string.IsNullOrEmpty(request.LoadBalancer) && !VpnEndpoint.TryParse(request.LoadBalancer, port, out balancer, out var balancerError))
        {
            errors.Add("loadBalancer", balancerError);
        }

        if (errors.Any)
        {
            return null;
        }

        var settings = new GatewayGroupSettings
        {
            Name = name,
            Transport = transport,
            Port = port,
            TunnelMode = tunnel,
            AdditionalCidrs = additional,
            Nameservers = nameservers,
            SearchDomains = domains,
            ClientPool = pool,
            ClientBlockPrefixLength = request.ClientBlockPrefixLength ?? GatewayGroupSettings.DefaultClientBlockPrefixLength,
            SessionLifetime = request.SessionLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : GatewayGroupSettings.DefaultSessionLifetime,
            Overlays = overlays,
            HideUnreachableNames = request.HideUnreachableNames ?? GatewayGroupSettings.DefaultHideUnreachableNames,
            LoadBalancer = balancer,
        };

        // No gateway reports its underlay yet (the gateway's heartbeat does not carry it), so the
        // underlay check has nothing to compare against; when it does, pass the group's gateways' here.
        foreach (var error in GatewayGroupValidator.Validate(settings, []))
        {
            errors.Add(error.Field, error.Message);
        }

        return errors.Any ? null : settings;
    }

    private delegate bool Parser<T>(string text, out T value, out string? error);

    private static List<T> ReadList<T>(FieldErrors errors, string field, IReadOnlyList<string?>? texts, Parser<T> parse)
    {
        var values = new List<T>();
        texts ??= [];
        if (texts.Count > MaxListLength)
        {
            errors.Add(field, Invariant($"At most {MaxListLength} entries."));
            return values;
        }

        for (var i = 0; i < texts.Count; i++)
        {
            var item = Invariant($"{field}[{i}]");
            if (errors.Require(item, texts[i]))
            {
                if (parse(texts[i]!, out var value, out var error))
                {
                    values.Add(value);
                }
                else
                {
                    errors.Add(item, error ?? "This value is malformed.");
                }
            }
        }

        return values;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static InvalidOperationException Corrupt(GatewayGroupEntity entity, string field) =>
        new($"The stored {field} of group {entity.Name} is not valid.");
}
