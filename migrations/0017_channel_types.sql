-- Hand-edited rebuild of `inboxes`, as in 0007 (a CHECK constraint can only change by rebuilding the
-- table): WhatsApp, Facebook page, Instagram and email inboxes join the channel types. D1 always
-- enforces foreign keys, so drizzle-kit's `PRAGMA foreign_keys=OFF` does nothing and its
-- `DROP TABLE inboxes` would cascade: inbox members, campaigns and webhooks deleted, chat widgets
-- unlinked. Instead the old rows' ids are negated first (the children's references are checked at
-- commit, deferred), so the drop matches no child row; the new table then has the original ids.
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
	CONSTRAINT "inboxes_channel_type_check" CHECK("__new_inboxes"."channel_type" in ('web_widget', 'api', 'sms', 'whatsapp', 'facebook_page', 'instagram', 'email'))
);
--> statement-breakpoint
INSERT INTO `__new_inboxes`("id", "account_id", "name", "channel_type", "inbox_identifier", "website_token", "website_url", "widget_color", "welcome_title", "welcome_tagline", "webhook_url", "hmac_token", "hmac_mandatory", "greeting_enabled", "greeting_message", "enable_email_collect", "allow_messages_after_resolved", "lock_to_single_conversation", "working_hours_enabled", "timezone", "out_of_office_message", "working_hours", "phone_number", "sms_provider", "provider_config", "created_at", "updated_at") SELECT "id", "account_id", "name", "channel_type", "inbox_identifier", "website_token", "website_url", "widget_color", "welcome_title", "welcome_tagline", "webhook_url", "hmac_token", "hmac_mandatory", "greeting_enabled", "greeting_message", "enable_email_collect", "allow_messages_after_resolved", "lock_to_single_conversation", "working_hours_enabled", "timezone", "out_of_office_message", "working_hours", "phone_number", "sms_provider", "provider_config", "created_at", "updated_at" FROM `inboxes`;--> statement-breakpoint
UPDATE `inboxes` SET `id` = -`id`;--> statement-breakpoint
DROP TABLE `inboxes`;--> statement-breakpoint
ALTER TABLE `__new_inboxes` RENAME TO `inboxes`;--> statement-breakpoint
PRAGMA defer_foreign_keys=OFF;--> statement-breakpoint
CREATE INDEX `inboxes_account_id_idx` ON `inboxes` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_account_phone_unique` ON `inboxes` (`account_id`,`phone_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_inbox_identifier_unique` ON `inboxes` (`inbox_identifier`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_website_token_unique` ON `inboxes` (`website_token`);