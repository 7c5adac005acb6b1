import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A static reading of which 400, 404 and 409 codes each operation can answer: from its controller
 * handler, through the functions it calls (by name: the same file's, else the one function of that name
 * in the source when the file imports it; a collaborator's method by the class its field is declared as), the command classes it sends (their `@CommandHandler`'s `execute`) and
 * the command types it names (`type: 'X'`, or in a controller a bare `'X'` some decider has a `case` for: every `case 'X':` block of the deciders, the part of the
 * deciding function before its `switch` that every command passes, and any `if (c.type === 'X' …)`).
 * Text only, like error-catalogue.spec.ts: it follows what is written, not what runs, so a code
 * reached only by an interface call (a decider's `decide`) comes through the command types.
 */
const ROOT = join(__dirname, '../..');
const SOURCES = ['libs/domain/src', 'libs/application/src', 'libs/read-models/src', 'apps/api/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = new Map(SOURCES.flatMap((d) => sourceFiles(join(ROOT, d))).filter((f) => !f.includes('/openapi/')).map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]));

/** The text from `open` (an index of `{` or `(`) to its matching close, strings and comments skipped roughly. */
function block(src: string, open: number): string {
  const pairs: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < src.length && src[i] !== ch; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (ch === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return src.slice(open, i + 1);
    }
  }
  return src.slice(open);
}

/** The body of the function or method whose signature starts at `at`: the `{` ending its signature line, or an arrow's expression. */
function bodyAt(src: string, at: number): string {
  const eol = src.indexOf('\n', at);
  const line = src.slice(at, eol < 0 ? undefined : eol);
  if (line.trimEnd().endsWith('=>')) {
    // An arrow whose expression starts on the next line runs to the line that ends the statement.
    const end = src.indexOf(';\n', eol);
    return src.slice(eol, end < 0 ? undefined : end);
  }
  const arrow = line.indexOf('=> ');
  if (arrow >= 0 && !line.trimEnd().endsWith('{')) {
    const rest = line.slice(arrow + 3).trimEnd();
    return /[({[]$/.test(rest) ? rest.slice(0, -1) + block(src, at + arrow + 3 + rest.length - 1) : rest;
  }
  // The signature may run over lines: its body is the first `{` that ends a line at depth 0 of parentheses.
  let depth = 0;
  for (let i = at; i < src.length; i++) {
    const ch = src[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '{' && depth === 0 && /^\s*\n/.test(src.slice(i + 1, i + 3) + '\n')) return block(src, i);
  }
  return '';
}

interface Fn {
  readonly file: string;
  readonly body: string;
  /** How it was reached: the names followed from the handler. */
  readonly via?: string;
}

/** Every named function, arrow constant and method, by name. */
const functions = new Map<string, Fn[]>();
/** The classes' methods, as `Class.method`. */
const methods = new Map<string, Fn>();
for (const [file, src] of files) {
  for (const m of src.matchAll(/^(?:export )?(?:async )?function\*? (\w+)|^(?:export )?const (\w+)(?:: [^=]+)? = (?:async )?\([^)]*\)(?:: [^=]+)? =>|^ {2}(?:(?:private|public|protected|static|readonly|async) )*(\w+)(?:<[^\n]*>)?\([^\n]*\)(?:: [^\n]*)? \{$/gm)) {
    const name = (m[1] ?? m[2] ?? m[3])!;
    if (['if', 'for', 'while', 'switch', 'return', 'constructor'].includes(name)) continue;
    const fn = { file, body: bodyAt(src, m.index!) };
    functions.set(name, [...(functions.get(name) ?? []), fn]);
    if (m[3]) {
      const cls = [...src.slice(0, m.index!).matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)].pop()?.[1];
      if (cls) methods.set(`${cls}.${name}`, fn);
    }
  }
}

/** The names each file imports: a call to another file's function goes through one. */
const imports = new Map([...files].map(([file, src]) => [file, new Set([...src.matchAll(/^import (?:type )?\{([^}]*)\} from/gm)].flatMap((m) => m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!)))]));

/** The command and query classes' handlers: `@CommandHandler(X)` or `@QueryHandler(X)` → the `execute` body of the class that follows. */
const commandHandlers = new Map<string, Fn>();
for (const [file, src] of files) {
  for (const m of src.matchAll(/@(?:Command|Query)Handler\((\w+)\)/g)) {
    const exec = src.indexOf('execute(', m.index!);
    const start = src.lastIndexOf('\n', exec) + 1;
    if (exec > 0) commandHandlers.set(m[1]!, { file, body: bodyAt(src, start) });
  }
}

/** Every `case 'X':` group's block in a switch, and the part before the switch of the function holding it. */
function caseBlocks(type: string): Fn[] {
  const out: Fn[] = [];
  for (const [file, src] of files) {
    if (!file.startsWith('libs/')) continue;
    for (const m of src.matchAll(new RegExp(`^( *)case '${type}':`, 'gm'))) {
      const indent = m[1]!;
      const lines = src.slice(m.index!).split('\n');
      let end = 1;
      // The group's other labels, then its statements up to the next label at the same indentation.
      while (end < lines.length && lines[end]!.startsWith(`${indent}case `)) end++;
      while (end < lines.length && !new RegExp(`^${indent}(case |default:|})`).test(lines[end]!)) end++;
      out.push({ file, body: lines.slice(0, end).join('\n') });
      out.push({ file, body: preamble(src, m.index!) });
    }
    for (const m of src.matchAll(new RegExp(`^( *)if \\([^\\n]*\\.type === '${type}'[^\\n]*$`, 'gm'))) {
      const line = m[0];
      out.push({ file, body: line.trimEnd().endsWith('{') ? block(src, m.index! + line.lastIndexOf('{')) : line });
    }
  }
  return out;
}

/** The statements of the function around `at` before its `switch`, without those that are for another command type. */
function preamble(src: string, at: number): string {
  const sw = src.lastIndexOf('switch (', at);
  const fn = src.lastIndexOf('\nexport function ', sw);
  const fn2 = src.lastIndexOf('\nfunction ', sw);
  const start = Math.max(fn, fn2);
  if (sw < 0 || start < 0) return '';
  let text = src.slice(start, sw);
  // `if (c.type === 'Y' …) { … }` and `if (c.type === 'Y' …) return …;` are another command's way.
  for (const m of [...text.matchAll(/^ *if \([^\n]*\.type === '\w+'[^\n]*$/gm)].reverse()) {
    const line = m[0];
    const stmt = line.trimEnd().endsWith('{') ? line.slice(0, line.lastIndexOf('{')) + block(text, m.index! + line.lastIndexOf('{')) : line;
    text = text.slice(0, m.index!) + text.slice(m.index! + stmt.length);
  }
  return text;
}

const HELPER_STATUS: Record<string, number> = { invalid: 400, notFound: 404, illegalState: 409 };
const EXCEPTION_STATUS: Record<string, number> = { BadRequest: 400, NotFound: 404, Conflict: 409 };

/** The 400, 404 and 409 codes thrown in a text. */
function thrownIn(text: string): { status: number; code: string }[] {
  const out: { status: number; code: string }[] = [];
  for (const m of text.matchAll(/\b(invalid|notFound|illegalState)\(\s*'([A-Z_]+)'/g)) out.push({ status: HELPER_STATUS[m[1]!]!, code: m[2]! });
  for (const m of text.matchAll(/new (BadRequest|NotFound|Conflict)Exception\(\s*\{\s*code: '([A-Z_]+)'/g)) out.push({ status: EXCEPTION_STATUS[m[1]!]!, code: m[2]! });
  for (const m of text.matchAll(/new HttpException\(\s*\{\s*code: '([A-Z_]+)'[^)]*\},\s*(400|404|409|HttpStatus\.BAD_REQUEST)\)/g)) out.push({ status: m[2] === 'HttpStatus.BAD_REQUEST' ? 400 : Number(m[2]), code: m[1]! });
  return out;
}

const DISPATCHES = /switch \((?:c|command|cmd)\.type\)/;

/** A function that catches the domain's refusals and answers with none (the call list's probe of a contact). */
const SWALLOWS = /catch \((\w+)\) \{\s*if \(!\(\1 instanceof DomainError\)\) throw \1;\s*return /;

/** The events' types (`type: 'X'` with its `data`): a `case` on one is a fold, not a decision. */
const EVENT_TYPES = new Set([...files.values()].flatMap((src) => [...src.matchAll(/\btype: '([A-Z]\w+)'(?: as const)?[;,]\s*(?:readonly )?data\b/g)].map((m) => m[1]!)));

/** The commands' types: what the deciders' `case`s decide on that is no event. */
const COMMAND_TYPES = new Set([...files].filter(([f]) => f.startsWith('libs/')).flatMap(([, src]) => [...src.matchAll(/^ *case '([A-Z]\w+)':/gm)].map((m) => m[1]!)).filter((t) => !EVENT_TYPES.has(t)));

export interface Handler {
  readonly operation: string;
  readonly file: string;
  /** Its decorators, from the route's on. */
  readonly decorators: string;
  readonly body: string;
}

/** Every controller handler as `METHOD /path` (the document's spelling). */
export function handlers(): Handler[] {
  const out: Handler[] = [];
  for (const [file, src] of files) {
    if (!file.endsWith('.controller.ts')) continue;
    for (const m of src.matchAll(/@(Get|Post|Put|Delete|Patch)\((?:'([^']*)')?\)/g)) {
      const controller = [...src.slice(0, m.index!).matchAll(/@Controller\((?:'([^']*)')?\)/g)].pop();
      const path = `/${[controller?.[1] ?? '', m[2] ?? ''].filter(Boolean).join('/')}`.replace(/:(\w+)/g, '{$1}');
      const sig = src.slice(m.index!).search(/\n {2}(?:async )?\w+\(/);
      const at = m.index! + sig + 1;
      out.push({ operation: `${m[1]!.toUpperCase()} ${path}`, file, decorators: src.slice(m.index!, at), body: bodyAt(src, at) });
    }
  }
  return out;
}

/** The 400, 404 and 409 codes a handler's path reaches, as `status CODE`, each with the way there and the file it is thrown in. */
export function reached(h: Handler): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const queue: Fn[] = [{ file: h.file, body: h.body, via: h.operation }];
  while (queue.length > 0) {
    const { file, body, via } = queue.shift()!;
    if (seen.has(`${file}\n${body}`)) continue;
    seen.add(`${file}\n${body}`);
    for (const { status, code } of thrownIn(body)) if (!found.has(`${status} ${code}`)) found.set(`${status} ${code}`, `${via} (${file})`);
    // `f(`, `this.f(` and `...f(`; not a method of some object (`x.f(`).
    for (const m of body.matchAll(/(?<![\w$])(?<![^.]\.)(?:this\.)?(\w+)\(/g)) {
      const candidates = functions.get(m[1]!) ?? [];
      const local = candidates.filter((f) => f.file === file);
      const pick = local.length > 0 ? local : candidates.length === 1 && imports.get(file)?.has(m[1]!) ? candidates : [];
      // A function that dispatches on the command's type is reached through the types named, not whole.
      queue.push(...pick.filter((f) => !DISPATCHES.test(f.body) && !SWALLOWS.test(f.body)).map((f) => ({ ...f, via: `${via} > ${m[1]}` })));
    }
    // A collaborator's method, `this.commands.issue(…)`: the class its field is declared as (`commands: Commands`).
    for (const m of body.matchAll(/\bthis\.(\w+)\.(\w+)\(/g)) {
      const type = files.get(file)!.match(new RegExp(`\\b${m[1]}: (\\w+)`))?.[1];
      const method = type && methods.get(`${type}.${m[2]}`);
      if (method) queue.push({ ...method, via: `${via} > ${type}.${m[2]}` });
    }
    for (const m of body.matchAll(/\bnew (\w+)\(/g)) {
      const handler = commandHandlers.get(m[1]!);
      if (handler) queue.push({ ...handler, via: `${via} > new ${m[1]}` });
    }
    // `type: 'X'` builds a command; in a controller a bare `'X'` a decider has a `case` for is one passed on.
    const types = [...body.matchAll(/\btype: '([A-Z]\w+)'/g)].map((m) => m[1]!).filter((t) => !EVENT_TYPES.has(t));
    if (file.endsWith('.controller.ts')) types.push(...[...body.matchAll(/'([A-Z]\w+)'/g)].map((m) => m[1]!).filter((t) => COMMAND_TYPES.has(t)));
    for (const t of new Set(types)) queue.push(...caseBlocks(t).map((f) => ({ ...f, via: `${via} > '${t}'` })));
  }
  return found;
}
