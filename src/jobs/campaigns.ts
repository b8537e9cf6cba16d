/**
 * One-off SMS campaigns at run time. The cron starts due campaigns (scheduled -> running, claimed
 * atomically), records one campaign_recipients row per contact of the audience with the message
 * rendered for them, and fans the contacts out as `campaign.send` jobs. The consumer claims each
 * pending row (pending -> sending) before calling the provider, so a redelivered job never sends
 * twice; the campaign completes when no row is pending or sending. The sweep resumes campaigns
 * whose jobs were lost.
 */
import { and, asc, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { type Database, openDatabase } from "../db/client";
import { inJsonList } from "../db/queries";
import { campaignRecipients, campaigns, inboxes, labels, type RecipientStatus } from "../db/schema";
import { renderTemplate } from "../domain/template-variables";
import { accountObject } from "../durable/addresses";
import type { CampaignContact } from "../durable/account/contacts";
import { enqueueJobs, type JobMessage } from "./messages";
import { sendSms } from "./send-sms";

/** Contacts per `campaign.send` job. */
const CAMPAIGN_SEND_BATCH = 50;
/** Contacts read from the Account object per call. */
const AUDIENCE_PAGE = 500;
/** Due campaigns started per cron run; the rest wait for the next minute. */
const STARTS_PER_RUN = 20;
/** A running campaign whose jobs went out this long ago gets its pending recipients sent again. */
const RESUME_AFTER_MS = 5 * 60_000;
/** A recipient claimed this long ago without a recorded answer: the outcome is unknown, and it is never sent again. */
const SENDING_GIVES_UP_AFTER_MS = 10 * 60_000;
/** Sends in flight at once within one job. */
const SEND_CONCURRENCY = 5;

type CampaignRow = typeof campaigns.$inferSelect;

export type CampaignSendJob = Extract<JobMessage, { type: "campaign.send" }>;

/** Starts every enabled one-off campaign whose time has come; returns how many this run started. */
export async function startDueCampaigns(env: Env, now: Date): Promise<number> {
  const db = openDatabase(env.DB);
  const due = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.campaignType, "one_off"), eq(campaigns.status, "scheduled"), eq(campaigns.enabled, true), lte(campaigns.scheduledAt, now)))
    .orderBy(asc(campaigns.scheduledAt))
    .limit(STARTS_PER_RUN);
  let started = 0;
  for (const { id } of due) {
    // Only one of two overlapping runs gets the row back.
    const [campaign] = await db
      .update(campaigns)
      // enqueuedAt now: the sweep leaves a start in progress alone for a while.
      .set({ status: "running", startedAt: now, enqueuedAt: now, updatedAt: now })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, "scheduled")))
      .returning();
    if (!campaign) continue;
    started++;
    try {
      await recordAudience(env, db, campaign, now);
    } catch (error) {
      // The campaign stays running without an audience; resumeStalledCampaigns records it later.
      console.error("campaign start failed", campaign.id, error);
    }
  }
  return started;
}

/**
 * Writes one recipient row per contact with any of the audience's labels and a phone number (a
 * contact already recorded keeps its row), sends them to the queue page by page, then marks the
 * audience recorded. Safe to run again for the same campaign.
 */
async function recordAudience(env: Env, db: Database, campaign: CampaignRow, now: Date): Promise<void> {
  const labelIds = (campaign.audience ?? []).filter((entry) => entry.type === "Label").map((entry) => entry.id);
  const titles =
    labelIds.length === 0
      ? []
      : (
          await db
            .select({ title: labels.title })
            .from(labels)
            .where(and(eq(labels.accountId, campaign.accountId), inJsonList(labels.id, labelIds)))
        ).map((row) => row.title);
  const account = accountObject(env, campaign.accountId);
  for (let afterId = 0; titles.length > 0; ) {
    const contacts = await account.campaignAudience(titles, afterId, AUDIENCE_PAGE);
    if (contacts.length === 0) break;
    await insertRecipients(db, campaign, contacts);
    await enqueueSends(
      env,
      campaign.id,
      contacts.map((contact) => contact.id),
    );
    afterId = contacts[contacts.length - 1]?.id ?? afterId;
    if (contacts.length < AUDIENCE_PAGE) break;
  }
  await db.update(campaigns).set({ audienceRecordedAt: now, enqueuedAt: now }).where(eq(campaigns.id, campaign.id));
  await completeIfDone(db, campaign.id, now);
}

/** One row per contact, the message rendered with its template variables; a message that renders empty fails at once. */
async function insertRecipients(db: Database, campaign: CampaignRow, contacts: CampaignContact[]): Promise<void> {
  const rows = contacts.flatMap((contact) => {
    if (!contact.phoneNumber) return [];
    const { text } = renderTemplate(campaign.message, {
      contact: {
        id: contact.id,
        name: contact.name,
        email: contact.email,
        phone_number: contact.phoneNumber,
        custom_attributes: contact.customAttributes,
      },
    });
    const body = text.trim();
    // A contact who answered STOP is never sent to: recorded as skipped, never pending.
    const error = contact.smsOptedOutAt
      ? `Skipped: the contact opted out of text messages (STOP) on ${contact.smsOptedOutAt}.`
      : body === ""
        ? "The message is empty for this contact."
        : null;
    const status: RecipientStatus = contact.smsOptedOutAt ? "skipped" : error === null ? "pending" : "failed";
    return [{ contact_id: contact.id, phone_number: contact.phoneNumber, body, status, error }];
  });
  if (rows.length === 0) return;
  // One statement per page, the rows as one JSON parameter (D1 binds at most 100 values).
  await db.run(sql`
    insert into ${campaignRecipients} (campaign_id, contact_id, phone_number, body, status, error)
    select ${campaign.id}, json_extract(value, '$.contact_id'), json_extract(value, '$.phone_number'),
           json_extract(value, '$.body'), json_extract(value, '$.status'), json_extract(value, '$.error')
    from json_each(${JSON.stringify(rows)}) where true
    on conflict (campaign_id, contact_id) do nothing`);
}

