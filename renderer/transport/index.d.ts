import type { KioskBridge } from '../../preload/contract';
declare global {
    interface Window {
        kiosk?: KioskBridge;
    }
}
export declare function kioskSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string;
export declare function getKiosk(): KioskBridge;
