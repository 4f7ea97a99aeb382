IF OBJECT_ID(N'[__ef_migrations]') IS NULL
BEGIN
    CREATE TABLE [__ef_migrations] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___ef_migrations] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] uniqueidentifier NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [IsActive] bit NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(max) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [agreements] (
        [Id] uniqueidentifier NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [DocumentReference] nvarchar(500) NOT NULL,
        [DocumentSha256] nvarchar(64) NOT NULL,
        [Version] nvarchar(40) NOT NULL,
        [EffectiveFrom] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [PermittedCategories] nvarchar(200) NOT NULL,
        [PermittedRegions] nvarchar(500) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [TerminatedAt] datetime2 NULL,
        [TerminationReason] nvarchar(1000) NULL,
        [ExpiryNotifiedAt] datetime2 NULL,
        CONSTRAINT [PK_agreements] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [audit_entries] (
        [Sequence] bigint NOT NULL,
        [OccurredAt] datetime2 NOT NULL,
        [ActorMemberId] nvarchar(64) NOT NULL,
        [ActorId] nvarchar(200) NOT NULL,
        [Action] nvarchar(64) NOT NULL,
        [ObjectType] nvarchar(64) NOT NULL,
        [ObjectId] nvarchar(200) NULL,
        [CaseId] uniqueidentifier NULL,
        [Details] nvarchar(4000) NULL,
        [PreviousHash] nvarchar(64) NOT NULL,
        [Hash] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_audit_entries] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [data_protection_keys] (
        [FriendlyName] nvarchar(200) NOT NULL,
        [Xml] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_data_protection_keys] PRIMARY KEY ([FriendlyName])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [idempotency_records] (
        [MemberId] nvarchar(64) NOT NULL,
        [ClientId] nvarchar(200) NOT NULL,
        [Key] nvarchar(200) NOT NULL,
        [RequestHash] nvarchar(64) NOT NULL,
        [StatusCode] int NULL,
        [ResponseBody] nvarchar(max) NULL,
        [Location] nvarchar(500) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [CompletedAt] datetime2 NULL,
        CONSTRAINT [PK_idempotency_records] PRIMARY KEY ([MemberId], [ClientId], [Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [job_runs] (
        [Id] uniqueidentifier NOT NULL,
        [JobName] nvarchar(100) NOT NULL,
        [Node] nvarchar(200) NOT NULL,
        [StartedAt] datetime2 NOT NULL,
        [FinishedAt] datetime2 NULL,
        [ItemsProcessed] int NOT NULL,
        [Failed] bit NOT NULL,
        [Error] nvarchar(2000) NULL,
        CONSTRAINT [PK_job_runs] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [members] (
        [Id] nvarchar(64) NOT NULL,
        [LegalName] nvarchar(200) NOT NULL,
        [Region] nvarchar(16) NOT NULL,
        [SupportContact] nvarchar(320) NULL,
        [EscalationContact] nvarchar(320) NULL,
        [Retention] time NULL,
        [IntakePolicy] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_members] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [oauth_clients] (
        [ClientId] nvarchar(100) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [Type] nvarchar(40) NOT NULL,
        [SecretHash] nvarchar(64) NULL,
        [PreviousSecretHash] nvarchar(64) NULL,
        [PreviousSecretExpiresAt] datetime2 NULL,
        [AllowedGrantTypes] nvarchar(500) NOT NULL,
        [AllowedScopes] nvarchar(2000) NOT NULL,
        [RedirectUris] nvarchar(4000) NOT NULL,
        [PostLogoutRedirectUris] nvarchar(4000) NOT NULL,
        [Roles] nvarchar(500) NOT NULL,
        [FirstParty] bit NOT NULL,
        [IsActive] bit NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_oauth_clients] PRIMARY KEY ([ClientId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [outbox_messages] (
        [Id] uniqueidentifier NOT NULL,
        [EventType] nvarchar(64) NOT NULL,
        [CaseId] uniqueidentifier NULL,
        [RecipientMemberIds] nvarchar(500) NOT NULL,
        [Payload] nvarchar(4000) NOT NULL,
        [OccurredAt] datetime2 NOT NULL,
        [ProcessedAt] datetime2 NULL,
        CONSTRAINT [PK_outbox_messages] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [persisted_grants] (
        [KeyHash] nvarchar(64) NOT NULL,
        [Type] nvarchar(40) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [SubjectId] nvarchar(100) NULL,
        [FamilyId] uniqueidentifier NOT NULL,
        [Data] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        [ConsumedAt] datetime2 NULL,
        [RevokedAt] datetime2 NULL,
        CONSTRAINT [PK_persisted_grants] PRIMARY KEY ([KeyHash])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [portal_sessions] (
        [Key] nvarchar(64) NOT NULL,
        [ProtectedTicket] nvarchar(max) NOT NULL,
        [SubjectId] nvarchar(200) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_portal_sessions] PRIMARY KEY ([Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [revoked_tokens] (
        [Jti] nvarchar(100) NOT NULL,
        [ClientId] nvarchar(100) NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_revoked_tokens] PRIMARY KEY ([Jti])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [signing_keys] (
        [KeyId] nvarchar(100) NOT NULL,
        [Algorithm] nvarchar(16) NOT NULL,
        [ProtectedPrivateKey] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ActivatesAt] datetime2 NOT NULL,
        [RetiresAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_signing_keys] PRIMARY KEY ([KeyId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [tombstones] (
        [CaseId] uniqueidentifier NOT NULL,
        [SubmittingMemberId] nvarchar(64) NOT NULL,
        [ReceivingMemberId] nvarchar(64) NOT NULL,
        [SubmitterInitials] nvarchar(8) NOT NULL,
        [ReceiverInitials] nvarchar(8) NULL,
        [CustomerOrganisation] nvarchar(200) NULL,
        [Summary] nvarchar(200) NULL,
        [StepsTaken] nvarchar(max) NULL,
        [Conclusion] nvarchar(max) NULL,
        [Outcome] nvarchar(40) NOT NULL,
        [OpenedAt] datetime2 NOT NULL,
        [ConcludedAt] datetime2 NULL,
        [PurgedAt] datetime2 NOT NULL,
        [NotificationsSent] int NOT NULL,
        [LastNotifiedAt] datetime2 NULL,
        CONSTRAINT [PK_tombstones] PRIMARY KEY ([CaseId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [webhook_subscriptions] (
        [Id] uniqueidentifier NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [Url] nvarchar(2000) NOT NULL,
        [EventTypes] nvarchar(2000) NOT NULL,
        [ProtectedSecret] nvarchar(2000) NOT NULL,
        [PreviousProtectedSecret] nvarchar(2000) NULL,
        [PreviousSecretExpiresAt] datetime2 NULL,
        [CreatedAt] datetime2 NOT NULL,
        [DisabledAt] datetime2 NULL,
        [DisabledReason] nvarchar(500) NULL,
        CONSTRAINT [PK_webhook_subscriptions] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] uniqueidentifier NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] uniqueidentifier NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(450) NOT NULL,
        [ProviderKey] nvarchar(450) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] uniqueidentifier NOT NULL,
        [RoleId] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] uniqueidentifier NOT NULL,
        [LoginProvider] nvarchar(450) NOT NULL,
        [Name] nvarchar(450) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [agreement_parties] (
        [AgreementId] uniqueidentifier NOT NULL,
        [PartyId] nvarchar(64) NOT NULL,
        [SignerName] nvarchar(200) NULL,
        [SignerRole] nvarchar(200) NULL,
        [SignedAt] datetime2 NULL,
        CONSTRAINT [PK_agreement_parties] PRIMARY KEY ([AgreementId], [PartyId]),
        CONSTRAINT [FK_agreement_parties_agreements_AgreementId] FOREIGN KEY ([AgreementId]) REFERENCES [agreements] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [customer_authorisations] (
        [Id] uniqueidentifier NOT NULL,
        [SubmittingMemberId] nvarchar(64) NOT NULL,
        [CustomerOrganisation] nvarchar(200) NOT NULL,
        [AuthorisedByName] nvarchar(200) NOT NULL,
        [AuthorisedByRole] nvarchar(200) NULL,
        [AuthorisedByEmail] nvarchar(320) NULL,
        [ReceivingMemberIds] nvarchar(2000) NOT NULL,
        [Purpose] nvarchar(1000) NOT NULL,
        [CaptureMethod] nvarchar(40) NOT NULL,
        [EvidenceReference] nvarchar(500) NOT NULL,
        [DataCategories] nvarchar(200) NOT NULL,
        [AllowedRegions] nvarchar(500) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        [WithdrawnAt] datetime2 NULL,
        [RestrictedAt] datetime2 NULL,
        CONSTRAINT [PK_customer_authorisations] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_customer_authorisations_members_SubmittingMemberId] FOREIGN KEY ([SubmittingMemberId]) REFERENCES [members] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [purge_receipts] (
        [CaseId] uniqueidentifier NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [ConfirmedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_purge_receipts] PRIMARY KEY ([CaseId], [MemberId]),
        CONSTRAINT [FK_purge_receipts_tombstones_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [tombstones] ([CaseId]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [webhook_deliveries] (
        [Id] uniqueidentifier NOT NULL,
        [SubscriptionId] uniqueidentifier NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [OutboxMessageId] uniqueidentifier NOT NULL,
        [MessageId] nvarchar(100) NOT NULL,
        [EventType] nvarchar(64) NOT NULL,
        [Payload] nvarchar(4000) NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetime2 NOT NULL,
        [LastAttemptAt] datetime2 NULL,
        [LastStatusCode] int NULL,
        [LastError] nvarchar(1000) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [DeliveredAt] datetime2 NULL,
        [LockedUntil] datetime2 NULL,
        CONSTRAINT [PK_webhook_deliveries] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_webhook_deliveries_webhook_subscriptions_SubscriptionId] FOREIGN KEY ([SubscriptionId]) REFERENCES [webhook_subscriptions] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [cases] (
        [Id] uniqueidentifier NOT NULL,
        [SubmittingMemberId] nvarchar(64) NOT NULL,
        [ReceivingMemberId] nvarchar(64) NOT NULL,
        [CustomerAuthorisationId] uniqueidentifier NOT NULL,
        [Severity] int NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [SubmitterCaseReference] nvarchar(100) NOT NULL,
        [ReceiverCaseReference] nvarchar(100) NULL,
        [OpenedBy] nvarchar(200) NOT NULL,
        [OpenedByInitials] nvarchar(8) NOT NULL,
        [ReceiverInitials] nvarchar(8) NULL,
        [RejectionReason] nvarchar(4000) NULL,
        [HaltReason] nvarchar(1000) NULL,
        [StepsTaken] nvarchar(max) NULL,
        [Conclusion] nvarchar(max) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [ResponseDueAt] datetime2 NULL,
        [DeadlineNotifiedAt] datetime2 NULL,
        [ConcludedAt] datetime2 NULL,
        [PurgeDueAt] datetime2 NULL,
        [Version] uniqueidentifier NOT NULL,
        CONSTRAINT [PK_cases] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_cases_customer_authorisations_CustomerAuthorisationId] FOREIGN KEY ([CustomerAuthorisationId]) REFERENCES [customer_authorisations] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_cases_members_ReceivingMemberId] FOREIGN KEY ([ReceivingMemberId]) REFERENCES [members] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_cases_members_SubmittingMemberId] FOREIGN KEY ([SubmittingMemberId]) REFERENCES [members] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [case_fields] (
        [CaseId] uniqueidentifier NOT NULL,
        [Name] nvarchar(64) NOT NULL,
        [Category] nvarchar(40) NOT NULL,
        [Value] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_case_fields] PRIMARY KEY ([CaseId], [Name]),
        CONSTRAINT [FK_case_fields_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [case_notes] (
        [Id] uniqueidentifier NOT NULL,
        [CaseId] uniqueidentifier NOT NULL,
        [AuthorMemberId] nvarchar(64) NOT NULL,
        [AuthorId] nvarchar(200) NOT NULL,
        [AuthorInitials] nvarchar(8) NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [Body] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_case_notes] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_case_notes_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE TABLE [withheld_fields] (
        [CaseId] uniqueidentifier NOT NULL,
        [Name] nvarchar(64) NOT NULL,
        [Reason] nvarchar(64) NOT NULL,
        CONSTRAINT [PK_withheld_fields] PRIMARY KEY ([CaseId], [Name]),
        CONSTRAINT [FK_withheld_fields_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_AspNetUsers_MemberId] ON [AspNetUsers] ([MemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_agreement_parties_PartyId] ON [agreement_parties] ([PartyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_agreements_Status_ExpiresAt] ON [agreements] ([Status], [ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_audit_entries_ActorId_OccurredAt] ON [audit_entries] ([ActorId], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_audit_entries_CaseId] ON [audit_entries] ([CaseId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_case_notes_CaseId_CreatedAt] ON [case_notes] ([CaseId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_cases_CustomerAuthorisationId] ON [cases] ([CustomerAuthorisationId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_cases_PurgeDueAt] ON [cases] ([PurgeDueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_cases_ReceivingMemberId_Id] ON [cases] ([ReceivingMemberId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_cases_Status_ResponseDueAt] ON [cases] ([Status], [ResponseDueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_cases_SubmittingMemberId_Id] ON [cases] ([SubmittingMemberId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_customer_authorisations_AuthorisedByEmail] ON [customer_authorisations] ([AuthorisedByEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_customer_authorisations_SubmittingMemberId] ON [customer_authorisations] ([SubmittingMemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_idempotency_records_CreatedAt] ON [idempotency_records] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_job_runs_JobName_StartedAt] ON [job_runs] ([JobName], [StartedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_oauth_clients_MemberId] ON [oauth_clients] ([MemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_outbox_messages_ProcessedAt] ON [outbox_messages] ([ProcessedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_persisted_grants_ExpiresAt] ON [persisted_grants] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_persisted_grants_FamilyId] ON [persisted_grants] ([FamilyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_persisted_grants_SubjectId] ON [persisted_grants] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_portal_sessions_ExpiresAt] ON [portal_sessions] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_portal_sessions_SubjectId] ON [portal_sessions] ([SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_revoked_tokens_ExpiresAt] ON [revoked_tokens] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_tombstones_ReceivingMemberId] ON [tombstones] ([ReceivingMemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_tombstones_SubmittingMemberId] ON [tombstones] ([SubmittingMemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_webhook_deliveries_MemberId_CreatedAt] ON [webhook_deliveries] ([MemberId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE UNIQUE INDEX [IX_webhook_deliveries_OutboxMessageId_SubscriptionId] ON [webhook_deliveries] ([OutboxMessageId], [SubscriptionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_webhook_deliveries_Status_NextAttemptAt] ON [webhook_deliveries] ([Status], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_webhook_deliveries_SubscriptionId] ON [webhook_deliveries] ([SubscriptionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    CREATE INDEX [IX_webhook_subscriptions_MemberId] ON [webhook_subscriptions] ([MemberId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095603_Baseline'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130095603_Baseline', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    ALTER TABLE [data_protection_keys] DROP CONSTRAINT [PK_data_protection_keys];
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[data_protection_keys]') AND [c].[name] = N'Xml');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [data_protection_keys] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [data_protection_keys] ALTER COLUMN [Xml] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    DECLARE @var1 nvarchar(max);
    SELECT @var1 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[data_protection_keys]') AND [c].[name] = N'FriendlyName');
    IF @var1 IS NOT NULL EXEC(N'ALTER TABLE [data_protection_keys] DROP CONSTRAINT ' + @var1 + ';');
    ALTER TABLE [data_protection_keys] ALTER COLUMN [FriendlyName] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    ALTER TABLE [data_protection_keys] ADD [Id] int NOT NULL IDENTITY;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    ALTER TABLE [data_protection_keys] ADD CONSTRAINT [PK_data_protection_keys] PRIMARY KEY ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130095930_KeyRingOnDataProtectionStore'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130095930_KeyRingOnDataProtectionStore', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_locks;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_scheduler_state;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_fired_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_paused_trigger_grps;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_calendars;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_blob_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_cron_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_simprop_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_simple_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_triggers;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    DROP TABLE IF EXISTS qrtz_job_details;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    ALTER TABLE [cases] ADD [PurgeScheduledFor] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130104934_Hangfire'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130104934_Hangfire', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE TABLE [openiddict_applications] (
        [Id] nvarchar(450) NOT NULL,
        [ApplicationType] nvarchar(50) NULL,
        [ClientId] nvarchar(100) NULL,
        [ClientSecret] nvarchar(max) NULL,
        [ClientType] nvarchar(50) NULL,
        [ConcurrencyToken] nvarchar(50) NULL,
        [ConsentType] nvarchar(50) NULL,
        [DisplayName] nvarchar(max) NULL,
        [DisplayNames] nvarchar(max) NULL,
        [JsonWebKeySet] nvarchar(max) NULL,
        [Permissions] nvarchar(max) NULL,
        [PostLogoutRedirectUris] nvarchar(max) NULL,
        [Properties] nvarchar(max) NULL,
        [RedirectUris] nvarchar(max) NULL,
        [Requirements] nvarchar(max) NULL,
        [Settings] nvarchar(max) NULL,
        CONSTRAINT [PK_openiddict_applications] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE TABLE [openiddict_scopes] (
        [Id] nvarchar(450) NOT NULL,
        [ConcurrencyToken] nvarchar(50) NULL,
        [Description] nvarchar(max) NULL,
        [Descriptions] nvarchar(max) NULL,
        [DisplayName] nvarchar(max) NULL,
        [DisplayNames] nvarchar(max) NULL,
        [Name] nvarchar(200) NULL,
        [Properties] nvarchar(max) NULL,
        [Resources] nvarchar(max) NULL,
        CONSTRAINT [PK_openiddict_scopes] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE TABLE [openiddict_authorizations] (
        [Id] nvarchar(450) NOT NULL,
        [ApplicationId] nvarchar(450) NULL,
        [ConcurrencyToken] nvarchar(50) NULL,
        [CreationDate] datetime2 NULL,
        [Properties] nvarchar(max) NULL,
        [Scopes] nvarchar(max) NULL,
        [Status] nvarchar(50) NULL,
        [Subject] nvarchar(400) NULL,
        [Type] nvarchar(50) NULL,
        CONSTRAINT [PK_openiddict_authorizations] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_openiddict_authorizations_openiddict_applications_ApplicationId] FOREIGN KEY ([ApplicationId]) REFERENCES [openiddict_applications] ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE TABLE [openiddict_tokens] (
        [Id] nvarchar(450) NOT NULL,
        [ApplicationId] nvarchar(450) NULL,
        [AuthorizationId] nvarchar(450) NULL,
        [ConcurrencyToken] nvarchar(50) NULL,
        [CreationDate] datetime2 NULL,
        [ExpirationDate] datetime2 NULL,
        [Payload] nvarchar(max) NULL,
        [Properties] nvarchar(max) NULL,
        [RedemptionDate] datetime2 NULL,
        [ReferenceId] nvarchar(100) NULL,
        [Status] nvarchar(50) NULL,
        [Subject] nvarchar(400) NULL,
        [Type] nvarchar(150) NULL,
        CONSTRAINT [PK_openiddict_tokens] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_openiddict_tokens_openiddict_applications_ApplicationId] FOREIGN KEY ([ApplicationId]) REFERENCES [openiddict_applications] ([Id]),
        CONSTRAINT [FK_openiddict_tokens_openiddict_authorizations_AuthorizationId] FOREIGN KEY ([AuthorizationId]) REFERENCES [openiddict_authorizations] ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_openiddict_applications_ClientId] ON [openiddict_applications] ([ClientId]) WHERE [ClientId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE INDEX [IX_openiddict_authorizations_ApplicationId_Status_Subject_Type] ON [openiddict_authorizations] ([ApplicationId], [Status], [Subject], [Type]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_openiddict_scopes_Name] ON [openiddict_scopes] ([Name]) WHERE [Name] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE INDEX [IX_openiddict_tokens_ApplicationId_Status_Subject_Type] ON [openiddict_tokens] ([ApplicationId], [Status], [Subject], [Type]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    CREATE INDEX [IX_openiddict_tokens_AuthorizationId] ON [openiddict_tokens] ([AuthorizationId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_openiddict_tokens_ReferenceId] ON [openiddict_tokens] ([ReferenceId]) WHERE [ReferenceId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130105720_OpenIddict'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130105720_OpenIddict', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130131029_ClientKeysDropHandWrittenGrants'
)
BEGIN
    DROP TABLE [persisted_grants];
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130131029_ClientKeysDropHandWrittenGrants'
)
BEGIN
    DROP TABLE [revoked_tokens];
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130131029_ClientKeysDropHandWrittenGrants'
)
BEGIN
    ALTER TABLE [oauth_clients] ADD [JsonWebKeySet] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130131029_ClientKeysDropHandWrittenGrants'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130131029_ClientKeysDropHandWrittenGrants', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    DECLARE @var2 nvarchar(max);
    SELECT @var2 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[cases]') AND [c].[name] = N'SubmitterCaseReference');
    IF @var2 IS NOT NULL EXEC(N'ALTER TABLE [cases] DROP CONSTRAINT ' + @var2 + ';');
    ALTER TABLE [cases] ALTER COLUMN [SubmitterCaseReference] nvarchar(max) NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    DECLARE @var3 nvarchar(max);
    SELECT @var3 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[cases]') AND [c].[name] = N'RejectionReason');
    IF @var3 IS NOT NULL EXEC(N'ALTER TABLE [cases] DROP CONSTRAINT ' + @var3 + ';');
    ALTER TABLE [cases] ALTER COLUMN [RejectionReason] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    DECLARE @var4 nvarchar(max);
    SELECT @var4 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[cases]') AND [c].[name] = N'ReceiverCaseReference');
    IF @var4 IS NOT NULL EXEC(N'ALTER TABLE [cases] DROP CONSTRAINT ' + @var4 + ';');
    ALTER TABLE [cases] ALTER COLUMN [ReceiverCaseReference] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    ALTER TABLE [cases] ADD [ContentVersion] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    ALTER TABLE [case_notes] ADD [ContentVersion] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    ALTER TABLE [case_fields] ADD [ContentVersion] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    CREATE TABLE [case_blind_index] (
        [CaseId] uniqueidentifier NOT NULL,
        [KekId] nvarchar(64) NOT NULL,
        [Hash] varbinary(32) NOT NULL,
        CONSTRAINT [PK_case_blind_index] PRIMARY KEY ([CaseId], [KekId], [Hash]),
        CONSTRAINT [FK_case_blind_index_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    CREATE TABLE [case_data_keys] (
        [CaseId] uniqueidentifier NOT NULL,
        [KekId] nvarchar(64) NOT NULL,
        [WrappedKey] varbinary(64) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [RewrappedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_case_data_keys] PRIMARY KEY ([CaseId]),
        CONSTRAINT [FK_case_data_keys_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    CREATE INDEX [IX_case_blind_index_KekId_Hash] ON [case_blind_index] ([KekId], [Hash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    CREATE INDEX [IX_case_data_keys_KekId] ON [case_data_keys] ([KekId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130140724_CaseContentEncryption'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130140724_CaseContentEncryption', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130144824_RevocationLookupIndex'
)
BEGIN
    CREATE INDEX [ix_openiddict_tokens_revocation] ON [openiddict_tokens] ([Type], [Status], [ExpirationDate]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130144824_RevocationLookupIndex'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130144824_RevocationLookupIndex', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE TABLE [breach_assessments] (
        [Id] uniqueidentifier NOT NULL,
        [ActorId] nvarchar(200) NOT NULL,
        [WindowFrom] datetime2 NOT NULL,
        [WindowTo] datetime2 NOT NULL,
        [OpenedAt] datetime2 NOT NULL,
        [DeadlineAt] datetime2 NOT NULL,
        [OpenedBy] nvarchar(200) NOT NULL,
        [Description] nvarchar(2000) NULL,
        [CaseIds] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_breach_assessments] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE TABLE [data_subject_requests] (
        [Id] uniqueidentifier NOT NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [OpenedByMemberId] nvarchar(64) NOT NULL,
        [OpenedBy] nvarchar(200) NOT NULL,
        [Right] nvarchar(40) NOT NULL,
        [SubjectEmail] nvarchar(320) NULL,
        [SubjectPhone] nvarchar(50) NULL,
        [SubjectName] nvarchar(200) NULL,
        [IdentityVerification] nvarchar(1000) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [DueAt] datetime2 NOT NULL,
        [ExtendedAt] datetime2 NULL,
        [ExtensionReason] nvarchar(1000) NULL,
        [CompletedAt] datetime2 NULL,
        [LiftedAt] datetime2 NULL,
        [LiftReason] nvarchar(1000) NULL,
        [ErasedAt] datetime2 NULL,
        [CaseIds] nvarchar(max) NOT NULL,
        [AuthorisationIds] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_data_subject_requests] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE TABLE [case_restrictions] (
        [CaseId] uniqueidentifier NOT NULL,
        [RequestId] uniqueidentifier NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_case_restrictions] PRIMARY KEY ([CaseId], [RequestId]),
        CONSTRAINT [FK_case_restrictions_cases_CaseId] FOREIGN KEY ([CaseId]) REFERENCES [cases] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_case_restrictions_data_subject_requests_RequestId] FOREIGN KEY ([RequestId]) REFERENCES [data_subject_requests] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE INDEX [IX_breach_assessments_OpenedAt] ON [breach_assessments] ([OpenedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE INDEX [IX_case_restrictions_RequestId] ON [case_restrictions] ([RequestId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    CREATE INDEX [IX_data_subject_requests_MemberId_CreatedAt] ON [data_subject_requests] ([MemberId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130161433_PrivacyProcedures'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130161433_PrivacyProcedures', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    ALTER TABLE [audit_entries] DROP CONSTRAINT [PK_audit_entries];
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    DECLARE @var5 nvarchar(max);
    SELECT @var5 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[audit_entries]') AND [c].[name] = N'PreviousHash');
    IF @var5 IS NOT NULL EXEC(N'ALTER TABLE [audit_entries] DROP CONSTRAINT ' + @var5 + ';');
    ALTER TABLE [audit_entries] ALTER COLUMN [PreviousHash] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    DECLARE @var6 nvarchar(max);
    SELECT @var6 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[audit_entries]') AND [c].[name] = N'Hash');
    IF @var6 IS NOT NULL EXEC(N'ALTER TABLE [audit_entries] DROP CONSTRAINT ' + @var6 + ';');
    ALTER TABLE [audit_entries] ALTER COLUMN [Hash] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    DECLARE @var7 nvarchar(max);
    SELECT @var7 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[audit_entries]') AND [c].[name] = N'Sequence');
    IF @var7 IS NOT NULL EXEC(N'ALTER TABLE [audit_entries] DROP CONSTRAINT ' + @var7 + ';');
    ALTER TABLE [audit_entries] ALTER COLUMN [Sequence] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    ALTER TABLE [audit_entries] ADD [Id] bigint NOT NULL IDENTITY;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    ALTER TABLE [audit_entries] ADD [ContentHash] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    ALTER TABLE [audit_entries] ADD CONSTRAINT [PK_audit_entries] PRIMARY KEY ([Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    CREATE TABLE [audit_checkpoints] (
        [Sequence] bigint NOT NULL,
        [HeadHash] nvarchar(64) NOT NULL,
        [SignedAt] datetime2 NOT NULL,
        [KeyId] nvarchar(64) NOT NULL,
        [Signature] nvarchar(200) NOT NULL,
        CONSTRAINT [PK_audit_checkpoints] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    CREATE TABLE [audit_sequencer_lease] (
        [Name] nvarchar(64) NOT NULL,
        [Holder] nvarchar(200) NULL,
        [ExpiresAt] datetime2 NOT NULL,
        CONSTRAINT [PK_audit_sequencer_lease] PRIMARY KEY ([Name])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    CREATE TABLE [audit_signing_keys] (
        [KeyId] nvarchar(64) NOT NULL,
        [PublicKeyPem] nvarchar(1000) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_audit_signing_keys] PRIMARY KEY ([KeyId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_audit_entries_Sequence] ON [audit_entries] ([Sequence]) WHERE [Sequence] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130173104_AuditSequencer'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130173104_AuditSequencer', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    ALTER TABLE [outbox_messages] ADD [MailedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    CREATE TABLE [mail_notifications] (
        [Id] uniqueidentifier NOT NULL,
        [OutboxMessageId] uniqueidentifier NOT NULL,
        [EventType] nvarchar(64) NOT NULL,
        [CaseId] uniqueidentifier NULL,
        [MemberId] nvarchar(64) NOT NULL,
        [UserId] uniqueidentifier NOT NULL,
        [Status] nvarchar(40) NOT NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetime2 NOT NULL,
        [LockedUntil] datetime2 NULL,
        [LastError] nvarchar(200) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [SentAt] datetime2 NULL,
        CONSTRAINT [PK_mail_notifications] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    CREATE INDEX [IX_outbox_messages_MailedAt_OccurredAt] ON [outbox_messages] ([MailedAt], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    CREATE UNIQUE INDEX [IX_mail_notifications_OutboxMessageId_UserId] ON [mail_notifications] ([OutboxMessageId], [UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    CREATE INDEX [IX_mail_notifications_Status_NextAttemptAt] ON [mail_notifications] ([Status], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130180321_MailNotifications'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130180321_MailNotifications', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [tombstones] ADD [RespondedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [tombstones] ADD [RespondedInTime] bit NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [cases] ADD [AcceptedBy] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [cases] ADD [RespondedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [cases] ADD [RespondedInTime] bit NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    ALTER TABLE [case_notes] ADD [AuthorName] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130194235_CaseWithdrawalOwnersNoteAuthors'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130194235_CaseWithdrawalOwnersNoteAuthors', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    ALTER TABLE [webhook_subscriptions] ADD [ConsecutiveFailures] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    ALTER TABLE [outbox_messages] ADD [SubscriptionId] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_webhook_deliveries_MemberId_Id] ON [webhook_deliveries] ([MemberId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_ReceivingMemberId_ResponseDueAt_Id] ON [cases] ([ReceivingMemberId], [ResponseDueAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_ReceivingMemberId_Severity_Id] ON [cases] ([ReceivingMemberId], [Severity], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_ReceivingMemberId_Status_Id] ON [cases] ([ReceivingMemberId], [Status], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_SubmittingMemberId_ResponseDueAt_Id] ON [cases] ([SubmittingMemberId], [ResponseDueAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_SubmittingMemberId_Severity_Id] ON [cases] ([SubmittingMemberId], [Severity], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    CREATE INDEX [IX_cases_SubmittingMemberId_Status_Id] ON [cases] ([SubmittingMemberId], [Status], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__ef_migrations]
    WHERE [MigrationId] = N'20261130220430_CaseTriageAndWebhookHealth'
)
BEGIN
    INSERT INTO [__ef_migrations] ([MigrationId], [ProductVersion])
    VALUES (N'20261130220430_CaseTriageAndWebhookHealth', N'10.0.15');
END;

COMMIT;
GO

