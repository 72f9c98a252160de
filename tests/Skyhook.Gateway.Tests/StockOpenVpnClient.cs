namespace Skyhook.Gateway.Tests;

/// <summary>
/// A stock openvpn client in a network namespace, as a laptop runs it: the .ovpn file as the
/// controller hands it out, user name and password in an --auth-user-pass file, its log in --log.
/// </summary>
internal static class StockOpenVpnClient
{
    /// <summary>
    /// Starts <c>openvpn --config</c> in <paramref name="netns"/>; files go to <paramref name="directory"/>
    /// named after <paramref name="label"/>. The password is sent as given: an SCRV1 string for a first login.
    /// </summary>
    /// <param name="arguments">More openvpn arguments, such as a lab desktop's DNS hook.</param>
    public static ChildProcess Start(string netns, string directory, string label, string profile, string user, string password, IReadOnlyList<string>? arguments = null)
    {
        var profilePath = Path.Combine(directory, label + ".ovpn");
        var credentialsPath = Path.Combine(directory, label + ".auth");
        File.WriteAllText(profilePath, profile);
        File.WriteAllText(credentialsPath, user + "\n" + password + "\n");
        File.SetUnixFileMode(credentialsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return ChildProcess.Start("nsenter",
            ["--net=/run/netns/" + netns, "openvpn", "--config", profilePath, "--auth-user-pass", credentialsPath, "--log", LogPath(directory, label), .. arguments ?? []]);
    }

    public static string LogPath(string directory, string label) => Path.Combine(directory, label + ".log");

    /// <summary>What the client has logged so far; empty before it wrote anything.</summary>
    public static string Log(string directory, string label)
    {
        var path = LogPath(directory, label);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// The profile less its static-challenge line: openvpn 2.6 asks for the response on a terminal
    /// even with --auth-user-pass, so a client without one sends the SCRV1 string as its password.
    /// </summary>
    public static string WithoutStaticChallenge(string profile) =>
        string.Join('\n', profile.Split('\n').Where(line => !line.StartsWith("static-challenge ", StringComparison.Ordinal)));
}
