CREATE TABLE IF NOT EXISTS "__ef_migrations" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___ef_migrations" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);

CREATE TABLE "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "MemberId" TEXT NOT NULL,
    "DisplayName" TEXT NOT NULL,
    "IsActive" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" TEXT NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);

CREATE TABLE "agreements" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_agreements" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "DocumentReference" TEXT NOT NULL,
    "DocumentSha256" TEXT NOT NULL,
    "Version" TEXT NOT NULL,
    "EffectiveFrom" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "PermittedCategories" TEXT NOT NULL,
    "PermittedRegions" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "TerminatedAt" TEXT NULL,
    "TerminationReason" TEXT NULL,
    "ExpiryNotifiedAt" TEXT NULL
);

CREATE TABLE "audit_entries" (
    "Sequence" INTEGER NOT NULL CONSTRAINT "PK_audit_entries" PRIMARY KEY,
    "OccurredAt" TEXT NOT NULL,
    "ActorMemberId" TEXT NOT NULL,
    "ActorId" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "ObjectType" TEXT NOT NULL,
    "ObjectId" TEXT NULL,
    "CaseId" TEXT NULL,
    "Details" TEXT NULL,
    "PreviousHash" TEXT NOT NULL,
    "Hash" TEXT NOT NULL
);

CREATE TABLE "data_protection_keys" (
    "FriendlyName" TEXT NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY,
    "Xml" TEXT NOT NULL
);

CREATE TABLE "idempotency_records" (
    "MemberId" TEXT NOT NULL,
    "ClientId" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "RequestHash" TEXT NOT NULL,
    "StatusCode" INTEGER NULL,
    "ResponseBody" TEXT NULL,
    "Location" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CompletedAt" TEXT NULL,
    CONSTRAINT "PK_idempotency_records" PRIMARY KEY ("MemberId", "ClientId", "Key")
);

CREATE TABLE "job_runs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_job_runs" PRIMARY KEY,
    "JobName" TEXT NOT NULL,
    "Node" TEXT NOT NULL,
    "StartedAt" TEXT NOT NULL,
    "FinishedAt" TEXT NULL,
    "ItemsProcessed" INTEGER NOT NULL,
    "Failed" INTEGER NOT NULL,
    "Error" TEXT NULL
);

CREATE TABLE "members" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_members" PRIMARY KEY,
    "LegalName" TEXT NOT NULL,
    "Region" TEXT NOT NULL,
    "SupportContact" TEXT NULL,
    "EscalationContact" TEXT NULL,
    "Retention" TEXT NULL,
    "IntakePolicy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE TABLE "oauth_clients" (
    "ClientId" TEXT NOT NULL CONSTRAINT "PK_oauth_clients" PRIMARY KEY,
    "DisplayName" TEXT NOT NULL,
    "MemberId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "SecretHash" TEXT NULL,
    "PreviousSecretHash" TEXT NULL,
    "PreviousSecretExpiresAt" TEXT NULL,
    "AllowedGrantTypes" TEXT NOT NULL,
    "AllowedScopes" TEXT NOT NULL,
    "RedirectUris" TEXT NOT NULL,
    "PostLogoutRedirectUris" TEXT NOT NULL,
    "Roles" TEXT NOT NULL,
    "FirstParty" INTEGER NOT NULL,
    "IsActive" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE TABLE "outbox_messages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_outbox_messages" PRIMARY KEY,
    "EventType" TEXT NOT NULL,
    "CaseId" TEXT NULL,
    "RecipientMemberIds" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "OccurredAt" TEXT NOT NULL,
    "ProcessedAt" TEXT NULL
);

CREATE TABLE "persisted_grants" (
    "KeyHash" TEXT NOT NULL CONSTRAINT "PK_persisted_grants" PRIMARY KEY,
    "Type" TEXT NOT NULL,
    "ClientId" TEXT NOT NULL,
    "SubjectId" TEXT NULL,
    "FamilyId" TEXT NOT NULL,
    "Data" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "ConsumedAt" TEXT NULL,
    "RevokedAt" TEXT NULL
);

