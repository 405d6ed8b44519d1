using GhostCrate.Core.Index;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Http;

/// <summary>
/// Several nodes on one PostgreSQL with index read leases: the answer to a write request that changed an index file
/// (a publish, a yank, a deletion, an approval: its service reported the change through
/// <see cref="SparseIndexService.Invalidate"/> before answering) leaves only once every other node that answers index
/// files from memory has applied the changes committed so far (<see cref="IndexWriteConfirmation"/>), so `cargo publish`
/// returning from node A means node B serves the new version on the very next request. Other writes (a sign-in, a
/// token, an owner) answer without asking the database. Not installed on a single node.
/// </summary>
public static class IndexWriteConfirmationMiddleware
{
    public static IApplicationBuilder UseIndexWriteConfirmation(this IApplicationBuilder app)
    {
        var confirmation = app.ApplicationServices.GetRequiredService<IndexWriteConfirmation>();
        if (!confirmation.Enabled) return app;
        var index = app.ApplicationServices.GetRequiredService<SparseIndexService>();
        var logger = app.ApplicationServices.GetRequiredService<ILogger<IndexWriteConfirmation>>();
        return app.Use((context, next) =>
        {
            var method = context.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
            {
                // Another request's change reported meanwhile also makes this one wait: harmless, and never a miss.
                var before = index.LocalWrites;
                context.Response.OnStarting(() => index.LocalWrites == before ? Task.CompletedTask : ConfirmAsync(confirmation, logger, context));
            }
            return next(context);
        });
    }

    private static async Task ConfirmAsync(IndexWriteConfirmation confirmation, ILogger logger, HttpContext context)
    {
        try
        {
            await confirmation.ConfirmAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // The write is committed either way; its answer must not turn into an error. Nodes then learn it through
            // the change feed or their next renewal, as before leases.
            logger.LogWarning(exception, "Confirming that the other nodes applied this write failed");
        }
    }
}
