CREATE TABLE `campaign_recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`phone_number` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`provider_sid` text,
	`provider_status` text,
	`error` text,
	`claimed_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "campaign_recipients_status_check" CHECK("campaign_recipients"."status" in ('pending', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_recipients_contact_unique` ON `campaign_recipients` (`campaign_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_status_idx` ON `campaign_recipients` (`campaign_id`,`status`);--> statement-breakpoint
CREATE TABLE `labels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`color` text DEFAULT '#1f93ff' NOT NULL,
	`show_on_sidebar` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_account_title_unique` ON `labels` (`account_id`,`title`);--> statement-breakpoint
CREATE TABLE `sms_sink_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sid` text NOT NULL,
	`account_sid` text NOT NULL,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sms_sink_messages_sid_unique` ON `sms_sink_messages` (`sid`);--> statement-breakpoint
-- Hand-edited rebuild of `inboxes` (a CHECK constraint can only change by rebuilding the table).
-- D1 always enforces foreign keys, so drizzle-kit's `PRAGMA foreign_keys=OFF` does nothing and its
-- `DROP TABLE inboxes` would cascade: inbox members, campaigns and webhooks deleted, chat widgets
-- unlinked. Instead the old rows' ids are negated first (the children's references are checked at
-- commit, deferred), so the drop matches no child row; the new table then has the original ids.
-- drizzle-kit also selected the new columns from the old table, where SQLite reads a missing
-- "column" as a string literal: they are NULL here.
PRAGMA defer_foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_inboxes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`channel_type` text NOT NULL,
	`inbox_identifier` text NOT NULL,
	`website_token` text,
	`website_url` text,
	`widget_color` text,
	`welcome_title` text,
	`welcome_tagline` text,
	`webhook_url` text,
	`hmac_token` text NOT NULL,
	`hmac_mandatory` integer DEFAULT false NOT NULL,
	`greeting_enabled` integer DEFAULT false NOT NULL,
	`greeting_message` text,
	`enable_email_collect` integer DEFAULT true NOT NULL,
	`allow_messages_after_resolved` integer DEFAULT true NOT NULL,
	`lock_to_single_conversation` integer DEFAULT false NOT NULL,
	`working_hours_enabled` integer DEFAULT false NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`out_of_office_message` text,
	`working_hours` text NOT NULL,
	`phone_number` text,
	`sms_provider` text,
	`provider_config` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "inboxes_channel_type_check" CHECK("__new_inboxes"."channel_type" in ('web_widget', 'api', 'sms'))
);
--> statement-breakpoint
INSERT INTO `__new_inboxes`("id", "account_id", "name", "channel_type", "inbox_identifier", "website_token", "website_url", "widget_color", "welcome_title", "welcome_tagline", "webhook_url", "hmac_token", "hmac_mandatory", "greeting_enabled", "greeting_message", "enable_email_collect", "allow_messages_after_resolved", "lock_to_single_conversation", "working_hours_enabled", "timezone", "out_of_office_message", "working_hours", "phone_number", "sms_provider", "provider_config", "created_at", "updated_at") SELECT "id", "account_id", "name", "channel_type", "inbox_identifier", "website_token", "website_url", "widget_color", "welcome_title", "welcome_tagline", "webhook_url", "hmac_token", "hmac_mandatory", "greeting_enabled", "greeting_message", "enable_email_collect", "allow_messages_after_resolved", "lock_to_single_conversation", "working_hours_enabled", "timezone", "out_of_office_message", "working_hours", NULL, NULL, NULL, "created_at", "updated_at" FROM `inboxes`;--> statement-breakpoint
UPDATE `inboxes` SET `id` = -`id`;--> statement-breakpoint
DROP TABLE `inboxes`;--> statement-breakpoint
ALTER TABLE `__new_inboxes` RENAME TO `inboxes`;--> statement-breakpoint
PRAGMA defer_foreign_keys=OFF;--> statement-breakpoint
CREATE INDEX `inboxes_account_id_idx` ON `inboxes` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_account_phone_unique` ON `inboxes` (`account_id`,`phone_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_inbox_identifier_unique` ON `inboxes` (`inbox_identifier`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_website_token_unique` ON `inboxes` (`website_token`);--> statement-breakpoint
ALTER TABLE `campaigns` ADD `audience` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `scheduled_at` integer;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `status` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `started_at` integer;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `audience_recorded_at` integer;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `enqueued_at` integer;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `completed_at` integer;--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`,`scheduled_at`);