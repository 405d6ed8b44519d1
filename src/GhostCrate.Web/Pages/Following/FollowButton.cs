namespace GhostCrate.Web.Pages.Following;

/// <summary>What the _FollowButton partial shows: a crate or an organization ("crate" or "org"), and whether the viewer follows it.</summary>
public sealed record FollowButton(string Kind, string Name, bool Following, string ReturnUrl);
