/**
 * Tests for `snippets/egress.code-snippets`: every snippet expands, with its default placeholder
 * values, to multi-document YAML that our whole checker passes without an error or a warning,
 * and its host placeholder really is linked everywhere the host appears.
 * The expander follows VS Code's snippet grammar (`snippetParser.ts`) closely enough to trust the
 * expansions; it does not implement transforms (`${1/regex/format/}`) and rejects them loudly.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { buildIndex } from '../analyzers/fixture-harness';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS, type Settings } from '../settings';

// Tests run from out/server/src/generate; the repository root is four levels up.
const SNIPPETS_FILE = path.resolve(__dirname, '..', '..', '..', '..', 'snippets', 'egress.code-snippets');

type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'placeholder'; index: number; children: SnippetNode[]; choices?: string[]; source: string }
  | { kind: 'variable'; name: string; children?: SnippetNode[] };

type Placeholder = Extract<SnippetNode, { kind: 'placeholder' }>;

/** Parses VS Code snippet syntax; text that is not valid syntax stays literal text, as in VS Code. */
function parseSnippet(src: string): SnippetNode[] {
  let pos = 0;
  const INT = /[0-9]+/y;
  const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;
  const take = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };

  /** Parses one element into `out`; false at the end of the input. */
  const parseOne = (out: SnippetNode[]): boolean => {
    if (pos >= src.length) return false;
    const ch = src[pos];
    if (ch === '\\') {
      const next = src[pos + 1];
      if (next === '$' || next === '}' || next === '\\') {
        out.push({ kind: 'text', value: next });
        pos += 2;
      } else {
        out.push({ kind: 'text', value: '\\' });
        pos += 1;
      }
      return true;
    }
    if (ch === '$' && parseDollar(out)) return true;
    out.push({ kind: 'text', value: ch });
    pos += 1;
    return true;
  };

  /** Children up to the closing `}`, or what was parsed when the input ends first. */
  const parseChildren = (): SnippetNode[] | { unterminated: SnippetNode[] } => {
    const children: SnippetNode[] = [];
    for (;;) {
      if (src[pos] === '}') {
        pos += 1;
        return children;
      }
      if (!parseOne(children)) return { unterminated: children };
    }
  };

  const parseChoices = (): string[] | undefined => {
    const options: string[] = [];
    for (;;) {
      let value = '';
      while (pos < src.length && src[pos] !== ',' && src[pos] !== '|') {
        const next = src[pos + 1];
        if (src[pos] === '\\' && (next === ',' || next === '|' || next === '\\')) {
          value += next;
          pos += 2;
        } else {
          value += src[pos];
          pos += 1;
        }
      }
      if (pos >= src.length || value === '') return undefined;
      options.push(value);
      if (src[pos] === ',') {
        pos += 1;
        continue;
      }
      pos += 1; // the closing '|'
      if (src[pos] !== '}') return undefined;
      pos += 1;
      return options;
    }
  };

  /** `$1`, `$name`, `${1}`, `${1:…}`, `${1|…|}`, `${name}`, `${name:…}`; false leaves `pos` unchanged. */
  const parseDollar = (out: SnippetNode[]): boolean => {
    const start = pos;
    pos += 1;
    const simpleIndex = take(INT);
    if (simpleIndex !== undefined) {
      out.push({ kind: 'placeholder', index: Number(simpleIndex), children: [], source: src.slice(start, pos) });
      return true;
    }
    const simpleName = take(NAME);
    if (simpleName !== undefined) {
      out.push({ kind: 'variable', name: simpleName });
      return true;
    }
    if (src[pos] !== '{') {
      pos = start;
      return false;
    }
    pos += 1;
    const index = take(INT);
    const name = index === undefined ? take(NAME) : undefined;
    if (index === undefined && name === undefined) {
      pos = start;
      return false;
    }
    const opener = src[pos];
    if (opener === '}') {
      pos += 1;
      out.push(
        index !== undefined ? { kind: 'placeholder', index: Number(index), children: [], source: src.slice(start, pos) } : { kind: 'variable', name: name! },
      );
      return true;
    }
    if (opener === ':') {
      pos += 1;
      const children = parseChildren();
      if (!Array.isArray(children)) {
        // VS Code's fallback for a missing `}`: the opening text, then whatever was parsed inside.
        out.push({ kind: 'text', value: `\${${index ?? name}:` }, ...children.unterminated);
        return true;
      }
      out.push(
        index !== undefined
          ? { kind: 'placeholder', index: Number(index), children, source: src.slice(start, pos) }
          : { kind: 'variable', name: name!, children },
      );
      return true;
    }
    if (opener === '|' && index !== undefined && Number(index) > 0) {
      pos += 1;
      const choices = parseChoices();
      if (choices) {
        out.push({ kind: 'placeholder', index: Number(index), children: [], choices, source: src.slice(start, pos) });
        return true;
      }
    }
    if (opener === '/') throw new Error(`Snippet transforms are not supported by this expander: ${src.slice(start, start + 40)}`);
    pos = start;
    return false;
  };

  const nodes: SnippetNode[] = [];
  while (parseOne(nodes));
  return nodes;
}

