CREATE TABLE `emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
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
	CONSTRAINT "emails_status_check" CHECK("emails"."status" in ('queued', 'sending', 'sent', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `emails_account_key_unique` ON `emails` (`account_id`,`key`);--> statement-breakpoint
CREATE INDEX `emails_account_idx` ON `emails` (`account_id`,`id`);