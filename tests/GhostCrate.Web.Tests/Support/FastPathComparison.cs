using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>What the fast-path tests share: requests, header reading, and a server built without one fast path.</summary>
public static class FastPathComparison
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.TryAddWithoutValidation("Authorization", token);
        configure?.Invoke(request);
        return request;
    }

    public static string HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "";

    /// <summary>Removes the startup filter that installs a fast path, so the endpoint answers everything.</summary>
    public static void Without<TStartupFilter>(IServiceCollection services) where TStartupFilter : IStartupFilter
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType == typeof(TStartupFilter)).ToList())
        {
            services.Remove(descriptor);
        }
    }
}
