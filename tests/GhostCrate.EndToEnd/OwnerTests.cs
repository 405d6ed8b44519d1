using System.Text.RegularExpressions;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>cargo owner --add / --list / --remove, and what ownership allows.</summary>
public sealed class OwnerTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Owners_can_be_added_listed_and_removed_and_only_owners_may_yank()
    {
        var crate = await Cargo.NewLibAsync($"owned-{Ids.New()}");
        await Cargo.PublishOkAsync(crate, verify: false);
        var (second, secondToken) = await Server.CreateUserWithTokenAsync("owner", Cancel);
        var (stranger, strangerToken) = await Server.CreateUserWithTokenAsync("stranger", Cancel);
        var dir = Cargo.ProjectsDir;
        string[] owner = ["owner", "--registry", CargoSandbox.Registry];

        var list = await Cargo.RunOkAsync(dir, [.. owner, "--list", crate.Name]);
        Assert.Equal(["admin"], Logins(list));

        // The administrator's `--add` of a user is direct (docs/permissions.md "Owner invitations").
        await Cargo.RunOkAsync(dir, [.. owner, "--add", second, crate.Name]);
        list = await Cargo.RunOkAsync(dir, [.. owner, "--list", crate.Name]);
        Assert.Equal(["admin", second], Logins(list).Order(StringComparer.Ordinal));

        // A user who owns nothing can't yank; the server says why.
        var secondCargo = NewSandbox(secondToken);
        var strangerCargo = NewSandbox(strangerToken);
        var denied = await strangerCargo.RunAsync(dir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", crate.Name]);
        AssertRejectedWithDetail(denied);
        var strangerAdds = await strangerCargo.RunAsync(dir, [.. owner, "--add", stranger, crate.Name]);
        AssertRejectedWithDetail(strangerAdds);

        // Nor publish a new version of someone else's crate.
        var hijack = await strangerCargo.NewLibAsync(crate.Name, version: "0.2.0");
        AssertRejectedWithDetail(await strangerCargo.PublishAsync(hijack, verify: false));
        Assert.Single(await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel));

        // The added owner can do both.
        await secondCargo.PublishOkAsync(await secondCargo.NewLibAsync(crate.Name, version: "0.3.0"), verify: false);
        await secondCargo.RunOkAsync(dir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", crate.Name]);
        await secondCargo.RunOkAsync(dir, ["yank", "--registry", CargoSandbox.Registry, "--undo", "--version", "0.1.0", crate.Name]);

        await Cargo.RunOkAsync(dir, [.. owner, "--remove", second, crate.Name]);
        list = await Cargo.RunOkAsync(dir, [.. owner, "--list", crate.Name]);
        Assert.Equal(["admin"], Logins(list));

        // Removed owners lose the right again.
        var revoked = await secondCargo.RunAsync(dir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", crate.Name]);
        AssertRejectedWithDetail(revoked);
        var entries = await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel);
        Assert.Equal(["0.1.0", "0.3.0"], entries.Select(e => e["vers"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.False(e["yanked"]!.GetValue<bool>(), e.ToJsonString()));
    }

    /// <summary>
    /// Issue 23: an owner's `cargo owner --add USER` invites, as on crates.io; cargo prints crates.io's sentence. The
    /// invitee publishes only after accepting; after declining, or once the invitation is withdrawn, they cannot.
    /// </summary>
    [Fact]
    public async Task An_owners_cargo_owner_add_invites_and_only_an_accepted_invitation_lets_the_user_publish()
    {
        var (alice, aliceToken) = await Server.CreateUserWithTokenAsync("inviter", Cancel);
        var (bob, bobToken) = await Server.CreateUserWithTokenAsync("invitee", Cancel);
        var (carol, carolToken) = await Server.CreateUserWithTokenAsync("decliner", Cancel);
        var aliceCargo = NewSandbox(aliceToken);
        var bobCargo = NewSandbox(bobToken);
        var carolCargo = NewSandbox(carolToken);
        var dir = Cargo.ProjectsDir;
        string[] owner = ["owner", "--registry", CargoSandbox.Registry];
        var crate = await aliceCargo.NewLibAsync($"invited-{Ids.New()}");
        await aliceCargo.PublishOkAsync(crate, verify: false);

        var added = await aliceCargo.RunOkAsync(dir, [.. owner, "--add", bob, crate.Name]);
        Assert.Contains($"user {bob} has been invited to be an owner of crate {crate.Name}", added.StdErr + added.StdOut, StringComparison.Ordinal);
        Assert.Equal([alice], Logins(await aliceCargo.RunOkAsync(dir, [.. owner, "--list", crate.Name])));
        AssertRejectedWithDetail(await bobCargo.PublishAsync(await bobCargo.NewLibAsync(crate.Name, version: "0.2.0"), verify: false));

        var pending = await SendOkAsync(HttpMethod.Get, "api/v1/me/crate_owner_invitations", bobToken, null);
        Assert.Equal(crate.Name, Assert.Single(pending.GetProperty("crate_owner_invitations").EnumerateArray()).GetProperty("crate_name").GetString());
        await SendOkAsync(HttpMethod.Put, $"api/v1/me/crate_owner_invitations/{crate.Name}", bobToken, new { crate_owner_invite = new { accepted = true } });
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), Logins(await aliceCargo.RunOkAsync(dir, [.. owner, "--list", crate.Name])).Order(StringComparer.Ordinal));
        await bobCargo.PublishOkAsync(await bobCargo.NewLibAsync(crate.Name, version: "0.3.0"), verify: false);

        // Declined: carol stays unable to publish.
        await aliceCargo.RunOkAsync(dir, [.. owner, "--add", carol, crate.Name]);
        await SendOkAsync(HttpMethod.Put, $"api/v1/me/crate_owner_invitations/{crate.Name}", carolToken, new { crate_owner_invite = new { accepted = false } });
        AssertRejectedWithDetail(await carolCargo.PublishAsync(await carolCargo.NewLibAsync(crate.Name, version: "0.4.0"), verify: false));
        Assert.Equal(["0.1.0", "0.3.0"], (await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel)).Select(e => e["vers"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private async Task<System.Text.Json.JsonElement> SendOkAsync(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
        var answer = await Server.Http.SendAsync(request, token, Cancel);
        Assert.True((int)answer.Status is >= 200 and < 300, $"{method} {path}: {answer.Describe()}");
        return System.Text.Json.JsonDocument.Parse(answer.Body).RootElement.Clone();
    }

    [Fact]
    public async Task Adding_an_unknown_user_as_owner_fails_with_a_message()
    {
        var crate = await Cargo.NewLibAsync($"owned-{Ids.New()}");
        await Cargo.PublishOkAsync(crate, verify: false);
        var result = await Cargo.RunAsync(Cargo.ProjectsDir, ["owner", "--registry", CargoSandbox.Registry, "--add", "nobody" + Ids.New(), crate.Name]);
        AssertRejectedWithDetail(result);
        var list = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["owner", "--registry", CargoSandbox.Registry, "--list", crate.Name]);
        Assert.Equal(["admin"], Logins(list));
    }

    /// <summary>
    /// cargo prints "the remote server responded with an error (status 403 Forbidden): DETAIL" when the server
    /// answers with Cargo's error envelope; anything else (no envelope, 5xx) is a server bug.
    /// </summary>
    internal static void AssertRejectedWithDetail(ProcessResult result)
    {
        Assert.False(result.Succeeded, $"expected cargo to fail:\n{result.Describe()}");
        Assert.True(Regex.IsMatch(result.StdErr, @"responded with an error \(status 4\d\d[^)]*\): \S"),
            $"expected a 4xx with an error detail:\n{result.Describe()}");
    }

    /// <summary>The logins printed by `cargo owner --list` ("login" or "login (Display Name)" per line).</summary>
    private static List<string> Logins(ProcessResult result) =>
        result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
}
