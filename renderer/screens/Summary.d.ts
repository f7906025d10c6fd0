import type { KioskBridge, SessionSummary } from '../../preload/contract';
export declare function Summary(props: {
    kiosk: KioskBridge;
    sessionId: string;
    initial: SessionSummary | null;
    onNew: () => void;
}): import("react").JSX.Element;
