/**
 * Which workflow events the account listens for (its active rules' events, its webhooks'
 * subscriptions, every event when an inbox has its own listener), read from D1 once and kept until
 * one changes (`forget`) or, as a safety net, for a few minutes. What an event then means to them is
 * decided in src/domain/listeners.ts.
 */
import { accountHasInboxListeners } from "../../db/inbox-listeners";
import { AUTOMATION_TRIGGERS, type AutomationTrigger, WEBHOOK_EVENTS, type WebhookEvent } from "../../domain/events";
import type { WorkflowListeners } from "../../domain/listeners";
import { nowSeconds } from "../sqlite";

/** A safety net only: rule and webhook changes invalidate the listeners at once. */
const LISTENERS_CACHE_SECONDS = 300;

export class AccountWorkflowListeners {
  private cached: { value: WorkflowListeners; at: number } | null = null;

  constructor(
    private readonly env: Env,
    private readonly accountId: () => number,
  ) {}

  async get(): Promise<WorkflowListeners> {
    const now = nowSeconds();
    if (this.cached && now - this.cached.at <= LISTENERS_CACHE_SECONDS) return this.cached.value;
    const accountId = this.accountId();
    const [rules, hooks] = await this.env.DB.batch<{ name: string }>([
      this.env.DB.prepare("select distinct event_name as name from automation_rules where account_id = ? and active = 1").bind(accountId),
      this.env.DB.prepare(
        "select distinct subscription.value as name from webhooks, json_each(webhooks.subscriptions) as subscription where webhooks.account_id = ?",
      ).bind(accountId),
    ]);
    const value: WorkflowListeners = {
      automation: (rules?.results ?? [])
        .map((row) => row.name)
        .filter((name): name is AutomationTrigger => (AUTOMATION_TRIGGERS as readonly string[]).includes(name)),
      webhooks: (hooks?.results ?? []).map((row) => row.name).filter((name): name is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(name)),
    };
    // An inbox's agent bot or API callback URL hears every event of its inbox.
    if (await accountHasInboxListeners(this.env.DB, accountId)) value.webhooks = [...WEBHOOK_EVENTS];
    this.cached = { value, at: now };
    return value;
  }

  /** An automation rule, webhook or inbox listener of the account changed. */
  forget() {
    this.cached = null;
  }
}