CREATE TABLE "portal_sessions" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_portal_sessions" PRIMARY KEY,
    "ProtectedTicket" TEXT NOT NULL,
    "SubjectId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL
);

CREATE TABLE "revoked_tokens" (
    "Jti" TEXT NOT NULL CONSTRAINT "PK_revoked_tokens" PRIMARY KEY,
    "ClientId" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL
);

CREATE TABLE "signing_keys" (
    "KeyId" TEXT NOT NULL CONSTRAINT "PK_signing_keys" PRIMARY KEY,
    "Algorithm" TEXT NOT NULL,
    "ProtectedPrivateKey" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ActivatesAt" TEXT NOT NULL,
    "RetiresAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL
);

CREATE TABLE "tombstones" (
    "CaseId" TEXT NOT NULL CONSTRAINT "PK_tombstones" PRIMARY KEY,
    "SubmittingMemberId" TEXT NOT NULL,
    "ReceivingMemberId" TEXT NOT NULL,
    "SubmitterInitials" TEXT NOT NULL,
    "ReceiverInitials" TEXT NULL,
    "CustomerOrganisation" TEXT NULL,
    "Summary" TEXT NULL,
    "StepsTaken" TEXT NULL,
    "Conclusion" TEXT NULL,
    "Outcome" TEXT NOT NULL,
    "OpenedAt" TEXT NOT NULL,
    "ConcludedAt" TEXT NULL,
    "PurgedAt" TEXT NOT NULL,
    "NotificationsSent" INTEGER NOT NULL,
    "LastNotifiedAt" TEXT NULL
);

CREATE TABLE "webhook_subscriptions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_webhook_subscriptions" PRIMARY KEY,
    "MemberId" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "EventTypes" TEXT NOT NULL,
    "ProtectedSecret" TEXT NOT NULL,
    "PreviousProtectedSecret" TEXT NULL,
    "PreviousSecretExpiresAt" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "DisabledAt" TEXT NULL,
    "DisabledReason" TEXT NULL
);

CREATE TABLE "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "agreement_parties" (
    "AgreementId" TEXT NOT NULL,
    "PartyId" TEXT NOT NULL,
    "SignerName" TEXT NULL,
    "SignerRole" TEXT NULL,
    "SignedAt" TEXT NULL,
    CONSTRAINT "PK_agreement_parties" PRIMARY KEY ("AgreementId", "PartyId"),
    CONSTRAINT "FK_agreement_parties_agreements_AgreementId" FOREIGN KEY ("AgreementId") REFERENCES "agreements" ("Id") ON DELETE CASCADE
);

CREATE TABLE "customer_authorisations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_customer_authorisations" PRIMARY KEY,
    "SubmittingMemberId" TEXT NOT NULL,
    "CustomerOrganisation" TEXT NOT NULL,
    "AuthorisedByName" TEXT NOT NULL,
    "AuthorisedByRole" TEXT NULL,
    "AuthorisedByEmail" TEXT NULL,
    "ReceivingMemberIds" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "CaptureMethod" TEXT NOT NULL,
    "EvidenceReference" TEXT NOT NULL,
    "DataCategories" TEXT NOT NULL,
    "AllowedRegions" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "WithdrawnAt" TEXT NULL,
    "RestrictedAt" TEXT NULL,
    CONSTRAINT "FK_customer_authorisations_members_SubmittingMemberId" FOREIGN KEY ("SubmittingMemberId") REFERENCES "members" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "purge_receipts" (
    "CaseId" TEXT NOT NULL,
    "MemberId" TEXT NOT NULL,
    "ConfirmedAt" TEXT NOT NULL,
    CONSTRAINT "PK_purge_receipts" PRIMARY KEY ("CaseId", "MemberId"),
    CONSTRAINT "FK_purge_receipts_tombstones_CaseId" FOREIGN KEY ("CaseId") REFERENCES "tombstones" ("CaseId") ON DELETE CASCADE
);

