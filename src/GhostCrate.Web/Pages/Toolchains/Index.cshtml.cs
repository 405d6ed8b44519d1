using GhostCrate.Core.Options;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Mirror.Toolchains.Custom;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Toolchains;

/// <summary>/toolchains: the rustup toolchains the offline mirror serves, with the lines that point rustup at them.</summary>
public sealed class IndexModel(IOptions<MirrorOptions> options, CustomToolchains customToolchains) : UiPageModel
{
    public bool Enabled => options.Value.Enabled;

    public IReadOnlyList<MirroredToolchain> Toolchains { get; private set; } = [];

    /// <summary>RUSTUP_DIST_SERVER: rustup appends `/dist/...` itself.</summary>
    public string DistServer => BaseUrl + "/" + options.Value.ToolchainMountPath.Trim('/');

    /// <summary>RUSTUP_UPDATE_ROOT: rustup appends `/release-stable.toml` and `/archive/...`.</summary>
    public string UpdateRoot => DistServer + "/rustup";

    /// <summary>Internal builds uploaded by administrators (docs/toolchains.md#custom-toolchains), from the blob store.</summary>
    public IReadOnlyList<CustomToolchainRelease> Custom { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (Enabled) Toolchains = MirroredToolchains.List(new MirrorLayout(options.Value.Directory!));
        Custom = await customToolchains.ListAsync(HttpContext.RequestAborted);
    }
}
