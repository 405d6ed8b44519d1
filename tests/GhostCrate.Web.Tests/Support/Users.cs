using GhostCrate.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

public static class Users
{
    /// <summary>Creates a user through the same service the CLI uses and returns a fresh token secret.</summary>
    public static async Task<string> CreateWithTokenAsync(TestApp app, string name, TokenScopes? scopes = null)
    {
        var users = app.Services.GetRequiredService<UserService>();
        var created = await users.CreateUserAsync(name, "a long enough password", isAdmin: false, CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        var token = await users.CreateTokenAsync(name, "test", null, scopes ?? TokenScopes.Unrestricted, CancellationToken.None);
        return token.Value!.Secret;
    }
}
