export type CallPhase = 'connecting' | 'live' | 'reconnecting' | 'ended';
export declare function callPhase(pcState: RTCPeerConnectionState | 'none', dcState: RTCDataChannelState | 'none', ended: boolean): CallPhase;
export declare function callPhaseLabel(phase: CallPhase): string;
