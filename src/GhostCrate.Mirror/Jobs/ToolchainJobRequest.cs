using GhostCrate.Core.MirrorJobs;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Jobs;

/// <summary>
/// A toolchain sync requested from the server, as the engine's request. The server always checks signatures (fail
/// closed) against Mirror:ToolchainKeyFile; `--signatures warn|skip` stay a command-line decision.
/// </summary>
internal static class ToolchainJobRequest
{
    public static ToolchainSyncRequest Build(ToolchainJobParameters parameters, string keyFile, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var channels = new List<ChannelName>();
        foreach (var text in parameters.Channels is { Count: > 0 } given ? given : ["stable"])
        {
            if (DistPaths.TryParseChannel(text, out var channel)) channels.Add(channel);
            else problems.Add($"`{text}` is not a channel (stable, beta, nightly, 1.95, 1.95.0, nightly-2026-04-16)");
        }
        var server = parameters.DistServer is { Length: > 0 } s ? s : DistPaths.OfficialServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("http" or "https") || serverUri.Query.Length > 0)
        {
            problems.Add($"dist server `{server}` is not an http(s) URL");
            serverUri = new Uri(DistPaths.OfficialServer);
        }
        var profile = parameters.Profile is { Length: > 0 } p ? p : "default";
        if (profile is not ("minimal" or "default" or "complete" or "none")) problems.Add($"profile `{profile}` is not minimal, default, complete or none");
        errors = problems;
        return new ToolchainSyncRequest
        {
            DistServer = serverUri,
            Channels = channels,
            Selection = new ToolchainSelection
            {
                Hosts = [.. parameters.Hosts ?? []],
                CrossTargets = [.. parameters.Targets ?? []],
                Profile = profile == "none" ? null : profile,
                Components = [.. parameters.Components ?? []],
            },
            TrustedKeyFile = keyFile,
            Signatures = SignaturePolicy.Require,
            KeepStable = parameters.KeepStable,
        };
    }
}
