namespace GhostCrate.Core.Audit;

/// <summary>The action names written to the audit log (stable: admins filter on them).</summary>
public static class AuditActions
{
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string Logout = "logout";
    public const string UserCreated = "user.created";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserPromoted = "user.promoted";
    public const string UserDemoted = "user.demoted";
    public const string UserReadOnlySet = "user.read_only";
    public const string UserReadWriteSet = "user.read_write";
    public const string PasswordChanged = "user.password_changed";
    public const string PasswordReset = "user.password_reset";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string TokensRevokedByAdmin = "token.revoked_all";
    public const string CratePublished = "crate.published";
    public const string CrateYanked = "crate.yanked";
    public const string CrateUnyanked = "crate.unyanked";
    /// <summary>An administrator approved a version held for approval (docs/security.md "Approval hold").</summary>
    public const string VersionApproved = "version.approved";
    /// <summary>An administrator rejected a held version: it and its .crate were removed.</summary>
    public const string VersionRejected = "version.rejected";
    public const string CrateDeleted = "crate.deleted";
    public const string OwnersAdded = "crate.owners_added";
    public const string OwnersRemoved = "crate.owners_removed";
    /// <summary>An owner invited a user to own a crate (docs/permissions.md "Owner invitations"); the target is the crate.</summary>
    public const string OwnerInvited = "crate.owner_invited";
    public const string OwnerInvitationAccepted = "crate.owner_invitation_accepted";
    public const string OwnerInvitationDeclined = "crate.owner_invitation_declined";
    /// <summary>An owner or administrator withdrew an open invitation before it was answered.</summary>
    public const string OwnerInvitationRevoked = "crate.owner_invitation_revoked";
    /// <summary>A crate was handed to an organization from its Manage page or the API (its user owners removed or kept).</summary>
    public const string CrateTransferred = "crate.transferred";
    public const string CrateAccessChanged = "crate.access_changed";
    public const string OrgCreated = "org.created";
    public const string OrgRenamed = "org.renamed";
    public const string OrgDeleted = "org.deleted";
    public const string OrgInvited = "org.invited";
    public const string OrgInvitationAccepted = "org.invitation_accepted";
    public const string OrgInvitationDeclined = "org.invitation_declined";
    public const string OrgInvitationCancelled = "org.invitation_cancelled";
    public const string OrgMemberRoleChanged = "org.member_role_changed";
    public const string OrgMemberRemoved = "org.member_removed";
    public const string OrgLicensePolicySet = "org.license_policy_set";
    public const string OrgLicensePolicyRemoved = "org.license_policy_removed";
    public const string TeamCreated = "team.created";
    public const string TeamDeleted = "team.deleted";
    public const string TeamMemberAdded = "team.member_added";
    public const string TeamMemberRemoved = "team.member_removed";
    public const string SsoUserCreated = "sso.user_created";
    public const string ProxyWarmed = "proxy.warmed";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookUpdated = "webhook.updated";
    public const string WebhookDeleted = "webhook.deleted";
    public const string WebhookSecretRotated = "webhook.secret_rotated";
    public const string WebhookRedelivered = "webhook.redelivered";
    public const string WebhookTested = "webhook.tested";
    public const string JobRetried = "job.retried";
    public const string EmailPreferencesChanged = "email.preferences_changed";
    public const string EmailUnsubscribed = "email.unsubscribed";
    public const string FollowAdded = "follow.added";
    public const string FollowRemoved = "follow.removed";
    public const string BackupRequested = "backup.requested";
    public const string MirrorJobRequested = "mirror.job_requested";
    public const string MirrorJobCancelled = "mirror.job_cancelled";
    public const string SsoLinked = "sso.linked";
    public const string SsoRolesChanged = "sso.roles_changed";
    public const string DocsUploaded = "docs.uploaded";
    public const string DocsRebuildRequested = "docs.rebuild_requested";
    public const string DocsRebuildAllRequested = "docs.rebuild_all_requested";
    public const string DocsRebuildAllQueued = "docs.rebuild_all_queued";
    public const string OrgPolicySet = "policy.org_set";
    public const string OrgPolicyRemoved = "policy.org_removed";
    public const string AdvisoryAllowed = "advisory.allowed";
    public const string AdvisoryDisallowed = "advisory.disallowed";
    public const string QuarantineExempted = "quarantine.exempted";
    public const string QuarantineExemptionRemoved = "quarantine.exemption_removed";
    /// <summary>An administrator changed the branding texts (/admin/branding, PUT /api/v1/admin/branding); details hold the new values.</summary>
    public const string BrandingUpdated = "branding.updated";
    public const string BrandingLogoSet = "branding.logo_set";
    public const string BrandingLogoRemoved = "branding.logo_removed";
    /// <summary>Every branding override was cleared: the configuration applies again.</summary>
    public const string BrandingReset = "branding.reset";
    /// <summary>An administrator uploaded (or replaced) a custom rustup toolchain (docs/toolchains.md "Custom toolchains"); the target is its name.</summary>
    public const string CustomToolchainUploaded = "toolchain.custom_uploaded";
    public const string CustomToolchainDeleted = "toolchain.custom_deleted";
}
