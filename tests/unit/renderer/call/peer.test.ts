// The peer on its own: data channel before the offer, the mic's tracks added, the offer returned; a failure
// closes the peer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preparePeer } from '../../../../renderer/call/peer';
import { FakePeer, useFakeBrowser } from '../../../support/fake-browser';

useFakeBrowser();

describe('call peer', () => {
  it('creates the data channel first, adds the mic held (sending nothing) until released, and returns the offer', async () => {
    const tracks = [{ id: 'a' }, { id: 'b' }];
    const mic = { getAudioTracks: () => tracks } as unknown as MediaStream;
    const prepared = await preparePeer(mic);
    const pc = FakePeer.last;
    assert.equal(prepared.offerSdp, 'v=0 fake-offer');
    assert.equal(prepared.dc, pc.channel);
    assert.equal(pc.tracks, 2);
    assert.deepEqual(pc.senders.map((s) => s.track), [null, null], 'held: no audio before the call has its opening');
    await prepared.releaseMic();
    assert.deepEqual(pc.senders.map((s) => s.track), tracks, 'released: each sender sends its track');
    assert.equal(pc.closed, false);
  });

  it('closes the peer when the offer cannot be made', async () => {
    const mic = { getAudioTracks: () => [] } as unknown as MediaStream;
    const saved = FakePeer.prototype.createOffer;
    FakePeer.prototype.createOffer = async () => {
      throw new Error('no offer');
    };
    try {
      await assert.rejects(preparePeer(mic), /no offer/);
      assert.equal(FakePeer.last.closed, true);
    } finally {
      FakePeer.prototype.createOffer = saved;
    }
  });
});
