namespace GhostCrate.Core.Abstractions;

/// <summary>
/// An expected failure of a use case, with a message written for the person at the keyboard (cargo prints it).
/// The web layer maps <see cref="Kind"/> to a status code and the envelope of the route.
/// </summary>
public sealed record RegistryError(RegistryErrorKind Kind, string Detail)
{
    public static RegistryError BadRequest(string detail) => new(RegistryErrorKind.BadRequest, detail);
    public static RegistryError Unauthorized(string detail) => new(RegistryErrorKind.Unauthorized, detail);
    public static RegistryError Forbidden(string detail) => new(RegistryErrorKind.Forbidden, detail);
    public static RegistryError NotFound(string detail) => new(RegistryErrorKind.NotFound, detail);
    public static RegistryError Conflict(string detail) => new(RegistryErrorKind.Conflict, detail);
    public static RegistryError TooLarge(string detail) => new(RegistryErrorKind.PayloadTooLarge, detail);
    public static RegistryError Unavailable(string detail) => new(RegistryErrorKind.Unavailable, detail);
    public static RegistryError Unprocessable(string detail) => new(RegistryErrorKind.Unprocessable, detail);
}

public enum RegistryErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    /// <summary>A service this operation depends on (e.g. a proxy upstream) cannot be reached; retrying later may work.</summary>
    Unavailable,
    /// <summary>Understood and allowed, but the rules refuse it in the current state (crates.io's 422, e.g. deleting a crate others depend on).</summary>
    Unprocessable,
}

/// <summary>A value or a <see cref="RegistryError"/>; expected outcomes are values, exceptions are bugs.</summary>
public readonly record struct Result<T>
{
    public T? Value { get; }
    public RegistryError? Error { get; }
    public bool IsSuccess => Error is null;

    private Result(T? value, RegistryError? error)
    {
        Value = value;
        Error = error;
    }

    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(RegistryError error) => new(default, error);
    public static implicit operator Result<T>(RegistryError error) => Fail(error);
}