CREATE TABLE "webhook_deliveries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY,
    "SubscriptionId" TEXT NOT NULL,
    "MemberId" TEXT NOT NULL,
    "OutboxMessageId" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "EventType" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NOT NULL,
    "LastAttemptAt" TEXT NULL,
    "LastStatusCode" INTEGER NULL,
    "LastError" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "DeliveredAt" TEXT NULL,
    "LockedUntil" TEXT NULL,
    CONSTRAINT "FK_webhook_deliveries_webhook_subscriptions_SubscriptionId" FOREIGN KEY ("SubscriptionId") REFERENCES "webhook_subscriptions" ("Id") ON DELETE CASCADE
);

CREATE TABLE "cases" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_cases" PRIMARY KEY,
    "SubmittingMemberId" TEXT NOT NULL,
    "ReceivingMemberId" TEXT NOT NULL,
    "CustomerAuthorisationId" TEXT NOT NULL,
    "Severity" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "SubmitterCaseReference" TEXT NOT NULL,
    "ReceiverCaseReference" TEXT NULL,
    "OpenedBy" TEXT NOT NULL,
    "OpenedByInitials" TEXT NOT NULL,
    "ReceiverInitials" TEXT NULL,
    "RejectionReason" TEXT NULL,
    "HaltReason" TEXT NULL,
    "StepsTaken" TEXT NULL,
    "Conclusion" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "ResponseDueAt" TEXT NULL,
    "DeadlineNotifiedAt" TEXT NULL,
    "ConcludedAt" TEXT NULL,
    "PurgeDueAt" TEXT NULL,
    "Version" TEXT NOT NULL,
    CONSTRAINT "FK_cases_customer_authorisations_CustomerAuthorisationId" FOREIGN KEY ("CustomerAuthorisationId") REFERENCES "customer_authorisations" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_cases_members_ReceivingMemberId" FOREIGN KEY ("ReceivingMemberId") REFERENCES "members" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_cases_members_SubmittingMemberId" FOREIGN KEY ("SubmittingMemberId") REFERENCES "members" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "case_fields" (
    "CaseId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Category" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    CONSTRAINT "PK_case_fields" PRIMARY KEY ("CaseId", "Name"),
    CONSTRAINT "FK_case_fields_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE
);

CREATE TABLE "case_notes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_notes" PRIMARY KEY,
    "CaseId" TEXT NOT NULL,
    "AuthorMemberId" TEXT NOT NULL,
    "AuthorId" TEXT NOT NULL,
    "AuthorInitials" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Body" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_case_notes_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE
);

CREATE TABLE "withheld_fields" (
    "CaseId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    CONSTRAINT "PK_withheld_fields" PRIMARY KEY ("CaseId", "Name"),
    CONSTRAINT "FK_withheld_fields_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");

CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");

CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");

CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");

CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");

CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");

CREATE INDEX "IX_AspNetUsers_MemberId" ON "AspNetUsers" ("MemberId");

CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");

CREATE INDEX "IX_agreement_parties_PartyId" ON "agreement_parties" ("PartyId");

CREATE INDEX "IX_agreements_Status_ExpiresAt" ON "agreements" ("Status", "ExpiresAt");

CREATE INDEX "IX_audit_entries_ActorId_OccurredAt" ON "audit_entries" ("ActorId", "OccurredAt");

CREATE INDEX "IX_audit_entries_CaseId" ON "audit_entries" ("CaseId");

CREATE INDEX "IX_case_notes_CaseId_CreatedAt" ON "case_notes" ("CaseId", "CreatedAt");

CREATE INDEX "IX_cases_CustomerAuthorisationId" ON "cases" ("CustomerAuthorisationId");

CREATE INDEX "IX_cases_PurgeDueAt" ON "cases" ("PurgeDueAt");

CREATE INDEX "IX_cases_ReceivingMemberId_Id" ON "cases" ("ReceivingMemberId", "Id");

CREATE INDEX "IX_cases_Status_ResponseDueAt" ON "cases" ("Status", "ResponseDueAt");

CREATE INDEX "IX_cases_SubmittingMemberId_Id" ON "cases" ("SubmittingMemberId", "Id");

CREATE INDEX "IX_customer_authorisations_AuthorisedByEmail" ON "customer_authorisations" ("AuthorisedByEmail");

