// mediasoup-client behind a module of our own, imported dynamically by sfu.ts: its own chunk
// (named after this file), downloaded only when a room is in `sfu` mode.
export { Device } from 'mediasoup-client'
