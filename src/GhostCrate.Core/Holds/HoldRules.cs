using GhostCrate.Packaging.Content;

namespace GhostCrate.Core.Holds;

/// <summary>
/// Which content flags put a new private version on hold until an administrator approves it (issue 20 item 5,
/// docs/security.md "Approval hold"): `Publishing:RequireApprovalFor`, a comma-separated list of flag names.
/// A flag name is a content flag kind with `-` or `_` (`native-binary`, `build_script`), `any` (every flag), or one
/// of the build-script hint groups below (a hint is a pattern match, so holding on a group is narrower than on
/// `build-script-hint`).
/// </summary>
public sealed class HoldRules
{
    public const string Any = "any";
    /// <summary>The build script opens connections, uses an HTTP client or mentions curl/wget.</summary>
    public const string BuildScriptNetwork = "build-script-network";
    /// <summary>The build script runs programs.</summary>
    public const string BuildScriptCommand = "build-script-command";

    private readonly bool _any;
    private readonly HashSet<string> _kinds;
    private readonly bool _network;
    private readonly bool _command;

    private HoldRules(bool any, HashSet<string> kinds, bool network, bool command)
    {
        _any = any;
        _kinds = kinds;
        _network = network;
        _command = command;
    }

    public static HoldRules None { get; } = new(false, [], false, false);

    /// <summary>True when some flag can put a version on hold.</summary>
    public bool IsActive => _any || _kinds.Count > 0 || _network || _command;

    /// <summary>Every name the setting accepts, in the form the documentation uses.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Any, .. ContentFlagKinds.All.Select(k => k.Replace('_', '-')), BuildScriptNetwork, BuildScriptCommand];

    /// <summary>Parses the setting; the errors name each unknown entry and list the accepted names.</summary>
    public static (HoldRules Rules, IReadOnlyList<string> Errors) Parse(string? setting)
    {
        var errors = new List<string>();
        var any = false;
        var network = false;
        var command = false;
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.ToLowerInvariant().Replace('_', '-');
            if (name == Any) any = true;
            else if (name == BuildScriptNetwork) network = true;
            else if (name == BuildScriptCommand) command = true;
            else if (ContentFlagKinds.All.FirstOrDefault(k => k.Replace('_', '-') == name) is { } kind) kinds.Add(kind);
            else errors.Add($"'{raw}' is not a content flag; expected a comma-separated list of {string.Join(", ", Names)}");
        }
        return (new HoldRules(any, kinds, network, command), errors);
    }

    /// <summary>The flags that require approval, in the order they were found; empty when the version may go live.</summary>
    public IReadOnlyList<ContentFlag> Matching(IReadOnlyList<ContentFlag> flags) =>
        [.. flags.Where(Matches)];

    private bool Matches(ContentFlag flag) =>
        _any
        || _kinds.Contains(flag.Kind)
        || (flag.Kind == ContentFlagKinds.BuildScriptHint
            && ((_network && BuildScriptHintDetails.Network.Contains(flag.Detail)) || (_command && flag.Detail == BuildScriptHintDetails.RunsPrograms)));

    /// <summary>A flag in a reviewer's words: its kind, where, and (for a hint) what matched.</summary>
    public static string Describe(ContentFlag flag) =>
        flag.Kind.Replace('_', '-') + (flag.Path.Length > 0 ? $" ({flag.Path}" + (flag.Kind == ContentFlagKinds.BuildScriptHint ? $": {flag.Detail})" : ")") : "");
}
