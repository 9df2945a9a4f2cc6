import type { Requester } from '../../core/engine/engine-types.js';
import type { SlackContext, SlackOutbound } from './slack-context.js';

/**
 * Whether a member is a workspace admin or owner (`users.info`), for Delete and Cancel on someone else's turn and
 * for workspace settings. Asked only when it matters, and remembered for a while.
 */
export function createAdminCheck(
  context: Pick<SlackOutbound, 'clients' | 'settings' | 'logger'>,
): (user: string) => Promise<boolean> {
  const known = new Map<string, { admin: boolean; until: number }>();
  return async (user) => {
    const cached = known.get(user);
    if (cached && cached.until > Date.now()) return cached.admin;
    try {
      const info = await context.clients.listener.users.info({ user });
      const admin =
        info.user?.is_admin === true || info.user?.is_owner === true || info.user?.is_primary_owner === true;
      known.set(user, { admin, until: Date.now() + context.settings.adminCacheMs });
      return admin;
    } catch (error) {
      context.logger.warn(
        { platform: 'slack', user, err: error },
        'slack: users.info failed; treating the member as not an admin',
      );
      return false;
    }
  };
}

/** The requester, with admin rights looked up only when they act on someone else's work. */
export async function withAdminRights(
  context: Pick<SlackContext, 'isAdmin'>,
  requester: Requester,
  ownerId: string,
): Promise<Requester> {
  if (requester.memberId === ownerId) return requester;
  return { ...requester, isAdmin: await context.isAdmin(requester.memberId) };
}
