using System.Text;
using System.Text.RegularExpressions;

namespace GhostCrate.Packaging.Content;

/// <summary>
/// A short list of things a build script rarely needs and malware often does: running programs, talking to the
/// network, reading files outside the package. A match is a hint for a reviewer, not a verdict (the `cc` and
/// `pkg-config` crates run compilers legitimately, but from their own code, not from build.rs text).
/// </summary>
internal static partial class BuildScriptHints
{
    private static readonly (Regex Pattern, string Detail)[] Rules =
    [
        (ProcessCommand(), BuildScriptHintDetails.RunsPrograms),
        (NetworkStd(), BuildScriptHintDetails.OpensConnections),
        (HttpClient(), BuildScriptHintDetails.HttpClient),
        (Curl(), BuildScriptHintDetails.Downloader),
        (AbsoluteInclude(), BuildScriptHintDetails.AbsoluteInclude),
        (HomeOrSecrets(), BuildScriptHintDetails.HomeOrSecrets),
    ];

    /// <summary>The details of the rules that match <paramref name="source"/> (decoded leniently: any bytes are accepted).</summary>
    public static IReadOnlyList<string> Find(ReadOnlySpan<byte> source)
    {
        var text = Encoding.UTF8.GetString(source);
        var found = new List<string>();
        foreach (var (pattern, detail) in Rules)
        {
            if (pattern.IsMatch(text)) found.Add(detail);
        }
        return found;
    }

    // `Command::new`, `process::Command`, `std::process::Command` (also through `use std::process::{Command, ..}`).
    [GeneratedRegex(@"\bprocess::(\{[^}]*\bCommand\b|Command\b)|\bCommand::new\s*\(", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ProcessCommand();

    [GeneratedRegex(@"\b(TcpStream|UdpSocket|TcpListener)\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NetworkStd();

    [GeneratedRegex(@"\b(reqwest|ureq|hyper|isahc|attohttpc|minreq)::", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HttpClient();

    [GeneratedRegex(@"""(curl|wget)""|\b(curl|wget)\s+-", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Curl();

    [GeneratedRegex(@"\binclude_(bytes|str)!\s*\(\s*r?#*""(/|[A-Za-z]:\\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AbsoluteInclude();

    [GeneratedRegex(@"""HOME""|home_dir\s*\(|\.ssh/|\.aws/|\.cargo/credentials", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HomeOrSecrets();
}
