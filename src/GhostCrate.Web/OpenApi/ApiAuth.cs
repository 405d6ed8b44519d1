namespace GhostCrate.Web.OpenApi;

/// <summary>Which credentials an operation takes; the document's `security` of each operation is derived from it.</summary>
public enum ApiAuth
{
    /// <summary>No credential is looked at.</summary>
    Anonymous,

    /// <summary>Cargo's reads (search, downloads, owners): anonymous unless Registry:AuthRequired, then a token or the session.</summary>
    Read,

    /// <summary>Cargo's writes (publish, yank, owners): an API token in Authorization only, as cargo sends it.</summary>
    CargoToken,

    /// <summary>The account, organization and admin API: an API token, or the session cookie (plus X-CSRF-TOKEN on writes).</summary>
    TokenOrSession,
}

/// <summary>Endpoint metadata carrying <see cref="ApiAuth"/>.</summary>
public sealed record ApiAuthMetadata(ApiAuth Auth);

/// <summary>An example body of one response status, shown in the document and on /api/docs.</summary>
public sealed record ResponseExampleMetadata(int StatusCode, string Json);

/// <summary>An example request body.</summary>
public sealed record RequestExampleMetadata(string Json);

/// <summary>The request body an endpoint reads itself: its type (or <see cref="Stream"/> for raw bytes) and content type.</summary>
public sealed record RequestBodyMetadata(Type Type, string ContentType, bool Required);
