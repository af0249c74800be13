/**
 * Where kubectl reads YAML differently from the `yaml` library (YAML 1.2), the document is adjusted to
 * kubectl's reading, so that validation sees what the API server would receive. kubectl and the API
 * server decode YAML with go-yaml v2 (through sigs.k8s.io/yaml), whose scanner ends a plain scalar at
 * `:` only when a blank follows (scannerc.go, yaml_parser_scan_plain_scalar). In a flow collection,
 * `[10.0.0.1, 2001:db8::]` is therefore two strings to kubectl, while YAML 1.2 reads the second item as
 * the map `{"2001:db8:": null}`. This module turns such items back into the string kubectl reads.
 *
 * YAML 1.1 booleans (`yes`, `no`, `on`, `off`, `y`, `n`) are the other known difference: go-yaml v2
 * reads an unquoted `on` as true. It is deliberately left as YAML 1.2 reads it (a string): Istio's
 * string fields that could hold such words are names and labels, where a boolean is rejected by the API
 * server with a clear message, and reading YAML 1.1 everywhere would also change octal and
 * sexagesimal numbers in ways go-yaml v2 does not.
 */
import { isMap, isScalar, Scalar, type YAMLSeq } from 'yaml';

/**
 * The items of a flow sequence as kubectl reads them, or undefined when it reads them as YAML 1.2 does:
 * items that kubectl reads as a plain string ending in ':' become that string (see `prepareTree` in parse.ts).
 */
export function kubectlItems(seq: YAMLSeq, text: string): unknown[] | undefined {
  let items: unknown[] | undefined;
  for (let i = 0; i < seq.items.length; i++) {
    const item = kubectlItem(seq.items[i], text);
    if (item === seq.items[i]) continue;
    items ??= seq.items.slice();
    items[i] = item;
  }
  return items;
}

/** A flow-sequence item as kubectl reads it: `2001:db8::` is one string, not a one-pair map. */
function kubectlItem(item: unknown, text: string): unknown {
  // An implicit pair (`[a: b]`) is a one-pair map that does not start with `{`.
  if (!isMap(item) || item.items.length !== 1 || !item.range || text[item.range[0]] === '{') return item;
  const [pair] = item.items;
  const key = pair.key;
  const value = pair.value;
  if (!isScalar(key) || key.type !== 'PLAIN' || !key.range || typeof key.source !== 'string') return item;
  if (value !== null && !(isScalar(value) && value.value === null && value.source === '')) return item;
  const colon = key.range[1];
  // Only `:` followed at once by a flow indicator: with a blank after it, both parsers read a pair.
  if (text[colon] !== ':' || !/[,\]}]/.test(text[colon + 1] ?? '')) return item;
  const scalar = new Scalar(`${key.source}:`);
  scalar.type = 'PLAIN';
  scalar.range = [key.range[0], colon + 1, colon + 1];
  return scalar;
}
