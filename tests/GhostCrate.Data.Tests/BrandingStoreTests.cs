using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Branding;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Options;
using GhostCrate.Data.Changes;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The branding row (migration 0032) on both databases: nothing stored until the first change, every write moves the
/// revision, the texts and the logo are written apart (saving one never loses the other), a reset clears both; and a
/// change written by another node (a second <see cref="GhostCrateDatabase"/>) reaches this node's
/// <see cref="BrandingService"/> through the change feed (PostgreSQL: the trigger's NOTIFY; SQLite: the feed's poll).
/// </summary>
public abstract class BrandingStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static readonly BrandingTexts Acme = new("Acme Crates", "acme", "#2f6fdf", "Run by the platform team", "Use your Acme account");
    private static readonly BrandingLogo Png = new([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], LogoCheck.Png);

    private readonly ManualTime _time = new(T0);

    private IBrandingRepository Branding => Db.Ports.Branding;

    [Fact]
    public async Task Nothing_is_stored_until_a_change_and_every_write_moves_the_revision_and_keeps_what_it_does_not_write()
    {
        Assert.Equal(0, await Branding.RevisionAsync(Ct));
        Assert.Equal(StoredBranding.Nothing, await Branding.LoadAsync(Ct));

        await Branding.SaveTextsAsync(Acme, T0, "alice", Ct);
        var first = await Branding.LoadAsync(Ct);
        Assert.Equal(1, first.Revision);
        Assert.Equal(Acme, first.Texts);
        Assert.Null(first.Logo);
        Assert.Equal((T0, "alice"), (first.UpdatedAt!.Value, first.UpdatedBy));

        await Branding.SaveLogoAsync(Png, T0.AddMinutes(1), "bob", Ct);
        var withLogo = await Branding.LoadAsync(Ct);
        Assert.Equal(2, withLogo.Revision);
        Assert.Equal(Acme, withLogo.Texts);
        Assert.Equal(Png.Content, withLogo.Logo!.Content);
        Assert.Equal(LogoCheck.Png, withLogo.Logo.ContentType);
        Assert.Equal((T0.AddMinutes(1), "bob"), (withLogo.UpdatedAt!.Value, withLogo.UpdatedBy));

        var renamed = Acme with { DisplayName = "Acme Registry", FooterText = null };
        await Branding.SaveTextsAsync(renamed, T0.AddMinutes(2), "alice", Ct);
        var third = await Branding.LoadAsync(Ct);
        Assert.Equal(3, third.Revision);
        Assert.Equal(renamed, third.Texts);
        Assert.Equal(Png.Content, third.Logo!.Content);

        await Branding.SaveLogoAsync(null, T0.AddMinutes(3), "alice", Ct);
        var noLogo = await Branding.LoadAsync(Ct);
        Assert.Equal(4, noLogo.Revision);
        Assert.Null(noLogo.Logo);
        Assert.Equal(renamed, noLogo.Texts);

        await Branding.SaveLogoAsync(Png, T0.AddMinutes(4), "alice", Ct);
        await Branding.ResetAsync(T0.AddMinutes(5), "carol", Ct);
        var reset = await Branding.LoadAsync(Ct);
        Assert.Equal(6, reset.Revision);
        Assert.Equal(BrandingTexts.None, reset.Texts);
        Assert.Null(reset.Logo);
        Assert.Equal("carol", reset.UpdatedBy);
        Assert.Equal(6, await Branding.RevisionAsync(Ct));
    }

    [Fact]
    public async Task Two_writers_at_once_both_count_and_the_row_holds_one_of_them_whole()
    {
        var one = Acme;
        var two = new BrandingTexts("Beta Crates", "beta", "#d0302f", null, null);
        var other = Db.Open();
        await Task.WhenAll(
            Task.Run(() => Branding.SaveTextsAsync(one, T0, "alice", Ct), Ct),
            Task.Run(() => other.Branding.SaveTextsAsync(two, T0, "bob", Ct), Ct));
        var stored = await Branding.LoadAsync(Ct);
        Assert.Equal(2, stored.Revision);
        Assert.Contains(stored.Texts, new[] { one, two });
    }

    [Fact]
    public async Task A_change_written_by_another_node_reaches_this_nodes_branding_through_the_change_feed()
    {
        var audit = new AuditLog(Db.Ports.Audit, new NoRequestOrigin(), _time, NullLogger<AuditLog>.Instance);
        var service = new BrandingService(Branding, Options.Create(new UiOptions { DisplayName = "Configured" }), audit, _time, NullLogger<BrandingService>.Instance);
        var feed = Db.Ports.CreateChangeFeed(_time, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        using var subscription = feed.Subscribe(ChangeTopics.Branding, service.CatchUpAsync);
        var run = feed.RunAsync(stop.Token);
        try
        {
            await WaitAsync(() => service.Current.Revision == 0, "the first catch-up did not load the (empty) branding");
            Assert.Equal(new BrandingValue("Configured", BrandingSource.Configuration), service.Current.DisplayName);

            // Another node (its own connections) writes; this side reads nothing until the feed says so.
            var other = Db.Open();
            await other.Branding.SaveTextsAsync(Acme, T0, "admin", Ct);
            await WaitAsync(() => service.Current.DisplayName.Value == "Acme Crates", "the other node's change did not arrive");
            Assert.Equal(new BrandingValue("acme", BrandingSource.Admin), service.Current.RegistryName);
            Assert.Equal(new BrandingValue("#2f6fdf", BrandingSource.Admin), service.Current.AccentColor);

            await other.Branding.ResetAsync(T0, "admin", Ct);
            await WaitAsync(() => service.Current.DisplayName.Source == BrandingSource.Configuration, "the other node's reset did not arrive");
            Assert.Equal("Configured", service.Current.DisplayName.Value);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    /// <summary>SQLite's feed polls on the manual clock, so it is moved; PostgreSQL's is told by NOTIFY and needs no clock.</summary>
    private Task WaitAsync(Func<bool> condition, string message) =>
        Eventually.TrueAsync(() =>
        {
            if (Lane.Provider == DatabaseProvider.Sqlite) _time.Advance(LocalChangeFeed.Interval);
            return condition();
        }, message, cancellationToken: Ct);
}

public sealed class SqliteBrandingStoreTests(SqliteLane lane) : BrandingStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresBrandingStoreTests(PostgresLane lane) : BrandingStoreTests(lane), IClassFixture<PostgresLane>;
