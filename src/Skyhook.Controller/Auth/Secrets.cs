using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Skyhook.Controller.Auth;

/// <summary>Random bearer secrets (API and setup tokens) and their stored form.</summary>
public static class Secrets
{
    /// <summary>32 random bytes, base64url, with a prefix that secret scanners can recognise.</summary>
    public static string NewToken(string prefix) => prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the token: 256 random bits need neither salt nor a slow hash.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
