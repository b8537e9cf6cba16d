PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_campaign_recipients` (
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
	CONSTRAINT "campaign_recipients_status_check" CHECK("__new_campaign_recipients"."status" in ('pending', 'sending', 'sent', 'failed', 'skipped'))
);
--> statement-breakpoint
INSERT INTO `__new_campaign_recipients`("id", "campaign_id", "contact_id", "phone_number", "body", "status", "provider_sid", "provider_status", "error", "claimed_at", "finished_at", "created_at") SELECT "id", "campaign_id", "contact_id", "phone_number", "body", "status", "provider_sid", "provider_status", "error", "claimed_at", "finished_at", "created_at" FROM `campaign_recipients`;--> statement-breakpoint
DROP TABLE `campaign_recipients`;--> statement-breakpoint
ALTER TABLE `__new_campaign_recipients` RENAME TO `campaign_recipients`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_recipients_contact_unique` ON `campaign_recipients` (`campaign_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_status_idx` ON `campaign_recipients` (`campaign_id`,`status`);--> statement-breakpoint
-- Hand-added: recipients recorded before `skipped` existed carried it as a failure with this error.
UPDATE `campaign_recipients` SET `status` = 'skipped' WHERE `status` = 'failed' AND `error` LIKE 'Skipped:%';
