using System.Text;
using System.Text.Json;
using Trading.Core;

namespace Trading.Infra;

/// <summary>
/// Holds a request body to RFC 8259 before it is read into a type: no comments, no trailing commas, no single quotes,
/// no unquoted names (System.Text.Json's reader refuses them all by default), no member twice in one object, and no
/// string that is not Unicode text. Newtonsoft would keep the last of two members silently, and it matches members
/// ignoring case, so <c>"quantity": -1, "quantity": 1</c> and <c>"quantity": -1, "Quantity": 1</c> must both be refused
/// here: names are compared ignoring case (ordinal), as Newtonsoft binds them. A lone surrogate escape
/// (<c>"\ud800"</c>) in a name or a value is not a Unicode string (RFC 8259 §8.2): refused, never stored.
/// </summary>
public static class StrictJson
{
    private static readonly JsonReaderOptions s_options = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 32 };

    /// <summary>Throws a 400 <see cref="ValidationException"/> naming where the body breaks RFC 8259 or repeats a member.</summary>
    public static void Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, s_options);
        var members = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        members.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                        break;
                    case JsonTokenType.StartArray:
                        members.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        members.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader, "a member name");
                        if (!members.Peek()!.Add(name))
                            throw ValidationException.For(name, "appears more than once in one object (member names are matched ignoring case)");
                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped) Text(ref reader, "a string");
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            throw ValidationException.For("body", $"is not valid JSON (RFC 8259) at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}");
        }
    }

    /// <summary>The token's text; a 400 when its escapes do not make Unicode text (a lone surrogate).</summary>
    private static string Text(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ValidationException.For("body", $"{what} at byte {reader.TokenStartIndex + 1} is not Unicode text (a lone surrogate escape)");
        }
    }

    public static void Check(string text) => Check(Encoding.UTF8.GetBytes(text));
}
