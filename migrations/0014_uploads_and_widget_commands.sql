CREATE TABLE `account_storage` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `used_command_signatures` (
	`signature` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `used_command_signatures_expires_idx` ON `used_command_signatures` (`expires_at`);--> statement-breakpoint
-- Existing widgets get a key of their own (new ones get theirs from the application).
ALTER TABLE `chat_widgets` ADD `command_secret` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `chat_widgets` SET `command_secret` = lower(hex(randomblob(32)));