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
