using System.Globalization;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Branding;

/// <summary>
/// Branding set from the admin UI (docs/ui.md#branding): administrators read, change, upload a logo and reset to the
/// configuration; every change is validated (<see cref="Check"/>, <see cref="LogoCheck"/>) and audited. The
/// effective branding is held per node in <see cref="Current"/>, stamped with the stored revision: the change feed's
/// <c>branding</c> topic calls <see cref="CatchUpAsync"/> (PostgreSQL: a NOTIFY at commit, so another node applies a
/// change within milliseconds; SQLite: the feed's poll), and a change made here reloads before the call returns.
/// Pages read <see cref="Current"/> from memory: no database round trip per request.
/// </summary>
public sealed class BrandingService(
    IBrandingRepository repository,
    IOptions<UiOptions> options,
    AuditLog audit,
    TimeProvider time,
    ILogger<BrandingService> logger)
{
    private readonly SemaphoreSlim _reload = new(1, 1);

    // Until the first catch-up (the host's start-up load), the configuration alone, at a revision no row has.
    private EffectiveBranding _current = new(options.Value, StoredBranding.Nothing with { Revision = -1 });

    /// <summary>The branding this node applies now.</summary>
    public EffectiveBranding Current => Volatile.Read(ref _current);

    /// <summary>Reads the stored revision and reloads when it moved (the change feed, start-up, after a change here).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (await repository.RevisionAsync(cancellationToken) == Current.Revision) return;
        await _reload.WaitAsync(cancellationToken);
        try
        {
            // Different, not greater: a restored backup may carry a lower revision, and it is what is stored now.
            var stored = await repository.LoadAsync(cancellationToken);
            if (stored.Revision == Current.Revision) return;
            Volatile.Write(ref _current, new EffectiveBranding(options.Value, stored));
            logger.LogDebug("Branding loaded at revision {Revision}", stored.Revision);
        }
        finally
        {
            _reload.Release();
        }
    }

    public async Task<Result<EffectiveBranding>> GetAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        await CatchUpAsync(cancellationToken);
        return Result<EffectiveBranding>.Ok(Current);
    }

    /// <summary>Replaces the overrides: a null or blank value returns that setting to the configuration's.</summary>
    public async Task<Result<EffectiveBranding>> SaveAsync(Principal caller, BrandingTexts texts, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        var normalized = Normalize(texts);
        if (Check(normalized) is { } problem) return RegistryError.BadRequest(problem);
        await repository.SaveTextsAsync(normalized, time.GetUtcNow(), caller.Username, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.BrandingUpdated, Target, Details(normalized), cancellationToken);
        await CatchUpAsync(cancellationToken);
        return Result<EffectiveBranding>.Ok(Current);
    }

    public async Task<Result<EffectiveBranding>> SetLogoAsync(Principal caller, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        var (logo, problem) = LogoCheck.Inspect(content.Span);
        if (logo is null) return content.Length > LogoCheck.MaxBytes ? RegistryError.TooLarge(problem!) : RegistryError.BadRequest(problem!);
        await repository.SaveLogoAsync(logo, time.GetUtcNow(), caller.Username, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.BrandingLogoSet, Target, new Dictionary<string, string?>
        {
            ["content_type"] = logo.ContentType,
            ["bytes"] = logo.Content.Length.ToString(CultureInfo.InvariantCulture),
            ["sha256"] = logo.Version,
        }, cancellationToken);
        await CatchUpAsync(cancellationToken);
        return Result<EffectiveBranding>.Ok(Current);
    }

    public async Task<Result<EffectiveBranding>> RemoveLogoAsync(Principal caller, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        await CatchUpAsync(cancellationToken);
        if (Current.Logo is not null)
        {
            await repository.SaveLogoAsync(null, time.GetUtcNow(), caller.Username, cancellationToken);
            await audit.RecordAsync(caller, AuditActions.BrandingLogoRemoved, Target, cancellationToken);
            await CatchUpAsync(cancellationToken);
        }
        return Result<EffectiveBranding>.Ok(Current);
    }

    /// <summary>Clears every override and the uploaded logo: the configuration applies again.</summary>
    public async Task<Result<EffectiveBranding>> ResetAsync(Principal caller, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAdmin(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        await repository.ResetAsync(time.GetUtcNow(), caller.Username, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.BrandingReset, Target, cancellationToken);
        await CatchUpAsync(cancellationToken);
        return Result<EffectiveBranding>.Ok(Current);
    }

    /// <summary>The audit target of every branding change.</summary>
    public const string Target = "branding";

    /// <summary>Blank values mean "the configuration's"; names and colours are trimmed, colours lower-cased.</summary>
    public static BrandingTexts Normalize(BrandingTexts texts) => new(
        Blank(texts.DisplayName)?.Trim(),
        Blank(texts.RegistryName)?.Trim(),
        Blank(texts.AccentColor)?.Trim().ToLowerInvariant(),
        Blank(texts.FooterText)?.Trim(),
        Blank(texts.LoginMessage)?.Trim());

    /// <summary>
    /// The rules of section Ui (UiOptions.Validate) plus the accent's contrast (<see cref="AccentRule"/>): null when
    /// the (normalized) texts may be stored, else the first problem, naming the field as the form and the API do.
    /// </summary>
    public static string? Check(BrandingTexts texts)
    {
        if (texts.DisplayName is { Length: > UiOptions.MaxDisplayNameLength })
            return $"display_name must be at most {UiOptions.MaxDisplayNameLength} characters (got {texts.DisplayName.Length})";
        if (texts.RegistryName is { } name && !UiOptions.IsCargoRegistryName(name))
            return $"registry_name must be a cargo registry name: an ASCII letter, then up to 63 letters, digits, '-' or '_', and not 'crates-io' (got '{name}')";
        if (texts.AccentColor is { } accent)
        {
            if (!UiOptions.IsColor(accent)) return $"accent_color must be a colour written #rrggbb, such as #2f6fdf (got '{accent}')";
            if (AccentRule.Problem(accent) is { } contrast) return "accent_color: " + contrast;
        }
        if (texts.FooterText is { Length: > UiOptions.MaxTextLength })
            return $"footer_text must be at most {UiOptions.MaxTextLength} characters (got {texts.FooterText.Length})";
        if (texts.LoginMessage is { Length: > UiOptions.MaxTextLength })
            return $"login_message must be at most {UiOptions.MaxTextLength} characters (got {texts.LoginMessage.Length})";
        return null;
    }

    private static Dictionary<string, string?> Details(BrandingTexts texts) => new()
    {
        ["display_name"] = texts.DisplayName,
        ["registry_name"] = texts.RegistryName,
        ["accent_color"] = texts.AccentColor,
        ["footer_text"] = texts.FooterText,
        ["login_message"] = texts.LoginMessage,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
