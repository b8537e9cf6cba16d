ALTER TABLE `snapshot_loads` ADD `resent_at` integer;--> statement-breakpoint
CREATE INDEX `snapshot_loads_status_idx` ON `snapshot_loads` (`status`);