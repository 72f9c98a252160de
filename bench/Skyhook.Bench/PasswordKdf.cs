using System.Security.Cryptography;
using System.Text;

namespace Skyhook.Bench;

/// <summary>The controller's password KDF alone (PBKDF2-SHA256, its default 600,000 iterations): the ceiling for full logins.</summary>
public static class PasswordKdf
{
    public const string Name = "PBKDF2-SHA256 600,000 iterations";

    private static readonly byte[] Salt = RandomNumberGenerator.GetBytes(16);

    /// <summary>One derivation on the thread pool, as the controller runs one per full login.</summary>
    public static Task<bool> DeriveAsync() =>
        Task.Run(() => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("benchmark password"), Salt, 600_000, HashAlgorithmName.SHA256, 32).Length == 32);
}
