using System.Xml.Linq;
using GhostCrate.Core.Identity;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace GhostCrate.Web.Auth;

/// <summary>
/// The Data Protection key ring in the registry's database (the default when Identity:KeysPath is not set), so that
/// every node sharing the database decrypts the others' session and antiforgery cookies and keys survive restarts and
/// restores. https://learn.microsoft.com/aspnet/core/security/data-protection/implementation/key-storage-providers
/// </summary>
internal sealed class DatabaseXmlRepository(IDataProtectionKeyStore store, TimeProvider time) : IXmlRepository
{
    // IXmlRepository is synchronous. The key manager calls it when it first needs the ring, when the cached ring expires
    // (about daily) and when it creates a key, never per request, so blocking a thread here is rare and brief.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.GetAllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrEmpty(friendlyName) ? "element-" + Guid.NewGuid().ToString("N") : friendlyName;
        store.AddAsync(name, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
    }
}
