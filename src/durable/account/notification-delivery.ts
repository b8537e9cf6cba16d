/**
 * Which stored notifications leave the account, and how: a push for a user who keeps the type's
 * push flag, an email for one who keeps its email flag and is not connected to /cable when it is
 * stored (Chatwoot mails agents who are away). The Account object decides, since it knows the flags
 * and who is connected; the `notifications.deliver` job sends (src/jobs/notification-delivery.ts).
 */
import type { NotificationFlags } from "../../domain/notifications";
import type { JobMessage } from "../../jobs/messages";
import type { NotificationRecord } from "./notifications";

export function notificationDeliveryJob(
  accountId: number,
  records: NotificationRecord[],
  flags: Map<number, NotificationFlags>,
  connectedUserIds: Set<number>,
): JobMessage | null {
  const notifications = records.flatMap((record) => {
    const userFlags = flags.get(record.userId);
    const push = userFlags?.push.includes(`push_${record.notificationType}`) ?? false;
    const email = (userFlags?.email.includes(`email_${record.notificationType}`) ?? false) && !connectedUserIds.has(record.userId);
    if (!push && !email) return [];
    return [
      {
        id: record.id,
        user_id: record.userId,
        notification_type: record.notificationType,
        display_id: record.displayId,
        title: record.title,
        created_at: record.createdAt,
        push,
        email,
      },
    ];
  });
  return notifications.length === 0 ? null : { type: "notifications.deliver", account_id: accountId, notifications };
}
