using System.Text.Json.Nodes;
using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// Per operation: `security` from <see cref="ApiAuthMetadata"/>, a sentence and an example for each error response
/// (Cargo's envelope or problem details, whichever the endpoint declared), and the endpoint's own examples.
/// </summary>
internal sealed class GhostCrateOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<int, string> ErrorMeanings = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is invalid: a malformed body, a bad parameter, or a cookie-authenticated write without the antiforgery token.",
        [StatusCodes.Status401Unauthorized] = "No credential, or an invalid, expired or revoked one.",
        [StatusCodes.Status403Forbidden] = "The caller may not do this (role, read-only account, token scopes).",
        [StatusCodes.Status404NotFound] = "The named crate, version, user, organization, team or upstream does not exist (or is hidden from the caller).",
        [StatusCodes.Status409Conflict] = "The change conflicts with what exists (a version or name that is taken, the last owner).",
        [StatusCodes.Status413PayloadTooLarge] = "The body is larger than the registry accepts.",
        [StatusCodes.Status429TooManyRequests] = "Too many requests; Retry-After says when to try again.",
        [StatusCodes.Status502BadGateway] = "The upstream registry failed or could not be reached.",
        [StatusCodes.Status503ServiceUnavailable] = "A dependency of the registry is unavailable.",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod ?? "GET";
        // A route parameter the handler reads from the route values itself (the organizations' webhook routes share
        // the registry-wide handlers, NotificationEndpoints) is still a parameter of the operation (OpenAPI 3.1 §4.8.12).
        if (context.Description.RelativePath is { } path)
        {
            operation.Parameters ??= [];
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(path, @"\{(\w+)[^}]*\}"))
            {
                var name = match.Groups[1].Value;
                if (operation.Parameters.Any(p => p.Name == name && p.In == ParameterLocation.Path)) continue;
                operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            }
        }
        // Index routes answer HEAD as well as GET (ReadMethods): one endpoint, two operations, whose ids must differ.
        if (HttpMethods.IsHead(method) && operation.OperationId is { } id)
        {
            operation.OperationId = id + "Head";
            operation.Summary += " (headers only)";
        }
        if (metadata.OfType<ApiAuthMetadata>().LastOrDefault() is { } auth && context.Document is { } document)
        {
            operation.Security = Requirements(auth.Auth, document, HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
        }

        foreach (var type in context.Description.SupportedResponseTypes)
        {
            var key = type.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var response) != true || response is null) continue;
            if (ErrorMeanings.TryGetValue(type.StatusCode, out var meaning) && type.StatusCode >= 400) response.Description = meaning;
            if (type.Type == typeof(CargoErrorResponse))
            {
                SetExample(response, "application/json", new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["detail"] = CargoExample(type.StatusCode) }) });
            }
            else if (type.Type == typeof(ProblemDetails) || type.Type == typeof(HttpValidationProblemDetails))
            {
                SetExample(response, "application/problem+json", new JsonObject
                {
                    ["type"] = $"https://tools.ietf.org/html/rfc9110#section-15.{(type.StatusCode >= 500 ? 6 : 5)}.{(type.StatusCode % 100) + 1}",
                    ["title"] = ReasonPhrases.GetReasonPhrase(type.StatusCode),
                    ["status"] = type.StatusCode,
                    ["detail"] = ProblemExample(type.StatusCode),
                });
            }
        }

        foreach (var example in metadata.OfType<ResponseExampleMetadata>())
        {
            var key = example.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var response) == true && response is not null)
            {
                SetExample(response, "application/json", JsonNode.Parse(example.Json)!);
            }
        }
        if (metadata.OfType<RequestBodyMetadata>().LastOrDefault() is { } body)
        {
            IOpenApiSchema schema = body.Type == typeof(Stream)
                ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                : await ComponentAsync(body.Type, context, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = schema } },
            };
        }
        if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } request && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values) media.Example = JsonNode.Parse(request.Json);
        }
    }

    /// <summary>The body's schema as a named component (generated clients then get a named model), referenced from the operation.</summary>
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        if (context.Document is not { } document) return schema;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(type.Name, schema);
        return new OpenApiSchemaReference(type.Name, document);
    }

    private static void SetExample(IOpenApiResponse response, string contentType, JsonNode example)
    {
        if (response.Content?.TryGetValue(contentType, out var media) == true && media is not null) media.Example = example;
    }

    private static List<OpenApiSecurityRequirement> Requirements(ApiAuth auth, OpenApiDocument document, bool isRead)
    {
        OpenApiSecurityRequirement Of(params string[] schemes)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var scheme in schemes) requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
            return requirement;
        }
        const string token = GhostCrateDocumentTransformer.CargoTokenScheme, session = GhostCrateDocumentTransformer.SessionScheme, csrf = GhostCrateDocumentTransformer.CsrfScheme;
        return auth switch
        {
            // An empty requirement means "no credential needed" (OpenAPI 3.1 §4.8.30); the others apply in auth-required mode.
            ApiAuth.Read => [Of(), Of(token), Of(session)],
            ApiAuth.CargoToken => [Of(token)],
            ApiAuth.TokenOrSession => isRead ? [Of(token), Of(session)] : [Of(token), Of(session, csrf)],
            _ => [Of()],
        };
    }

    private static string CargoExample(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "expected a JSON body like {\"users\":[\"login\"]}",
        StatusCodes.Status401Unauthorized => "this operation needs an API token; run `cargo login --registry <name>` with a token from this registry",
        StatusCodes.Status403Forbidden => "you are not an owner of crate `demo`",
        StatusCodes.Status404NotFound => "crate `demo` does not exist in this registry",
        StatusCodes.Status409Conflict => "crate `demo` already has version `1.0.0`",
        StatusCodes.Status413PayloadTooLarge => "the request body is larger than this registry accepts; see Registry:MaxCrateSizeBytes",
        StatusCodes.Status429TooManyRequests => "too many publishes; try again in 30 seconds",
        StatusCodes.Status502BadGateway => "the search of upstream `crates-io` failed: connection refused",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    private static string ProblemExample(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "expected JSON {\"name\":...}",
        StatusCodes.Status401Unauthorized => "sign in, or send an API token in the Authorization header",
        StatusCodes.Status403Forbidden => "only administrators may do this",
        StatusCodes.Status404NotFound => "organization `acme` does not exist",
        StatusCodes.Status409Conflict => "organization `acme` already exists",
        StatusCodes.Status429TooManyRequests => "too many tokens created; try again in 30 seconds",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}
