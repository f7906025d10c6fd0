import type { CandidateView, KioskBridge, PositionView, SessionView } from '../../preload/contract';
/** Faithful capture: Chromium's default processing (AGC) distorts the candidate's voice and the meter. */
export declare const MIC_CONSTRAINTS: MediaStreamConstraints;
export declare function Preflight(props: {
    kiosk: KioskBridge;
    candidate: CandidateView;
    position: PositionView;
    onBack: () => void;
    onStarted: (session: SessionView, mic: MediaStream) => void;
}): import("react").JSX.Element;
