import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useLocalMedia, type LevelSource } from '../../src/composables/useLocalMedia'
import { FakeTrack, asTrack } from '../fakes/media'

class FakeMeter implements LevelSource {
  value = 0
  stopped = false
  constructor(readonly track: MediaStreamTrack) {}
  level() {
    return this.value
  }
  stop() {
    this.stopped = true
  }
}

describe('useLocalMedia', () => {
  let meters: FakeMeter[]
  const meter = (track: MediaStreamTrack) => {
    const m = new FakeMeter(track)
    meters.push(m)
    return m
  }

  beforeEach(() => {
    meters = []
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('meters the microphone on a timer; a new microphone stops the old track and meter', () => {
    const media = useLocalMedia({ meter, levelIntervalMs: 100 })
    const mic1 = new FakeTrack('audio')
    media.setAudio(asTrack(mic1))
    meters[0]!.value = 0.4
    expect(media.level.value).toBe(0)
    vi.advanceTimersByTime(100)
    expect(media.level.value).toBe(0.4)
    const mic2 = new FakeTrack('audio')
    media.setAudio(asTrack(mic2))
    expect(mic1.readyState).toBe('ended')
    expect(meters[0]!.stopped).toBe(true)
    expect(media.level.value).toBe(0)
    expect(meters[1]!.track).toBe(asTrack(mic2))
    meters[1]!.value = 0.2
    meters[0]!.value = 0.9
    vi.advanceTimersByTime(100)
    expect(media.level.value).toBe(0.2)
    // Setting the same track again keeps it live.
    media.setAudio(asTrack(mic2))
    expect(mic2.readyState).toBe('live')
  })

  it('the preview follows the camera; a replaced camera is stopped', () => {
    const media = useLocalMedia({ meter })
    expect(media.preview.value).toBeNull()
    const cam1 = new FakeTrack('video')
    media.setVideo(asTrack(cam1))
    const first = media.preview.value
    expect(first).not.toBeNull()
    const cam2 = new FakeTrack('video')
    media.setVideo(asTrack(cam2))
    expect(cam1.readyState).toBe('ended')
    expect(media.preview.value).not.toBe(first)
    media.setVideo(null)
    expect(cam2.readyState).toBe('ended')
    expect(media.preview.value).toBeNull()
  })

  it('handOver gives the tracks away live; release stops only what is still held', () => {
    const media = useLocalMedia({ meter })
    const mic = new FakeTrack('audio')
    const cam = new FakeTrack('video')
    media.setAudio(asTrack(mic))
    media.setVideo(asTrack(cam))
    expect(media.handOver()).toEqual({ audio: asTrack(mic), video: asTrack(cam) })
    expect(meters[0]!.stopped).toBe(true)
    expect(media.audio.value).toBeNull()
    media.release()
    expect([mic.readyState, cam.readyState]).toEqual(['live', 'live'])
    const mic2 = new FakeTrack('audio')
    media.setAudio(asTrack(mic2))
    media.release()
    expect(mic2.readyState).toBe('ended')
    expect(meters[1]!.stopped).toBe(true)
  })

  it('no level source (no Web Audio): the level stays 0 and nothing polls', () => {
    const media = useLocalMedia({ meter: () => null })
    media.setAudio(asTrack(new FakeTrack('audio')))
    expect(vi.getTimerCount()).toBe(0)
    expect(media.level.value).toBe(0)
  })

  it('inside a scope (a component), everything is released when the scope ends', () => {
    const scope = effectScope()
    const mic = new FakeTrack('audio')
    const cam = new FakeTrack('video')
    scope.run(() => {
      const media = useLocalMedia({ meter })
      media.setAudio(asTrack(mic))
      media.setVideo(asTrack(cam))
    })
    expect(vi.getTimerCount()).toBe(1)
    scope.stop()
    expect([mic.readyState, cam.readyState]).toEqual(['ended', 'ended'])
    expect(meters[0]!.stopped).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })
})