function* walk(nodes: SnippetNode[]): Generator<SnippetNode> {
  for (const n of nodes) {
    yield n;
    if (n.kind !== 'text' && n.children) yield* walk(n.children);
  }
}

interface ExpandOptions {
  /** Text typed into a placeholder, by index: every occurrence of that index gets it. */
  overrides?: Record<number, string>;
  /**
   * Values of variables such as TM_FILENAME; an unset variable expands to its default, or to nothing.
   * (VS Code inserts the name of a variable it does not know; ours should use only known ones.)
   */
  variables?: Record<string, string>;
}

/**
 * The text VS Code inserts for a snippet when the user accepts every default (or types `overrides`).
 * As in VS Code, the first placeholder of an index that has a value (in document order, outer
 * before inner) gives that value to every placeholder of the index, before or after it; a choice's
 * value is its first option; `$0` is the final cursor and inserts nothing unless it has a default.
 */
function expandSnippet(body: string, options: ExpandOptions = {}): string {
  const nodes = parseSnippet(body);
  const definitions = new Map<number, Placeholder>();
  for (const n of walk(nodes)) {
    if (n.kind === 'placeholder' && n.index !== 0 && !definitions.has(n.index) && (n.children.length > 0 || n.choices)) definitions.set(n.index, n);
  }
  const active = new Set<number>();
  const valueOf = (p: Placeholder): string => (p.choices ? p.choices[0] : expand(p.children));
  const expand = (list: SnippetNode[]): string =>
    list
      .map((n) => {
        if (n.kind === 'text') return n.value;
        if (n.kind === 'variable') return options.variables?.[n.name] ?? (n.children ? expand(n.children) : '');
        const override = options.overrides?.[n.index];
        if (override !== undefined) return override;
        const definition = n.index === 0 ? n : definitions.get(n.index);
        if (!definition) return '';
        // A placeholder nested in its own default (`${1:a ${1:b}}`) keeps its own text instead of recursing;
        // VS Code's result for that degenerate case differs, and no snippet should rely on it.
        if (active.has(n.index)) return valueOf(n);
        active.add(n.index);
        try {
          return valueOf(definition);
        } finally {
          active.delete(n.index);
        }
      })
      .join('');
  return expand(nodes);
}

/** The source text of every placeholder that carries a default, by index. */
function placeholderDefaults(body: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of walk(parseSnippet(body))) {
    if (n.kind === 'placeholder' && (n.children.length > 0 || n.choices)) out.set(n.index, [...(out.get(n.index) ?? []), n.source]);
  }
  return out;
}

function choicesOf(body: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of walk(parseSnippet(body))) if (n.kind === 'placeholder' && n.choices && !out.has(n.index)) out.set(n.index, n.choices);
  return out;
}

