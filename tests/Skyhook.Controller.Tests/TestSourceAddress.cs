using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Skyhook.Controller.Tests;

/// <summary>
/// The in-process server has no socket and so no peer address; this test-only middleware takes it
/// from a header, so that per-address lockout can be tested with distinct sources.
/// </summary>
internal sealed class TestSourceAddress : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[ControllerFixture.SourceHeader].FirstOrDefault() ?? "127.0.0.1");
            return nextMiddleware(context);
        });
        next(app);
    };
}
