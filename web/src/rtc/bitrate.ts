/**
 * In a mesh every participant encodes once per peer, so the upstream grows with the room.
 * These caps keep a 6-person mesh inside a few Mbit/s and two cores.
 */
export interface VideoLimits {
  maxBitrate: number
  maxHeight: number
  maxFramerate: number
}

export function cameraLimits(roomSize: number): VideoLimits {
  if (roomSize <= 2) return { maxBitrate: 1_500_000, maxHeight: 720, maxFramerate: 30 }
  if (roomSize <= 3) return { maxBitrate: 900_000, maxHeight: 540, maxFramerate: 30 }
  if (roomSize <= 4) return { maxBitrate: 600_000, maxHeight: 360, maxFramerate: 24 }
  if (roomSize <= 6) return { maxBitrate: 300_000, maxHeight: 240, maxFramerate: 15 }
  return { maxBitrate: 200_000, maxHeight: 180, maxFramerate: 12 }
}

/** Screens keep their resolution (text must stay readable) and give up frame rate instead. */
export function screenLimits(roomSize: number): VideoLimits {
  if (roomSize <= 4) return { maxBitrate: 2_500_000, maxHeight: 2160, maxFramerate: 15 }
  return { maxBitrate: 1_200_000, maxHeight: 2160, maxFramerate: 8 }
}

export const AUDIO_MAX_BITRATE = 64_000

export interface EncodingCap {
  maxBitrate: number
  maxFramerate: number
  scaleResolutionDownBy: number
}

export function encodingFor(limits: VideoLimits, trackHeight: number | undefined): EncodingCap {
  const scale = trackHeight && trackHeight > limits.maxHeight ? trackHeight / limits.maxHeight : 1
  return {
    maxBitrate: limits.maxBitrate,
    maxFramerate: limits.maxFramerate,
    scaleResolutionDownBy: Math.round(scale * 100) / 100,
  }
}

/**
 * The camera through the SFU: three simulcast layers, lowest first (¼, ½ and the full picture,
 * at most 720 rows), each with its own bitrate cap and three temporal layers. The SFU forwards to
 * each subscriber the layer its tile needs, so the room size does not cap the publisher.
 */
export const SIMULCAST_MAX_HEIGHT = 720
export const SIMULCAST_BITRATES = [150_000, 500_000, 1_500_000] as const

export interface SimulcastEncoding {
  maxBitrate: number
  scaleResolutionDownBy: number
  scalabilityMode: 'L1T3'
}

export function simulcastEncodings(trackHeight: number | undefined): SimulcastEncoding[] {
  const top = trackHeight && trackHeight > SIMULCAST_MAX_HEIGHT ? trackHeight / SIMULCAST_MAX_HEIGHT : 1
  return SIMULCAST_BITRATES.map((maxBitrate, i) => ({
    maxBitrate,
    scaleResolutionDownBy: Math.round(top * 2 ** (SIMULCAST_BITRATES.length - 1 - i) * 100) / 100,
    scalabilityMode: 'L1T3',
  }))
}
