using System.Text;

namespace Trading.Tests.Support;

/// <summary>HTTP helpers for tests: JSON in, status and JSON out.</summary>
public static class Http
{
    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent JsonBody(object value) => JsonBody(Newtonsoft.Json.JsonConvert.SerializeObject(value));

    public static async Task<Reply> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null,
        IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string s) request.Content = JsonBody(s);
        else if (body is not null) request.Content = JsonBody(body);
        if (headers is not null)
            foreach (var (k, v) in headers) request.Headers.TryAddWithoutValidation(k, v);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType, response.Headers
            .Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public static Task<Reply> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);
    public static Task<Reply> PostJsonAsync(this HttpClient client, string path, object body, IDictionary<string, string>? headers = null) =>
        client.SendAsync(HttpMethod.Post, path, body, headers);
    public static Task<Reply> PutJsonAsync(this HttpClient client, string path, object body) => client.SendAsync(HttpMethod.Put, path, body);
    public static Task<Reply> DeleteJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Delete, path);
}
