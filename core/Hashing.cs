using System.Security.Cryptography;
using System.Text;

namespace Trading.Core;

public static class Hashing
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
