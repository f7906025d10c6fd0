// The Electron binding of the KioskApi: one invoke channel into the dispatcher, one event channel out.
// Each request is checked twice: the sender (our main window's main frame, our origin), then the payload (zod,
// in the dispatcher).
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type KioskResult } from '../../preload/contract';
import type { Dispatch } from '../core/api/dispatch';
import type { KioskEventEmitter } from '../core/api/events';
import { isTrustedSender } from './security';

export interface IpcRequest {
  method: string;
  payload?: unknown;
}

/** Pure: the handler body, with the sender already reduced to plain facts. */
export async function handleIpcRequest(
  dispatch: Dispatch,
  sender: { frameUrl: string | null; isMainFrame: boolean; webContentsId: number },
  mainWebContentsId: number | null,
  request: unknown,
): Promise<KioskResult<unknown>> {
  if (!isTrustedSender(sender, mainWebContentsId)) {
    return { ok: false, error: { code: 'invalid_request', message: 'This request did not come from the kiosk window and was refused.' } };
  }
  if (request === null || typeof request !== 'object' || typeof (request as IpcRequest).method !== 'string') {
    return { ok: false, error: { code: 'invalid_request', message: 'A request must be {method, payload}.' } };
  }
  const { method, payload } = request as IpcRequest;
  return dispatch(method, payload);
}

export function registerIpc(options: { ipcMain: IpcMain; window: BrowserWindow; dispatch: Dispatch; events: KioskEventEmitter }): () => void {
  const { ipcMain, window, dispatch, events } = options;
  const mainId = window.webContents.id;
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event: IpcMainInvokeEvent, request: unknown) => {
    const frame = event.senderFrame;
    return handleIpcRequest(
      dispatch,
      { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame === event.sender.mainFrame, webContentsId: event.sender.id },
      window.isDestroyed() ? null : mainId,
      request,
    );
  });
  const unsubscribe = events.onAny((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
  });
  return () => {
    ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
    unsubscribe();
  };
}
