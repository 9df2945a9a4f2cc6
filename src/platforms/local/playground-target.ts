import type { DeliveryTarget } from '../../core/records.js';

/**
 * Where a playground job's result goes: nowhere to post — the page polls the job and reads its images through the
 * API — so its target holds no ids at all.
 */
export const playgroundTarget: DeliveryTarget = {};
