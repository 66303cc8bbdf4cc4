import { onBeforeUnmount, ref, type Ref } from 'vue'
import { audioContext } from '../rtc/media'
import { MeetingRecorder, downloadBlob, recorderSupported, type TileFrame } from '../rtc/recorder'
import { remoteAudioTracks } from '../call/call'

/** Records what the stage element shows; the file is downloaded when recording stops. */
export function useRecording(stage: Ref<HTMLElement | null>, room: () => string) {
  const recording = ref(false)
  const elapsed = ref(0)
  const supported = recorderSupported()
  let recorder: MeetingRecorder | null = null
  let clock: ReturnType<typeof setInterval> | null = null

  function tiles(): TileFrame[] {
    const root = stage.value
    if (!root) return []
    const box = root.getBoundingClientRect()
    if (!box.width || !box.height) return []
    return [...root.querySelectorAll<HTMLElement>('[data-tile]')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .map(({ el, r }) => ({
        video: el.querySelector('video'),
        x: (r.left - box.left) / box.width,
        y: (r.top - box.top) / box.height,
        w: r.width / box.width,
        h: r.height / box.height,
        label: el.dataset.label ?? '',
      }))
  }

  function start(): void {
    const ctx = audioContext()
    if (!supported || !ctx || recorder) return
    recorder = new MeetingRecorder({ tiles, audioTracks: remoteAudioTracks }, ctx)
    recorder.start()
    recording.value = true
    elapsed.value = 0
    clock = setInterval(() => (elapsed.value = Math.floor((Date.now() - (recorder?.startedAt ?? Date.now())) / 1000)), 500)
  }

  async function stop(): Promise<void> {
    const r = recorder
    if (!r) return
    recorder = null
    if (clock) clearInterval(clock)
    clock = null
    recording.value = false
    const blob = await r.stop()
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
    downloadBlob(blob, `confab-${room()}-${stamp}.webm`)
  }

  function toggle(): void {
    if (recording.value) void stop()
    else start()
  }

  onBeforeUnmount(() => void stop())
  return { recording, elapsed, supported, toggle }
}

export function formatDuration(secs: number): string {
  const h = Math.floor(secs / 3600)
  const m = Math.floor((secs % 3600) / 60)
  const s = secs % 60
  const mm = String(m).padStart(2, '0')
  const ss = String(s).padStart(2, '0')
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}
