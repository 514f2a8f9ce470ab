// Validates an OpenAPI document (a file path argument) against the official OpenAPI 3.0/3.1 JSON schemas.
// Prints {"valid":bool,"version":"3.1","errors":[…]} and exits 0 when valid, 1 when not.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";

const validator = new Validator();
const document = JSON.parse(await readFile(process.argv[2], "utf8"));
const result = await validator.validate(document);
console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));
process.exit(result.valid ? 0 : 1);
