CREATE TABLE `account_purges` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`requested_at` integer DEFAULT (unixepoch()) NOT NULL,
	`enqueued_at` integer
);
--> statement-breakpoint
CREATE TABLE `account_users` (
	`account_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `user_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "account_users_role_check" CHECK("account_users"."role" in ('administrator', 'agent'))
);
--> statement-breakpoint
CREATE INDEX `account_users_user_id_idx` ON `account_users` (`user_id`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`name` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`country` text,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`business_name` text,
	`business_address` text,
	`business_phone` text,
	`support_email` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `accounts_agency_id_idx` ON `accounts` (`agency_id`);--> statement-breakpoint
CREATE TABLE `agencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agencies_token_id_unique` ON `agencies` (`token_id`);--> statement-breakpoint
CREATE TABLE `audit_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer,
	`account_id` integer,
	`actor_type` text NOT NULL,
	`actor_id` integer,
	`actor_name` text,
	`actor_email` text,
	`action` text NOT NULL,
	`auditable_type` text NOT NULL,
	`auditable_id` integer,
	`audited_changes` text NOT NULL,
	`remote_address` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_logs_account_idx` ON `audit_logs` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_logs_agency_idx` ON `audit_logs` (`agency_id`,`id`);--> statement-breakpoint
CREATE TABLE `dead_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_jobs_message_id_unique` ON `dead_jobs` (`message_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`token_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_token_id_unique` ON `users` (`token_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_agency_email_unique` ON `users` (`agency_id`,`email`);