namespace GhostCrate.Core.Licenses;

/// <summary>A node of a parsed SPDX licence expression.</summary>
public abstract record LicenseNode;

/// <summary>
/// One licence: an SPDX id (GNU `+` already rewritten to `-or-later`), or a `LicenseRef-`, with `+` ("or later", non-GNU
/// ids only) and an optional `WITH` exception.
/// </summary>
public sealed record LicenseRequirement(string Id, bool OrLater, string? Exception) : LicenseNode
{
    /// <summary>The licence as stored and reported: the id, with `+` when "or later".</summary>
    public string License => OrLater ? Id + "+" : Id;

    public bool IsReference => Id.StartsWith("LicenseRef-", StringComparison.Ordinal) || Id.StartsWith("DocumentRef-", StringComparison.Ordinal);

    public override string ToString() => Exception is null ? License : $"{License} WITH {Exception}";
}

/// <summary>All terms apply (`AND`).</summary>
public sealed record LicenseAll(IReadOnlyList<LicenseNode> Terms) : LicenseNode;

/// <summary>Any one term may be chosen (`OR`, or `/` in crates.io's lax syntax).</summary>
public sealed record LicenseAny(IReadOnlyList<LicenseNode> Terms) : LicenseNode;

/// <summary>A valid licence expression with its normalised text and the licences it names.</summary>
public sealed class LicenseExpression
{
    internal LicenseExpression(LicenseNode root)
    {
        Root = root;
        Normalized = Format(root, parent: null);
        var ids = new List<string>();
        Collect(root, ids);
        LicenseIds = ids;
    }

    public LicenseNode Root { get; }

    /// <summary>
    /// The expression in SPDX's strict syntax: `/` becomes ` OR `, GNU `+` becomes `-or-later`, single spaces, and
    /// parentheses only where precedence needs them (`AND` binds tighter than `OR`).
    /// </summary>
    public string Normalized { get; }

    /// <summary>Each licence once, in order of appearance (exceptions are not licences and are not listed).</summary>
    public IReadOnlyList<string> LicenseIds { get; }

    public override string ToString() => Normalized;

    private static string Format(LicenseNode node, LicenseNode? parent) => node switch
    {
        LicenseRequirement requirement => requirement.ToString(),
        LicenseAll all => string.Join(" AND ", all.Terms.Select(t => Format(t, all))),
        LicenseAny any => parent is LicenseAll ? $"({Join(any)})" : Join(any),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static string Join(LicenseAny any) => string.Join(" OR ", any.Terms.Select(t => Format(t, any)));

    private static void Collect(LicenseNode node, List<string> ids)
    {
        switch (node)
        {
            case LicenseRequirement requirement:
                if (!ids.Contains(requirement.License)) ids.Add(requirement.License);
                break;
            case LicenseAll all:
                foreach (var term in all.Terms) Collect(term, ids);
                break;
            case LicenseAny any:
                foreach (var term in any.Terms) Collect(term, ids);
                break;
        }
    }
}

/// <summary>Why an expression was refused: a message naming the offending token, and where it is (0-based).</summary>
public sealed record LicenseParseError(string Message, string? Token, int Position);

public sealed record LicenseParseResult(LicenseExpression? Expression, LicenseParseError? Error)
{
    public bool IsValid => Expression is not null;
}
