using System.Text.Json;
using Skyhook.Controller.Events;
using Skyhook.Controller.Events.Export;

namespace Skyhook.Controller.Tests.Export;

public sealed class JsonLinesSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skyhook-jsonl-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Line_Flow_FlatCamelCaseWithoutNulls()
    {
        Assert.Equal(
            """{"id":3,"gateway":"gw1","sequence":13,"kind":"flow","at":"2025-03-01T12:00:00.5+00:00","user":"alice","vpnAddress":"192.168.43.10","sessionId":"0123456789abcdef0123456789abcdef","verdict":"allowed","rule":"profile dev: rule 1","protocol":"tcp","destination":"10.0.0.12","port":80,"container":"web1","ended":"2025-03-01T12:00:03.5+00:00","bytesFromClient":100,"bytesToClient":2000,"packetsFromClient":3,"packetsToClient":4}""",
            JsonLinesSink.Line(SampleEvents.Flow));
    }

    [Fact]
    public void Line_Audit_NoGateway()
    {
        using var json = JsonDocument.Parse(JsonLinesSink.Line(SampleEvents.Audit));

        Assert.False(json.RootElement.TryGetProperty("gateway", out _));
        Assert.Equal("users.update", json.RootElement.GetProperty("action").GetString());
    }

    [Fact]
    public async Task SendAsync_NetworkText_OneValidObjectPerLine()
    {
        var path = Path.Combine(_folder, "a", "b", "events.jsonl");
        var sink = new JsonLinesSink(path);
        StoredEvent nasty = new(9, "gw1", SampleEvents.Web.Event with { Path = "/x\r\n{\"id\":1}\0\u2028", Name = "日本😀" });

        await sink.SendAsync([.. SampleEvents.All, nasty], TestContext.Current.CancellationToken);

        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(SampleEvents.All.Count + 1, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(nasty.Event.Path, last.GetProperty("path").GetString());
        Assert.Equal("日本😀", last.GetProperty("name").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task SendAsync_FileMovedAway_StartsANewFile()
    {
        var path = Path.Combine(_folder, "events.jsonl");
        var sink = new JsonLinesSink(path);
        await sink.SendAsync([SampleEvents.Connect], TestContext.Current.CancellationToken);

        File.Move(path, path + ".1");
        await sink.SendAsync([SampleEvents.Flow], TestContext.Current.CancellationToken);

        Assert.Single(await File.ReadAllLinesAsync(path + ".1", TestContext.Current.CancellationToken));
        var line = Assert.Single(await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(3, JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task SendAsync_AfterPartialLine_StartsOnANewLine()
    {
        var path = Path.Combine(_folder, "events.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":1,\"gatew", TestContext.Current.CancellationToken);

        await new JsonLinesSink(path).SendAsync([SampleEvents.Flow], TestContext.Current.CancellationToken);

        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(2, lines.Length);
        Assert.Equal(JsonLinesSink.Line(SampleEvents.Flow), lines[1]);
    }
}
