/** An agent's private note that @mentions users or teams notifies them (Chatwoot's conversation_mention). */
import { mentionsAsText, notificationTitle, parseMentions } from "../domain/notifications";
import { accountObject } from "../durable/addresses";

/**
 * Notifies the users a private note mentions, and the members of the teams it mentions, except its
 * author; the Account object keeps only those who can see the conversation. Safe to repeat for the
 * same message. Returns how many notifications were stored.
 */
export async function notifyMentions(
  env: Env,
  input: { accountId: number; displayId: number; messageId: number; content: string; author: { id: number; name: string } },
): Promise<number> {
  const { userIds, teamIds } = parseMentions(input.content);
  if (userIds.length === 0 && teamIds.length === 0) return 0;
  const teamMemberIds =
    teamIds.length === 0
      ? []
      : (
          await env.DB.prepare(
            `select tm.user_id from team_members tm join teams t on t.id = tm.team_id
             where t.account_id = ? and t.id in (select value from json_each(?))`,
          )
            .bind(input.accountId, JSON.stringify(teamIds))
            .all<{ user_id: number }>()
        ).results.map((row) => row.user_id);
  const mentioned = [...new Set([...userIds, ...teamMemberIds])].filter((id) => id !== input.author.id);
  if (mentioned.length === 0) return 0;
  return accountObject(env, input.accountId).notify({
    key: `mention:${input.displayId}:${input.messageId}`,
    displayId: input.displayId,
    notificationType: "conversation_mention",
    title: notificationTitle("conversation_mention", {
      displayId: input.displayId,
      actorName: input.author.name,
      content: mentionsAsText(input.content),
    }),
    to: { userIds: mentioned },
  });
}
