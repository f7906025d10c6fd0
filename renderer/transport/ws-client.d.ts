import type { KioskBridge } from '../../preload/contract';
export interface WsClientOptions {
    url: string;
    /** How long a request may wait for the socket to (re)open. */
    connectTimeoutMs?: number;
    /** How long a request may wait for its reply. */
    replyTimeoutMs?: number;
    WebSocketImpl?: typeof WebSocket;
}
export declare function createWsBridge(options: WsClientOptions): KioskBridge & {
    close(): void;
};
