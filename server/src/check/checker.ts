/**
 * Checker: the findings of one file, from parsing, schema validation and every analyzer, with the
 * user's severity overrides applied. It caches per document and knows which documents a change can
 * affect, so an edit re-checks only the documents that read what changed; a document that only
 * moved within its file keeps its findings, re-placed.
 */
import { findingId, MAX_RELATED, type FaultReport, type Finding, type RelatedLocation } from '../model';
import type { Resource } from '../parse/resource';
import { fingerprintOf, nameKey, slotOf, type WorkspaceIndex, type IndexChange } from '../index/workspace-index';
import { otherVersionsRelated } from '../index/versions';
import { DependentCache } from '../index/dependent-cache';
import type { SchemaStore } from '../schema/catalogue';
import type { Settings } from '../settings';
import { ANALYZERS, analyzerFor } from '../analyzers/registry';
import { findingsOf, type Analyzer } from '../analyzers/analyzer';
import { placeholderOf } from '../parse/placeholders';
import { foundSchemaFindings } from '../parse/parsed-record';
import { hasSchema, schemaFindingsOf } from './schema-findings';
import { SetMap } from '../data';
import type { KeptFindings } from './kept-findings';

/**
 * A related location anchored to the document it points into: `start` and `end` are relative to
 * that document's start, so that it follows the document when the document moves.
 */
interface AnchoredLocation extends RelatedLocation {
  /** The document's number in its file; -1 when the location is outside every document (absolute offsets). */
  docIndex: number;
}

/** A finding with offsets relative to the start of its document, and anchored related locations. */
type DocumentFinding = Omit<Finding, 'related'> & { related?: AnchoredLocation[] };

interface CachedDocument {
  uri: string;
  fingerprint: string;
  schema: DocumentFinding[];
  analyzers: DocumentFinding[];
  /** Other files its findings show related locations in. */
  pointsAt: readonly string[];
}

const NONE: readonly string[] = [];

/** How a checker is used. */
export interface CheckerOptions {
  /**
   * True for a checker asked once for each file of a workspace that does not change (the CLI, a
   * fix's re-check): it keeps no findings and no dependencies, so `affectedBy` cannot be asked.
   */
  once?: boolean;
  /** Schema findings kept from an earlier session (see kept-findings.ts): asked before validating a document, and given what is validated. */
  kept?: KeptFindings;
}

const groupKind = (r: { group: string; kind: string }) => `${r.group}/${r.kind}`;

/** The analyzers by the group and kind they check; those for every kind under `*`. */
function byAppliesTo(analyzers: readonly Analyzer[]): Map<string, Analyzer[]> {
  const map = new Map<string, Analyzer[]>();
  for (const a of analyzers) for (const key of a.appliesTo === '*' ? ['*'] : a.appliesTo.map(groupKind)) map.set(key, [...(map.get(key) ?? []), a]);
  return map;
}

const CHECKED_FAMILIES = new Set(['istio', 'mesh-config', 'kubernetes']);

/** A finding whose range ends past the text (a parser error at the end of the file) is clamped to it. */
function insideText(f: Finding, length: number): Finding {
  if (f.start >= 0 && f.start <= f.end && f.end <= length) return f;
  const start = Math.min(Math.max(0, f.start), length);
  return { ...f, start, end: Math.min(Math.max(start, f.end), length) };
}

/** Appends related locations to a finding within MAX_RELATED, counting the rest as not listed. */
function addRelated(f: Finding, more: RelatedLocation[]): void {
  const room = Math.max(0, MAX_RELATED - (f.related?.length ?? 0));
  f.related = [...(f.related ?? []), ...more.slice(0, room)];
  if (more.length > room) f.relatedNotListed = (f.relatedNotListed ?? 0) + more.length - room;
}

export class Checker {
  /** Per document (see `slotOf`): its findings while its content and what it read are unchanged. */
  private readonly cache = new DependentCache<CachedDocument>((slot, doc) => {
    for (const uri of doc.pointsAt) this.pointingAt.delete(uri, slot);
  });
  /** A file to the documents whose findings show related locations in it, to publish again when it moves. */
  private readonly pointingAt = new SetMap<string, string>();
  private readonly analyzersByKind = byAppliesTo(ANALYZERS);
  /** Group to kind to the analyzers `analyzersFor` lists, kept per kind met: looked up without joining the two. */
  private readonly analyzersByGroup = new Map<string, Map<string, readonly Analyzer[]>>();
  /** How many documents have been checked since the checker was made, for tests of incrementality. */
  checkedDocuments = 0;
  /** How many of them were validated here, not by the parse thread or a cache, for tests. */
  validatedDocuments = 0;

