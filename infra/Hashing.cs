namespace Trading.Infra;

internal static class Hashing
{
    public static string Sha256Hex(string text) => Core.Hashing.Sha256Hex(text);

    /// <summary>Base64url without padding (RFC 4648 §5): safe in URLs, headers and table keys.</summary>
    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
