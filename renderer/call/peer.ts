// The WebRTC peer of one Realtime call, up to a complete offer: the "oai-events" data channel first (the server
// opens none), the mic track, ICE gathered (non-trickle, bounded). Needs no session, so Start can run it while
// main creates the session.

/** How long to wait for Chromium's ICE gathering before sending the offer with what it has (non-trickle). */
const ICE_GATHERING_LIMIT_MS = 2000;

export interface PreparedPeer {
  pc: RTCPeerConnection;
  dc: RTCDataChannel;
  offerSdp: string;
  /** Starts sending the microphone (held until then; see preparePeer). */
  releaseMic: () => Promise<void>;
}

export async function preparePeer(mic: MediaStream): Promise<PreparedPeer> {
  const pc = new RTCPeerConnection(); // no ICE servers: host candidates only
  try {
    const dc = pc.createDataChannel('oai-events');
    // The microphone is held (a sender without a track sends no audio) until the call has its instructions and
    // context. Audio (SRTP) and the data channel (SCTP) are separate streams that nothing orders: on a loaded
    // machine the channel can open seconds after audio flows, and the service's voice detection would answer the
    // candidate with no context (a second greeting after a reconnect). Released after the opening events are sent.
    const held = mic.getAudioTracks().map((track) => ({ track, sender: pc.addTrack(track, mic) }));
    for (const { sender } of held) await sender.replaceTrack(null);
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, ICE_GATHERING_LIMIT_MS);
    performance.mark('kiosk:offer-ready');
    const offerSdp = pc.localDescription?.sdp;
    if (!offerSdp) throw new Error('The browser produced no connection offer. Please try again.');
    const releaseMic = async () => {
      for (const { track, sender } of held) if (pc.signalingState !== 'closed') await sender.replaceTrack(track);
    };
    return { pc, dc, offerSdp, releaseMic };
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
