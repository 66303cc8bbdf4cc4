import { computed, getCurrentScope, markRaw, onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { AudioLevelMeter, audioContext } from '../rtc/media'

/** What reads a microphone's level (0..1); `AudioLevelMeter` in a browser. */
export interface LevelSource {
  level(): number
  stop(): void
}

export interface LocalMediaOptions {
  /** How often the level is read, in ms. */
  levelIntervalMs?: number
  /** Builds the level source of a track, or null where there is no Web Audio. */
  meter?: (track: MediaStreamTrack) => LevelSource | null
}

function browserMeter(track: MediaStreamTrack): LevelSource | null {
  const ctx = audioContext()
  return ctx ? new AudioLevelMeter(ctx, track) : null
}

/**
 * The local microphone and camera, shared by the lobby and the call: the tracks held, a preview
 * stream of the camera, and the microphone's level read on a timer. A replaced track is stopped
 * (its device light goes out); `release` stops what is still held. Inside a component or an effect
 * scope, everything is released when the scope ends.
 */
export function useLocalMedia(opts: LocalMediaOptions = {}) {
  const makeMeter = opts.meter ?? browserMeter
  const audio = shallowRef<MediaStreamTrack | null>(null)
  const video = shallowRef<MediaStreamTrack | null>(null)
  const level = ref(0)
  let meter: LevelSource | null = null
  let timer: ReturnType<typeof setInterval> | null = null

  const preview = computed(() => (video.value ? markRaw(new MediaStream([video.value])) : null))

  function stopMeter(): void {
    if (timer) clearInterval(timer)
    timer = null
    meter?.stop()
    meter = null
    level.value = 0
  }

  function startMeter(track: MediaStreamTrack | null): void {
    stopMeter()
    meter = track ? makeMeter(track) : null
    if (!meter) return
    const m = meter
    timer = setInterval(() => (level.value = m.level()), opts.levelIntervalMs ?? 100)
  }

  /** Holds a new microphone track (or none), stopping the one before, and meters it. */
  function setAudio(track: MediaStreamTrack | null): void {
    if (audio.value && audio.value !== track) audio.value.stop()
    audio.value = track
    startMeter(track)
  }

  /** Holds a new camera track (or none), stopping the one before; the preview follows. */
  function setVideo(track: MediaStreamTrack | null): void {
    if (video.value && video.value !== track) video.value.stop()
    video.value = track
  }

  /** Gives the tracks away (the lobby to the call): they are no longer ours to stop. */
  function handOver(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    const tracks = { audio: audio.value, video: video.value }
    stopMeter()
    audio.value = null
    video.value = null
    return tracks
  }

  /** Stops the meter and every track still held. */
  function release(): void {
    setAudio(null)
    setVideo(null)
  }

  if (getCurrentScope()) onScopeDispose(release)

  return {
    audio: audio as Readonly<ShallowRef<MediaStreamTrack | null>>,
    video: video as Readonly<ShallowRef<MediaStreamTrack | null>>,
    preview,
    level: level as Readonly<Ref<number>>,
    setAudio,
    setVideo,
    handOver,
    release,
  }
}

export type LocalMedia = ReturnType<typeof useLocalMedia>
