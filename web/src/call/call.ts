import { effectScope, markRaw, watch } from 'vue'
import { captureScreen, captureTrack } from '../rtc/media'
import { useLocalMedia, type LocalMedia } from '../composables/useLocalMedia'
import type { HostEvent, HostRequests } from '../rtc/protocol'
import { hasTurnServer } from '../rtc/mesh'
import { FINAL_STATUSES, MeetingSession } from '../rtc/session'
import { SignalingClient } from '../rtc/signaling'
import { ActiveSpeakerDetector } from '../rtc/speaker'
import { qualityBetween, sampleFromReport, type StatsSample } from '../rtc/stats'
import { useMeetingStore } from '../stores/meeting'
import { useSettingsStore } from '../stores/settings'
import { useUiStore } from '../stores/ui'
import { pinnedCameraPeer } from '../layout/tiles'

/**
 * The live call behind the meeting store: owns the session, the local tracks (`useLocalMedia`,
 * as in the lobby) and the polling loops (stats, active speaker). Everything here is released by
 * `leaveCall()`.
 */
export interface JoinOptions {
  room: string
  name: string
  audioTrack: MediaStreamTrack | null
  videoTrack: MediaStreamTrack | null
  audioOn: boolean
  password?: string
  /** A join token from the link (`/r/<room>?token=`). */
  token?: string
  /** TURN only (`relay=1`): no host or server-reflexive candidates, so peers never see our address. */
  relay?: boolean
}

interface Live {
  session: MeetingSession
  unbind: () => void
  timers: ReturnType<typeof setInterval>[]
  /** Our microphone and camera: the session sends them, this owns (and stops) them. */
  media: LocalMedia
  speaker: ActiveSpeakerDetector
  lastStats: Map<string, StatsSample>
}

let live: Live | null = null

declare global {
  interface Window {
    /** Debug hook for tests and troubleshooting (documented in web/README.md). */
    __confab?: {
      selfId(): string
      peerConnections(): Record<string, RTCPeerConnection>
      receiversByPeer(): Record<string, RTCRtpReceiver[]>
      mode(): 'mesh' | 'sfu'
    }
  }
}

export async function joinCall(opts: JoinOptions): Promise<void> {
  await leaveCall()
  const store = useMeetingStore()
  const session = new MeetingSession({
    signaling: new SignalingClient(),
    createPeerConnection: (config) => new RTCPeerConnection(config),
    createStream: () => new MediaStream(),
    iceTransportPolicy: opts.relay ? 'relay' : undefined,
  })
  const unbindStore = store.bind(session)
  const ui = useUiStore()
  // In an SFU room only the videos on screen are received (the others' consumers are paused).
  const stopVisibility = watch(
    () => ui.stage.visible,
    (ids) => session.setVisibleVideos(ids),
    { immediate: true },
  )
  // In an SFU room a pinned camera is received whoever speaks (sfu_pin); others follow last-N.
  const stopPins = watch(
    () => pinnedCameraPeer(ui.pinned),
    (peer) => session.setPinnedPeers(peer ? [peer] : []),
    { immediate: true },
  )
  // A detached scope: the call outlives the lobby that started it, so its tracks must not be
  // released with the lobby's component scope.
  const media = effectScope(true).run(() => useLocalMedia())!
  media.setAudio(opts.audioTrack)
  media.setVideo(opts.videoTrack)
  const stopPreview = watch(media.preview, (p) => (store.localCamera = p), { immediate: true, flush: 'sync' })
  const unbind = () => {
    stopVisibility()
    stopPins()
    stopPreview()
    unbindStore()
  }
  // Removed, meeting ended, not admitted, or a rejoin refused: release the devices and stop.
  session.on('status', (st) => {
    if (FINAL_STATUSES.includes(st) && live?.session === session) void Promise.resolve().then(() => dispose(false))
  })
  session.on('muteRequest', (by) => void muteByHost(by))
  session.on('activeSpeaker', (id) => {
    store.activeSpeaker = id === session.selfId ? 'self' : id
  })
  session.on('joined', (r) => {
    if (opts.relay && !hasTurnServer(r.ice_servers ?? [])) store.pushNotice('notice.relayWithoutTurn', {}, 'warning')
  })
  live = { session, unbind, timers: [], media, speaker: new ActiveSpeakerDetector(), lastStats: new Map() }
  window.__confab = {
    selfId: () => session.selfId,
    peerConnections: () => Object.fromEntries(session.mesh.peerConnections()),
    receiversByPeer: () => Object.fromEntries(session.receiversByPeer()),
    mode: () => session.mode,
  }
  if (opts.audioTrack) opts.audioTrack.enabled = opts.audioOn
  await session.setTrack('audio', opts.audioTrack)
  await session.setTrack('camera', opts.videoTrack)
  const audio = !!opts.audioTrack && opts.audioOn
  const video = !!opts.videoTrack
  store.setLocal({ audio, video, screen: false, hand: false })
  live.timers.push(setInterval(pollSpeaker, 300), setInterval(() => void pollStats(), 2000))
  try {
    await session.join(opts.room, opts.name || undefined, { audio, video, screen: false, hand: false }, {
      password: opts.password || undefined,
      token: opts.token || undefined,
    })
  } catch (err) {
    // Back to the lobby with the error shown; it captures the devices again.
    await dispose(false)
    throw err
  }
}

