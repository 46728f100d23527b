using System.Security.Cryptography;
using System.Text;

namespace Trading.Infra;

internal static class Hashing
{
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Base64url without padding (RFC 4648 §5): safe in URLs, headers and table keys.</summary>
    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
