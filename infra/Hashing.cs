using System.Security.Cryptography;
using System.Text;

namespace Trading.Infra;

internal static class Hashing
{
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
