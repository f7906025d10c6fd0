export { createKioskService, type KioskService, type KioskServiceDeps } from './service';
export { createDispatcher, payloadSize, type Dispatch } from './dispatch';
export { createEventEmitter, type KioskEventEmitter } from './events';
export { REQUEST_SCHEMAS } from './schemas';
export type { EmulatorHandleLike, EmulatorOptionsLike, StartEmulatorFn } from './emulator';
