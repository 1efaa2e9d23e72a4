/** Validators from the vendored Frictionless profiles (JSON Schema draft-04, see tests/fixtures/frictionless). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

// Both packages are CommonJS with `module.exports.default` set to the export itself.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
// A UI hint of the profiles ("format": "textarea"), not a validation format.
ajv.addFormat('textarea', true);

const profile = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/frictionless', name), 'utf8'));
export const validatePackage = ajv.compile(profile('data-package.json'));
export const validateTabularResource = ajv.compile(profile('tabular-data-resource.json'));
