-- emails.account_id becomes nullable: an agency user's invitation or reset link is sent for the agency, not a sub-account.
-- No table references emails, so dropping the old one after the copy loses nothing.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`display_id` integer,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`delivery` text,
	`message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`sent_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "emails_status_check" CHECK("__new_emails"."status" in ('queued', 'sending', 'sent', 'failed', 'dead'))
);
--> statement-breakpoint
INSERT INTO `__new_emails`("id", "account_id", "key", "kind", "display_id", "to", "subject", "text", "html", "status", "delivery", "message_id", "attempts", "error", "sent_at", "created_at", "updated_at") SELECT "id", "account_id", "key", "kind", "display_id", "to", "subject", "text", "html", "status", "delivery", "message_id", "attempts", "error", "sent_at", "created_at", "updated_at" FROM `emails`;--> statement-breakpoint
DROP TABLE `emails`;--> statement-breakpoint
ALTER TABLE `__new_emails` RENAME TO `emails`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `emails_account_key_unique` ON `emails` (`account_id`,`key`);--> statement-breakpoint
CREATE INDEX `emails_account_idx` ON `emails` (`account_id`,`id`);