async function enqueueSends(env: Env, campaignId: number, contactIds: number[]): Promise<void> {
  const jobs: JobMessage[] = [];
  for (let i = 0; i < contactIds.length; i += CAMPAIGN_SEND_BATCH) {
    jobs.push({ type: "campaign.send", campaign_id: campaignId, contact_ids: contactIds.slice(i, i + CAMPAIGN_SEND_BATCH) });
  }
  await enqueueJobs(env.JOBS, jobs);
}

/** A running campaign with nothing pending or sending, and its audience recorded, is completed. */
async function completeIfDone(db: Database, campaignId: number, now: Date): Promise<void> {
  await db
    .update(campaigns)
    .set({ status: "completed", completedAt: now, updatedAt: now })
    .where(
      and(
        eq(campaigns.id, campaignId),
        eq(campaigns.status, "running"),
        sql`${campaigns.audienceRecordedAt} is not null`,
        sql`not exists (select 1 from ${campaignRecipients} where ${campaignRecipients.campaignId} = ${campaignId}
              and ${campaignRecipients.status} in ('pending', 'sending'))`,
      ),
    );
}

/**
 * The `campaign.send` consumer: sends the campaign's message to each listed contact whose row is
 * still pending, claiming the row first, and records the provider's answer (sid and status) or the
 * error. A contact already claimed, sent or failed is skipped, so running the same job twice sends
 * nothing twice.
 */
export async function sendCampaignBatch(env: Env, job: CampaignSendJob): Promise<void> {
  const db = openDatabase(env.DB);
  const [target] = await db
    .select({ status: campaigns.status, from: inboxes.phoneNumber, providerConfig: inboxes.providerConfig })
    .from(campaigns)
    .innerJoin(inboxes, eq(inboxes.id, campaigns.inboxId))
    .where(eq(campaigns.id, job.campaign_id));
  // Deleted, or finished already: nothing of it is pending.
  if (!target || target.status !== "running") return;
  const { from, providerConfig } = target;
  const queue = [...new Set(job.contact_ids)];
  const worker = async () => {
    for (let contactId = queue.shift(); contactId !== undefined; contactId = queue.shift()) {
      const now = new Date();
      const [recipient] = await db
        .update(campaignRecipients)
        .set({ status: "sending", claimedAt: now })
        .where(and(eq(campaignRecipients.campaignId, job.campaign_id), eq(campaignRecipients.contactId, contactId), eq(campaignRecipients.status, "pending")))
        .returning();
      if (!recipient) continue;
      const result =
        from && providerConfig
          ? await sendSms(env, providerConfig, { from, to: recipient.phoneNumber, body: recipient.body })
          : ({ ok: false, error: "The inbox has no SMS provider." } as const);
      await db
        .update(campaignRecipients)
        .set(
          result.ok
            ? { status: "sent", providerSid: result.sid, providerStatus: result.status, finishedAt: new Date() }
            : { status: "failed", error: result.error, finishedAt: new Date() },
        )
        .where(and(eq(campaignRecipients.id, recipient.id), eq(campaignRecipients.status, "sending")));
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  await completeIfDone(db, job.campaign_id, new Date());
}

/**
 * Catches running campaigns whose work was lost: records the audience of one whose start stopped
 * before that, gives up on recipients claimed long ago without an answer (failed: the message may or
 * may not have left, and it is never sent twice), sends the pending ones to the queue again, and
 * completes those with nothing left. Returns how many campaigns it resumed.
 */
export async function resumeStalledCampaigns(env: Env, now: Date): Promise<number> {
  const db = openDatabase(env.DB);
  const stale = new Date(now.getTime() - RESUME_AFTER_MS);
  const stalled = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.status, "running"), or(isNull(campaigns.enqueuedAt), lt(campaigns.enqueuedAt, stale))))
    .limit(STARTS_PER_RUN);
  for (const campaign of stalled) {
    try {
      if (campaign.audienceRecordedAt === null) {
        await recordAudience(env, db, campaign, now);
        continue;
      }
      await db
        .update(campaignRecipients)
        .set({ status: "failed", error: "No answer was recorded for this message; it may or may not have been sent.", finishedAt: now })
        .where(
          and(
            eq(campaignRecipients.campaignId, campaign.id),
            eq(campaignRecipients.status, "sending"),
            lt(campaignRecipients.claimedAt, new Date(now.getTime() - SENDING_GIVES_UP_AFTER_MS)),
          ),
        );
      const pending = await db
        .select({ contactId: campaignRecipients.contactId })
        .from(campaignRecipients)
        .where(and(eq(campaignRecipients.campaignId, campaign.id), eq(campaignRecipients.status, "pending")))
        .orderBy(asc(campaignRecipients.contactId));
      await enqueueSends(
        env,
        campaign.id,
        pending.map((row) => row.contactId),
      );
      await db.update(campaigns).set({ enqueuedAt: now }).where(eq(campaigns.id, campaign.id));
      await completeIfDone(db, campaign.id, now);
    } catch (error) {
      console.error("campaign resume failed", campaign.id, error);
    }
  }
  return stalled.length;
}
