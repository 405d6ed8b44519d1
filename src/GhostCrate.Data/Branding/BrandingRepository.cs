using Dapper;
using GhostCrate.Core.Branding;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Branding;

/// <summary>
/// The branding row (migration 0032). Each write is one upsert that also moves the revision, so there is no
/// read-modify-write: two administrators saving at once both land, the later one wins, and the revision counts both.
/// The texts and the logo are written by separate statements, so saving the form never touches the logo.
/// </summary>
internal sealed class BrandingRepository(IDbConnectionFactory factory) : IBrandingRepository
{
    public Task<long> RevisionAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.QuerySingleAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(revision), 0) FROM branding", cancellationToken: cancellationToken)), cancellationToken);

    public Task<StoredBranding> LoadAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                """
                SELECT revision AS Revision, display_name AS DisplayName, registry_name AS RegistryName, accent_color AS AccentColor,
                       footer_text AS FooterText, login_message AS LoginMessage, logo AS Logo, logo_content_type AS LogoContentType,
                       updated_at AS UpdatedAt, updated_by AS UpdatedBy
                FROM branding WHERE id = 1
                """, cancellationToken: cancellationToken));
            if (row is null) return StoredBranding.Nothing;
            return new StoredBranding(
                row.Revision,
                new BrandingTexts(row.DisplayName, row.RegistryName, row.AccentColor, row.FooterText, row.LoginMessage),
                row.Logo is { } logo && row.LogoContentType is { } type ? new BrandingLogo(logo, type) : null,
                UnixTime.FromMs(row.UpdatedAt),
                row.UpdatedBy);
        }, cancellationToken);

    public Task SaveTextsAsync(BrandingTexts texts, DateTimeOffset at, string? by, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO branding (id, revision, display_name, registry_name, accent_color, footer_text, login_message, updated_at, updated_by)
            VALUES (1, 1, @displayName, @registryName, @accentColor, @footerText, @loginMessage, @at, @by)
            ON CONFLICT (id) DO UPDATE SET revision = branding.revision + 1,
                display_name = excluded.display_name, registry_name = excluded.registry_name, accent_color = excluded.accent_color,
                footer_text = excluded.footer_text, login_message = excluded.login_message,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            new
            {
                displayName = texts.DisplayName,
                registryName = texts.RegistryName,
                accentColor = texts.AccentColor,
                footerText = texts.FooterText,
                loginMessage = texts.LoginMessage,
                at = UnixTime.ToMs(at),
                by,
            }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task SaveLogoAsync(BrandingLogo? logo, DateTimeOffset at, string? by, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO branding (id, revision, logo, logo_content_type, updated_at, updated_by)
            VALUES (1, 1, @content, @contentType, @at, @by)
            ON CONFLICT (id) DO UPDATE SET revision = branding.revision + 1,
                logo = excluded.logo, logo_content_type = excluded.logo_content_type,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            new { content = logo?.Content, contentType = logo?.ContentType, at = UnixTime.ToMs(at), by },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task ResetAsync(DateTimeOffset at, string? by, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE branding SET revision = revision + 1,
                display_name = NULL, registry_name = NULL, accent_color = NULL, footer_text = NULL, login_message = NULL,
                logo = NULL, logo_content_type = NULL, updated_at = @at, updated_by = @by
            WHERE id = 1
            """,
            new { at = UnixTime.ToMs(at), by }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private sealed record Row(
        long Revision, string? DisplayName, string? RegistryName, string? AccentColor, string? FooterText, string? LoginMessage,
        byte[]? Logo, string? LogoContentType, long UpdatedAt, string? UpdatedBy);
}
