using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 16-byte random salt, stored as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>
/// (base64) so that the count can be raised later without breaking old hashes.
/// </summary>
public sealed class PasswordHasher(IOptions<AuthOptions> options)
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltLength = 16;
    private const int HashLength = 32;

    // Verified against when the user does not exist, so that a wrong name costs as long as a wrong
    // password and response times do not reveal which names exist.
    private readonly Lazy<string> _dummy = new(() => Hash("not a password", options.Value.PasswordIterations));

    public string Hash(string password) => Hash(password, options.Value.PasswordIterations);

    /// <summary>Constant-time comparison; a malformed stored hash never matches.</summary>
    public bool Verify(string password, string? stored)
    {
        if (stored is null)
        {
            Verify(password, _dummy.Value);
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt;
        byte[] expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashLength);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
