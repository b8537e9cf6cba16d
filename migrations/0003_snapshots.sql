CREATE TABLE `snapshot_loads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`snapshot_id` integer NOT NULL,
	`agency_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`on_conflict` text DEFAULT 'override' NOT NULL,
	`progress_done` integer DEFAULT 0 NOT NULL,
	`progress_total` integer DEFAULT 0 NOT NULL,
	`report` text NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshot_loads_snapshot_idx` ON `snapshot_loads` (`snapshot_id`);--> statement-breakpoint
CREATE INDEX `snapshot_loads_account_idx` ON `snapshot_loads` (`account_id`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`name` text NOT NULL,
	`source_account_id` integer NOT NULL,
	`assets` text NOT NULL,
	`contents` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshots_agency_idx` ON `snapshots` (`agency_id`);