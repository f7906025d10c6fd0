// The WebRTC peer of one Realtime call, up to a complete offer: the "oai-events" data channel first (the server
// opens none), the mic track, ICE gathered (non-trickle, bounded). Needs no session, so Start can run it while
// main creates the session.

/** How long to wait for Chromium's ICE gathering before sending the offer with what it has (non-trickle). */
const ICE_GATHERING_LIMIT_MS = 2000;

export interface PreparedPeer {
  pc: RTCPeerConnection;
  dc: RTCDataChannel;
  offerSdp: string;
}

export async function preparePeer(mic: MediaStream): Promise<PreparedPeer> {
  const pc = new RTCPeerConnection(); // no ICE servers: host candidates only
  try {
    const dc = pc.createDataChannel('oai-events');
    for (const track of mic.getAudioTracks()) pc.addTrack(track, mic);
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, ICE_GATHERING_LIMIT_MS);
    performance.mark('kiosk:offer-ready');
    const offerSdp = pc.localDescription?.sdp;
    if (!offerSdp) throw new Error('The browser produced no connection offer. Please try again.');
    return { pc, dc, offerSdp };
  } catch (error) {
    pc.close();
    throw error;
  }
}

export function waitForIceGathering(pc: RTCPeerConnection, limitMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, limitMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

/** Closes a peer and its channel, whatever state they are in. */
export function closeQuietly(pc: RTCPeerConnection, dc: RTCDataChannel): void {
  try {
    dc.close();
  } catch {
    /* already closed */
  }
  try {
    pc.close();
  } catch {
    /* already closed */
  }
}
