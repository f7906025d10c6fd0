// The call's connection state in the operator's words, from the peer connection and data channel states.
import { t } from '../i18n';

export type CallPhase = 'connecting' | 'live' | 'reconnecting' | 'ended';

export function callPhase(
  pcState: RTCPeerConnectionState | 'none',
  dcState: RTCDataChannelState | 'none',
  ended: boolean,
): CallPhase {
  if (ended) return 'ended';
  if (pcState === 'failed' || pcState === 'closed') return 'ended';
  if (pcState === 'disconnected') return 'reconnecting';
  // A closed event channel does not come back by itself (a new call is needed): the call is over.
  if (dcState === 'closing' || dcState === 'closed') return 'ended';
  if (pcState === 'connected' && dcState === 'open') return 'live';
  return 'connecting';
}

export function callPhaseLabel(phase: CallPhase): string {
  return t(`phase.${phase}`);
}
