using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Data;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>
/// Auth-required reads with a known token are answered without a database query (Core/Identity/AccessCache.cs), and a
/// change made through the node (token revoked, user disabled) is enforced on the very next request. The real
/// repositories are wrapped in a proxy that only counts calls. Across nodes: GhostCrate.EndToEnd TwoNodeSessionTests.
/// </summary>
public sealed class AccessCacheTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_304_for_a_cached_token_in_auth_required_mode_makes_no_database_query_and_a_revocation_applies_at_once()
    {
        var calls = new CallCounter();
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" }, services => calls.Wrap(services));
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("hotcrate", "1.0.0").PublishBody())).StatusCode);
        var token = await Users.CreateWithTokenAsync(app, "reader");
        using var http = app.Client(token);
        var first = await http.GetAsync("/index/ho/tc/hotcrate");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;

        async Task<HttpStatusCode> ConditionalAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/index/ho/tc/hotcrate");
            request.Headers.IfNoneMatch.Add(etag);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        // Poll until the node has read the access epoch and remembered the token (without the cache, never).
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var before = calls.Total;
            Assert.Equal(HttpStatusCode.NotModified, await ConditionalAsync(http));
            if (calls.Total == before) break;
            Assert.True(DateTime.UtcNow < until, $"every 304 still queried the database: {calls.Describe()}");
        }
        var start = calls.Total;
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.NotModified, await ConditionalAsync(http));
        Assert.True(calls.Total == start, $"cached 304s queried the database: {calls.Describe()}");

        // The reader revokes its own token through this node: the next request with it is refused, not served from memory.
        var tokens = await app.Services.GetRequiredService<ITokenRepository>().ListForUserAsync(
            (await app.Services.GetRequiredService<IUserRepository>().FindByNameAsync("reader", CancellationToken.None))!.Id, CancellationToken.None);
        Assert.True((await http.DeleteAsync($"/api/v1/me/tokens/{tokens.Single().Id}")).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ConditionalAsync(http));
    }

    [Fact]
    public async Task Disabling_a_user_and_removing_a_team_member_apply_on_the_next_request()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("secret", "1.0.0").PublishBody())).StatusCode);
        var memberToken = await Users.CreateWithTokenAsync(app, "member");
        var otherToken = await Users.CreateWithTokenAsync(app, "other");
        var users = app.Services.GetRequiredService<IUserRepository>();
        var orgs = app.Services.GetRequiredService<IOrganizationRepository>();
        var groups = app.Services.GetRequiredService<ICrateGroupOwnerRepository>();
        var admin = (await users.FindByNameAsync("admin", CancellationToken.None))!;
        var member = (await users.FindByNameAsync("member", CancellationToken.None))!;
        var crate = (await app.Services.GetRequiredService<ICrateRepository>().FindAsync("secret", CancellationToken.None))!;
        var org = (await orgs.CreateAsync("acme", "acme", admin.Id, DateTimeOffset.UtcNow, CancellationToken.None))!;
        var team = (await orgs.CreateTeamAsync(org.Id, "core", "core", DateTimeOffset.UtcNow, CancellationToken.None))!;
        var invitation = (await orgs.InviteAsync(org.Id, member.Id, OrgRole.Contributor, admin.Id, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None))!;
        await orgs.AcceptInvitationAsync(invitation.Id, DateTimeOffset.UtcNow, CancellationToken.None);
        await orgs.AddTeamMemberAsync(team.Id, member.Id, DateTimeOffset.UtcNow, CancellationToken.None);
        await groups.AddTeamAsync(crate.Id, team.Id, DateTimeOffset.UtcNow, CancellationToken.None);
        await groups.SetRestrictedAsync(crate.Id, true, CancellationToken.None);

        using var memberHttp = app.Client(memberToken);
        using var adminHttp = app.Client(TestApp.AdminToken);
        await EventuallyAsync(memberHttp, HttpStatusCode.OK, "the team member reads the restricted crate");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await memberHttp.GetAsync("/index/se/cr/secret")).StatusCode);

        // Through the API: the member leaves the team; the crate is then hidden from them on the next request.
        Assert.True((await adminHttp.DeleteAsync("/api/v1/orgs/acme/teams/core/members/member")).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await memberHttp.GetAsync("/index/se/cr/secret")).StatusCode);

        // A user disabled through the admin API: their token is refused on the next request.
        using var otherHttp = app.Client(otherToken);
        Assert.Equal(HttpStatusCode.NotFound, (await otherHttp.GetAsync("/index/se/cr/secret")).StatusCode); // signed in, not a member
        var disable = await adminHttp.PatchAsJsonAsync("/api/v1/admin/users/other", new { disabled = true });
        Assert.True(disable.IsSuccessStatusCode, await disable.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherHttp.GetAsync("/index/se/cr/secret")).StatusCode);
    }

    [Fact]
    public async Task An_open_crate_is_remembered_once_for_every_caller_and_restricting_it_applies_on_the_next_request()
    {
        var calls = new CallCounter();
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" }, services => calls.Wrap(services));
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("opencrate", "1.0.0").PublishBody())).StatusCode);
        using var firstHttp = app.Client(await Users.CreateWithTokenAsync(app, "first"));
        using var secondHttp = app.Client(await Users.CreateWithTokenAsync(app, "second"));
        const string Path = "/index/op/en/opencrate";
        int CrateQueries() => calls.Count("ICrateRepository.FindAsync") + calls.Count("ICrateGroupOwnerRepository.IsRestrictedAsync");

        // Until the node has read the access epoch, nothing is remembered: poll until a read asks nothing about the crate.
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var before = CrateQueries();
            Assert.Equal(HttpStatusCode.OK, (await firstHttp.GetAsync(Path)).StatusCode);
            if (CrateQueries() == before) break;
            Assert.True(DateTime.UtcNow < until, $"every read still asked about the crate: {calls.Describe()}");
        }

        // Another caller: their token is looked up, the crate is not asked about again (one entry per crate, not per caller).
        var start = CrateQueries();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await secondHttp.GetAsync(Path)).StatusCode);
        Assert.True(CrateQueries() == start, $"a second caller's reads asked about the open crate again: {calls.Describe()}");

        // The owner restricts it through this node: the other caller gets 404 on the very next request.
        using var adminHttp = app.Client(TestApp.AdminToken);
        var restrict = await adminHttp.PutAsJsonAsync("/api/v1/crates/opencrate/access", new { restricted = true });
        Assert.True(restrict.IsSuccessStatusCode, await restrict.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await secondHttp.GetAsync(Path)).StatusCode);
    }

    [Fact]
    public async Task Tokens_taking_turns_on_one_keep_alive_connection_are_each_judged_as_themselves()
    {
        // A reverse proxy's pooled connection carries many clients' requests; the per-connection memory of the last
        // secret's hash (Web/Auth/ConnectionTokenMemory.cs) must never lend one token's identity to the next.
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("hidden", "1.0.0").PublishBody())).StatusCode);
        var outsider = await Users.CreateWithTokenAsync(app, "outsider");
        using var adminHttp = app.Client(TestApp.AdminToken);
        var restrict = await adminHttp.PutAsJsonAsync("/api/v1/crates/hidden/access", new { restricted = true });
        Assert.True(restrict.IsSuccessStatusCode, await restrict.Content.ReadAsStringAsync());

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var shared = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        async Task<HttpStatusCode> ReadAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/index/hi/dd/hidden");
            request.Headers.TryAddWithoutValidation("Authorization", token);
            using var response = await shared.SendAsync(request);
            return response.StatusCode;
        }

        for (var round = 0; round < 4; round++)
        {
            Assert.Equal(HttpStatusCode.OK, await ReadAsync(TestApp.AdminToken));
            Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(outsider));
            Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(TestApp.AdminToken + "x"));
            Assert.Equal(HttpStatusCode.OK, await ReadAsync("Bearer " + TestApp.AdminToken));
        }
    }

    [Fact]
    public async Task Past_the_backstop_age_one_epoch_read_confirms_every_remembered_answer_without_looking_each_up_again()
    {
        var clock = new SteppedTimestamps();
        var calls = new CallCounter();
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" }, services =>
        {
            calls.Wrap(services);
            services.AddSingleton<TimeProvider>(clock);
        });
        string[] names = ["aged0", "aged1", "aged2", "aged3", "aged4"];
        foreach (var name in names) Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid(name, "1.0.0").PublishBody())).StatusCode);
        using var http = app.Client(await Users.CreateWithTokenAsync(app, "ager"));
        static string PathOf(string name) => $"/index/ag/ed/{name}";
        int Queries() => calls.Count("ICrateRepository.FindAsync") + calls.Count("ICrateGroupOwnerRepository.IsRestrictedAsync") + calls.Count("ITokenRepository.FindByHashAsync");

        async Task UntilRememberedAsync(string name)
        {
            var until = DateTime.UtcNow + Deadline;
            while (true)
            {
                var before = Queries();
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(PathOf(name))).StatusCode);
                if (Queries() == before) return;
                Assert.True(DateTime.UtcNow < until, $"every read of {name} still queried: {calls.Describe()}");
            }
        }
        foreach (var name in names) await UntilRememberedAsync(name);

        // The backstop age passes: the first read starts one epoch read; once it is back (nothing moved), the token and
        // every crate are trusted again as they were, not looked up one by one.
        clock.Advance(AccessCache.MaxAge + TimeSpan.FromSeconds(1));
        await UntilRememberedAsync(names[0]);
        var start = Queries();
        foreach (var name in names.Skip(1)) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(PathOf(name))).StatusCode);
        Assert.True(Queries() == start, $"remembered answers were looked up again after the epoch was confirmed: {calls.Describe()}");
    }

    /// <summary>Real wall clock and timers; timestamps (what ages are measured with) move by hand too.</summary>
    private sealed class SteppedTimestamps : TimeProvider
    {
        private long _offset;

        public override long GetTimestamp() => System.GetTimestamp() + Interlocked.Read(ref _offset);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));
    }

    private static async Task EventuallyAsync(HttpClient http, HttpStatusCode expected, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while ((await http.GetAsync("/index/se/cr/secret")).StatusCode != expected)
        {
            Assert.True(DateTime.UtcNow < until, what);
        }
    }

    /// <summary>Counts calls to the repositories an authenticated read may use; the calls go to the real ones.</summary>
    private sealed class CallCounter
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new();
        private int _total;

        public int Total => Volatile.Read(ref _total);

        public int Count(string name) => _calls.GetValueOrDefault(name);

        public string Describe() => string.Join(", ", _calls.Select(c => $"{c.Key}={c.Value}"));

        public void Wrap(IServiceCollection services)
        {
            services.AddSingleton(sp => Counting<ITokenRepository>.Create(sp.GetRequiredService<GhostCrateDatabase>().Tokens, this));
            services.AddSingleton(sp => Counting<IUserRepository>.Create(sp.GetRequiredService<GhostCrateDatabase>().Users, this));
            services.AddSingleton(sp => Counting<ICrateRepository>.Create(sp.GetRequiredService<GhostCrateDatabase>().Crates, this));
            services.AddSingleton(sp => Counting<IOwnerRepository>.Create(sp.GetRequiredService<GhostCrateDatabase>().Owners, this));
            services.AddSingleton(sp => Counting<ICrateGroupOwnerRepository>.Create(sp.GetRequiredService<GhostCrateDatabase>().CrateGroupOwners, this));
            services.AddSingleton(sp => Counting<Core.Index.IIndexFileStore>.Create(sp.GetRequiredService<GhostCrateDatabase>().IndexFiles, this));
        }

        public void Record(string name)
        {
            Interlocked.Increment(ref _total);
            _calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        }
    }

    public class Counting<T> : DispatchProxy where T : class
    {
        private T _inner = null!;
        private CallCounter _counter = null!;

        internal static T Create(T inner, object counter)
        {
            var proxy = Create<T, Counting<T>>();
            var self = (Counting<T>)(object)proxy;
            self._inner = inner;
            self._counter = (CallCounter)counter;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            _counter.Record(typeof(T).Name + "." + targetMethod!.Name);
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
