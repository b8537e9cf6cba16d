DROP INDEX `inboxes_account_phone_unique`;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `whatsapp_config` text;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `whatsapp_templates` text;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `whatsapp_templates_synced_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `inboxes_account_channel_phone_unique` ON `inboxes` (`account_id`,`channel_type`,`phone_number`);--> statement-breakpoint
-- Hand-edited: drizzle-kit leaves out the ON DELETE of a column added with a reference.
ALTER TABLE `whatsapp_numbers` ADD `inbox_id` integer REFERENCES inboxes(id) ON DELETE SET NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_numbers_inbox_unique` ON `whatsapp_numbers` (`inbox_id`);