CREATE INDEX "IX_customer_authorisations_SubmittingMemberId" ON "customer_authorisations" ("SubmittingMemberId");

CREATE INDEX "IX_idempotency_records_CreatedAt" ON "idempotency_records" ("CreatedAt");

CREATE INDEX "IX_job_runs_JobName_StartedAt" ON "job_runs" ("JobName", "StartedAt");

CREATE INDEX "IX_oauth_clients_MemberId" ON "oauth_clients" ("MemberId");

CREATE INDEX "IX_outbox_messages_ProcessedAt" ON "outbox_messages" ("ProcessedAt");

CREATE INDEX "IX_persisted_grants_ExpiresAt" ON "persisted_grants" ("ExpiresAt");

CREATE INDEX "IX_persisted_grants_FamilyId" ON "persisted_grants" ("FamilyId");

CREATE INDEX "IX_persisted_grants_SubjectId" ON "persisted_grants" ("SubjectId");

CREATE INDEX "IX_portal_sessions_ExpiresAt" ON "portal_sessions" ("ExpiresAt");

CREATE INDEX "IX_portal_sessions_SubjectId" ON "portal_sessions" ("SubjectId");

CREATE INDEX "IX_revoked_tokens_ExpiresAt" ON "revoked_tokens" ("ExpiresAt");

CREATE INDEX "IX_tombstones_ReceivingMemberId" ON "tombstones" ("ReceivingMemberId");

CREATE INDEX "IX_tombstones_SubmittingMemberId" ON "tombstones" ("SubmittingMemberId");

CREATE INDEX "IX_webhook_deliveries_MemberId_CreatedAt" ON "webhook_deliveries" ("MemberId", "CreatedAt");

CREATE UNIQUE INDEX "IX_webhook_deliveries_OutboxMessageId_SubscriptionId" ON "webhook_deliveries" ("OutboxMessageId", "SubscriptionId");

CREATE INDEX "IX_webhook_deliveries_Status_NextAttemptAt" ON "webhook_deliveries" ("Status", "NextAttemptAt");

CREATE INDEX "IX_webhook_deliveries_SubscriptionId" ON "webhook_deliveries" ("SubscriptionId");

CREATE INDEX "IX_webhook_subscriptions_MemberId" ON "webhook_subscriptions" ("MemberId");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130095510_Baseline', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130095752_QuartzJobStore', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "data_protection_keys" ADD "Id" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "ef_temp_data_protection_keys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NULL
);

INSERT INTO "ef_temp_data_protection_keys" ("FriendlyName", "Xml")
SELECT "FriendlyName", "Xml"
FROM "data_protection_keys";

COMMIT;

PRAGMA foreign_keys = 0;

BEGIN TRANSACTION;
DROP TABLE "data_protection_keys";

ALTER TABLE "ef_temp_data_protection_keys" RENAME TO "data_protection_keys";

COMMIT;

PRAGMA foreign_keys = 1;

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130095921_KeyRingOnDataProtectionStore', '10.0.15');

BEGIN TRANSACTION;
DROP TABLE IF EXISTS qrtz_locks;

DROP TABLE IF EXISTS qrtz_scheduler_state;

DROP TABLE IF EXISTS qrtz_fired_triggers;

DROP TABLE IF EXISTS qrtz_paused_trigger_grps;

DROP TABLE IF EXISTS qrtz_calendars;

DROP TABLE IF EXISTS qrtz_blob_triggers;

DROP TABLE IF EXISTS qrtz_cron_triggers;

DROP TABLE IF EXISTS qrtz_simprop_triggers;

DROP TABLE IF EXISTS qrtz_simple_triggers;

DROP TABLE IF EXISTS qrtz_triggers;

DROP TABLE IF EXISTS qrtz_job_details;

ALTER TABLE "cases" ADD "PurgeScheduledFor" TEXT NULL;

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130104911_Hangfire', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "openiddict_applications" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_openiddict_applications" PRIMARY KEY,
    "ApplicationType" TEXT NULL,
    "ClientId" TEXT NULL,
    "ClientSecret" TEXT NULL,
    "ClientType" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "ConsentType" TEXT NULL,
    "DisplayName" TEXT NULL,
    "DisplayNames" TEXT NULL,
    "JsonWebKeySet" TEXT NULL,
    "Permissions" TEXT NULL,
    "PostLogoutRedirectUris" TEXT NULL,
    "Properties" TEXT NULL,
    "RedirectUris" TEXT NULL,
    "Requirements" TEXT NULL,
    "Settings" TEXT NULL
);

