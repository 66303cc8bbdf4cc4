/**
 * A tiny typed event emitter; `on` returns the function that removes the handler. A handler that
 * throws is reported and the others still run: one broken listener must not stop, say, the store
 * from learning that a join succeeded.
 */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly handlers = new Map<keyof Events, Set<Events[keyof Events]>>()

  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.handlers.get(event)
    if (!set) this.handlers.set(event, (set = new Set()))
    set.add(handler)
    return () => set.delete(handler)
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    // A snapshot: handlers added by a handler wait for the next emit.
    for (const h of [...(this.handlers.get(event) ?? [])]) {
      try {
        ;(h as (...a: Parameters<Events[K]>) => void)(...args)
      } catch (err) {
        console.error(`confab: a '${String(event)}' listener threw`, err)
      }
    }
  }

  clear(): void {
    this.handlers.clear()
  }
}
