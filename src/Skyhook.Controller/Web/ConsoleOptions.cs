using System.ComponentModel.DataAnnotations;

namespace Skyhook.Controller.Web;

/// <summary>The web console and user portal (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// A signed-in browser is signed out after this long without a request. Default 30 minutes;
    /// longer leaves an unattended console open to whoever sits down at it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A sign-in ends this long after it was made, however active the browser is. Default 12 hours:
    /// a stolen cookie is good for a working day at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);
}
