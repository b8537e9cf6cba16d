-- Hand-edited: drizzle-kit leaves out the ON DELETE of a column added with a reference.
ALTER TABLE `facebook_pages` ADD `inbox_id` integer REFERENCES inboxes(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `facebook_pages` ADD `page_access_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `facebook_pages_inbox_unique` ON `facebook_pages` (`inbox_id`);--> statement-breakpoint
ALTER TABLE `instagram_accounts` ADD `inbox_id` integer REFERENCES inboxes(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `instagram_accounts` ADD `access_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `instagram_accounts_inbox_unique` ON `instagram_accounts` (`inbox_id`);