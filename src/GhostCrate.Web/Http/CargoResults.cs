using GhostCrate.Core.Abstractions;
using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GhostCrate.Web.Http;

/// <summary>
/// Cargo routes always answer errors with Cargo's envelope (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#web-api):
/// cargo shows each `detail` to the user, whatever the status code.
/// </summary>
public static class CargoResults
{
    public static JsonHttpResult<CargoErrorResponse> Error(int status, string detail) => TypedResults.Json(CargoErrorResponse.Of(detail), statusCode: status);

    public static JsonHttpResult<CargoErrorResponse> Error(RegistryError error) => Error(StatusOf(error.Kind), error.Detail);

    public static int StatusOf(RegistryErrorKind kind) => kind switch
    {
        RegistryErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        RegistryErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        RegistryErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        RegistryErrorKind.NotFound => StatusCodes.Status404NotFound,
        RegistryErrorKind.Conflict => StatusCodes.Status409Conflict,
        RegistryErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        RegistryErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        RegistryErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status500InternalServerError,
    };
}
