using System.Text;
using System.Text.Json;
using Trading.Core;

namespace Trading.Infra;

/// <summary>
/// Holds a request body to RFC 8259 before it is read into a type: no comments, no trailing commas, no single quotes,
/// no unquoted names (System.Text.Json's reader refuses them all by default), and no member twice in one object
/// (Newtonsoft would keep the last one silently: <c>"quantity": -1, "quantity": 1</c> must not pass as 1).
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
                        members.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        members.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        members.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!members.Peek()!.Add(name))
                            throw ValidationException.For(name, "appears more than once in one object");
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            throw ValidationException.For("body", $"is not valid JSON (RFC 8259) at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}");
        }
    }

    public static void Check(string text) => Check(Encoding.UTF8.GetBytes(text));
}
