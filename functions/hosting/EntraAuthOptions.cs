using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Trading.Core;
using Trading.Core.Access;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>Whether Entra ID bearer tokens are configured (<c>Trading:Auth</c>).</summary>
public sealed record EntraAuthOptions(bool Configured);
