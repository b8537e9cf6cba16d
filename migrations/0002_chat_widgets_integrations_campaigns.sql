CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`message` text NOT NULL,
	`inbox_id` integer NOT NULL,
	`sender_id` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`trigger_only_during_business_hours` integer DEFAULT false NOT NULL,
	`trigger_rules` text NOT NULL,
	`campaign_type` text DEFAULT 'ongoing' NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sender_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `campaigns_account_idx` ON `campaigns` (`account_id`);--> statement-breakpoint
CREATE INDEX `campaigns_inbox_idx` ON `campaigns` (`inbox_id`);--> statement-breakpoint
CREATE TABLE `chat_widgets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`widget_token` text NOT NULL,
	`inbox_id` integer,
	`whatsapp_number_id` integer,
	`facebook_page_id` integer,
	`instagram_account_id` integer,
	`voice_ai_agent_id` integer,
	`settings` text NOT NULL,
	`pre_chat_form` text NOT NULL,
	`snapshot_source` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`whatsapp_number_id`) REFERENCES `whatsapp_numbers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`facebook_page_id`) REFERENCES `facebook_pages`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`instagram_account_id`) REFERENCES `instagram_accounts`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`voice_ai_agent_id`) REFERENCES `voice_ai_agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `chat_widgets_account_idx` ON `chat_widgets` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `chat_widgets_token_unique` ON `chat_widgets` (`widget_token`);--> statement-breakpoint
CREATE UNIQUE INDEX `chat_widgets_snapshot_source_unique` ON `chat_widgets` (`account_id`,`snapshot_source`);--> statement-breakpoint
CREATE TABLE `custom_attribute_definitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`attribute_display_name` text NOT NULL,
	`attribute_key` text NOT NULL,
	`attribute_display_type` text NOT NULL,
	`attribute_model` text NOT NULL,
	`attribute_description` text,
	`attribute_values` text NOT NULL,
	`regex_pattern` text,
	`regex_cue` text,
	`default_value` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_attribute_definitions_unique` ON `custom_attribute_definitions` (`account_id`,`attribute_model`,`attribute_key`);--> statement-breakpoint
CREATE TABLE `facebook_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'connected' NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `facebook_pages_account_page_unique` ON `facebook_pages` (`account_id`,`page_id`);--> statement-breakpoint
CREATE TABLE `instagram_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`instagram_id` text NOT NULL,
	`username` text NOT NULL,
	`status` text DEFAULT 'connected' NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `instagram_accounts_account_ig_unique` ON `instagram_accounts` (`account_id`,`instagram_id`);--> statement-breakpoint
CREATE TABLE `voice_ai_agents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`phone_number` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `voice_ai_agents_account_idx` ON `voice_ai_agents` (`account_id`);--> statement-breakpoint
CREATE TABLE `whatsapp_numbers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`phone_number` text NOT NULL,
	`display_name` text,
	`status` text DEFAULT 'connected' NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_numbers_account_phone_unique` ON `whatsapp_numbers` (`account_id`,`phone_number`);