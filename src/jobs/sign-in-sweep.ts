/**
 * Cron: removes sessions that expired and password links past their expiry (used or not), so the
 * tables hold only what can still open something. An expired session is refused anyway; this only
 * keeps the rows from piling up.
 */
export async function sweepSignInRecords(env: Env, now: Date): Promise<number> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const [sessions, links] = await env.DB.batch([
    env.DB.prepare("delete from user_sessions where expires_at <= ?").bind(nowSeconds),
    env.DB.prepare("delete from password_tokens where expires_at <= ?").bind(nowSeconds),
  ]);
  return (sessions?.meta.changes ?? 0) + (links?.meta.changes ?? 0);
}