CREATE TABLE "openiddict_scopes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_openiddict_scopes" PRIMARY KEY,
    "ConcurrencyToken" TEXT NULL,
    "Description" TEXT NULL,
    "Descriptions" TEXT NULL,
    "DisplayName" TEXT NULL,
    "DisplayNames" TEXT NULL,
    "Name" TEXT NULL,
    "Properties" TEXT NULL,
    "Resources" TEXT NULL
);

CREATE TABLE "openiddict_authorizations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_openiddict_authorizations" PRIMARY KEY,
    "ApplicationId" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "CreationDate" TEXT NULL,
    "Properties" TEXT NULL,
    "Scopes" TEXT NULL,
    "Status" TEXT NULL,
    "Subject" TEXT NULL,
    "Type" TEXT NULL,
    CONSTRAINT "FK_openiddict_authorizations_openiddict_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES "openiddict_applications" ("Id")
);

CREATE TABLE "openiddict_tokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_openiddict_tokens" PRIMARY KEY,
    "ApplicationId" TEXT NULL,
    "AuthorizationId" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "CreationDate" TEXT NULL,
    "ExpirationDate" TEXT NULL,
    "Payload" TEXT NULL,
    "Properties" TEXT NULL,
    "RedemptionDate" TEXT NULL,
    "ReferenceId" TEXT NULL,
    "Status" TEXT NULL,
    "Subject" TEXT NULL,
    "Type" TEXT NULL,
    CONSTRAINT "FK_openiddict_tokens_openiddict_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES "openiddict_applications" ("Id"),
    CONSTRAINT "FK_openiddict_tokens_openiddict_authorizations_AuthorizationId" FOREIGN KEY ("AuthorizationId") REFERENCES "openiddict_authorizations" ("Id")
);

CREATE UNIQUE INDEX "IX_openiddict_applications_ClientId" ON "openiddict_applications" ("ClientId");

CREATE INDEX "IX_openiddict_authorizations_ApplicationId_Status_Subject_Type" ON "openiddict_authorizations" ("ApplicationId", "Status", "Subject", "Type");

CREATE UNIQUE INDEX "IX_openiddict_scopes_Name" ON "openiddict_scopes" ("Name");

CREATE INDEX "IX_openiddict_tokens_ApplicationId_Status_Subject_Type" ON "openiddict_tokens" ("ApplicationId", "Status", "Subject", "Type");

CREATE INDEX "IX_openiddict_tokens_AuthorizationId" ON "openiddict_tokens" ("AuthorizationId");

CREATE UNIQUE INDEX "IX_openiddict_tokens_ReferenceId" ON "openiddict_tokens" ("ReferenceId");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130105657_OpenIddict', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP TABLE "persisted_grants";

DROP TABLE "revoked_tokens";

ALTER TABLE "oauth_clients" ADD "JsonWebKeySet" TEXT NULL;

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130131022_ClientKeysDropHandWrittenGrants', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "cases" ADD "ContentVersion" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "case_notes" ADD "ContentVersion" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "case_fields" ADD "ContentVersion" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "case_blind_index" (
    "CaseId" TEXT NOT NULL,
    "KekId" TEXT NOT NULL,
    "Hash" BLOB NOT NULL,
    CONSTRAINT "PK_case_blind_index" PRIMARY KEY ("CaseId", "KekId", "Hash"),
    CONSTRAINT "FK_case_blind_index_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE
);

