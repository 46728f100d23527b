using System.Net.Http.Headers;

namespace Trading.Tests.Support;

public sealed record Reply(int Status, string Text, MediaTypeHeaderValue? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public JObject Body => (JObject)JsonConvert();

    private JToken JsonConvert()
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(Text)) { FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Decimal, DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    public JArray Array => (JArray)JsonConvert();

    public Reply Expect(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        return this;
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public override string ToString() => $"{Status} {Text}";
}
