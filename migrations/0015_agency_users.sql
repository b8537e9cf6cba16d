ALTER TABLE `user_sessions` ADD `acting_account_id` integer REFERENCES accounts(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `users` ADD `agency_role` text;
