CREATE TABLE `whatsapp_sink_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`wamid` text NOT NULL,
	`phone_number_id` text NOT NULL,
	`to_number` text NOT NULL,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_sink_messages_wamid_unique` ON `whatsapp_sink_messages` (`wamid`);