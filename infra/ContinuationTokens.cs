namespace Trading.Infra;

/// <summary>Continuation tokens on the wire: opaque base64url of the storage token.</summary>
public static class ContinuationTokens
{
    public static string? Encode(string? raw) => raw is null ? null : Hashing.Base64Url(System.Text.Encoding.UTF8.GetBytes(raw));

    /// <summary>
    /// Decodes a token from <see cref="Encode"/>; a token that is not one throws a 400: not base64url, not UTF-8, with a
    /// control character, or longer than any storage key (a table key is at most 1 KiB; a longer one made storage answer
    /// 400, which was a 500 here).
    /// </summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var refused = Core.ValidationException.For("continuationToken", "is not a token this API gave");
        if (token.Length > MaxTokenChars) throw refused;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var bytes = Convert.FromBase64String(b64);
            var raw = s_strictUtf8.GetString(bytes);
            return bytes.Length > MaxKeyBytes || raw.Any(char.IsControl) ? throw refused : raw;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.DecoderFallbackException)
        {
            throw refused;
        }
    }

    /// <summary>The longest storage token or key a token holds (UTF-8): a table key is at most 1 KiB, and ours are far shorter.</summary>
    private const int MaxKeyBytes = 1024;

    /// <summary>Base64 of <see cref="MaxKeyBytes"/>: no longer token is decoded.</summary>
    private const int MaxTokenChars = (MaxKeyBytes + 2) / 3 * 4;

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);
}
