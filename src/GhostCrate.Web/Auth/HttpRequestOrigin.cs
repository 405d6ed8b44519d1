using GhostCrate.Core.Abstractions;

namespace GhostCrate.Web.Auth;

/// <summary>
/// The client address of the current request for the audit log. Behind a reverse proxy this is the proxy's address
/// unless forwarded headers are configured in front of GhostCrate.
/// </summary>
public sealed class HttpRequestOrigin(Http.CurrentRequest request) : IRequestOrigin
{
    public string? ClientAddress => request.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
