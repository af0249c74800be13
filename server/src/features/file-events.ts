/**
 * Which files a watcher event touched since a moment of the start-up scan, so that a file the scan
 * read ahead of its turn is not stored over what the event already put in the index (a deleted file
 * coming back, a changed file getting its old text).
 */
export class FileEvents {
  private count = 0;
  private readonly lastEvent = new Map<string, number>();
  /** Deleted URIs with the event's number: a deleted folder arrives as one event for the folder. */
  private readonly deletions: Array<{ prefix: string; uri: string; at: number }> = [];

  /** The current moment, to pass to `touchedSince` later. */
  now(): number {
    return this.count;
  }

  /** Records an event for `uri` (a file, or for a deletion possibly a folder). */
  record(uri: string, deleted: boolean): void {
    const at = ++this.count;
    this.lastEvent.set(uri, at);
    if (deleted) this.deletions.push({ uri, prefix: uri.endsWith('/') ? uri : `${uri}/`, at });
  }

  /** Whether an event for `uri`, or the deletion of a folder holding it, came after moment `since`. */
  touchedSince(uri: string, since: number): boolean {
    if ((this.lastEvent.get(uri) ?? 0) > since) return true;
    return this.deletions.some((d) => d.at > since && (d.uri === uri || uri.startsWith(d.prefix)));
  }

  /** Forgets past events once no scan needs them. */
  clear(): void {
    this.lastEvent.clear();
    this.deletions.length = 0;
  }
}
