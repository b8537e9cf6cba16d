CREATE TABLE `meta_sink_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mid` text NOT NULL,
	`sender_id` text NOT NULL,
	`channel` text NOT NULL,
	`recipient_id` text NOT NULL,
	`messaging_type` text NOT NULL,
	`tag` text,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meta_sink_messages_mid_unique` ON `meta_sink_messages` (`mid`);