/** Local capture: environment checks, device access with readable failure reasons, level metering. */

export type MediaProblem =
  | 'no-webrtc'
  | 'insecure-context'
  | 'permission-denied'
  | 'not-found'
  | 'busy'
  | 'overconstrained'
  | 'unknown'

export class MediaAccessError extends Error {
  readonly problem: MediaProblem
  constructor(problem: MediaProblem, cause?: unknown) {
    super(problem)
    this.problem = problem
    this.cause = cause
  }
}

export interface Environment {
  isSecureContext: boolean
  hasGetUserMedia: boolean
  hasPeerConnection: boolean
}

export function currentEnvironment(): Environment {
  return {
    isSecureContext: globalThis.isSecureContext !== false,
    hasGetUserMedia: typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia,
    hasPeerConnection: typeof RTCPeerConnection !== 'undefined',
  }
}

/** The one problem that stops capture before we even ask, or null. */
export function environmentProblem(env: Environment): MediaProblem | null {
  // Off localhost over plain HTTP, browsers hide navigator.mediaDevices altogether.
  if (!env.isSecureContext) return 'insecure-context'
  if (!env.hasPeerConnection || !env.hasGetUserMedia) return 'no-webrtc'
  return null
}

export function classifyMediaError(err: unknown): MediaProblem {
  const name = (err as { name?: string } | null)?.name ?? ''
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'permission-denied'
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'not-found'
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy'
    case 'OverconstrainedError':
      return 'overconstrained'
    default:
      return 'unknown'
  }
}

export function audioConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  }
}

export function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30, max: 30 },
  }
}

/** One track of one kind; a vanished device (stale saved id) falls back to the default one. */
export async function captureTrack(kind: 'audio' | 'video', deviceId?: string): Promise<MediaStreamTrack> {
  const problem = environmentProblem(currentEnvironment())
  if (problem) throw new MediaAccessError(problem)
  const build = (id?: string) =>
    kind === 'audio' ? { audio: audioConstraints(id) } : { video: videoConstraints(id) }
  let stream: MediaStream
  try {
    stream = await navigator.mediaDevices.getUserMedia(build(deviceId))
  } catch (err) {
    const p = classifyMediaError(err)
    if (deviceId && (p === 'overconstrained' || p === 'not-found')) return captureTrack(kind)
    throw new MediaAccessError(p, err)
  }
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0]
  if (!track) throw new MediaAccessError('not-found')
  return track
}

export interface Devices {
  cameras: MediaDeviceInfo[]
  microphones: MediaDeviceInfo[]
}

export async function listDevices(): Promise<Devices> {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], microphones: [] }
  const all = await navigator.mediaDevices.enumerateDevices()
  return {
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId),
    microphones: all.filter((d) => d.kind === 'audioinput' && d.deviceId),
  }
}

export async function captureScreen(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getDisplayMedia) throw new MediaAccessError('no-webrtc')
  try {
    return await navigator.mediaDevices.getDisplayMedia({
      // No size hint: the screen is sent at its native resolution (text stays readable).
      video: { frameRate: { ideal: 15, max: 30 } },
      audio: true,
    })
  } catch (err) {
    throw new MediaAccessError(classifyMediaError(err), err)
  }
}

/** RMS level (0..1) of a track through an AnalyserNode; `stop()` disconnects everything. */
export class AudioLevelMeter {
  private readonly source: MediaStreamAudioSourceNode
  private readonly analyser: AnalyserNode
  private readonly buf: Float32Array<ArrayBuffer>

  constructor(ctx: AudioContext, track: MediaStreamTrack) {
    this.source = ctx.createMediaStreamSource(new MediaStream([track]))
    this.analyser = ctx.createAnalyser()
    this.analyser.fftSize = 512
    this.buf = new Float32Array(this.analyser.fftSize)
    this.source.connect(this.analyser)
  }

  level(): number {
    this.analyser.getFloatTimeDomainData(this.buf)
    let sum = 0
    for (const v of this.buf) sum += v * v
    return Math.min(1, Math.sqrt(sum / this.buf.length) * 3)
  }

  stop(): void {
    this.source.disconnect()
    this.analyser.disconnect()
  }
}

let sharedCtx: AudioContext | null = null
/** One AudioContext for the page; browsers limit how many may exist. */
export function audioContext(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null
  sharedCtx ??= new AudioContext()
  if (sharedCtx.state === 'suspended') void sharedCtx.resume().catch(() => {})
  return sharedCtx
}
