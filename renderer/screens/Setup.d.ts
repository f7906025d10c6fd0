import type { CandidateView, KioskBridge, PositionView } from '../../preload/contract';
export declare function Setup(props: {
    kiosk: KioskBridge;
    onSettings: () => void;
    onContinue: (candidate: CandidateView, position: PositionView) => void;
}): import("react").JSX.Element;
