// Runs every Cypher statement of the project through Neo4j's own front end, offline. The
// statements are read as the service builds them: the `cypher!` declarations of
// src/graph/cypher.rs name the files each statement concatenates (a Rust test checks every
// file is declared), tests/cypher/composed.cypher holds the composed listings, and the
// multi-statement files (schema, property types) are split at the semicolons ending their lines. The check is the grammar and
// semantic analysis compiled from Neo4j's Java code, under its default CYPHER 5. Errors and
// deprecations fail; parameters are not declared here, so "parameter not defined" is not one.
//
// The front end can swallow a crash of its embedded analysis and report nothing, so first it
// must report each statement of KNOWN_BAD; a checker that passes everything is not trusted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';

const KNOWN_BAD = [
  'MATCH (n) RETURN m',
  'MATCH (n) WHERE exists(n.x) RETURN n',
  'CREATE CONSTRAINT ON (n:X) ASSERT n.a IS UNIQUE',
  'MATCH (n) RETURN n LIMIT 1.5',
  'MATCH (n) RETURN id(n)',
  'MATCH (n) RETURN n.a, count(*) + n.b AS c',
];

const findings = (statement) =>
  lintCypherQuery(statement, {}).diagnostics.filter(isNotParamError);

let failed = 0;
for (const bad of KNOWN_BAD) {
  if (findings(bad).length === 0) {
    console.error(`the front end reported nothing for a known-bad statement: ${bad}`);
    failed++;
  }
}
if (failed) {
  console.error('Neo4j front end not trusted: it misses known-bad statements');
  process.exit(2);
}

const root = process.argv[2] ?? '.';
const declarations = readFileSync(join(root, 'src/graph/cypher.rs'), 'utf8');
const statements = [];
for (const [, name, files] of declarations.matchAll(/^\s*([A-Z_]+) => \[([^\]]+)\]/gm)) {
  const text = [...files.matchAll(/"([^"]+)"/g)]
    .map(([, f]) => readFileSync(join(root, 'cypher', f), 'utf8'))
    .join('');
  const parts = ['SCHEMA', 'PROPERTY_TYPES'].includes(name) ? text.split(/;\s*$/m) : [text];
  parts.forEach((part, i) => statements.push([parts.length > 1 ? `${name}[${i}]` : name, part]));
}
// The listings the service composes at run time, one per filter shape and tail, as written by
// the unit test composed_statements_are_written_for_the_front_end_check.
const composed = readFileSync(join(root, 'tests/cypher/composed.cypher'), 'utf8');
composed
  .split(/;\s*$/m)
  .forEach((part, i) => statements.push([`composed[${i}]`, part]));
if (statements.length < 10) {
  console.error(`only ${statements.length} statements found in src/graph/cypher.rs`);
  process.exit(2);
}
let checked = 0;
for (const [name, raw] of statements) {
  const statement = raw.replace(/^\s*\/\/.*$/gm, '').trim();
  if (!statement) continue;
  checked++;
  for (const d of findings(statement)) {
    const kind = d.severity === 1 ? 'error' : 'deprecation';
    const line = statement.slice(0, d.offsets.start).split('\n').length;
    console.error(`${name}: ${kind} at line ${line}: ${d.message}`);
    failed++;
  }
}
if (failed) {
  console.error(`${failed} finding(s) from Neo4j's Cypher front end`);
  process.exit(1);
}
console.log(`Neo4j's Cypher front end: ${checked} statements clean, ${KNOWN_BAD.length} known-bad ones caught`);
