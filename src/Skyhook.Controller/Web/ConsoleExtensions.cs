using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Web;

/// <summary>
/// The admin console (<c>/console</c>) and the user portal (<c>/portal</c>): Razor Pages under
/// <c>Web/</c>, server-rendered over the same services as the API, signed in with a cookie, every
/// form protected by an anti-forgery token.
/// </summary>
public static class ConsoleExtensions
{
    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Web";
            options.Conventions.AuthorizeFolder("/Console", ConsoleAuth.AdminPolicy);
            options.Conventions.AuthorizeFolder("/Portal", ConsoleAuth.UserPolicy);
            options.Conventions.AuthorizePage("/Account/Enrol", ConsoleAuth.EnrolPolicy);
            foreach (var page in new[] { "/Index", "/Account/SignIn", "/Account/SignOut", "/Account/Setup", "/Account/Denied" })
            {
                options.Conventions.AllowAnonymousToPage(page);
            }
        }).AddCookieTempDataProvider(options =>
        {
            // Carries only the notice shown after a change, never a secret.
            options.Cookie.Name = "skyhook.notice";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.Configure<RouteOptions>(options => options.LowercaseUrls = true);
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "skyhook.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__skyhook_antiforgery";
        });

        builder.Services.AddAuthentication()
            .AddCookie(ConsoleAuth.Scheme, _ => { })
            .AddCookie(ConsoleAuth.EnrolScheme, _ => { });
        builder.Services.AddOptions<CookieAuthenticationOptions>(ConsoleAuth.Scheme)
            .Configure<IOptions<ConsoleOptions>, TimeProvider>((options, console, time) => ConsoleAuth.Configure(options, "skyhook.console", console.Value, time, enrolment: false));
        builder.Services.AddOptions<CookieAuthenticationOptions>(ConsoleAuth.EnrolScheme)
            .Configure<IOptions<ConsoleOptions>, TimeProvider>((options, console, time) => ConsoleAuth.Configure(options, "skyhook.enrol", console.Value, time, enrolment: true));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuth.AdminPolicy, policy => policy.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireRole(ConsoleAuth.AdminRole))
            .AddPolicy(ConsoleAuth.UserPolicy, policy => policy.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser())
            .AddPolicy(ConsoleAuth.EnrolPolicy, policy => policy.AddAuthenticationSchemes(ConsoleAuth.EnrolScheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>
    /// The console's CSS and JS (embedded in the binary, public) and the headers every page gets: a
    /// strict content security policy (no inline script), no framing, no caching of pages that may
    /// show a secret once. Runs before authentication.
    /// </summary>
    public static WebApplication UseConsoleAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new ManifestEmbeddedFileProvider(typeof(ConsoleExtensions).Assembly, "Web/static"),
            RequestPath = "/static",
        });
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
            }

            return next(context);
        });
        return app;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }
}