CREATE TABLE "case_data_keys" (
    "CaseId" TEXT NOT NULL CONSTRAINT "PK_case_data_keys" PRIMARY KEY,
    "KekId" TEXT NOT NULL,
    "WrappedKey" BLOB NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "RewrappedAt" TEXT NOT NULL,
    CONSTRAINT "FK_case_data_keys_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_case_blind_index_KekId_Hash" ON "case_blind_index" ("KekId", "Hash");

CREATE INDEX "IX_case_data_keys_KekId" ON "case_data_keys" ("KekId");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130140710_CaseContentEncryption', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "ix_openiddict_tokens_revocation" ON "openiddict_tokens" ("Type", "Status", "ExpirationDate");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130144816_RevocationLookupIndex', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "breach_assessments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_breach_assessments" PRIMARY KEY,
    "ActorId" TEXT NOT NULL,
    "WindowFrom" TEXT NOT NULL,
    "WindowTo" TEXT NOT NULL,
    "OpenedAt" TEXT NOT NULL,
    "DeadlineAt" TEXT NOT NULL,
    "OpenedBy" TEXT NOT NULL,
    "Description" TEXT NULL,
    "CaseIds" TEXT NOT NULL
);

CREATE TABLE "data_subject_requests" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_data_subject_requests" PRIMARY KEY,
    "MemberId" TEXT NOT NULL,
    "OpenedByMemberId" TEXT NOT NULL,
    "OpenedBy" TEXT NOT NULL,
    "Right" TEXT NOT NULL,
    "SubjectEmail" TEXT NULL,
    "SubjectPhone" TEXT NULL,
    "SubjectName" TEXT NULL,
    "IdentityVerification" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "DueAt" TEXT NOT NULL,
    "ExtendedAt" TEXT NULL,
    "ExtensionReason" TEXT NULL,
    "CompletedAt" TEXT NULL,
    "LiftedAt" TEXT NULL,
    "LiftReason" TEXT NULL,
    "ErasedAt" TEXT NULL,
    "CaseIds" TEXT NOT NULL,
    "AuthorisationIds" TEXT NOT NULL
);

CREATE TABLE "case_restrictions" (
    "CaseId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "PK_case_restrictions" PRIMARY KEY ("CaseId", "RequestId"),
    CONSTRAINT "FK_case_restrictions_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "cases" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_restrictions_data_subject_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "data_subject_requests" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_breach_assessments_OpenedAt" ON "breach_assessments" ("OpenedAt");

CREATE INDEX "IX_case_restrictions_RequestId" ON "case_restrictions" ("RequestId");

CREATE INDEX "IX_data_subject_requests_MemberId_CreatedAt" ON "data_subject_requests" ("MemberId", "CreatedAt");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130161422_PrivacyProcedures', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "audit_entries" ADD "Id" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "audit_entries" ADD "ContentHash" TEXT NULL;

CREATE TABLE "audit_checkpoints" (
    "Sequence" INTEGER NOT NULL CONSTRAINT "PK_audit_checkpoints" PRIMARY KEY,
    "HeadHash" TEXT NOT NULL,
    "SignedAt" TEXT NOT NULL,
    "KeyId" TEXT NOT NULL,
    "Signature" TEXT NOT NULL
);

CREATE TABLE "audit_sequencer_lease" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_audit_sequencer_lease" PRIMARY KEY,
    "Holder" TEXT NULL,
    "ExpiresAt" TEXT NOT NULL
);

CREATE TABLE "audit_signing_keys" (
    "KeyId" TEXT NOT NULL CONSTRAINT "PK_audit_signing_keys" PRIMARY KEY,
    "PublicKeyPem" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_audit_entries_Sequence" ON "audit_entries" ("Sequence");

CREATE TABLE "ef_temp_audit_entries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_audit_entries" PRIMARY KEY AUTOINCREMENT,
    "Action" TEXT NOT NULL,
    "ActorId" TEXT NOT NULL,
    "ActorMemberId" TEXT NOT NULL,
    "CaseId" TEXT NULL,
    "ContentHash" TEXT NULL,
    "Details" TEXT NULL,
    "Hash" TEXT NULL,
    "ObjectId" TEXT NULL,
    "ObjectType" TEXT NOT NULL,
    "OccurredAt" TEXT NOT NULL,
    "PreviousHash" TEXT NULL,
    "Sequence" INTEGER NULL
);

