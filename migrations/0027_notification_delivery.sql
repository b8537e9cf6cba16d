CREATE TABLE `notification_email_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`display_id` integer NOT NULL,
	`titles` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`sent_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_email_batches_open_idx` ON `notification_email_batches` (`account_id`,`user_id`,`display_id`) WHERE "notification_email_batches"."sent_at" is null;--> statement-breakpoint
CREATE TABLE `notification_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`subscription_type` text NOT NULL,
	`identifier` text NOT NULL,
	`attributes` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_subscriptions_user_identifier_idx` ON `notification_subscriptions` (`user_id`,`identifier`);--> statement-breakpoint
ALTER TABLE `account_users` ADD `active_at` integer;