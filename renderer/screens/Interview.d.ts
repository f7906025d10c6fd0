import type { KioskBridge, SessionSummary, SessionView } from '../../preload/contract';
export declare function Interview(props: {
    kiosk: KioskBridge;
    session: SessionView;
    mic: MediaStream;
    onEnded: (summary: SessionSummary) => void;
    onBack: () => void;
}): import("react").JSX.Element;
