using Grpc.Core;
using Trading.Tests.FunctionsHost.Rpc;

namespace Trading.Tests.FunctionsHost;

/// <summary>The host's end of the worker's event stream: hands the stream to <see cref="TestFunctionsHost"/>.</summary>
public sealed class FunctionRpcService(TestFunctionsHost host) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context) => host.RunStreamAsync(requestStream, responseStream, context.CancellationToken);
}
