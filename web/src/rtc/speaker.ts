/**
 * Picks the active speaker from audio levels (0..1) sampled a few times a second.
 * Levels are smoothed and a new speaker must stay loudest for `holdMs` before taking over,
 * so the spotlight does not flicker on coughs.
 */
export class ActiveSpeakerDetector {
  private readonly smoothed = new Map<string, number>()
  private current: string | null = null
  private candidate: string | null = null
  private candidateSince = 0
  private readonly threshold: number
  private readonly holdMs: number
  private readonly alpha: number

  constructor(opts: { threshold?: number; holdMs?: number; alpha?: number } = {}) {
    this.threshold = opts.threshold ?? 0.02
    this.holdMs = opts.holdMs ?? 900
    this.alpha = opts.alpha ?? 0.5
  }

  get speaker(): string | null {
    return this.current
  }

  level(id: string): number {
    return this.smoothed.get(id) ?? 0
  }

  /** Feed one sample of every participant's level; returns the active speaker. */
  update(levels: Map<string, number>, now: number): string | null {
    for (const id of [...this.smoothed.keys()]) if (!levels.has(id)) this.smoothed.delete(id)
    for (const [id, raw] of levels) {
      const prev = this.smoothed.get(id) ?? 0
      this.smoothed.set(id, prev + this.alpha * (raw - prev))
    }
    if (this.current && !levels.has(this.current)) this.current = null
    let loudest: string | null = null
    let max = this.threshold
    for (const [id, v] of this.smoothed) {
      if (v > max) {
        max = v
        loudest = id
      }
    }
    if (loudest === null || loudest === this.current) {
      this.candidate = null
      return this.current
    }
    if (this.current === null) {
      this.current = loudest
      this.candidate = null
      return this.current
    }
    if (this.candidate !== loudest) {
      this.candidate = loudest
      this.candidateSince = now
    } else if (now - this.candidateSince >= this.holdMs) {
      this.current = loudest
      this.candidate = null
    }
    return this.current
  }
}
