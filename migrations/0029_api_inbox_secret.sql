ALTER TABLE `inboxes` ADD `webhook_secret` text;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `inbox_id` integer REFERENCES inboxes(id) ON DELETE cascade;--> statement-breakpoint
-- Existing API inboxes get their callback secret now (32 random bytes, hex, as new ones get it).
UPDATE `inboxes` SET `webhook_secret` = lower(hex(randomblob(32))) WHERE `channel_type` = 'api' AND `webhook_secret` IS NULL;
