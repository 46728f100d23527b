namespace Trading.Infra;

internal static class Hashing
{
    public static string Sha256Hex(string text) => Core.Hashing.Sha256Hex(text);

    /// <summary>FNV-1a over the string's UTF-16 code units: a stable hash (unlike string.GetHashCode, the same in every process).</summary>
    public static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = unchecked((hash ^ c) * 16777619u);
        return hash;
    }

    /// <summary>Base64url without padding (RFC 4648 §5): safe in URLs, headers and table keys.</summary>
    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
