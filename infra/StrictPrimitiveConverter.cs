using Newtonsoft.Json;

namespace Trading.Infra;

/// <summary>
/// Refuses JSON values of the wrong type instead of converting them: "8.074" is not a number, 131000 is not a
/// string, 5.0 is not a whole number. Newtonsoft's defaults would quietly accept all three.
/// </summary>
internal sealed class StrictPrimitiveConverter : JsonConverter
{
    private static readonly HashSet<Type> s_types = [typeof(string), typeof(decimal), typeof(decimal?), typeof(int), typeof(int?), typeof(long), typeof(long?), typeof(bool), typeof(bool?)];

    public override bool CanConvert(Type objectType) => s_types.Contains(objectType);

    public override bool CanWrite => false;

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        var token = reader.TokenType;
        if (token == JsonToken.Null)
        {
            if (objectType.IsValueType && Nullable.GetUnderlyingType(objectType) is null) throw Wrong(reader, objectType);
            return null;
        }
        var target = Nullable.GetUnderlyingType(objectType) ?? objectType;
        if (target == typeof(string)) return token == JsonToken.String ? (string)reader.Value! : throw Wrong(reader, objectType);
        if (target == typeof(bool)) return token == JsonToken.Boolean ? (bool)reader.Value! : throw Wrong(reader, objectType);
        if (target == typeof(decimal))
        {
            return token switch
            {
                JsonToken.Float when reader.Value is decimal d => d,
                JsonToken.Integer when reader.Value is System.Numerics.BigInteger => throw OutOfRange(reader),
                JsonToken.Integer => Convert.ToDecimal(reader.Value, System.Globalization.CultureInfo.InvariantCulture),
                _ => throw Wrong(reader, objectType),
            };
        }
        if (token != JsonToken.Integer) throw Wrong(reader, objectType);
        if (reader.Value is System.Numerics.BigInteger) throw OutOfRange(reader);
        try
        {
            if (target == typeof(int)) return Convert.ToInt32(reader.Value, System.Globalization.CultureInfo.InvariantCulture);
            return Convert.ToInt64(reader.Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw OutOfRange(reader);
        }
    }

    private static JsonSerializationException OutOfRange(JsonReader reader) =>
        new($"The value is out of range. Path '{reader.Path}'.", reader.Path, 0, 0, null);

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) => throw new NotSupportedException();

    private static JsonSerializationException Wrong(JsonReader reader, Type type)
    {
        var expected = (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => "a string",
            var t when t == typeof(bool) => "true or false",
            var t when t == typeof(decimal) => "a number",
            _ => "a whole number",
        };
        return new JsonSerializationException($"Expected {expected}. Path '{reader.Path}'.", reader.Path, 0, 0, null);
    }
}
