using System.Numerics;
using Newtonsoft.Json;

namespace Trading.Infra;

/// <summary>Int128 (wide sums) as a plain JSON integer, exactly as a long is written: 118 stays 118.</summary>
internal sealed class Int128Converter : JsonConverter<Int128>
{
    public override void WriteJson(JsonWriter writer, Int128 value, JsonSerializer serializer)
    {
        if (value >= long.MinValue && value <= long.MaxValue) writer.WriteValue((long)value);
        else writer.WriteValue((object)(BigInteger)value);
    }

    public override Int128 ReadJson(JsonReader reader, Type objectType, Int128 existingValue, bool hasExistingValue, JsonSerializer serializer) => reader.Value switch
    {
        long l when reader.TokenType == JsonToken.Integer => l,
        BigInteger b when reader.TokenType == JsonToken.Integer => (Int128)b,
        _ => throw new JsonSerializationException($"Expected an integer. Path '{reader.Path}'."),
    };
}
