using System.Globalization;

namespace Skyhook.Controller.Problems;

/// <summary>ETags over a row's version (<see cref="Storage.IVersioned"/>); <see cref="IfMatch"/> checks them.</summary>
public static class ETags
{
    public static string For(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    public static void Set(HttpContext context, long version) => context.Response.Headers.ETag = For(version);
}