describe('snippet expander', () => {
  const cases: [string, string, string, ExpandOptions?][] = [
    ['plain text and the final tabstop', 'kind: ServiceEntry$0', 'kind: ServiceEntry'],
    ['a default fills its later mirrors', '${1:foo} and $1 and ${1}', 'foo and foo and foo'],
    ['a mirror before the definition takes its value too', '$1 then ${1:foo}', 'foo then foo'],
    ['the first definition wins over a later one', '${1:a} ${1:b}', 'a a'],
    ['a bare tabstop without a definition is empty', 'x$1y', 'xy'],
    ['nested defaults, outer before inner', '${1:outer ${2:inner}} $2', 'outer inner inner'],
    ['the outer definition of a nested index wins', '${1:x ${2:a}} ${2:b}', 'x a a'],
    ['a choice expands to its first option, mirrors too', '${1|DNS,NONE|} $1', 'DNS DNS'],
    ['escapes inside a choice', '${1|a\\,b,c\\|d,e\\\\f|}', 'a,b'],
    ['escapes in text', '\\$1 \\} \\\\ \\x', '$1 } \\ \\x'],
    ['an escaped brace inside a default', '${1:a\\}b} $1', 'a}b a}b'],
    ['a lone closing brace at top level is text', 'a}b', 'a}b'],
    ['a dollar that starts nothing is text', 'cost $ 5 ${ x} ${-1}', 'cost $ 5 ${ x} ${-1}'],
    ['an unterminated placeholder becomes text plus its content', 'a ${1:b ${2:c}', 'a ${1:b c'],
    ['an unterminated choice is text', '${1|a,b', '${1|a,b'],
    ['an empty choice option makes the choice text', '${1|a,,b|}', '${1|a,,b|}'],
    ['$0 cannot be a choice', '${0|a,b|}', '${0|a,b|}'],
    ['a final tabstop with a default inserts it', 'x${0:end}', 'xend'],
    ['multi-digit indexes', '${12:twelve} $12 $1', 'twelve twelve '],
    ['a tabstop directly followed by text', '${1:x}$1a', 'xxa'],
    ['unset variables expand to nothing or their default', '[$TM_FILENAME][${TM_FILENAME}][${TM_FILENAME:x.yaml}]', '[][][x.yaml]'],
    ['set variables expand to their value', '[$TM_FILENAME][${TM_FILENAME:x.yaml}]', '[a.yaml][a.yaml]', { variables: { TM_FILENAME: 'a.yaml' } }],
    ['a placeholder inside a variable default', '${TM_FILENAME:${1:x}} $1', 'x x'],
    ['an override replaces every occurrence', '${1:foo} $1 ${1:foo}', 'bar bar bar', { overrides: { 1: 'bar' } }],
    ['an override drops nested placeholders but not their mirrors', '${1:a ${2:b}} $2', 'z b', { overrides: { 1: 'z' } }],
    ['an override may pick any text for a choice', '${1|DNS,NONE|} $1', 'STATIC STATIC', { overrides: { 1: 'STATIC' } }],
  ];
  for (const [name, body, expected, options] of cases) {
    test(name, () => assert.equal(expandSnippet(body, options), expected));
  }
  test('a placeholder nested in its own default does not loop', () => {
    assert.equal(typeof expandSnippet('${1:x ${1:y}} $1'), 'string');
  });
  test('transforms are refused, not silently mis-expanded', () => {
    assert.throws(() => expandSnippet('${1:a} ${1/a/b/g}'), /transforms are not supported/);
  });
});

interface Snippet {
  prefix: string | string[];
  description?: string;
  body: string | string[];
}