export async function leaveCall(): Promise<void> {
  await dispose(true)
}

async function dispose(reportLeft: boolean): Promise<void> {
  if (!live) return
  const l = live
  live = null
  l.timers.forEach(clearInterval)
  if (!reportLeft) l.unbind()
  await l.session.leave()
  l.media.release()
  for (const slot of ['screenVideo', 'screenAudio'] as const) l.session.track(slot)?.stop()
  l.unbind()
  delete window.__confab
  const store = useMeetingStore()
  store.localCamera = null
  store.localScreen = null
  store.reset()
}

/** The size of a remote video's tile (device pixels): the SFU sends the simulcast layer it needs. */
export function reportTileSize(tileId: string, width: number, height: number): void {
  live?.session.setVideoSize(tileId, width, height)
}

export async function toggleMic(): Promise<void> {
  const store = useMeetingStore()
  if (!live) return
  const { session: s, media } = live
  let track = media.audio.value
  const on = !store.local.audio
  if (on && !track) {
    track = await captureTrack('audio', useSettingsStore().micId || undefined)
    await s.setTrack('audio', track)
    media.setAudio(track)
  }
  if (track) track.enabled = on
  store.setLocal({ audio: on && !!track })
  await s.setFlags({ audio: on && !!track })
}

/** Camera off stops the device (its light goes out); on captures it again. */
export async function toggleCamera(): Promise<void> {
  const store = useMeetingStore()
  if (!live) return
  const { session: s, media } = live
  if (store.local.video) {
    await s.setTrack('camera', null)
    media.setVideo(null)
    store.setLocal({ video: false })
    await s.setFlags({ video: false })
  } else {
    const track = await captureTrack('video', useSettingsStore().cameraId || undefined)
    await s.setTrack('camera', track)
    media.setVideo(track)
    store.setLocal({ video: true })
    await s.setFlags({ video: true })
  }
}

/** Switches device mid-call with replaceTrack: no renegotiation, no gap for the others. */
export async function switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
  const settings = useSettingsStore()
  const store = useMeetingStore()
  if (kind === 'audio') settings.micId = deviceId
  else settings.cameraId = deviceId
  if (!live) return
  const { session: s, media } = live
  if (!(kind === 'audio' ? media.audio : media.video).value) return
  const track = await captureTrack(kind, deviceId)
  if (kind === 'audio') {
    track.enabled = store.local.audio
    await s.setTrack('audio', track)
    media.setAudio(track)
  } else {
    await s.setTrack('camera', track)
    media.setVideo(track)
  }
}

