CREATE TABLE `inbox_members` (
	`inbox_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`inbox_id`, `user_id`),
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbox_members_user_id_idx` ON `inbox_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `inboxes` (
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
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "inboxes_channel_type_check" CHECK("inboxes"."channel_type" in ('web_widget', 'api'))
);
--> statement-breakpoint
CREATE INDEX `inboxes_account_id_idx` ON `inboxes` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_inbox_identifier_unique` ON `inboxes` (`inbox_identifier`);--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_website_token_unique` ON `inboxes` (`website_token`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`team_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `team_members_user_id_idx` ON `team_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`allow_auto_assign` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_account_name_unique` ON `teams` (`account_id`,`name`);