using GhostCrate.Core.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GhostCrate.Web.Http;

/// <summary>Errors of the non-Cargo JSON API: RFC 9457 problem details with the use case's message as detail.</summary>
public static class ApiResults
{
    public static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    public static ProblemHttpResult Problem(RegistryError error) => Problem(CargoResults.StatusOf(error.Kind), error.Detail);
}
