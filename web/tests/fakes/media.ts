let seq = 0

export class FakeTrack {
  readonly id = `track-${++seq}`
  readonly kind: 'audio' | 'video'
  enabled = true
  readyState: 'live' | 'ended' = 'live'
  height: number
  constructor(kind: 'audio' | 'video', height = 720) {
    this.kind = kind
    this.height = height
  }
  stop() {
    this.readyState = 'ended'
  }
  getSettings() {
    return this.kind === 'video' ? { height: this.height } : {}
  }
}

export class FakeStream {
  readonly id: string
  private tracks: FakeTrack[] = []
  constructor(id = `stream-${++seq}`) {
    this.id = id
  }
  addTrack(t: FakeTrack) {
    if (!this.tracks.includes(t)) this.tracks.push(t)
  }
  removeTrack(t: FakeTrack) {
    this.tracks = this.tracks.filter((x) => x !== t)
  }
  getTracks() {
    return [...this.tracks]
  }
}

export const asTrack = (t: FakeTrack) => t as unknown as MediaStreamTrack
export const asStream = (s: FakeStream) => s as unknown as MediaStream
