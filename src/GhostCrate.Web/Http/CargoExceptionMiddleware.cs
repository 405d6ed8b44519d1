using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Http;

/// <summary>
/// Turns failures on Cargo routes into Cargo's envelope, so cargo prints a sentence rather than an HTML page:
/// an over-limit body becomes 413, anything unexpected a 500 that points at the server log (never at the exception).
/// </summary>
public sealed class CargoExceptionMiddleware(RequestDelegate next, ILogger<CargoExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var detail = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "the request body is larger than this registry accepts; see Registry:MaxCrateSizeBytes"
                : "the request could not be read: " + ex.Message;
            await WriteAsync(context, ex.StatusCode, detail);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path, context.TraceIdentifier);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, $"internal server error; the registry's log has the details (trace id {context.TraceIdentifier})");
        }
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(CargoErrorResponse.Of(detail));
    }
}
