#!/usr/bin/env node
// Check the lotuspay-contract JSON Schemas with Ajv (Draft 2020-12) in its strictest mode.
//
//   node tools/node/ajv-check.mjs compile             compile every schema and strict overlay
//   node tools/node/ajv-check.mjs examples            validate schemas/examples/ and each
//                                                     schema's own "examples", both levels
//   node tools/node/ajv-check.mjs verdicts FILE       FILE holds JSON lines {"schema", "strict",
//                                                     "data"}; print one {"valid", "errors"} each
//
// Options: --schemas DIR (default: the project's schemas/). Exit status 1 on any failure, 2 on
// bad usage. Output is JSON (compile, examples: one document; verdicts: JSON lines).
//
// The schemas carry annotation keywords (x-rule, x-level, ...) that strict Ajv rejects unless
// they are registered. The project ships their definitions as a JSON meta-schema,
// schemas/vocabulary/annotations.json; registerAnnotations() below is all it takes:
//
//   for (const [keyword, metaSchema] of Object.entries(vocabulary.properties))
//     ajv.addKeyword({ keyword, metaSchema });

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const HERE = dirname(fileURLToPath(import.meta.url));
const BASE_URI = "https://schemas.lotuspay-contract.invalid/v1/";

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Register the project's annotation keywords, each checked against its meta-schema. */
export function registerAnnotations(ajv, vocabulary) {
  for (const [keyword, metaSchema] of Object.entries(vocabulary.properties)) {
    ajv.addKeyword({ keyword, metaSchema });
  }
}

/** Return an Ajv 2020 instance in strict mode that fails (not logs) on every strict finding. */
export function strictAjv(schemasDir, warnings) {
  const ajv = new Ajv2020({
    strict: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: true,
    strictTuples: true,
    strictRequired: true,
    allErrors: true,
    // Any strict finding Ajv would only log is collected and reported as a failure.
    logger: {
      log: () => {},
      warn: (...args) => warnings.push(args.join(" ")),
      error: (...args) => warnings.push(args.join(" ")),
    },
  });
  addFormats(ajv);
  registerAnnotations(ajv, readJson(join(schemasDir, "vocabulary", "annotations.json")));
  return ajv;
}

// *.schema.json describe the toolkit's own files (its config, a baseline), not API documents:
// compiled on their own (toolSchemaNames), with no strict overlay.
function schemaNames(schemasDir) {
  return readdirSync(schemasDir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

function uri(name, strict) {
  return `${BASE_URI}${strict ? "strict/" : ""}${name}.json`;
}

function load(schemasDir) {
  const warnings = [];
  const ajv = strictAjv(schemasDir, warnings);
  const names = schemaNames(schemasDir);
  const documents = {};
  for (const name of names) {
    for (const strict of [false, true]) {
      const path = join(schemasDir, strict ? "strict" : "", `${name}.json`);
      const schema = readJson(path);
      if (schema.$id !== uri(name, strict)) {
        throw new Error(`${path}: $id is ${schema.$id}, expected ${uri(name, strict)}`);
      }
      documents[schema.$id] = schema;
      ajv.addSchema(schema);
    }
  }
  return { ajv, names, warnings, documents };
}

function compileAll(schemasDir) {
  const { ajv, names, warnings } = load(schemasDir);
  const compiled = [];
  const errors = [];
  for (const name of names) {
    for (const strict of [false, true]) {
      const id = uri(name, strict);
      try {
        ajv.getSchema(id);
        compiled.push(id);
      } catch (error) {
        errors.push(`${id}: ${error.message}`);
      }
    }
  }
  for (const warning of warnings) errors.push(`strict mode: ${warning}`);
  return { ajv, names, compiled, errors };
}

function show(errors) {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} (${e.schemaPath})`);
}

function toolSchemaNames(schemasDir) {
  return readdirSync(schemasDir).filter((f) => f.endsWith(".schema.json")).sort();
}

function commandCompile(schemasDir) {
  const { compiled, errors } = compileAll(schemasDir);
  for (const file of toolSchemaNames(schemasDir)) {
    const warnings = [];
    try {
      strictAjv(schemasDir, warnings).compile(readJson(join(schemasDir, file)));
      compiled.push(file);
    } catch (error) {
      errors.push(`${file}: ${error.message}`);
    }
    for (const warning of warnings) errors.push(`${file}: strict mode: ${warning}`);
  }
  return { ok: errors.length === 0 && compiled.length > 0, compiled, errors };
}

function commandExamples(schemasDir) {
  const { ajv, names, errors } = compileAll(schemasDir);
  const checked = [];
  if (errors.length) return { ok: false, checked, errors };
  for (const name of names) {
    const own = readJson(join(schemasDir, `${name}.json`)).examples ?? [];
    // The shipped example files are valid at both levels; a schema's own examples at its
    // level only (error.json shows a flat error, which the strict overlay flags).
    const documents = [
      [`examples/${name}.json`, readJson(join(schemasDir, "examples", `${name}.json`)), [false, true]],
      ...own.map((doc, i) => [`${name}.json#/examples/${i}`, doc, [false]]),
    ];
    for (const [where, doc, levels] of documents) {
      for (const strict of levels) {
        const validate = ajv.getSchema(uri(name, strict));
        const valid = validate(doc);
        checked.push({ example: where, schema: uri(name, strict), valid });
        if (!valid) errors.push(`${where} against ${uri(name, strict)}: ${show(validate.errors)}`);
      }
    }
  }
  return { ok: errors.length === 0 && checked.length > 0, checked, errors };
}

function commandVerdicts(schemasDir, file) {
  const { ajv, errors } = compileAll(schemasDir);
  if (errors.length) return { ok: false, errors };
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim());
  const out = [];
  for (const line of lines) {
    const { schema, strict, data } = JSON.parse(line);
    const validate = ajv.getSchema(uri(schema, strict));
    if (!validate) throw new Error(`unknown schema ${schema}`);
    const valid = validate(data);
    out.push(JSON.stringify({ valid, errors: valid ? [] : show(validate.errors) }));
  }
  process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
  return null;
}

function main(argv) {
  let schemasDir = resolve(HERE, "..", "..", "schemas");
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--schemas") schemasDir = resolve(argv[++i]);
    else rest.push(argv[i]);
  }
  const [command, ...args] = rest;
  let result;
  if (command === "compile" && args.length === 0) result = commandCompile(schemasDir);
  else if (command === "examples" && args.length === 0) result = commandExamples(schemasDir);
  else if (command === "verdicts" && args.length === 1) result = commandVerdicts(schemasDir, args[0]);
  else {
    process.stderr.write("usage: ajv-check.mjs [--schemas DIR] compile | examples | verdicts FILE\n");
    return 2;
  }
  if (result === null) return 0;
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  return result.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
