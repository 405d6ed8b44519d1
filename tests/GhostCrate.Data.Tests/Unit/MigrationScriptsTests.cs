using GhostCrate.Core.Options;
using GhostCrate.Data.Migrations;

namespace GhostCrate.Data.Tests.Unit;

public sealed class MigrationScriptsTests
{
    [Fact]
    public void Both_providers_have_the_same_numbered_scripts()
    {
        var sqlite = MigrationScripts.For(DatabaseProvider.Sqlite);
        var postgres = MigrationScripts.For(DatabaseProvider.Postgres);

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(s => (s.Version, s.Name)), postgres.Select(s => (s.Version, s.Name)));
        Assert.Equal(1, sqlite[0].Version);
        Assert.Equal(sqlite.Select(s => s.Version).Distinct().Order(), sqlite.Select(s => s.Version));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Every_table_the_repositories_use_is_created(DatabaseProvider provider)
    {
        var sql = string.Join('\n', MigrationScripts.For(provider).Select(s => s.Sql));

        foreach (var table in new[] { "users", "api_tokens", "crates", "versions", "version_dependencies", "crate_owners", "external_logins", "login_states", "audit_events", "organizations", "organization_members", "organization_invitations", "teams", "team_members", "crate_org_owners", "crate_team_owners", "proxy_index_files", "proxy_crate_files", "proxy_upstreams" })
            Assert.Contains($"CREATE TABLE {table} (", sql, StringComparison.Ordinal);
    }
}
