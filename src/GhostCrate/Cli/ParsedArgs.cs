namespace GhostCrate.Cli;

/// <summary>
/// A deliberately small argument parser: verbs, `--flag value`, `--flag=value` and switches. The CLI has a handful of
/// verbs, and its help text is the documentation users read, so it is written out by hand in <see cref="Help"/>.
/// </summary>
public sealed class ParsedArgs
{
    private static readonly HashSet<string> Switches = ["--admin", "--password-stdin", "--help", "-h", "--version", "--repair", "--skip-yanked", "--plain", "--force", "--probe", "--deep", "--dry-run", "--resolve", "--with-dev", "--full", "--include-proxy-cache", "--include-mirror"];

    public IReadOnlyList<string> Positionals { get; }
    public IReadOnlyDictionary<string, string> Options { get; }
    public IReadOnlySet<string> Flags { get; }

    private ParsedArgs(List<string> positionals, Dictionary<string, string> options, HashSet<string> flags)
    {
        Positionals = positionals;
        Options = options;
        Flags = flags;
    }

    public static ParsedArgs Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (Switches.Contains(arg))
            {
                flags.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=');
                if (eq > 0)
                {
                    options[arg[..eq]] = arg[(eq + 1)..];
                }
                else
                {
                    if (i + 1 >= args.Count) throw new CliException($"option {arg} needs a value");
                    options[arg] = args[++i];
                }
            }
            else
            {
                positionals.Add(arg);
            }
        }
        return new ParsedArgs(positionals, options, flags);
    }

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;
    public bool Has(string flag) => Flags.Contains(flag);

    /// <summary>Fails on options the verb does not know, so a typo is never silently ignored.</summary>
    public void EnsureOnly(params string[] allowed)
    {
        foreach (var option in Options.Keys.Concat(Flags))
        {
            if (!allowed.Contains(option) && option is not ("--help" or "-h")) throw new CliException($"unknown option {option} (see `ghostcrate --help`)");
        }
    }
}

/// <summary>A usage error: printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
