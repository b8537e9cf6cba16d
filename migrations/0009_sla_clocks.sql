CREATE TABLE `applied_slas` (
	`account_id` integer NOT NULL,
	`display_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`sla_policy_id` integer NOT NULL,
	`sla_status` text NOT NULL,
	`frt_due_at` integer,
	`nrt_due_at` integer,
	`rt_due_at` integer,
	`next_deadline_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `display_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "applied_slas_status_check" CHECK("applied_slas"."sla_status" in ('active', 'active_with_misses', 'hit', 'missed'))
);
--> statement-breakpoint
CREATE INDEX `applied_slas_next_deadline_idx` ON `applied_slas` (`next_deadline_at`);--> statement-breakpoint
CREATE TABLE `sla_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`display_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`sla_policy_id` integer NOT NULL,
	`event_type` text NOT NULL,
	`period` integer DEFAULT 0 NOT NULL,
	`meta` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sla_events_event_type_check" CHECK("sla_events"."event_type" in ('frt', 'nrt', 'rt'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_events_miss_unique` ON `sla_events` (`account_id`,`display_id`,`event_type`,`period`);--> statement-breakpoint
CREATE INDEX `sla_events_account_created_idx` ON `sla_events` (`account_id`,`created_at`);