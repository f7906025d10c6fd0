import { type KioskBridge } from '../../preload/contract';
export declare function Settings(props: {
    kiosk: KioskBridge;
    onDone: () => void;
}): import("react").JSX.Element;
