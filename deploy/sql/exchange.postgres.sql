CREATE TABLE IF NOT EXISTS __ef_migrations (
    "MigrationId" character varying(150) NOT NULL,
    "ProductVersion" character varying(32) NOT NULL,
    CONSTRAINT "PK___ef_migrations" PRIMARY KEY ("MigrationId")
);

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetRoles" (
        "Id" uuid NOT NULL,
        "Name" character varying(256),
        "NormalizedName" character varying(256),
        "ConcurrencyStamp" text,
        CONSTRAINT "PK_AspNetRoles" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetUsers" (
        "Id" uuid NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "DisplayName" character varying(200) NOT NULL,
        "IsActive" boolean NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "UserName" character varying(256),
        "NormalizedUserName" character varying(256),
        "Email" character varying(256),
        "NormalizedEmail" character varying(256),
        "EmailConfirmed" boolean NOT NULL,
        "PasswordHash" text,
        "SecurityStamp" text,
        "ConcurrencyStamp" text,
        "PhoneNumber" text,
        "PhoneNumberConfirmed" boolean NOT NULL,
        "TwoFactorEnabled" boolean NOT NULL,
        "LockoutEnd" timestamp with time zone,
        "LockoutEnabled" boolean NOT NULL,
        "AccessFailedCount" integer NOT NULL,
        CONSTRAINT "PK_AspNetUsers" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE agreements (
        "Id" uuid NOT NULL,
        "Kind" character varying(40) NOT NULL,
        "DocumentReference" character varying(500) NOT NULL,
        "DocumentSha256" character varying(64) NOT NULL,
        "Version" character varying(40) NOT NULL,
        "EffectiveFrom" timestamp with time zone NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        "Status" character varying(40) NOT NULL,
        "PermittedCategories" character varying(200) NOT NULL,
        "PermittedRegions" character varying(500) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "TerminatedAt" timestamp with time zone,
        "TerminationReason" character varying(1000),
        "ExpiryNotifiedAt" timestamp with time zone,
        CONSTRAINT "PK_agreements" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE audit_entries (
        "Sequence" bigint NOT NULL,
        "OccurredAt" timestamp with time zone NOT NULL,
        "ActorMemberId" character varying(64) NOT NULL,
        "ActorId" character varying(200) NOT NULL,
        "Action" character varying(64) NOT NULL,
        "ObjectType" character varying(64) NOT NULL,
        "ObjectId" character varying(200),
        "CaseId" uuid,
        "Details" character varying(4000),
        "PreviousHash" character varying(64) NOT NULL,
        "Hash" character varying(64) NOT NULL,
        CONSTRAINT "PK_audit_entries" PRIMARY KEY ("Sequence")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE data_protection_keys (
        "FriendlyName" character varying(200) NOT NULL,
        "Xml" character varying(8000) NOT NULL,
        CONSTRAINT "PK_data_protection_keys" PRIMARY KEY ("FriendlyName")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE idempotency_records (
        "MemberId" character varying(64) NOT NULL,
        "ClientId" character varying(200) NOT NULL,
        "Key" character varying(200) NOT NULL,
        "RequestHash" character varying(64) NOT NULL,
        "StatusCode" integer,
        "ResponseBody" text,
        "Location" character varying(500),
        "CreatedAt" timestamp with time zone NOT NULL,
        "CompletedAt" timestamp with time zone,
        CONSTRAINT "PK_idempotency_records" PRIMARY KEY ("MemberId", "ClientId", "Key")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE job_runs (
        "Id" uuid NOT NULL,
        "JobName" character varying(100) NOT NULL,
        "Node" character varying(200) NOT NULL,
        "StartedAt" timestamp with time zone NOT NULL,
        "FinishedAt" timestamp with time zone,
        "ItemsProcessed" integer NOT NULL,
        "Failed" boolean NOT NULL,
        "Error" character varying(2000),
        CONSTRAINT "PK_job_runs" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE members (
        "Id" character varying(64) NOT NULL,
        "LegalName" character varying(200) NOT NULL,
        "Region" character varying(16) NOT NULL,
        "SupportContact" character varying(320),
        "EscalationContact" character varying(320),
        "Retention" interval,
        "IntakePolicy" character varying(8000) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_members" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE oauth_clients (
        "ClientId" character varying(100) NOT NULL,
        "DisplayName" character varying(200) NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "Type" character varying(40) NOT NULL,
        "SecretHash" character varying(64),
        "PreviousSecretHash" character varying(64),
        "PreviousSecretExpiresAt" timestamp with time zone,
        "AllowedGrantTypes" character varying(500) NOT NULL,
        "AllowedScopes" character varying(2000) NOT NULL,
        "RedirectUris" character varying(4000) NOT NULL,
        "PostLogoutRedirectUris" character varying(4000) NOT NULL,
        "Roles" character varying(500) NOT NULL,
        "FirstParty" boolean NOT NULL,
        "IsActive" boolean NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_oauth_clients" PRIMARY KEY ("ClientId")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE outbox_messages (
        "Id" uuid NOT NULL,
        "EventType" character varying(64) NOT NULL,
        "CaseId" uuid,
        "RecipientMemberIds" character varying(500) NOT NULL,
        "Payload" character varying(4000) NOT NULL,
        "OccurredAt" timestamp with time zone NOT NULL,
        "ProcessedAt" timestamp with time zone,
        CONSTRAINT "PK_outbox_messages" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE persisted_grants (
        "KeyHash" character varying(64) NOT NULL,
        "Type" character varying(40) NOT NULL,
        "ClientId" character varying(100) NOT NULL,
        "SubjectId" character varying(100),
        "FamilyId" uuid NOT NULL,
        "Data" character varying(8000) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        "ConsumedAt" timestamp with time zone,
        "RevokedAt" timestamp with time zone,
        CONSTRAINT "PK_persisted_grants" PRIMARY KEY ("KeyHash")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE portal_sessions (
        "Key" character varying(64) NOT NULL,
        "ProtectedTicket" text NOT NULL,
        "SubjectId" character varying(200),
        "CreatedAt" timestamp with time zone NOT NULL,
        "UpdatedAt" timestamp with time zone NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_portal_sessions" PRIMARY KEY ("Key")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE revoked_tokens (
        "Jti" character varying(100) NOT NULL,
        "ClientId" character varying(100) NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_revoked_tokens" PRIMARY KEY ("Jti")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE signing_keys (
        "KeyId" character varying(100) NOT NULL,
        "Algorithm" character varying(16) NOT NULL,
        "ProtectedPrivateKey" character varying(8000) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "ActivatesAt" timestamp with time zone NOT NULL,
        "RetiresAt" timestamp with time zone NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_signing_keys" PRIMARY KEY ("KeyId")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE tombstones (
        "CaseId" uuid NOT NULL,
        "SubmittingMemberId" character varying(64) NOT NULL,
        "ReceivingMemberId" character varying(64) NOT NULL,
        "SubmitterInitials" character varying(8) NOT NULL,
        "ReceiverInitials" character varying(8),
        "CustomerOrganisation" character varying(200),
        "Summary" character varying(200),
        "StepsTaken" character varying(8000),
        "Conclusion" character varying(8000),
        "Outcome" character varying(40) NOT NULL,
        "OpenedAt" timestamp with time zone NOT NULL,
        "ConcludedAt" timestamp with time zone,
        "PurgedAt" timestamp with time zone NOT NULL,
        "NotificationsSent" integer NOT NULL,
        "LastNotifiedAt" timestamp with time zone,
        CONSTRAINT "PK_tombstones" PRIMARY KEY ("CaseId")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE webhook_subscriptions (
        "Id" uuid NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "Url" character varying(2000) NOT NULL,
        "EventTypes" character varying(2000) NOT NULL,
        "ProtectedSecret" character varying(2000) NOT NULL,
        "PreviousProtectedSecret" character varying(2000),
        "PreviousSecretExpiresAt" timestamp with time zone,
        "CreatedAt" timestamp with time zone NOT NULL,
        "DisabledAt" timestamp with time zone,
        "DisabledReason" character varying(500),
        CONSTRAINT "PK_webhook_subscriptions" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetRoleClaims" (
        "Id" integer GENERATED BY DEFAULT AS IDENTITY,
        "RoleId" uuid NOT NULL,
        "ClaimType" text,
        "ClaimValue" text,
        CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetUserClaims" (
        "Id" integer GENERATED BY DEFAULT AS IDENTITY,
        "UserId" uuid NOT NULL,
        "ClaimType" text,
        "ClaimValue" text,
        CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetUserLogins" (
        "LoginProvider" text NOT NULL,
        "ProviderKey" text NOT NULL,
        "ProviderDisplayName" text,
        "UserId" uuid NOT NULL,
        CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
        CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetUserRoles" (
        "UserId" uuid NOT NULL,
        "RoleId" uuid NOT NULL,
        CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
        CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
        CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE "AspNetUserTokens" (
        "UserId" uuid NOT NULL,
        "LoginProvider" text NOT NULL,
        "Name" text NOT NULL,
        "Value" text,
        CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
        CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE agreement_parties (
        "AgreementId" uuid NOT NULL,
        "PartyId" character varying(64) NOT NULL,
        "SignerName" character varying(200),
        "SignerRole" character varying(200),
        "SignedAt" timestamp with time zone,
        CONSTRAINT "PK_agreement_parties" PRIMARY KEY ("AgreementId", "PartyId"),
        CONSTRAINT "FK_agreement_parties_agreements_AgreementId" FOREIGN KEY ("AgreementId") REFERENCES agreements ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE customer_authorisations (
        "Id" uuid NOT NULL,
        "SubmittingMemberId" character varying(64) NOT NULL,
        "CustomerOrganisation" character varying(200) NOT NULL,
        "AuthorisedByName" character varying(200) NOT NULL,
        "AuthorisedByRole" character varying(200),
        "AuthorisedByEmail" character varying(320),
        "ReceivingMemberIds" character varying(2000) NOT NULL,
        "Purpose" character varying(1000) NOT NULL,
        "CaptureMethod" character varying(40) NOT NULL,
        "EvidenceReference" character varying(500) NOT NULL,
        "DataCategories" character varying(200) NOT NULL,
        "AllowedRegions" character varying(500) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "ExpiresAt" timestamp with time zone NOT NULL,
        "WithdrawnAt" timestamp with time zone,
        "RestrictedAt" timestamp with time zone,
        CONSTRAINT "PK_customer_authorisations" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_customer_authorisations_members_SubmittingMemberId" FOREIGN KEY ("SubmittingMemberId") REFERENCES members ("Id") ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE purge_receipts (
        "CaseId" uuid NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "ConfirmedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_purge_receipts" PRIMARY KEY ("CaseId", "MemberId"),
        CONSTRAINT "FK_purge_receipts_tombstones_CaseId" FOREIGN KEY ("CaseId") REFERENCES tombstones ("CaseId") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE webhook_deliveries (
        "Id" uuid NOT NULL,
        "SubscriptionId" uuid NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "OutboxMessageId" uuid NOT NULL,
        "MessageId" character varying(100) NOT NULL,
        "EventType" character varying(64) NOT NULL,
        "Payload" character varying(4000) NOT NULL,
        "Status" character varying(40) NOT NULL,
        "Attempts" integer NOT NULL,
        "NextAttemptAt" timestamp with time zone NOT NULL,
        "LastAttemptAt" timestamp with time zone,
        "LastStatusCode" integer,
        "LastError" character varying(1000),
        "CreatedAt" timestamp with time zone NOT NULL,
        "DeliveredAt" timestamp with time zone,
        "LockedUntil" timestamp with time zone,
        CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_webhook_deliveries_webhook_subscriptions_SubscriptionId" FOREIGN KEY ("SubscriptionId") REFERENCES webhook_subscriptions ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE cases (
        "Id" uuid NOT NULL,
        "SubmittingMemberId" character varying(64) NOT NULL,
        "ReceivingMemberId" character varying(64) NOT NULL,
        "CustomerAuthorisationId" uuid NOT NULL,
        "Severity" integer NOT NULL,
        "Status" character varying(40) NOT NULL,
        "SubmitterCaseReference" character varying(100) NOT NULL,
        "ReceiverCaseReference" character varying(100),
        "OpenedBy" character varying(200) NOT NULL,
        "OpenedByInitials" character varying(8) NOT NULL,
        "ReceiverInitials" character varying(8),
        "RejectionReason" character varying(4000),
        "HaltReason" character varying(1000),
        "StepsTaken" character varying(8000),
        "Conclusion" character varying(8000),
        "CreatedAt" timestamp with time zone NOT NULL,
        "UpdatedAt" timestamp with time zone NOT NULL,
        "ResponseDueAt" timestamp with time zone,
        "DeadlineNotifiedAt" timestamp with time zone,
        "ConcludedAt" timestamp with time zone,
        "PurgeDueAt" timestamp with time zone,
        "Version" uuid NOT NULL,
        CONSTRAINT "PK_cases" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_cases_customer_authorisations_CustomerAuthorisationId" FOREIGN KEY ("CustomerAuthorisationId") REFERENCES customer_authorisations ("Id") ON DELETE RESTRICT,
        CONSTRAINT "FK_cases_members_ReceivingMemberId" FOREIGN KEY ("ReceivingMemberId") REFERENCES members ("Id") ON DELETE RESTRICT,
        CONSTRAINT "FK_cases_members_SubmittingMemberId" FOREIGN KEY ("SubmittingMemberId") REFERENCES members ("Id") ON DELETE RESTRICT
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE case_fields (
        "CaseId" uuid NOT NULL,
        "Name" character varying(64) NOT NULL,
        "Category" character varying(40) NOT NULL,
        "Value" character varying(16000) NOT NULL,
        CONSTRAINT "PK_case_fields" PRIMARY KEY ("CaseId", "Name"),
        CONSTRAINT "FK_case_fields_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE case_notes (
        "Id" uuid NOT NULL,
        "CaseId" uuid NOT NULL,
        "AuthorMemberId" character varying(64) NOT NULL,
        "AuthorId" character varying(200) NOT NULL,
        "AuthorInitials" character varying(8) NOT NULL,
        "Kind" character varying(40) NOT NULL,
        "Body" character varying(8000) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_case_notes" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_case_notes_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE TABLE withheld_fields (
        "CaseId" uuid NOT NULL,
        "Name" character varying(64) NOT NULL,
        "Reason" character varying(64) NOT NULL,
        CONSTRAINT "PK_withheld_fields" PRIMARY KEY ("CaseId", "Name"),
        CONSTRAINT "FK_withheld_fields_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_AspNetUsers_MemberId" ON "AspNetUsers" ("MemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_agreement_parties_PartyId" ON agreement_parties ("PartyId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_agreements_Status_ExpiresAt" ON agreements ("Status", "ExpiresAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_audit_entries_ActorId_OccurredAt" ON audit_entries ("ActorId", "OccurredAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_audit_entries_CaseId" ON audit_entries ("CaseId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_case_notes_CaseId_CreatedAt" ON case_notes ("CaseId", "CreatedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_cases_CustomerAuthorisationId" ON cases ("CustomerAuthorisationId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_cases_PurgeDueAt" ON cases ("PurgeDueAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_cases_ReceivingMemberId_Id" ON cases ("ReceivingMemberId", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_cases_Status_ResponseDueAt" ON cases ("Status", "ResponseDueAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_cases_SubmittingMemberId_Id" ON cases ("SubmittingMemberId", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_customer_authorisations_AuthorisedByEmail" ON customer_authorisations ("AuthorisedByEmail");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_customer_authorisations_SubmittingMemberId" ON customer_authorisations ("SubmittingMemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_idempotency_records_CreatedAt" ON idempotency_records ("CreatedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_job_runs_JobName_StartedAt" ON job_runs ("JobName", "StartedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_oauth_clients_MemberId" ON oauth_clients ("MemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_outbox_messages_ProcessedAt" ON outbox_messages ("ProcessedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_persisted_grants_ExpiresAt" ON persisted_grants ("ExpiresAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_persisted_grants_FamilyId" ON persisted_grants ("FamilyId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_persisted_grants_SubjectId" ON persisted_grants ("SubjectId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_portal_sessions_ExpiresAt" ON portal_sessions ("ExpiresAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_portal_sessions_SubjectId" ON portal_sessions ("SubjectId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_revoked_tokens_ExpiresAt" ON revoked_tokens ("ExpiresAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_tombstones_ReceivingMemberId" ON tombstones ("ReceivingMemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_tombstones_SubmittingMemberId" ON tombstones ("SubmittingMemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_webhook_deliveries_MemberId_CreatedAt" ON webhook_deliveries ("MemberId", "CreatedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE UNIQUE INDEX "IX_webhook_deliveries_OutboxMessageId_SubscriptionId" ON webhook_deliveries ("OutboxMessageId", "SubscriptionId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_webhook_deliveries_Status_NextAttemptAt" ON webhook_deliveries ("Status", "NextAttemptAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_webhook_deliveries_SubscriptionId" ON webhook_deliveries ("SubscriptionId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    CREATE INDEX "IX_webhook_subscriptions_MemberId" ON webhook_subscriptions ("MemberId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095542_Baseline') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130095542_Baseline', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095757_QuartzJobStore') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130095757_QuartzJobStore', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    ALTER TABLE data_protection_keys DROP CONSTRAINT "PK_data_protection_keys";
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    ALTER TABLE data_protection_keys ALTER COLUMN "Xml" TYPE text;
    ALTER TABLE data_protection_keys ALTER COLUMN "Xml" DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    ALTER TABLE data_protection_keys ALTER COLUMN "FriendlyName" DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    ALTER TABLE data_protection_keys ADD "Id" integer GENERATED BY DEFAULT AS IDENTITY;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    ALTER TABLE data_protection_keys ADD CONSTRAINT "PK_data_protection_keys" PRIMARY KEY ("Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130095925_KeyRingOnDataProtectionStore') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130095925_KeyRingOnDataProtectionStore', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_locks;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_scheduler_state;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_fired_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_paused_trigger_grps;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_calendars;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_blob_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_cron_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_simprop_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_simple_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_triggers;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    DROP TABLE IF EXISTS qrtz_job_details;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    ALTER TABLE cases ADD "PurgeScheduledFor" timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130104923_Hangfire') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130104923_Hangfire', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE TABLE openiddict_applications (
        "Id" text NOT NULL,
        "ApplicationType" character varying(50),
        "ClientId" character varying(100),
        "ClientSecret" text,
        "ClientType" character varying(50),
        "ConcurrencyToken" character varying(50),
        "ConsentType" character varying(50),
        "DisplayName" text,
        "DisplayNames" text,
        "JsonWebKeySet" text,
        "Permissions" text,
        "PostLogoutRedirectUris" text,
        "Properties" text,
        "RedirectUris" text,
        "Requirements" text,
        "Settings" text,
        CONSTRAINT "PK_openiddict_applications" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE TABLE openiddict_scopes (
        "Id" text NOT NULL,
        "ConcurrencyToken" character varying(50),
        "Description" text,
        "Descriptions" text,
        "DisplayName" text,
        "DisplayNames" text,
        "Name" character varying(200),
        "Properties" text,
        "Resources" text,
        CONSTRAINT "PK_openiddict_scopes" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE TABLE openiddict_authorizations (
        "Id" text NOT NULL,
        "ApplicationId" text,
        "ConcurrencyToken" character varying(50),
        "CreationDate" timestamp with time zone,
        "Properties" text,
        "Scopes" text,
        "Status" character varying(50),
        "Subject" character varying(400),
        "Type" character varying(50),
        CONSTRAINT "PK_openiddict_authorizations" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_openiddict_authorizations_openiddict_applications_Applicati~" FOREIGN KEY ("ApplicationId") REFERENCES openiddict_applications ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE TABLE openiddict_tokens (
        "Id" text NOT NULL,
        "ApplicationId" text,
        "AuthorizationId" text,
        "ConcurrencyToken" character varying(50),
        "CreationDate" timestamp with time zone,
        "ExpirationDate" timestamp with time zone,
        "Payload" text,
        "Properties" text,
        "RedemptionDate" timestamp with time zone,
        "ReferenceId" character varying(100),
        "Status" character varying(50),
        "Subject" character varying(400),
        "Type" character varying(150),
        CONSTRAINT "PK_openiddict_tokens" PRIMARY KEY ("Id"),
        CONSTRAINT "FK_openiddict_tokens_openiddict_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES openiddict_applications ("Id"),
        CONSTRAINT "FK_openiddict_tokens_openiddict_authorizations_AuthorizationId" FOREIGN KEY ("AuthorizationId") REFERENCES openiddict_authorizations ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE UNIQUE INDEX "IX_openiddict_applications_ClientId" ON openiddict_applications ("ClientId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE INDEX "IX_openiddict_authorizations_ApplicationId_Status_Subject_Type" ON openiddict_authorizations ("ApplicationId", "Status", "Subject", "Type");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE UNIQUE INDEX "IX_openiddict_scopes_Name" ON openiddict_scopes ("Name");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE INDEX "IX_openiddict_tokens_ApplicationId_Status_Subject_Type" ON openiddict_tokens ("ApplicationId", "Status", "Subject", "Type");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE INDEX "IX_openiddict_tokens_AuthorizationId" ON openiddict_tokens ("AuthorizationId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    CREATE UNIQUE INDEX "IX_openiddict_tokens_ReferenceId" ON openiddict_tokens ("ReferenceId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130105708_OpenIddict') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130105708_OpenIddict', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130131026_ClientKeysDropHandWrittenGrants') THEN
    DROP TABLE persisted_grants;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130131026_ClientKeysDropHandWrittenGrants') THEN
    DROP TABLE revoked_tokens;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130131026_ClientKeysDropHandWrittenGrants') THEN
    ALTER TABLE oauth_clients ADD "JsonWebKeySet" character varying(16000);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130131026_ClientKeysDropHandWrittenGrants') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130131026_ClientKeysDropHandWrittenGrants', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ALTER COLUMN "SubmitterCaseReference" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ALTER COLUMN "StepsTaken" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ALTER COLUMN "RejectionReason" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ALTER COLUMN "ReceiverCaseReference" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ALTER COLUMN "Conclusion" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE cases ADD "ContentVersion" integer NOT NULL DEFAULT 0;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE case_notes ALTER COLUMN "Body" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE case_notes ADD "ContentVersion" integer NOT NULL DEFAULT 0;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE case_fields ALTER COLUMN "Value" TYPE text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    ALTER TABLE case_fields ADD "ContentVersion" integer NOT NULL DEFAULT 0;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    CREATE TABLE case_blind_index (
        "CaseId" uuid NOT NULL,
        "KekId" character varying(64) NOT NULL,
        "Hash" bytea NOT NULL,
        CONSTRAINT "PK_case_blind_index" PRIMARY KEY ("CaseId", "KekId", "Hash"),
        CONSTRAINT "FK_case_blind_index_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    CREATE TABLE case_data_keys (
        "CaseId" uuid NOT NULL,
        "KekId" character varying(64) NOT NULL,
        "WrappedKey" bytea NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        "RewrappedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_case_data_keys" PRIMARY KEY ("CaseId"),
        CONSTRAINT "FK_case_data_keys_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    CREATE INDEX "IX_case_blind_index_KekId_Hash" ON case_blind_index ("KekId", "Hash");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    CREATE INDEX "IX_case_data_keys_KekId" ON case_data_keys ("KekId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130140715_CaseContentEncryption') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130140715_CaseContentEncryption', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130144820_RevocationLookupIndex') THEN
    CREATE INDEX ix_openiddict_tokens_revocation ON openiddict_tokens ("Type", "Status", "ExpirationDate");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130144820_RevocationLookupIndex') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130144820_RevocationLookupIndex', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE TABLE breach_assessments (
        "Id" uuid NOT NULL,
        "ActorId" character varying(200) NOT NULL,
        "WindowFrom" timestamp with time zone NOT NULL,
        "WindowTo" timestamp with time zone NOT NULL,
        "OpenedAt" timestamp with time zone NOT NULL,
        "DeadlineAt" timestamp with time zone NOT NULL,
        "OpenedBy" character varying(200) NOT NULL,
        "Description" character varying(2000),
        "CaseIds" text NOT NULL,
        CONSTRAINT "PK_breach_assessments" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE TABLE data_subject_requests (
        "Id" uuid NOT NULL,
        "MemberId" character varying(64) NOT NULL,
        "OpenedByMemberId" character varying(64) NOT NULL,
        "OpenedBy" character varying(200) NOT NULL,
        "Right" character varying(40) NOT NULL,
        "SubjectEmail" character varying(320),
        "SubjectPhone" character varying(50),
        "SubjectName" character varying(200),
        "IdentityVerification" character varying(1000),
        "CreatedAt" timestamp with time zone NOT NULL,
        "DueAt" timestamp with time zone NOT NULL,
        "ExtendedAt" timestamp with time zone,
        "ExtensionReason" character varying(1000),
        "CompletedAt" timestamp with time zone,
        "LiftedAt" timestamp with time zone,
        "LiftReason" character varying(1000),
        "ErasedAt" timestamp with time zone,
        "CaseIds" text NOT NULL,
        "AuthorisationIds" text NOT NULL,
        CONSTRAINT "PK_data_subject_requests" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE TABLE case_restrictions (
        "CaseId" uuid NOT NULL,
        "RequestId" uuid NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_case_restrictions" PRIMARY KEY ("CaseId", "RequestId"),
        CONSTRAINT "FK_case_restrictions_cases_CaseId" FOREIGN KEY ("CaseId") REFERENCES cases ("Id") ON DELETE CASCADE,
        CONSTRAINT "FK_case_restrictions_data_subject_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES data_subject_requests ("Id") ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE INDEX "IX_breach_assessments_OpenedAt" ON breach_assessments ("OpenedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE INDEX "IX_case_restrictions_RequestId" ON case_restrictions ("RequestId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    CREATE INDEX "IX_data_subject_requests_MemberId_CreatedAt" ON data_subject_requests ("MemberId", "CreatedAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130161428_PrivacyProcedures') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130161428_PrivacyProcedures', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries DROP CONSTRAINT "PK_audit_entries";
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ALTER COLUMN "PreviousHash" DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ALTER COLUMN "Hash" DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ALTER COLUMN "Sequence" DROP NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ADD "Id" bigint GENERATED BY DEFAULT AS IDENTITY;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ADD "ContentHash" character varying(64);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    ALTER TABLE audit_entries ADD CONSTRAINT "PK_audit_entries" PRIMARY KEY ("Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    CREATE TABLE audit_checkpoints (
        "Sequence" bigint NOT NULL,
        "HeadHash" character varying(64) NOT NULL,
        "SignedAt" timestamp with time zone NOT NULL,
        "KeyId" character varying(64) NOT NULL,
        "Signature" character varying(200) NOT NULL,
        CONSTRAINT "PK_audit_checkpoints" PRIMARY KEY ("Sequence")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    CREATE TABLE audit_sequencer_lease (
        "Name" character varying(64) NOT NULL,
        "Holder" character varying(200),
        "ExpiresAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_audit_sequencer_lease" PRIMARY KEY ("Name")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    CREATE TABLE audit_signing_keys (
        "KeyId" character varying(64) NOT NULL,
        "PublicKeyPem" character varying(1000) NOT NULL,
        "CreatedAt" timestamp with time zone NOT NULL,
        CONSTRAINT "PK_audit_signing_keys" PRIMARY KEY ("KeyId")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    CREATE UNIQUE INDEX "IX_audit_entries_Sequence" ON audit_entries ("Sequence");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130173058_AuditSequencer') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130173058_AuditSequencer', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    ALTER TABLE outbox_messages ADD "MailedAt" timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    CREATE TABLE mail_notifications (
        "Id" uuid NOT NULL,
        "OutboxMessageId" uuid NOT NULL,
        "EventType" character varying(64) NOT NULL,
        "CaseId" uuid,
        "MemberId" character varying(64) NOT NULL,
        "UserId" uuid NOT NULL,
        "Status" character varying(40) NOT NULL,
        "Attempts" integer NOT NULL,
        "NextAttemptAt" timestamp with time zone NOT NULL,
        "LockedUntil" timestamp with time zone,
        "LastError" character varying(200),
        "CreatedAt" timestamp with time zone NOT NULL,
        "SentAt" timestamp with time zone,
        CONSTRAINT "PK_mail_notifications" PRIMARY KEY ("Id")
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    CREATE INDEX "IX_outbox_messages_MailedAt_OccurredAt" ON outbox_messages ("MailedAt", "OccurredAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    CREATE UNIQUE INDEX "IX_mail_notifications_OutboxMessageId_UserId" ON mail_notifications ("OutboxMessageId", "UserId");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    CREATE INDEX "IX_mail_notifications_Status_NextAttemptAt" ON mail_notifications ("Status", "NextAttemptAt");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130180316_MailNotifications') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130180316_MailNotifications', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE tombstones ADD "RespondedAt" timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE tombstones ADD "RespondedInTime" boolean;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE cases ADD "AcceptedBy" character varying(200);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE cases ADD "RespondedAt" timestamp with time zone;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE cases ADD "RespondedInTime" boolean;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    ALTER TABLE case_notes ADD "AuthorName" text;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130194225_CaseWithdrawalOwnersNoteAuthors') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130194225_CaseWithdrawalOwnersNoteAuthors', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    ALTER TABLE webhook_subscriptions ADD "ConsecutiveFailures" integer NOT NULL DEFAULT 0;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    ALTER TABLE outbox_messages ADD "SubscriptionId" uuid;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_webhook_deliveries_MemberId_Id" ON webhook_deliveries ("MemberId", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_ReceivingMemberId_ResponseDueAt_Id" ON cases ("ReceivingMemberId", "ResponseDueAt", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_ReceivingMemberId_Severity_Id" ON cases ("ReceivingMemberId", "Severity", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_ReceivingMemberId_Status_Id" ON cases ("ReceivingMemberId", "Status", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_SubmittingMemberId_ResponseDueAt_Id" ON cases ("SubmittingMemberId", "ResponseDueAt", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_SubmittingMemberId_Severity_Id" ON cases ("SubmittingMemberId", "Severity", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    CREATE INDEX "IX_cases_SubmittingMemberId_Status_Id" ON cases ("SubmittingMemberId", "Status", "Id");
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM __ef_migrations WHERE "MigrationId" = '20261130220420_CaseTriageAndWebhookHealth') THEN
    INSERT INTO __ef_migrations ("MigrationId", "ProductVersion")
    VALUES ('20261130220420_CaseTriageAndWebhookHealth', '10.0.15');
    END IF;
END $EF$;
COMMIT;

