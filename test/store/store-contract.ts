import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { consoleContract } from './store-contract-console.js';
import { jobsContract } from './store-contract-jobs.js';
import { ledgerContract } from './store-contract-ledger.js';
import { recordsContract } from './store-contract-records.js';

/** Where one test's data lives: a fresh place per test, and every store opened on it sees the same data. */
export interface StoreLocation {
  /** A new store on this test's data (the clock the store reads itself is fixed at 5,000). */
  open(): Promise<Store>;
  /** Removes the data (the stores are closed by then). */
  remove(): Promise<void>;
}

/** The whole `Store` contract, on the engine `locate` makes places for. */
export function describeStoreContract(engine: string, locate: () => Promise<StoreLocation>): void {
  describe(`${engine} store`, () => {
    let location: StoreLocation;
    const opened: Store[] = [];

    beforeEach(async () => {
      location = await locate();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await location.remove();
    });

    const open = async () => {
      const store = await location.open();
      opened.push(store);
      return store;
    };
    describe('conversations, turns and messages', () => recordsContract(open));
    describe('jobs and idempotency', () => jobsContract(open));
    describe('settings, usage and retention', () => ledgerContract(open));
    describe('lists', () => consoleContract(open));
  });
}