export async function toggleScreen(): Promise<void> {
  const store = useMeetingStore()
  const s = live?.session
  if (!s) return
  if (store.local.screen) return stopScreen()
  const stream = await captureScreen()
  const video = stream.getVideoTracks()[0]
  if (!video) return
  video.contentHint = 'detail'
  // The browser's own "Stop sharing" bar ends the track; treat it like our button.
  video.addEventListener('ended', () => void stopScreen(), { once: true })
  await s.setTrack('screenVideo', video)
  await s.setTrack('screenAudio', stream.getAudioTracks()[0] ?? null)
  store.localScreen = markRaw(new MediaStream([video]))
  store.setLocal({ screen: true })
  await s.setFlags({ screen: true })
}

async function stopScreen(): Promise<void> {
  const store = useMeetingStore()
  const s = live?.session
  if (!s || !store.local.screen) return
  const tracks = [s.track('screenVideo'), s.track('screenAudio')]
  store.setLocal({ screen: false })
  store.localScreen = null
  await s.setTrack('screenVideo', null)
  await s.setTrack('screenAudio', null)
  tracks.forEach((t) => t?.stop())
  await s.setFlags({ screen: false })
}

/** A host asked us to mute: the server cannot do it, so we do (and tell everyone with media_state). */
async function muteByHost(by: string): Promise<void> {
  const store = useMeetingStore()
  if (!live) return
  const s = live.session
  const wasOn = store.local.audio
  const track = live.media.audio.value
  if (track) track.enabled = false
  store.setLocal({ audio: false })
  store.pushNotice(wasOn ? 'notice.mutedByHost' : 'notice.stayMuted', { name: store.peers[by]?.name ?? '' }, 'warning')
  await s.setFlags({ audio: false })
}

/** A host control; throws a SignalingError (with the server's code) when refused. */
export async function hostAction<E extends HostEvent>(event: E, payload: HostRequests[E]): Promise<void> {
  if (!live) throw new Error('not in a meeting')
  await live.session.host(event, payload)
}

export async function toggleHand(): Promise<void> {
  const store = useMeetingStore()
  const hand = !store.local.hand
  store.setLocal({ hand })
  await live?.session.setFlags({ hand })
}

/** To everyone, or privately to the member `to`. */
export async function sendChat(text: string, to?: string): Promise<void> {
  if (!live) throw new Error('not in a meeting')
  await live.session.sendChat(text, to)
}

export function remoteAudioTracks(): MediaStreamTrack[] {
  const store = useMeetingStore()
  const tracks: MediaStreamTrack[] = []
  const mine = live?.media.audio.value
  if (mine && store.local.audio) tracks.push(mine)
  for (const p of store.peerList) {
    tracks.push(...(p.camera?.getAudioTracks() ?? []), ...(p.screenStream?.getAudioTracks() ?? []))
  }
  return tracks
}

function pollSpeaker(): void {
  // In an SFU room the server names the speaker (`activeSpeaker` below).
  if (!live || live.session.mode === 'sfu') return
  const store = useMeetingStore()
  const levels = new Map<string, number>()
  const own = store.local.audio ? live.media.level.value : 0
  levels.set('self', own)
  for (const [id, receivers] of live.session.receiversByPeer()) {
    let level = 0
    for (const r of receivers) {
      if (r.track.kind !== 'audio') continue
      for (const src of r.getSynchronizationSources()) level = Math.max(level, src.audioLevel ?? 0)
    }
    levels.set(id, store.peers[id]?.audio === false ? 0 : level)
  }
  store.activeSpeaker = live.speaker.update(levels, Date.now())
}

async function pollStats(): Promise<void> {
  if (!live) return
  const store = useMeetingStore()
  const l = live
  const reports = await l.session.statsByPeer()
  for (const [id, report] of reports) {
    const cur = sampleFromReport(report, Date.now())
    store.setQuality(id, qualityBetween(l.lastStats.get(id) ?? null, cur))
    l.lastStats.set(id, cur)
  }
  for (const id of [...l.lastStats.keys()]) if (!reports.has(id) || !store.peers[id]) l.lastStats.delete(id)
}
