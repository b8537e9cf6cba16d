ALTER TABLE `emails` ADD `from_address` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `reply_to` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `headers` text;--> statement-breakpoint
ALTER TABLE `emails` ADD `attachments` text;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `email` text;--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_email_unique` ON `inboxes` (`email`);