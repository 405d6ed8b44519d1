-- Keys that encrypt session and antiforgery cookies (ASP.NET Core Data Protection key ring elements; issue 24), SQLite.
-- Keep in step with Postgres/0012_data_protection_keys.sql. In the database rather than a folder so that every node of a
-- cluster reads the same ring without a shared disk, and a backup carries them (Data/Identity/DataProtectionKeyRepository.cs).
-- The key manager only adds elements (new keys, revocations), named key-{id} or revocation-{date}.
CREATE TABLE data_protection_keys (
    friendly_name TEXT    NOT NULL PRIMARY KEY,
    xml           TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
