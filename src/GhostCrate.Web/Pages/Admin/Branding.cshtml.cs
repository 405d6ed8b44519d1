using GhostCrate.Core.Branding;
using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// /admin/branding (docs/ui.md#branding): the display name, snippet registry name, accent colour, footer and login
/// texts, and the logo, each shown with where it comes from. Every form goes through <see cref="BrandingService"/>
/// (admin check, validation, audit, the other nodes' refresh) and answers with a redirect (POST-redirect-GET); a
/// refused value is shown with the reason and the typed values kept.
/// </summary>
public sealed class BrandingModel(BrandingService branding, IOptions<UiOptions> configured) : AdminPageModel
{
    public EffectiveBranding Current { get; private set; } = null!;
    public UiOptions Configured => configured.Value;

    [BindProperty] public BrandingForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        StatusMessage = done switch
        {
            "saved" => "Branding saved; every node shows it on its next page.",
            "logo" => "Logo uploaded.",
            "logo-removed" => "Uploaded logo removed.",
            "reset" => "Branding reset to the configuration.",
            _ => null,
        };
        Current = branding.Current;
        var result = await branding.GetAsync(Caller, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        Current = result.Value!;
        Form = BrandingForm.Of(Current.Stored.Texts);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var result = await branding.SaveAsync(Caller, Form.ToTexts(), cancellationToken);
        return await DoneAsync(result.Error, "saved", cancellationToken);
    }

    // The server's body limit (1 MiB) bounds the whole form; anything past LogoCheck.MaxBytes is refused here.
    public async Task<IActionResult> OnPostLogoAsync(IFormFile? logo, CancellationToken cancellationToken)
    {
        if (logo is null || logo.Length == 0) return await DoneAsync(Core.Abstractions.RegistryError.BadRequest("choose a PNG, WebP or SVG file to upload"), "logo", cancellationToken);
        if (logo.Length > LogoCheck.MaxBytes)
            return await DoneAsync(Core.Abstractions.RegistryError.TooLarge($"the logo is {logo.Length} bytes; at most {LogoCheck.MaxBytes} bytes ({LogoCheck.MaxBytes / 1024} KiB) are accepted"), "logo", cancellationToken);
        using var buffer = new MemoryStream((int)logo.Length);
        await logo.CopyToAsync(buffer, cancellationToken);
        var result = await branding.SetLogoAsync(Caller, buffer.ToArray(), cancellationToken);
        return await DoneAsync(result.Error, "logo", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveLogoAsync(CancellationToken cancellationToken) =>
        await DoneAsync((await branding.RemoveLogoAsync(Caller, cancellationToken)).Error, "logo-removed", cancellationToken);

    public async Task<IActionResult> OnPostResetAsync(CancellationToken cancellationToken) =>
        await DoneAsync((await branding.ResetAsync(Caller, cancellationToken)).Error, "reset", cancellationToken);

    /// <summary>Success: redirect (a reload repeats nothing). Failure: the page with the reason and the typed values.</summary>
    private async Task<IActionResult> DoneAsync(Core.Abstractions.RegistryError? error, string done, CancellationToken cancellationToken)
    {
        if (error is null) return Redirect($"/admin/branding?done={done}");
        Current = (await branding.GetAsync(Caller, cancellationToken)).Value ?? branding.Current;
        // The texts form keeps what was typed only when it was the form posted; otherwise it shows what is stored.
        if (done != "saved") Form = BrandingForm.Of(Current.Stored.Texts);
        return Failed(error);
    }
}

/// <summary>The texts of the form; an empty field means "the configuration's value".</summary>
public sealed class BrandingForm
{
    public string? DisplayName { get; set; }
    public string? RegistryName { get; set; }
    public string? AccentColor { get; set; }
    public string? FooterText { get; set; }
    public string? LoginMessage { get; set; }

    public static BrandingForm Of(BrandingTexts texts) => new()
    {
        DisplayName = texts.DisplayName,
        RegistryName = texts.RegistryName,
        AccentColor = texts.AccentColor,
        FooterText = texts.FooterText,
        LoginMessage = texts.LoginMessage,
    };

    public BrandingTexts ToTexts() => new(DisplayName, RegistryName, AccentColor, FooterText, LoginMessage);
}
