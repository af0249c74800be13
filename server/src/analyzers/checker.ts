/**
 * Checker: the findings of one file, from parsing, schema validation and every analyzer, with the
 * user's severity overrides applied. It caches per file and knows which files a change can affect,
 * so an edit re-checks only the files that read what changed.
 */
import type { FaultReport, Finding } from '../model';
import type { ParsedFile } from '../parse/parse';
import type { WorkspaceIndex, IndexChange } from '../index/workspace-index';
import type { SchemaStore } from '../schema/catalogue';
import type { Settings } from '../settings';
import { validateResource } from '../schema/validate';
import { ANALYZERS } from './registry';
import { findingsOf, type Analyzer } from './analyzer';

interface CachedFindings {
  file: ParsedFile;
  findings: Finding[];
  /** Dependency keys of every index lookup the analyzers made for this file. */
  deps: Set<string>;
}

function byAppliesTo(analyzers: readonly Analyzer[]): Map<string, Analyzer[]> {
  const map = new Map<string, Analyzer[]>();
  for (const a of analyzers) for (const kind of a.appliesTo) map.set(kind, [...(map.get(kind) ?? []), a]);
  return map;
}

/** A finding whose range ends past the text (a parser error at the end of the file) is clamped to it. */
function insideText(f: Finding, length: number): Finding {
  if (f.start >= 0 && f.start <= f.end && f.end <= length) return f;
  const start = Math.min(Math.max(0, f.start), length);
  return { ...f, start, end: Math.min(Math.max(start, f.end), length) };
}

export class Checker {
  private readonly cache = new Map<string, CachedFindings>();
  /** Dependency key to the files whose cached findings read it. */
  private readonly readers = new Map<string, Set<string>>();
  private readonly analyzersByKind = byAppliesTo(ANALYZERS);

  constructor(
    readonly index: WorkspaceIndex,
    readonly store: SchemaStore,
    private settings: Settings,
    /** Where exceptions from validation and analyzers go (the server's log, the CLI's stderr). */
    private readonly onError: (fault: FaultReport) => void = () => undefined,
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.cache.clear();
    this.readers.clear();
  }

  /** The findings to show for a file; empty for files istio-egress does not own. */
  findings(uri: string): Finding[] {
    const file = this.index.file(uri);
    if (!file || !file.owned) return [];
    const cached = this.cache.get(uri);
    if (cached && cached.file === file) return cached.findings;
    if (cached) this.forget(uri);
    const deps = new Set<string>();
    const raw = [...file.problems, ...this.schemaFindings(file), ...this.analyzerFindings(file, deps)];
    const findings = this.applySeverity(raw).map((f) => insideText(f, file.text.length));
    this.cache.set(uri, { file, findings, deps });
    for (const key of deps) {
      let set = this.readers.get(key);
      if (!set) this.readers.set(key, (set = new Set()));
      set.add(uri);
    }
    return findings;
  }

  private forget(uri: string): void {
    const cached = this.cache.get(uri);
    if (!cached) return;
    this.cache.delete(uri);
    for (const key of cached.deps) {
      const set = this.readers.get(key);
      set?.delete(uri);
      if (set?.size === 0) this.readers.delete(key);
    }
  }

  /**
   * The files whose findings may differ after `change`: the changed file, and every file whose
   * analyzers looked up something the change added, removed or edited. Their caches are dropped.
   */
  affectedBy(change: IndexChange): string[] {
    const out = new Set<string>([change.uri]);
    for (const key of change.keys) for (const uri of this.readers.get(key) ?? []) out.add(uri);
    for (const uri of out) this.forget(uri);
    return [...out];
  }

  private schemaFindings(file: ParsedFile): Finding[] {
    const out: Finding[] = [];
    for (const r of file.resources) {
      if (r.family !== 'istio' && r.family !== 'mesh-config') continue;
      try {
        out.push(...validateResource(r, this.store));
      } catch (error) {
        // Validation is defensive already; a failure here must not hide the rest of the file's findings.
        this.onError({ uri: file.uri, code: 'schema', error });
      }
    }
    return out;
  }

  private analyzerFindings(file: ParsedFile, deps: Set<string>): Finding[] {
    const out: Finding[] = [];
    const ctx = { index: this.index.tracked(deps), settings: this.settings };
    for (const r of file.resources) {
      if (r.family !== 'istio' && r.family !== 'mesh-config' && r.family !== 'kubernetes') continue;
      for (const analyzer of this.analyzersByKind.get(r.kind) ?? []) {
        try {
          out.push(...findingsOf(analyzer, r, ctx));
        } catch (error) {
          // One analyzer's bug must not take the others' findings with it.
          this.onError({ uri: file.uri, code: analyzer.code, error });
        }
      }
    }
    return out;
  }

  private applySeverity(findings: Finding[]): Finding[] {
    const overrides = this.settings.severity;
    if (Object.keys(overrides).length === 0) return findings;
    const out: Finding[] = [];
    for (const f of findings) {
      const o = overrides[f.code];
      if (o === 'off') continue;
      out.push(o ? { ...f, severity: o } : f);
    }
    return out;
  }
}
