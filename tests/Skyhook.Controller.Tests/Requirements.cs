namespace Skyhook.Controller.Tests;

/// <summary>
/// What the tests against real tools need from the host. On a developer box without it they skip;
/// under CI (CI is set) a missing requirement fails them, so that a skip can never hide a broken CI.
/// </summary>
internal static class Requirements
{
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>rsyslogd's path, or null; it lives in /usr/sbin, which a non-root PATH may lack.</summary>
    public static string? Rsyslogd() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(folder => Path.Combine(folder, "rsyslogd"))
            .FirstOrDefault(File.Exists);

    public static void RequireRsyslog() =>
        Require(Rsyslogd() is null ? "rsyslogd is not installed (apt-get install rsyslog)" : null, "CI must run the rsyslog tests: ");

    /// <summary>rsyslog's TLS driver (gtls) comes in a package of its own.</summary>
    public static void RequireRsyslogTls()
    {
        RequireRsyslog();
        var driver = Directory.Exists("/usr/lib") && Directory.EnumerateFiles("/usr/lib", "lmnsd_gtls.so", SearchOption.AllDirectories).Any();
        Require(driver ? null : "rsyslog's TLS driver is not installed (apt-get install rsyslog-gnutls)", "CI must run the rsyslog TLS tests: ");
    }

    /// <summary>Skips on a developer box; fails under CI, where a skip could hide a broken test.</summary>
    private static void Require(string? reason, string onCi)
    {
        if (reason is not null)
        {
            if (OnCi)
            {
                Assert.Fail(onCi + reason);
            }

            Assert.Skip(reason);
        }
    }
}
