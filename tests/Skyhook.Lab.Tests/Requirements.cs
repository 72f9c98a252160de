using Skyhook.Lab;

namespace Skyhook.Lab.Tests;

/// <summary>
/// What the lab tests need from the host. On a developer box without it they skip; under CI
/// (CI is set) a missing requirement fails them, so that a skip can never hide a broken CI.
/// </summary>
internal static class Requirements
{
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Null when the lab can run here; otherwise why not.</summary>
    public static string? WhyNoLab() => Lab.WhyUnavailable();

    public static void RequireLab() => Require(WhyNoLab());

    /// <summary>The demo also needs openvpn, curl, ping and the controller and gateway built in Release.</summary>
    public static void RequireDemo() => Require(Demo.LabDemo.WhyUnavailable());

    /// <summary>Debian's chromium, for the demo's console in a browser.</summary>
    public static void RequireChromium() => Require(HeadlessChromium.WhyMissing());

    /// <summary>Debian's haproxy, the balancer of the HA tests.</summary>
    public static void RequireHaproxy() =>
        Require(Skyhook.Linux.ExecutableSearch.Find("haproxy") is null ? "haproxy is not installed (apt-get install haproxy)" : null);

    private static void Require(string? whyNot)
    {
        if (whyNot is { } reason)
        {
            if (OnCi)
            {
                Assert.Fail("CI must run the lab tests: " + reason);
            }
            Assert.Skip(reason);
        }
    }
}
