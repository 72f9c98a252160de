using System.CommandLine;
using System.Text;
using System.Text.Json;
using Skyhook.Lab;
using Skyhook.Lab.Demo;

namespace Skyhook.Cli.Lab;

/// <summary>`skyhook lab demo`: the product on a lab that is up (logic in Skyhook.Lab's LabDemo).</summary>
internal static class LabDemoCommand
{
    public static Command Create(Option<string> prefix, Option<bool> json, JsonSerializerOptions jsonOptions)
    {
        var port = new Option<int>("--controller-port")
        {
            Description = "The controller's port on 127.0.0.1.",
            DefaultValueFactory = _ => LabDemo.DefaultControllerPort,
        };
        var demo = new Command(
            "demo",
            "On a lab that is up: a controller, a gateway host enrolled with container access to the overlay, a user, "
            + "and a desktop whose openvpn client reaches web2 on another node. Prints the credentials once; "
            + "running it again replaces the demo. `skyhook lab down` removes it with the lab.")
        {
            prefix, port, json,
        };
        demo.SetAction((result, cancellationToken) => LabCommands.RunAsync(result.GetValue(prefix)!, LabOptions.DefaultNodes, async lab =>
        {
            var labDemo = LabDemo.Create(lab, result.GetValue(port));
            var up = await labDemo.UpAsync(new LabCommands.Progress(), cancellationToken);
            var checks = await labDemo.TryFromDesktopAsync(up, cancellationToken);
            Console.Write(result.GetValue(json)
                ? JsonSerializer.Serialize(new { demo = up, fromDesktop = checks }, jsonOptions) + "\n"
                : Render(up, checks));
            if (!checks[0].Succeeded)
            {
                throw new LabException($"the desktop did not get web2's page through the VPN; see the gateway's log {up.Gateway.Log} "
                    + $"and `curl -s {up.ControllerUrl}/api/v1/gateways` (applyError) with the admin's token");
            }
            if (!checks[1].Succeeded)
            {
                throw new LabException($"the desktop did not get web1's page by name (`{checks[1].Command}`: {checks[1].Output}); "
                    + $"see the gateway's log {up.Gateway.Log} (DNS) and the desktop's {up.Desktop.Log} (pushed dhcp-option lines)");
            }
            if (checks.FirstOrDefault(c => c.DeniedBy is not null && !c.AsExpected) is { } leaked)
            {
                throw new LabException($"`{leaked.Command}` got through although the profile denies it ({leaked.DeniedBy}); see the gateway's log {up.Gateway.Log}");
            }
        }));
        return demo;
    }

    private static string Render(DemoResult demo, IReadOnlyList<DemoCheck> checks)
    {
        var web1 = demo.Targets.Single(t => t.Name == "web1");
        var web2 = demo.Targets.Single(t => t.Name == "web2");
        // ip netns exec puts the desktop's resolv.conf (the VPN's nameserver and search domain) in place.
        var desktop = $"ip netns exec {demo.Desktop.Namespace}";
        var skyhook = SkyhookCommand();
        var text = new StringBuilder();
        text.AppendLine($"Skyhook on lab {demo.Prefix}:");
        text.AppendLine();
        text.AppendLine($"  controller  {demo.ControllerUrl}  (embedded database; log {demo.ControllerLog})");
        text.AppendLine($"    admin     name {demo.Admin.Name}  password {demo.Admin.Password}  TOTP secret {demo.Admin.TotpSecret}");
        text.AppendLine($"  gateway     {demo.Gateway.Name} in namespace {demo.Gateway.Namespace}, VPN on {demo.Gateway.VpnEndpoint}, group {demo.Group}: "
            + "container access to multi-host-overlay 10.0.0.0/16  (log " + demo.Gateway.Log + ")");
        text.AppendLine($"  VPN user    name {demo.User.Name}  password {demo.User.Password}  TOTP secret {demo.User.TotpSecret}");
        text.AppendLine($"  desktop     namespace {demo.Desktop.Namespace} ({demo.Desktop.Address}), openvpn with {demo.Desktop.Profile}  (log {demo.Desktop.Log})");
        text.AppendLine("  (the passwords and secrets are shown here only: no file or log keeps them)");
        text.AppendLine();
        text.AppendLine("The desktop's openvpn client:");
        text.AppendLine("  " + demo.TunnelUp.Trim());
        text.AppendLine();
        text.AppendLine($"From the desktop, through the VPN, to web2 ({web2.OverlayAddress}, on {web2.Machine}) and web1 ({web1.OverlayAddress}, on {web1.Machine}):");
        foreach (var check in checks)
        {
            text.AppendLine("$ " + check.Command);
            text.AppendLine(check.Output);
            if (check.DeniedBy is { } rule)
            {
                text.AppendLine($"  ^ denied by the profile of {demo.User.Name}: {rule} (`skyhook access check {demo.User.Name} web1 tcp/8080` says why)");
            }
        }
        text.AppendLine();
        text.AppendLine("Try:");
        text.AppendLine($"  {desktop} curl http://web2-address:8080/".Replace("web2-address", web2.OverlayAddress, StringComparison.Ordinal));
        text.AppendLine($"  {desktop} curl http://web2.{LabDemo.SearchDomain}:8080/     # names: container, service, tasks.SERVICE, under the search domain or bare");
        text.AppendLine($"  {desktop} getent hosts tasks.api");
        text.AppendLine($"  {desktop} dbclient -yy -i {demo.SshKey} root@web2 hostname");
        text.AppendLine($"  {desktop} bash      # a shell on the desktop: it reaches the containers only through the VPN");
        text.AppendLine($"  a browser on {demo.ControllerUrl}/ : sign in as {demo.Admin.Name} (console) or {demo.User.Name} (portal) with the password and a code from");
        text.AppendLine($"    an authenticator app holding the secret, or from: echo SECRET | {skyhook} lab code");
        text.AppendLine($"  {skyhook} login --controller {demo.ControllerUrl} --name {demo.Admin.Name} --code CODE");
        text.AppendLine($"  {skyhook} lab status --prefix {demo.Prefix}");
        return text.ToString();
    }

    /// <summary>This very `skyhook`, by a path that works from the current directory.</summary>
    private static string SkyhookCommand()
    {
        if (Environment.ProcessPath is not { } path || Path.GetFileName(path) != "skyhook")
        {
            return "skyhook";
        }
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
