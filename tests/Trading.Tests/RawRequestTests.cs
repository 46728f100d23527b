using System.Net.Sockets;
using System.Text;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Requests that HttpClient would not send: a body that trickles in, a broken chunked body. Never a storage fault.</summary>
public sealed class RawRequestTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(int Status, string Text)> SendRawAsync(string head, Func<NetworkStream, Task> body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(api.Server.BaseAddress.Host, api.Server.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try { await body(stream); }
        catch (IOException) { /* the server may close the connection once it has answered */ }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text);
    }

    private static string Head(string extra) =>
        $"POST /api/trades HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {ApiFixture.AdminKey}\r\nIdempotency-Key: raw-{Guid.NewGuid():N}\r\nContent-Type: application/json\r\nConnection: close\r\n{extra}\r\n";

    [Fact]
    public async Task A_body_sent_too_slowly_is_408_or_400_and_not_a_storage_fault()
    {
        var before = await api.SnapshotAsync();
        var (status, text) = await SendRawAsync(Head("Content-Length: 400\r\n"), async stream =>
        {
            for (var i = 0; i < 40; i++)
            {
                await stream.WriteAsync("{"u8.ToArray());
                await Task.Delay(500);
            }
        });
        Assert.True(status is 408 or 400, text);
        Assert.DoesNotContain("Retry-After", text);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task A_broken_chunked_body_is_400_with_a_problem_body()
    {
        var (status, text) = await SendRawAsync(Head("Transfer-Encoding: chunked\r\n"), async stream =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes("zz\r\n{\"a\":1}\r\n0\r\n\r\n")));
        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", text);
        Assert.DoesNotContain("Retry-After", text);
    }
}
