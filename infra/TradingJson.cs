using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace Trading.Infra;

/// <summary>The one set of Newtonsoft settings: numbers read as decimal, unknown members refused, camelCase out.</summary>
public static class TradingJson
{
    public static JsonSerializerSettings Settings { get; } = Create();

    public static JsonSerializer Serializer { get; } = JsonSerializer.Create(Settings);

    /// <summary>Settings for reading request bodies: as <see cref="Settings"/>, and no value converted from another JSON type.</summary>
    public static JsonSerializerSettings StrictReadSettings { get; } = CreateStrict();

    private static JsonSerializerSettings CreateStrict()
    {
        var settings = Create();
        settings.Converters.Insert(0, new StrictPrimitiveConverter());
        return settings;
    }

    /// <summary>Reads a request body strictly; null when the body is the JSON literal null.</summary>
    public static T? ReadStrict<T>(string json) => JsonConvert.DeserializeObject<T>(json, StrictReadSettings);

    private static JsonSerializerSettings Create()
    {
        var settings = new JsonSerializerSettings
        {
            FloatParseHandling = FloatParseHandling.Decimal,
            MissingMemberHandling = MissingMemberHandling.Error,
            DateParseHandling = DateParseHandling.None,
            ContractResolver = new DefaultContractResolver { NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false, OverrideSpecifiedNames = true } },
            NullValueHandling = NullValueHandling.Include,
            MaxDepth = 32,
        };
        settings.Converters.Add(new StringEnumConverter());
        settings.Converters.Add(new Int128Converter());
        return settings;
    }

    public static string Serialize(object? value) => JsonConvert.SerializeObject(value, Settings);

    public static T? Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, Settings);
}
