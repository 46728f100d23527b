using Azure.Core;
using Azure.Core.Pipeline;

namespace Trading.Infra;

/// <summary>
/// Counts every request the Azure SDK clients send to storage (each retry too), by service, kind and resource
/// (<see cref="StorageRequests"/>), and adds it to the current HTTP request's scope with its start and end.
/// Per retry in the pipeline, so what it counts is what reached storage.
/// </summary>
public sealed class StorageRequestPolicy(string service, string prefix, StorageRequests requests) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = StorageRequestScope.Now();
        var key = Key(message.Request);
        requests.Count(key);
        try { ProcessNext(message, pipeline); }
        finally { StorageRequests.Current?.Ended(start, StorageRequestScope.Now(), key); }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = StorageRequestScope.Now();
        var key = Key(message.Request);
        requests.Count(key);
        if (requests.AddedLatency > TimeSpan.Zero) await Task.Delay(requests.AddedLatency, message.CancellationToken);
        try { await ProcessNextAsync(message, pipeline); }
        finally { StorageRequests.Current?.Ended(start, StorageRequestScope.Now(), key); }
    }

    /// <summary><c>{service} {kind} {name}</c>: the name without the storage prefix.</summary>
    private string Key(Request request)
    {
        var uri = request.Uri.ToUri();
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var query = uri.Query;
        // Path style (Azurite: /{account}/{resource}...) or host style (/{resource}...).
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 1 && uri.IsLoopback ? 1 : 0;
        var resource = segments.Length > first ? segments[first] : "";
        var method = request.Method.Method;
        string kind, name;
        if (service == "table")
        {
            var paren = resource.IndexOf('(', StringComparison.Ordinal);
            name = paren < 0 ? resource : resource[..paren];
            var point = paren >= 0 && resource.Length > paren + 2;
            var ifMatch = request.Headers.TryGetValue("If-Match", out _);
            kind = method switch
            {
                _ when name == "$batch" => "batch",
                _ when name == "Tables" => method == "POST" ? "create-table" : method == "DELETE" ? "delete-table" : "tables",
                "GET" => point ? "point-read" : "query",
                "POST" => "insert",
                "PUT" => ifMatch ? "update" : "upsert",
                "PATCH" or "MERGE" => ifMatch ? "merge" : "upsert-merge",
                "DELETE" => "delete",
                _ => method.ToLowerInvariant(),
            };
            if (name == "$batch") name = "";
        }
        else
        {
            name = resource;
            var comp = Parameter(query, "comp");
            var restype = Parameter(query, "restype");
            kind = (method, comp, restype) switch
            {
                ("POST", _, _) when service == "queue" => "put",
                ("GET", _, _) when service == "queue" && segments.Length > first + 1 => "get",
                ("PUT", "lease", _) => "lease",
                ("PUT", "metadata", _) => "metadata",
                ("PUT", _, "container") => "create-container",
                ("PUT", null, null) when service == "queue" => "create-queue",
                ("PUT", _, _) => "put",
                ("GET", "list", _) => "list",
                ("GET", _, _) => "get",
                ("HEAD", _, _) => "properties",
                ("DELETE", _, _) => "delete",
                _ => method.ToLowerInvariant() + (comp is null ? "" : "-" + comp),
            };
        }
        if (prefix.Length > 0 && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) name = name[prefix.Length..];
        return $"{service} {kind} {name}".TrimEnd();
    }

    private static string? Parameter(string query, string name)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq] == name) return part[(eq + 1)..];
        }
        return null;
    }
}
