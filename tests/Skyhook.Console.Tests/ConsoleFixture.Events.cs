using Skyhook.Core.Contracts;

namespace Skyhook.Console.Tests;

/// <summary>A gateway of its own group (<c>lab</c>'s client pool has one block), added in the console and enrolled over HTTP, that posts the events the activity tests look at.</summary>
public sealed partial class ConsoleFixture
{
    private TestGateway? _eventsGateway;

    /// <summary>Posts the events as one batch from the events gateway (made the first time).</summary>
    public async Task PostEventsAsync(params TelemetryEvent[] events)
    {
        var gateway = await EventsGatewayAsync();
        await gateway.PostEventsAsync(events, TestContext.Current.CancellationToken);
    }

    private async Task<TestGateway> EventsGatewayAsync()
    {
        // The profile the activity tests give their users.
        await GroupWithGatewayAsync();
        var admin = await AdminAsync();
        return await OnceAsync(() => _eventsGateway, async () =>
        {
            var page = await NewPageAsync(admin.StorageState);
            try
            {
                const string group = "events";
                await AdminPages.CreateGroupAsync(page, Url, group);
                var join = await AdminPages.AddGatewayAsync(page, group + "-events", "198.51.100.12");
                var token = join.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
                return _eventsGateway = await TestGateway.EnrolAsync(Url, token, group + "-events", "198.51.100.12", TestContext.Current.CancellationToken);
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        });
    }
}
