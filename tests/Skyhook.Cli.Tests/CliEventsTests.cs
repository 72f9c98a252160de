using System.Text;
using System.Text.Json;
using Skyhook.Core.Contracts;

namespace Skyhook.Cli.Tests;

/// <summary>`skyhook events` against a running controller, with events posted as an enrolled gateway would.</summary>
[Collection("controller")]
public sealed class CliEventsTests(ControllerProcess controller)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_UserAndDenied_ListsExactlyTheRefusedFlowsWithTheirRule()
    {
        var cli = await controller.AdminAsync();
        using var gateway = await GatewayAsync(cli, "ev-list");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await gateway.PostEventsAsync(
        [
            Flow("dora", at, Verdicts.Allowed, "10.0.0.12", 80, "profile ops: rule 1 (allow container web1 tcp 80)"),
            Flow("dora", at.AddSeconds(1), Verdicts.Denied, "10.0.0.21", 22, "profile ops: base policy deny-all"),
            Flow("dora", at.AddSeconds(2), Verdicts.Denied, "10.0.0.22", 5432, "profile ops: base policy deny-all"),
            Flow("other", at.AddSeconds(3), Verdicts.Denied, "10.0.0.23", 22, "profile ops: base policy deny-all"),
        ], Cancel);

        var table = await Ok(cli.RunAsync("events", "--user", "dora", "--verdict", "denied", "--kind", "flow", "--since", "1h"));
        var mixed = await Ok(cli.RunAsync("events", "--user", "DORA", "--verdict", "denied"));
        var json = await Ok(cli.RunAsync("events", "--user", "dora", "--verdict", "denied", "--json"));
        var csv = await Ok(cli.RunAsync("events", "--user", "dora", "--verdict", "denied", "--csv"));

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^ID\s+TIME\s+USER\s+VPN ADDRESS\s+PROTOCOL\s+DESTINATION\s+PORT", lines[0]);
        Assert.Matches(@"dora\s+192\.168\.43\.10\s+tcp\s+10\.0\.0\.22\s+5432\s+-\s+denied\s+profile ops: base policy deny-all", lines[1]);
        Assert.Contains("10.0.0.21", lines[2]);
        Assert.DoesNotContain("10.0.0.12", table);
        Assert.DoesNotContain("10.0.0.23", table);
        Assert.Contains("tcp 10.0.0.21:22 · profile ops: base policy deny-all", mixed);
        Assert.Equal(2, JsonDocument.Parse(json).RootElement.GetArrayLength());
        Assert.StartsWith("id,gateway,sequence,kind,at,user,", csv);
        Assert.Equal(3, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Events_Follow_PrintsAnEventPostedAfterItStarted()
    {
        var cli = await controller.AdminAsync();
        using var gateway = await GatewayAsync(cli, "ev-follow");
        await gateway.PostEventsAsync([Flow("finn", DateTimeOffset.UtcNow.AddMinutes(-1), Verdicts.Allowed, "10.0.0.31", 80, "before")], Cancel);
        using var follow = cli.Start("events", "--user", "finn", "--follow");
        var output = new StringBuilder();
        var lines = Channel(follow);
        try
        {
            Assert.Contains("10.0.0.31:80", await NextLineAsync(lines, output));
            await gateway.PostEventsAsync([Flow("finn", DateTimeOffset.UtcNow, Verdicts.Denied, "10.0.0.32", 443, "after")], Cancel);

            var line = await NextLineAsync(lines, output);

            Assert.Contains("flow  finn  denied  tcp 10.0.0.32:443 · after", line);
        }
        finally
        {
            follow.Kill(entireProcessTree: true);
            await follow.WaitForExitAsync(Cancel);
        }
    }

    [Theory]
    [InlineData("--since", "nonsense", "--since 'nonsense' is not a duration such as 30m, 1h, 24h or 7d, nor an ISO 8601 time")]
    [InlineData("--until", "5 fortnights", "--until '5 fortnights' is not a duration")]
    [InlineData("--kind", "nope", "--kind 'nope' is not one of: session, flow, dns, web, audit")]
    [InlineData("--verdict", "maybe", "--verdict 'maybe' is not one of: allowed, denied")]
    [InlineData("--limit", "0", "--limit 0 is not between 1 and 1000")]
    public async Task Events_BadFlag_OneMessageNamingItAndExitOne(string flag, string value, string message)
    {
        var cli = await controller.AdminAsync();

        var result = await cli.RunAsync("events", flag, value);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("skyhook: " + message, result.StandardError);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", result.StandardOutput);
    }

    private async Task<TestGateway> GatewayAsync(Cli cli, string group)
    {
        await Ok(cli.RunAsync("groups", "create", group));
        var added = await Ok(cli.RunAsync("gateways", "add", group, group + "-gw1", "--public-endpoint", group + ".example.net", "--json"));
        var token = JsonDocument.Parse(added).RootElement.GetProperty("joinToken").GetString()!;
        return await TestGateway.EnrolAsync(controller.Url, token, group + "-gw1", group + ".example.net", Cancel);
    }

    private static TelemetryEvent Flow(string user, DateTimeOffset at, string verdict, string destination, int port, string rule) =>
        new(0, EventKinds.Flow, at, user, "192.168.43.10", Verdict: verdict, Rule: rule, Protocol: "tcp", Destination: destination, Port: port,
            PacketsFromClient: 1);

    private static System.Threading.Channels.Channel<string> Channel(System.Diagnostics.Process process)
    {
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Writer.TryWrite(line);
            }
        };
        process.BeginOutputReadLine();
        return lines;
    }

    private static async Task<string> NextLineAsync(System.Threading.Channels.Channel<string> lines, StringBuilder output)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            var line = await lines.Reader.ReadAsync(timeout.Token);
            output.AppendLine(line);
            return line;
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException("skyhook events --follow printed no new line within 20 s; so far:\n" + output);
        }
    }

    private static async Task<string> Ok(Task<Skyhook.Linux.ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }
}
