using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// Names the probes of HealthEndpoints.cs in the OpenAPI document where that file does not name them itself: it is
/// maintained apart (probes, typed DTOs and tags), so this only fills in what is missing and never overrides it.
/// </summary>
internal static class HealthOperations
{
    public const string Tag = "Health";

    public static Task FillIn(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = context.Description.RelativePath?.Trim('/') ?? "";
        var readiness = path.Equals("ready", StringComparison.OrdinalIgnoreCase);
        operation.OperationId ??= readiness ? "getReadiness" : "getHealth";
        operation.Summary ??= readiness
            ? "Readiness: whether the database and the blob storage answer (503 when not)"
            : "Liveness: whether the process is up";
        if (context.Document is not { } document) return Task.CompletedTask;
        // Without tags of its own an operation gets the application's name as its tag; give the probes theirs.
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().Any())
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == Tag)) document.Tags.Add(new OpenApiTag { Name = Tag, Description = "Probes for load balancers and orchestrators." });
            operation.Tags = new HashSet<OpenApiTagReference> { new(Tag, document) };
        }
        // Anonymous: probes answer without credentials.
        operation.Security ??= [new OpenApiSecurityRequirement()];
        return Task.CompletedTask;
    }
}
