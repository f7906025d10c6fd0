// What the operator reads about reviewers' decisions that cannot be uploaded now, and that the device's planner
// never takes them (they go as the reviewer only).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eligible, planNext } from '../../../main/core/sync/plan';
import { reviewerWaiting } from '../../../main/core/sync/reviewer';
import { describeQueue } from '../../../main/core/sync/local-data';

describe('reviewers\' decisions', () => {
  it('say in words what they wait for', () => {
    assert.equal(reviewerWaiting({ noReviewer: 0, notUploaded: 0, otherTenant: 0, signedOut: 0 }), null);
    assert.match(reviewerWaiting({ noReviewer: 1, notUploaded: 0, otherTenant: 0, signedOut: 0 })!, /^1 reviewer decision \(override or dismissal\) waits for a reviewer to sign in .*may not upload them\.$/);
    const both = reviewerWaiting({ noReviewer: 0, notUploaded: 2, otherTenant: 1, signedOut: 0 })!;
    assert.match(both, /2 reviewer decisions \(overrides or dismissals\) wait until the kiosk has uploaded the interview/);
    assert.match(both, /1 reviewer decision .* belongs to another company/);
    assert.match(reviewerWaiting({ noReviewer: 0, notUploaded: 0, otherTenant: 0, signedOut: 3 })!, /sign-in has ended; sign in again/);
  });

  it('are never planned for the device, even with their session on the server', () => {
    const items = [
      { id: 1, kind: 'override' as const, rowId: 'o', sessionId: 's', version: 1, sessionRemote: true },
      { id: 2, kind: 'dismissal' as const, rowId: 's', sessionId: 's', version: 1, sessionRemote: true },
    ];
    assert.ok(items.every((i) => !eligible(i)));
    assert.equal(planNext(items), null);
  });

  it('are named in the queue counts', () => {
    assert.equal(describeQueue({ total: 3, byKind: { override: 2, dismissal: 1 }, quarantined: 0 }), '2 reviewer overrides and 1 dismissal');
  });
});
