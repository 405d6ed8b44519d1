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
        if (operation.Tags is not { Count: > 0 } && context.Document is { } document)
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == Tag)) document.Tags.Add(new OpenApiTag { Name = Tag, Description = "Probes for load balancers and orchestrators." });
            operation.Tags = new HashSet<OpenApiTagReference> { new(Tag, document) };
        }
        return Task.CompletedTask;
    }
}
