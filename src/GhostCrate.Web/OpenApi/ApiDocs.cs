using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// What endpoints say about themselves for the OpenAPI document (/api/openapi.json): tag, operation id and summary,
/// credentials, and the error responses each really returns. Success bodies come from the typed results.
/// </summary>
public static class ApiDocs
{
    public const string CargoTag = "Cargo registry";
    public const string IndexTag = "Sparse index";
    public const string AccountTag = "Account";
    public const string OrganizationsTag = "Organizations";
    public const string AdminTag = "Administration";
    public const string ProxyTag = "Proxy";
    public const string StatsTag = "Statistics";
    public const string SessionTag = "Sign-in";
    public const string HealthTag = "Health";
    public const string SecurityTag = "Security advisories";
    public const string DocsTag = "Documentation";

    /// <summary>operationId (unique in the document, also the endpoint's name) and a one-line summary.</summary>
    public static RouteHandlerBuilder Operation(this RouteHandlerBuilder builder, string operationId, string summary, string? description = null)
    {
        builder.WithName(operationId).WithSummary(summary);
        return description is null ? builder : builder.WithDescription(description);
    }

    public static TBuilder Auth<TBuilder>(this TBuilder builder, ApiAuth auth) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiAuthMetadata(auth));

    /// <summary>Error statuses answered in Cargo's envelope `{"errors":[{"detail":...}]}` (Cargo routes).</summary>
    public static RouteHandlerBuilder CargoErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes) builder.Produces<CargoErrorResponse>(status, "application/json");
        return builder;
    }

    /// <summary>Error statuses answered as RFC 9457 problem details (every other JSON route).</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes) builder.ProducesProblem(status);
        return builder;
    }

    public static RouteHandlerBuilder ResponseExample(this RouteHandlerBuilder builder, int statusCode, string json) =>
        builder.WithMetadata(new ResponseExampleMetadata(statusCode, json));

    public static RouteHandlerBuilder RequestExample(this RouteHandlerBuilder builder, string json) =>
        builder.WithMetadata(new RequestExampleMetadata(json));

    /// <summary>
    /// A JSON request body read by the handler itself (so a malformed one gets our own error sentence). Documented
    /// through our own metadata, not Accepts(): that one also takes part in routing and would answer 415 to a request
    /// without the content type, before the handler could.
    /// </summary>
    public static RouteHandlerBuilder JsonBody<TBody>(this RouteHandlerBuilder builder, bool required = true) where TBody : notnull =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(TBody), "application/json", required));

    /// <summary>A body of raw bytes (publish: Cargo's framing), documented like <see cref="JsonBody{TBody}"/>.</summary>
    public static RouteHandlerBuilder BinaryBody(this RouteHandlerBuilder builder, string contentType) =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(Stream), contentType, true));
}
