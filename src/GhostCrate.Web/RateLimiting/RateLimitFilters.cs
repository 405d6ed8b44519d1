using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.RateLimiting;

/// <summary>Endpoint filters that apply <see cref="RateLimits"/> and answer 429 with Retry-After in the route's envelope.</summary>
public static class RateLimitFilters
{
    /// <summary>`cargo publish`: per client address and per API token (Cargo's envelope).</summary>
    public static async ValueTask<object?> Publish(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var auth = await context.AuthenticateAsync();
        var caller = auth.Principal is { } p ? (p.TokenId is { } id ? $"token:{id}" : $"user:{p.UserId}") : null;
        var wait = Limits(context).TryAcquire(RateLimitedOperation.Publish, Address(context), caller);
        if (wait is null) return await next(invocation);
        context.Response.Headers.RetryAfter = RateLimits.RetryAfterHeader(wait.Value);
        return CargoResults.Error(StatusCodes.Status429TooManyRequests, $"too many publishes; try again in {RateLimits.RetryAfterHeader(wait.Value)} seconds");
    }

    /// <summary>Token creation: per client address and per caller (problem details).</summary>
    public static async ValueTask<object?> TokenCreation(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var caller = await context.GetCallerAsync();
        var key = caller.Principal is { } p ? $"user:{p.UserId}" : null;
        var wait = Limits(context).TryAcquire(RateLimitedOperation.TokenCreation, Address(context), key);
        if (wait is null) return await next(invocation);
        return TooMany(context, wait.Value, "too many tokens created");
    }

    public static IResult TooMany(HttpContext context, TimeSpan wait, string what)
    {
        var seconds = RateLimits.RetryAfterHeader(wait);
        context.Response.Headers.RetryAfter = seconds;
        return ApiResults.Problem(StatusCodes.Status429TooManyRequests, $"{what}; try again in {seconds} seconds");
    }

    public static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static RateLimits Limits(HttpContext context) => context.RequestServices.GetRequiredService<RateLimits>();
}
