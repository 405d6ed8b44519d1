using GhostCrate.Core.Identity;
using GhostCrate.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// What the email tests share: users with a unique address (tests share one SMTP server and tell their messages apart
/// by recipient), the administrator's address, and a wait for the job queue to drain, so that "nothing else was sent"
/// is an answer (polled with a deadline).
/// </summary>
public static class MailTestUsers
{
    /// <summary>A new user with a unique address and an unrestricted API token.</summary>
    public static async Task<(string Token, string Email)> UserWithEmailAsync(TestApp app, string name, DateTimeOffset? tokenExpires = null)
    {
        var email = $"{name}-{Guid.NewGuid():N}@example.test";
        var users = app.Services.GetRequiredService<UserService>();
        var created = await users.CreateUserAsync(name, "a long enough password", isAdmin: false, CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        await app.Services.GetRequiredService<IUserRepository>().SetProfileAsync(created.Value!.Id, email, $"{name} tester", CancellationToken.None);
        var token = await users.CreateTokenAsync(name, "ci", tokenExpires, TokenScopes.Unrestricted, CancellationToken.None);
        return (token.Value!.Secret, email);
    }

    /// <summary>Gives the seeded `admin` a unique address and returns it.</summary>
    public static async Task<string> AdminEmailAsync(TestApp app)
    {
        var email = $"admin-{Guid.NewGuid():N}@example.test";
        var repository = app.Services.GetRequiredService<IUserRepository>();
        var admin = await repository.FindByNameAsync("admin", CancellationToken.None) ?? throw new InvalidOperationException("no admin user");
        await repository.SetProfileAsync(admin.Id, email, "The Admin", CancellationToken.None);
        return email;
    }

    /// <summary>For a test that runs the queue itself (Jobs:Enabled=false): runs due jobs until none is left.</summary>
    public static Task RunDueJobsAsync(GhostCrate.Core.Jobs.JobRunner runner) => JobNode.RunDueAsync(runner);

    /// <summary>
    /// Runs due jobs until <paramref name="done"/> (polled with a deadline), so a send that failed for a moment (a busy
    /// SMTP server) is retried once its backoff is over; <paramref name="beforeEachRun"/> may move a test's clock.
    /// </summary>
    public static Task RunJobsUntilAsync(GhostCrate.Core.Jobs.JobRunner runner, Func<Task<bool>> done, string what, Action? beforeEachRun = null) =>
        Eventually.TrueAsync(async () =>
        {
            beforeEachRun?.Invoke();
            await RunDueJobsAsync(runner);
            return await done();
        }, what, TimeSpan.FromSeconds(60));

    /// <summary>Until no job is due or running.</summary>
    public static async Task WaitForIdleQueueAsync(TestApp app) =>
        await Eventually.TrueAsync(async () =>
        {
            var stats = (await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/jobs"))).GetProperty("stats");
            return stats.GetProperty("due").GetInt64() == 0 && stats.GetProperty("running").GetInt64() == 0;
        }, "the job queue drains", TimeSpan.FromSeconds(60));
}
