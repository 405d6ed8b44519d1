using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GhostCrate.Web.Endpoints;

/// <summary>The caller check and the typed replies the JSON API's problem-details routes share (one copy, not one per endpoint file).</summary>
internal static class ApiReplies
{
    /// <summary>The caller check (401, or 400 for a cookie write without antiforgery token), then the action.</summary>
    public static async Task<Results<TOk, ProblemHttpResult>> WithCaller<TOk>(HttpContext context, Func<Principal, Task<Results<TOk, ProblemHttpResult>>> action)
        where TOk : IResult
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        if (problem is not null) return problem;
        return await action(principal!);
    }

    public static Results<Ok<TOut>, ProblemHttpResult> Ok<TOut>(TOut value) => TypedResults.Ok(value);

    public static Results<Ok<TOut>, ProblemHttpResult> Reply<T, TOut>(Result<T> result, Func<T, TOut> json) =>
        result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(json(result.Value!));
}
