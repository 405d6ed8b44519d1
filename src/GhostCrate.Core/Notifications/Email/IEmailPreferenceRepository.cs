namespace GhostCrate.Core.Notifications.Email;

/// <summary>Users' email choices, and who owns a crate (the people crate events are mailed to).</summary>
public interface IEmailPreferenceRepository
{
    /// <summary>The topics this user has chosen, on or off; topics not in the map are at their default (on).</summary>
    Task<IReadOnlyDictionary<string, bool>> GetAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Stores each given choice (others keep theirs) in one transaction.</summary>
    Task SetAsync(long userId, IReadOnlyDictionary<string, bool> choices, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user owners of the crate (by name, compared as crate names are); empty when there is no such crate.</summary>
    Task<IReadOnlyList<long>> CrateOwnerIdsAsync(string crateName, CancellationToken cancellationToken);

    /// <summary>The owners (role `owner`) of the organization, by name compared as organization names are; empty when there is none.</summary>
    Task<IReadOnlyList<long>> OrgOwnerIdsAsync(string orgName, CancellationToken cancellationToken);

    /// <summary>The administrators who are not disabled.</summary>
    Task<IReadOnlyList<long>> AdministratorIdsAsync(CancellationToken cancellationToken);
}
