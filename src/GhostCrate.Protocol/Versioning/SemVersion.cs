using System.Diagnostics.CodeAnalysis;

namespace GhostCrate.Protocol.Versioning;

/// <summary>
/// A SemVer 2.0 version as Cargo understands it (https://semver.org, https://doc.rust-lang.org/cargo/reference/resolver.html#semver-compatibility).
/// Build metadata is kept for display but ignored by equality of <see cref="Key"/> and by ordering.
/// </summary>
public sealed class SemVersion : IComparable<SemVersion>, IEquatable<SemVersion>
{
    public ulong Major { get; }
    public ulong Minor { get; }
    public ulong Patch { get; }
    /// <summary>Dot-separated pre-release identifiers, empty when none.</summary>
    public IReadOnlyList<string> Prerelease { get; }
    public string Build { get; }
    public bool IsPrerelease => Prerelease.Count > 0;

    private SemVersion(ulong major, ulong minor, ulong patch, IReadOnlyList<string> pre, string build)
    {
        Major = major; Minor = minor; Patch = patch; Prerelease = pre; Build = build;
    }

    /// <summary>The version without build metadata: two versions with the same key are the same release.</summary>
    public string Key => IsPrerelease ? $"{Major}.{Minor}.{Patch}-{string.Join('.', Prerelease)}" : $"{Major}.{Minor}.{Patch}";

    public override string ToString() => Build.Length == 0 ? Key : $"{Key}+{Build}";

    public static SemVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a valid SemVer version (expected MAJOR.MINOR.PATCH[-pre][+build]).");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SemVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(text) || text.Length > 256) return false;
        var build = "";
        var plus = text.IndexOf('+');
        if (plus >= 0)
        {
            build = text[(plus + 1)..];
            text = text[..plus];
            if (!ValidIdentifiers(build, numericStrict: false)) return false;
        }
        IReadOnlyList<string> pre = [];
        var dash = text.IndexOf('-');
        if (dash >= 0)
        {
            var preText = text[(dash + 1)..];
            text = text[..dash];
            if (!ValidIdentifiers(preText, numericStrict: true)) return false;
            pre = preText.Split('.');
        }
        var parts = text.Split('.');
        if (parts.Length != 3) return false;
        if (!TryNumber(parts[0], out var major) || !TryNumber(parts[1], out var minor) || !TryNumber(parts[2], out var patch)) return false;
        version = new SemVersion(major, minor, patch, pre, build);
        return true;
    }

    private static bool TryNumber(string s, out ulong value)
    {
        value = 0;
        if (s.Length == 0 || (s.Length > 1 && s[0] == '0')) return false;
        foreach (var c in s) if (c is < '0' or > '9') return false;
        return ulong.TryParse(s, out value);
    }

    private static bool ValidIdentifiers(string s, bool numericStrict)
    {
        if (s.Length == 0) return false;
        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0) return false;
            var numeric = true;
            foreach (var c in id)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
                if (!char.IsAsciiDigit(c)) numeric = false;
            }
            // SemVer 2.0 §9: numeric pre-release identifiers must not have leading zeros.
            if (numericStrict && numeric && id.Length > 1 && id[0] == '0') return false;
        }
        return true;
    }

    public int CompareTo(SemVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c != 0) return c;
        c = Minor.CompareTo(other.Minor);
        if (c != 0) return c;
        c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        // A pre-release sorts before its release (SemVer 2.0 §11).
        return PrereleaseOrder.Compare(Prerelease, other.Prerelease);
    }

    public bool Equals(SemVersion? other) => other is not null && CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is SemVersion v && Equals(v);
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
    public static bool operator <(SemVersion a, SemVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemVersion a, SemVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemVersion a, SemVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemVersion a, SemVersion b) => a.CompareTo(b) >= 0;
}
