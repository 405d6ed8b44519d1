using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>Registers a test's decorator around the blob store registered last (whatever way it was registered).</summary>
public static class BlobStoreDecoration
{
    public static void Wrap(IServiceCollection services, Func<IBlobStore, IBlobStore> decorate)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IBlobStore));
        services.AddSingleton<IBlobStore>(sp => decorate(registered.ImplementationFactory is { } factory
            ? (IBlobStore)factory(sp)
            : registered.ImplementationInstance as IBlobStore ?? (IBlobStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
    }
}