const snippets = Object.entries(JSON.parse(fs.readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, Snippet>).map(([title, s]) => ({
  title,
  prefixes: [s.prefix].flat(),
  prefix: [s.prefix].flat()[0],
  description: s.description ?? '',
  body: [s.body].flat().join('\n'),
}));

/** Every egress pattern has its snippet; more are welcome, and the tests below cover them all. */
const PATTERNS = [
  'egress-serviceentry-http',
  'egress-serviceentry-https',
  'egress-serviceentry-wildcard',
  'egress-virtualservice-timeout',
  'egress-sidecar-tls-origination',
  'egress-sidecar-mtls-origination',
  'egress-gateway-http',
  'egress-gateway-passthrough',
  'egress-gateway-tls-origination',
  'egress-gateway-mtls-origination',
  'egress-gateway-wildcard',
  'egress-externalname-service',
  'egress-https-proxy',
  'egress-networkpolicy',
  'egress-registry-only-istiooperator',
  'egress-registry-only-configmap',
  'egress-sidecar-outbound-policy',
  'egress-direct-ip-ranges',
];

/** Snippets with no external host: every other snippet's `$1` is the host. */
const WITHOUT_HOST = new Set([
  'egress-networkpolicy',
  'egress-registry-only-istiooperator',
  'egress-registry-only-configmap',
  'egress-sidecar-outbound-policy',
  'egress-direct-ip-ranges',
]);

/** Plain Kubernetes resources the checker does not own, so only their YAML is checked. */
const NOT_OWNED = new Set(['egress-networkpolicy', 'egress-direct-ip-ranges']);

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/;
const store = loadSchemaStore();
const REGISTRY_ONLY: Settings = { ...DEFAULT_SETTINGS, outboundTrafficPolicy: 'REGISTRY_ONLY' };

function check(name: string, text: string, settings: Settings) {
  const files = new Map([[`${name}.yaml`, text]]);
  const { index, parsed } = buildIndex(files);
  const findings = new Checker(index, store, settings).findings(`file:///ws/${name}.yaml`);
  const at = (offset: number) => text.slice(0, offset).split('\n').length;
  return {
    owned: parsed.get(`${name}.yaml`)!.owned,
    loud: findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `line ${at(f.start)}: ${f.severity} ${f.code}: ${f.message}`),
    errors: findings.filter((f) => f.severity === 'error').map((f) => `line ${at(f.start)}: ${f.code}: ${f.message}`),
  };
}