  constructor(
    readonly index: WorkspaceIndex,
    readonly store: SchemaStore,
    private settings: Settings,
    /** Where exceptions from validation and analyzers go (the server's log, the CLI's stderr). */
    private readonly onError: (fault: FaultReport) => void = () => undefined,
    private readonly options: CheckerOptions = {},
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.cache.clear();
    this.pointingAt.clear();
  }

  /** The findings to show for a file (of its resources that `only` accepts); empty for files istio-egress does not own. */
  findings(uri: string, only?: (r: Resource) => boolean): Finding[] {
    const file = this.index.file(uri);
    if (!file || !file.owned) return [];
    const schema: Finding[] = [];
    const analyzers: Finding[] = [];
    for (const r of file.resources) {
      if (!CHECKED_FAMILIES.has(r.family) || (only && !only(r))) continue;
      const checked = this.checked(r);
      const base = r.document.start;
      for (const f of checked.schema) schema.push(this.place(f, base));
      for (const f of checked.analyzers) analyzers.push(this.place(f, base));
    }
    return this.applySeverity([...file.problems, ...schema, ...analyzers]).map((f) => insideText(f, file.text.length));
  }

  /**
   * `findings` without the analyzers': the file's syntax and schema findings, which its text alone decides. That is what a
   * file can show while the workspace is still being indexed: an analyzer's lookup may miss what a file not read yet
   * defines (a subset, a gateway), and even a rule of one resource may read its namespace, which a kustomization not
   * read yet may set.
   */
  syntaxAndSchemaFindings(uri: string): Finding[] {
    return this.findings(uri).filter((f) => analyzerFor(f.code) === undefined);
  }

  /**
   * Checks one resource of an indexed file, if its findings are not cached, so that a caller can
   * spread the work of a large file over several turns of the event loop before asking for `findings`.
   */
  prepare(r: Resource): void {
    if (CHECKED_FAMILIES.has(r.family) && this.index.file(r.uri)?.owned) this.checked(r);
  }

  /**
   * The documents whose findings may differ after `change`: every document whose analyzers looked up
   * something the change added, removed or edited; their caches are dropped. Returns the files to
   * publish again: the changed file, the files whose namespaces a kustomization change moved, those
   * documents' files, and the files that point into the changed one.
   */
  affectedBy(change: IndexChange): string[] {
    if (this.options.once) throw new Error('a checker made to check each file once knows no dependencies');
    const out = new Set<string>([change.uri, ...(change.reindexed ?? []), ...this.cache.changed(change, this.index)]);
    for (const slot of this.pointingAt.get(change.uri)) out.add(this.cache.get(slot)!.uri);
    return [...out];
  }

  private checked(r: Resource): CachedDocument {
    const slot = slotOf(r);
    const fingerprint = fingerprintOf(r);
    const cached = this.cache.get(slot);
    if (cached && cached.fingerprint === fingerprint) return cached;
    this.checkedDocuments++;
    const deps = new Set<string>();
    const pointsAt = new Set<string>();
    const doc: CachedDocument = {
      uri: r.uri,
      fingerprint,
      schema: this.documentSchemaFindings(r, pointsAt),
      analyzers: this.anchor(r, this.analyzerFindings(r, deps), pointsAt),
      pointsAt: pointsAt.size > 0 ? [...pointsAt] : NONE,
    };
    // A checker made for one pass keeps no dependencies.
    if (this.options.once) return doc;
    // The keys of every index lookup the analyzers made, interned by the index's tracked reader: thousands of documents read the same keys.
    this.cache.set(slot, doc, deps);
    for (const uri of pointsAt) this.pointingAt.add(uri, slot);
    return doc;
  }

