using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Downloads;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Data.Tests.Unit;

public sealed class RegistrationTests
{
    [Fact]
    public async Task Every_port_is_a_singleton_over_one_database()
    {
        var root = Path.Combine(Path.GetTempPath(), "ghostcrate-data-tests", Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection().AddGhostCrateData(new DatabaseOptions { ConnectionString = $"Data Source={root}/gc.db" });
        var provider = new TinyProvider(services);
        try
        {
            var ports = new[] { typeof(IDatabase), typeof(ICrateRepository), typeof(IOwnerRepository), typeof(IUserRepository), typeof(ITokenRepository), typeof(ICrateCatalog), typeof(IDownloadStatsRepository) };
            foreach (var port in ports)
            {
                var descriptor = Assert.Single(services, d => d.ServiceType == port);
                Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
                Assert.IsAssignableFrom(port, provider.GetService(port));
            }

            var database = (IDatabase)provider.GetService(typeof(IDatabase))!;
            await database.MigrateAsync(TestContext.Current.CancellationToken);
            var users = (IUserRepository)provider.GetService(typeof(IUserRepository))!;
            Assert.NotNull(await users.CreateAsync("alice", null, false, DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken));
        }
        finally
        {
            await ((GhostCrateDatabase)provider.GetService(typeof(GhostCrateDatabase))!).DisposeAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void A_missing_connection_string_fails_at_registration(DatabaseProvider provider)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ServiceCollection().AddGhostCrateData(new DatabaseOptions { Provider = provider }));

        Assert.Contains("Database:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Just enough of a container to run the registered factories (singletons cached), without a DI package.</summary>
    private sealed class TinyProvider(IServiceCollection services) : IServiceProvider
    {
        private readonly Dictionary<Type, object> _singletons = [];

        public object? GetService(Type serviceType)
        {
            if (_singletons.TryGetValue(serviceType, out var existing)) return existing;
            var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType);
            if (descriptor?.ImplementationFactory is null) return null;
            return _singletons[serviceType] = descriptor.ImplementationFactory(this);
        }
    }
}
