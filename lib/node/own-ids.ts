/** How many of its most recent submitted ids a node remembers, to look them up as its own by default. */
export const REMEMBERED_IDS = 65_536

/** The ids (hex) this node submitted most recently, oldest forgotten first. */
export class OwnIds {
  private readonly ids = new Set<string>()

  remember(id: string): void {
    this.ids.delete(id) // re-inserted as the newest
    this.ids.add(id)
    if (this.ids.size > REMEMBERED_IDS) this.ids.delete(this.ids.values().next().value as string)
  }

  has(id: string): boolean {
    return this.ids.has(id)
  }
}
