import Ajv from 'ajv';
import addFormats from 'ajv-formats';

type Media = { schema?: unknown };
export type DocumentedResponse = { $ref?: string; 'x-codes'?: string[]; content?: Record<string, Media> };
type Operation = { responses: Record<string, DocumentedResponse> };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, DocumentedResponse> } };

/** The running app's OpenAPI document (`/docs/openapi.json`). */
export async function fetchOpenApiDocument(baseUrl: string): Promise<OpenApiDocument> {
  return (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as OpenApiDocument;
}

/**
 * Checks real answers against the document: `problems` names what is wrong with an answer given the
 * schema of the status it came with (a command's 201 has its own), or null when it fits.
 */
export function answerChecker(doc: OpenApiDocument) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: doc.components }, 'doc');
  const schemaOf = (method: string, path: string, status = 200) => doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
  const problems = (method: string, path: string, body: unknown, status = 200): string | null => {
    const schema = schemaOf(method, path, status);
    if (!schema) return `${method.toUpperCase()} ${path}: no documented ${status} schema`;
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')));
    return validate(body) ? null : `${method.toUpperCase()} ${path}: ${ajv.errorsText(validate.errors)}`;
  };
  return { schemaOf, problems };
}