const numbered = (text: string) =>
  text
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)}  ${l}`)
    .join('\n');

/** The block-key lines a sequence belongs to must sit at the same column as its dashes (Istio's docs style). */
function styleProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  let inBlockScalar = -1;
  lines.forEach((line, i) => {
    const indent = line.length - line.trimStart().length;
    if (inBlockScalar >= 0 && (line.trim() === '' || indent > inBlockScalar)) return;
    inBlockScalar = -1;
    if (/\t/.test(line)) problems.push(`line ${i + 1}: tab`);
    if (indent % 2 !== 0) problems.push(`line ${i + 1}: odd indentation`);
    if (/:\s*[|>][-+]?\s*$/.test(line)) inBlockScalar = indent;
    const dash = /^( *)- /.exec(line);
    const previous = i > 0 ? /^( *)((?:- )*)[^\s#-][^#]*:\s*$/.exec(lines[i - 1]) : null;
    if (dash && previous && dash[1].length !== previous[1].length + previous[2].length) problems.push(`line ${i + 1}: sequence indented under its key`);
  });
  return problems;
}

test('the snippet file is plain JSON whose prefixes are unique, start with egress- and cover every pattern', () => {
  assert.ok(snippets.length >= PATTERNS.length);
  const all = snippets.flatMap((s) => s.prefixes);
  assert.deepEqual(
    all.filter((p, i) => all.indexOf(p) !== i),
    [],
    'duplicate prefixes',
  );
  assert.deepEqual(
    PATTERNS.filter((p) => !all.includes(p)),
    [],
    'patterns without a snippet',
  );
  assert.ok(all.includes('egress-serviceentry-https'), 'the editor tests insert egress-serviceentry-https');
});

test("the NetworkPolicy and Deployment snippets check clean beside an egress gateway, as in Istio's network-policy task", () => {
  // Alone they are plain Kubernetes files the checker does not own; beside Istio config it reads them.
  const bySnippet = (prefix: string, overrides?: Record<number, string>) =>
    expandSnippet(snippets.find((s) => s.prefix === prefix)!.body, { overrides }).trimEnd();
  const text =
    [bySnippet('egress-gateway-passthrough'), bySnippet('egress-networkpolicy', { 1: 'default' }), bySnippet('egress-direct-ip-ranges')].join('\n---\n') + '\n';
  for (const settings of [DEFAULT_SETTINGS, REGISTRY_ONLY]) {
    const result = check('network-policy', text, settings);
    assert.ok(result.owned);
    assert.deepEqual(result.loud, [], `${result.loud.join('\n')}\n\n${numbered(text)}`);
  }
});

for (const s of snippets) {
  describe(`snippet ${s.prefix}`, () => {
    const yaml = expandSnippet(s.body);
    const defaults = placeholderDefaults(s.body);

    test('has an egress- prefix and a description', () => {
      for (const p of s.prefixes) assert.match(p, /^egress-[a-z0-9-]+$/);
      assert.ok(s.description.trim().length > 0, `${s.title} has no description`);
    });

    test('linked placeholders agree on their default', () => {
      for (const [index, sources] of defaults) assert.equal(new Set(sources).size, 1, `placeholder ${index} has different defaults: ${sources.join(' vs ')}`);
    });

    test('expands to multi-document YAML in Istio docs style', () => {
      const docs = YAML.parseAllDocuments(yaml);
      for (const d of docs)
        assert.deepEqual(
          [...d.errors, ...d.warnings].map((e) => e.message),
          [],
        );
      assert.equal(docs.length, yaml.split('\n').filter((l) => l === '---').length + 1, 'one document between each pair of --- lines');
      for (const d of docs) {
        const value = d.toJS();
        assert.ok(value && typeof value.apiVersion === 'string' && typeof value.kind === 'string', `a document without apiVersion and kind:\n${String(d)}`);
        if (value.apiVersion.startsWith('networking.istio.io/')) assert.equal(value.apiVersion, 'networking.istio.io/v1');
      }
      assert.deepEqual(styleProblems(yaml), []);
    });

    test('passes the checker with no error or warning, under ALLOW_ANY and REGISTRY_ONLY', () => {
      for (const settings of [DEFAULT_SETTINGS, REGISTRY_ONLY]) {
        const result = check(s.prefix, yaml, settings);
        assert.ok(result.owned || NOT_OWNED.has(s.prefix), 'the checker does not own this snippet; list it in NOT_OWNED if that is expected');
        assert.deepEqual(result.loud, [], `${settings.outboundTrafficPolicy}:\n${result.loud.join('\n')}\n\n${numbered(yaml)}`);
      }
    });

    test('every choice it offers passes the checker without an error', () => {
      for (const [index, options] of choicesOf(s.body)) {
        for (const option of options) {
          const { errors } = check(s.prefix, expandSnippet(s.body, { overrides: { [index]: option } }), DEFAULT_SETTINGS);
          assert.deepEqual(errors, [], `with \${${index}} = ${option}:\n${errors.join('\n')}`);
        }
      }
    });

    const host = defaults.get(1)?.[0] && expandSnippet(defaults.get(1)![0]);
    if (WITHOUT_HOST.has(s.prefix)) {
      test('has no external host in $1', () => assert.ok(!host || !HOST.test(host), `$1 is the host ${host}: remove ${s.prefix} from WITHOUT_HOST`));
      return;
    }

    test('the host typed in $1 fills every resource', () => {
      assert.ok(host && HOST.test(host), `$1 should be the external host, not ${host}`);
      // Other host placeholders (the one host serving a wildcard) move to the same domain.
      const typedFor = (h: string) => (h.startsWith('*.') ? '*.example.org' : h.startsWith('www.') ? 'www.example.org' : 'api.example.org');
      const overrides: Record<number, string> = {};
      for (const [index, [source]] of defaults) {
        const value = expandSnippet(source);
        if (HOST.test(value)) overrides[index] = typedFor(value);
      }
      const renamed = expandSnippet(s.body, { overrides });
      assert.ok(!renamed.includes(host), `the default host ${host} is left over:\n${renamed}`);
      assert.equal(renamed.split(overrides[1]).length, yaml.split(host).length, 'the typed host replaces each occurrence of the default');
      const { loud } = check(s.prefix, renamed, DEFAULT_SETTINGS);
      assert.deepEqual(loud, [], `with the hosts typed:\n${loud.join('\n')}\n\n${numbered(renamed)}`);
    });

    test('no default of the host or the name is written out literally', () => {
      // Type a marker into every placeholder: what remains of the defaults is literal text.
      const overrides = Object.fromEntries([...defaults.keys()].map((i) => [i, `<${i}>`]));
      const literal = expandSnippet(s.body, { overrides }).replace(/(^|\s)#.*$/gm, '');
      for (const index of [1, 2]) {
        const value = defaults.get(index) && expandSnippet(defaults.get(index)![0]);
        if (value)
          assert.ok(
            !new RegExp(`(^|[^a-z0-9-])${value.replace(/[.*]/g, '\\$&')}($|[^a-z0-9-])`).test(literal),
            `"${value}" (placeholder ${index}) is also written literally:\n${literal}`,
          );
      }
    });
  });
}
