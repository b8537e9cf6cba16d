/** Sends one SMS through an SMS inbox's provider (Twilio's Messages API); the answer, or why it failed, comes back as a value. */
import type { SmsProviderConfig } from "../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { type OutgoingSms, readTwilioAnswer, type SmsSendResult, twilioMessageRequest } from "../domain/sms-provider";

const PROVIDER_TIMEOUT_MS = 15_000;

export async function sendSms(env: Env, config: SmsProviderConfig, sms: OutgoingSms): Promise<SmsSendResult> {
  const { url, init } = twilioMessageRequest(config, sms);
  // Checked again at send time: the installation's setting may have changed since the inbox was saved.
  const destination = checkDestination(url, { allowPrivate: privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS) });
  if (!destination.ok) return { ok: false, error: `The provider's URL is not allowed: ${destination.message}` };
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    const answer = readTwilioAnswer(response.status, await response.text());
    return answer.ok ? answer : { ...answer, retryable: response.status === 429 || response.status >= 500 };
  } catch (error) {
    return { ok: false, error: `The provider could not be reached: ${error instanceof Error ? error.message : String(error)}`, retryable: true };
  }
}
