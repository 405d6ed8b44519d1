namespace GhostCrate.Core.Proxy;

/// <summary>
/// Port for outbound HTTP: the host hands out IHttpClientFactory clients configured per upstream (proxy, connect
/// timeout, request timeout), so Core never builds an HttpClient or a handler itself.
/// </summary>
public interface IUpstreamHttp
{
    HttpClient CreateClient(UpstreamDefinition upstream);
}