  /**
   * The schema findings of `r` relative to its document: those kept for its file's text, else validated, and kept
   * unless validation reported a fault (the fault is reported again next time, and the findings may be partial).
   */
  private documentSchemaFindings(r: Resource, pointsAt: Set<string>): DocumentFinding[] {
    const kept = hasSchema(r) ? this.options.kept : undefined;
    const text = kept && this.index.file(r.uri)?.text;
    const found = text === undefined ? undefined : kept!.schemaFindings(r.uri, text, r.docIndex);
    if (found) return found as DocumentFinding[];
    // Found by the parse thread that read the file, from the same text.
    const parsed = foundSchemaFindings(r);
    if (parsed) {
      if (text !== undefined) kept!.keepSchemaFindings(r.uri, text, r.docIndex, parsed);
      return parsed as DocumentFinding[];
    }
    let faults = 0;
    if (hasSchema(r)) this.validatedDocuments++;
    const findings = this.anchor(
      r,
      schemaFindingsOf(r, this.store, (fault) => {
        faults++;
        this.onError(fault);
      }),
      pointsAt,
    );
    if (text !== undefined && faults === 0 && findings.every((f) => f.related === undefined)) kept!.keepSchemaFindings(r.uri, text, r.docIndex, findings);
    return findings;
  }

  /** Findings of `r` made relative to its document, with related locations anchored to theirs. */
  private anchor(r: Resource, findings: Finding[], pointsAt: Set<string>): DocumentFinding[] {
    const base = r.document.start;
    return findings.map((f) => {
      const placed: DocumentFinding = { ...f, start: f.start - base, end: f.end - base, related: undefined };
      if (f.related) {
        for (const l of f.related) if (l.uri !== r.uri) pointsAt.add(l.uri);
        placed.related = f.related.map((l) => this.anchorLocation(l));
      }
      return placed;
    });
  }

  private anchorLocation(l: RelatedLocation): AnchoredLocation {
    const docs = this.index.file(l.uri)?.documents ?? [];
    let doc;
    for (const d of docs) if (d.start <= l.start) doc = d;
    return doc ? { ...l, docIndex: doc.index, start: l.start - doc.start, end: l.end - doc.start } : { ...l, docIndex: -1 };
  }

  /** A cached finding at its document's current place, with related locations where their documents are now. */
  private place(f: DocumentFinding, base: number): Finding {
    const out: Finding = { ...f, start: f.start + base, end: f.end + base, related: undefined };
    if (f.related) {
      out.related = f.related.map(({ docIndex, ...l }) => {
        const doc = docIndex < 0 ? undefined : this.index.file(l.uri)?.documents[docIndex];
        return doc ? { ...l, start: l.start + doc.start, end: l.end + doc.start } : l;
      });
    } else delete out.related;
    return out;
  }

  private analyzerFindings(r: Resource, deps: Set<string>): Finding[] {
    const out: Finding[] = [];
    if (r.family === 'istio' && placeholderOf(r)) return out;
    // The index answers as this resource sees the workspace: its own version of each object, else the nearest.
    const ctx = { index: this.index.tracked(deps, r), settings: this.settings };
    for (const analyzer of this.analyzersFor(r)) {
      try {
        const found = findingsOf(analyzer, r, ctx);
        for (const f of found) out.push(f);
      } catch (error) {
        // One analyzer's bug must not take the others' findings with it.
        this.onError({ uri: r.uri, code: analyzer.code, error });
      }
    }
    if (out.length > 0) {
      // A finding on an object defined in several files says where the other versions are.
      deps.add(nameKey(r.group, r.kind, r.namespace, r.name));
      const versions = otherVersionsRelated(r, this.index.find(r.group, r.kind, r.namespace, r.name));
      if (versions.length > 0) for (const f of out) addRelated(f, versions);
    }
    return out;
  }

  /** The analyzers that check `r`: those of its group and kind, then those of every kind. */
  private analyzersFor(r: Resource): readonly Analyzer[] {
    const byKind = this.analyzersByGroup.get(r.group)?.get(r.kind);
    if (byKind) return byKind;
    const list = [...(this.analyzersByKind.get(groupKind(r)) ?? []), ...(this.analyzersByKind.get('*') ?? [])];
    let kinds = this.analyzersByGroup.get(r.group);
    if (!kinds) this.analyzersByGroup.set(r.group, (kinds = new Map()));
    kinds.set(r.kind, list);
    return list;
  }

  private applySeverity(findings: Finding[]): Finding[] {
    const overrides = this.settings.severity;
    if (Object.keys(overrides).length === 0) return findings;
    const out: Finding[] = [];
    for (const f of findings) {
      // A rule's own setting (`se-invalid/host-invalid`) wins over its analyzer's (`se-invalid`).
      const o = (f.rule && overrides[findingId(f)]) || overrides[f.code];
      if (o === 'off') continue;
      out.push(o ? { ...f, severity: o } : f);
    }
    return out;
  }
}