INSERT INTO "ef_temp_audit_entries" ("Action", "ActorId", "ActorMemberId", "CaseId", "ContentHash", "Details", "Hash", "ObjectId", "ObjectType", "OccurredAt", "PreviousHash", "Sequence")
SELECT "Action", "ActorId", "ActorMemberId", "CaseId", "ContentHash", "Details", "Hash", "ObjectId", "ObjectType", "OccurredAt", "PreviousHash", "Sequence"
FROM "audit_entries";

COMMIT;

PRAGMA foreign_keys = 0;

BEGIN TRANSACTION;
DROP TABLE "audit_entries";

ALTER TABLE "ef_temp_audit_entries" RENAME TO "audit_entries";

COMMIT;

PRAGMA foreign_keys = 1;

BEGIN TRANSACTION;
CREATE INDEX "IX_audit_entries_ActorId_OccurredAt" ON "audit_entries" ("ActorId", "OccurredAt");

CREATE INDEX "IX_audit_entries_CaseId" ON "audit_entries" ("CaseId");

CREATE UNIQUE INDEX "IX_audit_entries_Sequence" ON "audit_entries" ("Sequence");

COMMIT;

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130173052_AuditSequencer', '10.0.15');

BEGIN TRANSACTION;
ALTER TABLE "outbox_messages" ADD "MailedAt" TEXT NULL;

CREATE TABLE "mail_notifications" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_mail_notifications" PRIMARY KEY,
    "OutboxMessageId" TEXT NOT NULL,
    "EventType" TEXT NOT NULL,
    "CaseId" TEXT NULL,
    "MemberId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NOT NULL,
    "LockedUntil" TEXT NULL,
    "LastError" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "SentAt" TEXT NULL
);

CREATE INDEX "IX_outbox_messages_MailedAt_OccurredAt" ON "outbox_messages" ("MailedAt", "OccurredAt");

CREATE UNIQUE INDEX "IX_mail_notifications_OutboxMessageId_UserId" ON "mail_notifications" ("OutboxMessageId", "UserId");

CREATE INDEX "IX_mail_notifications_Status_NextAttemptAt" ON "mail_notifications" ("Status", "NextAttemptAt");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130180310_MailNotifications', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "tombstones" ADD "RespondedAt" TEXT NULL;

ALTER TABLE "tombstones" ADD "RespondedInTime" INTEGER NULL;

ALTER TABLE "cases" ADD "AcceptedBy" TEXT NULL;

ALTER TABLE "cases" ADD "RespondedAt" TEXT NULL;

ALTER TABLE "cases" ADD "RespondedInTime" INTEGER NULL;

ALTER TABLE "case_notes" ADD "AuthorName" TEXT NULL;

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130194216_CaseWithdrawalOwnersNoteAuthors', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "webhook_subscriptions" ADD "ConsecutiveFailures" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "outbox_messages" ADD "SubscriptionId" TEXT NULL;

CREATE INDEX "IX_webhook_deliveries_MemberId_Id" ON "webhook_deliveries" ("MemberId", "Id");

CREATE INDEX "IX_cases_ReceivingMemberId_ResponseDueAt_Id" ON "cases" ("ReceivingMemberId", "ResponseDueAt", "Id");

CREATE INDEX "IX_cases_ReceivingMemberId_Severity_Id" ON "cases" ("ReceivingMemberId", "Severity", "Id");

CREATE INDEX "IX_cases_ReceivingMemberId_Status_Id" ON "cases" ("ReceivingMemberId", "Status", "Id");

CREATE INDEX "IX_cases_SubmittingMemberId_ResponseDueAt_Id" ON "cases" ("SubmittingMemberId", "ResponseDueAt", "Id");

CREATE INDEX "IX_cases_SubmittingMemberId_Severity_Id" ON "cases" ("SubmittingMemberId", "Severity", "Id");

CREATE INDEX "IX_cases_SubmittingMemberId_Status_Id" ON "cases" ("SubmittingMemberId", "Status", "Id");

INSERT INTO "__ef_migrations" ("MigrationId", "ProductVersion")
VALUES ('20261130220411_CaseTriageAndWebhookHealth', '10.0.15');

COMMIT;

