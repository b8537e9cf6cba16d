CREATE TABLE `csat_survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`team_id` integer,
	`contact_id` integer NOT NULL,
	`assigned_agent_id` integer,
	`rating` integer NOT NULL,
	`feedback_message` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "csat_survey_responses_rating_check" CHECK("csat_survey_responses"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `csat_survey_responses_message_unique` ON `csat_survey_responses` (`account_id`,`conversation_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `csat_survey_responses_account_created_idx` ON `csat_survey_responses` (`account_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `inboxes` ADD `csat_survey_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `inboxes` ADD `reply_time` text DEFAULT 'in_a_few_minutes' NOT NULL;